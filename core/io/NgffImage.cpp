#include "io/NgffImage.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "io/BoundedJson.h"
#include "io/NgffTransformations.h"
#include "io/OmeZarrStore.h"
#include "io/ZarrAttributes.h"
#include "io/ZarrImagePlane.h"

namespace teramind {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxLevels = 40;
constexpr std::size_t kMaxAxes = 8;
constexpr std::int64_t kMaxChannels = 1 << 16;
constexpr std::int64_t kMaxPlanes = 1 << 20;
// A window a caller may ask for at once: 256 Mpx (512 MiB of values).
constexpr std::int64_t kMaxWindowPixels = std::int64_t(1) << 28;

// The group's metadata file and its attributes (v2 .zattrs; v3 zarr.json's "attributes").
struct GroupAttributes {
  fs::path file;
  json attributes;
  bool v3 = false;
};

GroupAttributes groupAttributes(const fs::path& path) {
  GroupAttributes g;
  g.file = zarrAttributesFile(path);
  if (g.file.empty())
    throw FileError(path, "holds neither .zattrs nor zarr.json (not an NGFF image)");
  g.v3 = g.file.filename() == "zarr.json";
  g.attributes = readZarrAttributes(g.file);
  return g;
}

// One axis's map from pixel index to the multiscales' units: value = scale · index + shift.
struct AxisMap {
  double scale = 1, shift = 0;
};

// Applies a coordinateTransformations list (scale, translation, identity) to `maps`.
void applyTransformations(const json& list, std::vector<AxisMap>& maps, const fs::path& file,
                          const std::string& where) {
  if (list.is_null()) return;
  if (!list.is_array() || list.size() > 16)
    throw FileError(file, where + ": not a list of transformations");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& t = list[i];
    const std::string at = fmt::format("{}[{}]", where, i);
    if (!t.is_object() || !t.value("type", json()).is_string())
      throw FileError(file, at + ": a transformation without a type");
    const std::string type = t["type"].get<std::string>();
    if (type == "identity") continue;
    if (type != "scale" && type != "translation")
      throw FileError(file, fmt::format("{}: type \"{}\" (only scale, translation, identity "
                                        "place an image's levels)",
                                        at, type));
    const json values = t.value(type, json());
    if (values.is_null() && t.contains("path"))
      throw FileError(file, at + ": values in a binary file (\"path\") are not read");
    if (!values.is_array() || values.size() != maps.size())
      throw FileError(file, fmt::format("{}.{}: {} is not {} numbers (one per axis)", at, type,
                                        shownJson(values), maps.size()));
    for (std::size_t d = 0; d < maps.size(); ++d) {
      if (!values[d].is_number() || !std::isfinite(values[d].get<double>()))
        throw FileError(file, fmt::format("{}.{}: {} holds a value that is not a finite number", at,
                                          type, shownJson(values)));
      const double v = values[d].get<double>();
      if (type == "scale") {
        if (!(v > 0))
          throw FileError(file, fmt::format("{}.scale: {} is not positive", at, shownJson(values)));
        maps[d].scale *= v, maps[d].shift *= v;
      } else {
        maps[d].shift += v;
      }
    }
  }
}

std::vector<std::string> axisNames(const json& axes, const fs::path& file,
                                   std::vector<std::string>& units) {
  if (!axes.is_array() || axes.empty() || axes.size() > kMaxAxes)
    throw FileError(file, fmt::format("multiscales[0].axes: {} is not a list of 1…{} axes",
                                      shownJson(axes), kMaxAxes));
  std::vector<std::string> names;
  for (const auto& a : axes) {
    const json& name = a.is_object() ? a.value("name", json()) : a;
    if (!name.is_string())
      throw FileError(file, fmt::format("multiscales[0].axes: {} has no name", shownJson(a)));
    names.push_back(name.get<std::string>());
    const json unit = a.is_object() ? a.value("unit", json()) : json();
    units.push_back(unit.is_string() ? unit.get<std::string>() : std::string());
  }
  for (const char* needed : {"x", "y"})
    if (std::find(names.begin(), names.end(), needed) == names.end())
      throw FileError(file, fmt::format("multiscales[0].axes: no \"{}\" axis", needed));
  return names;
}

// µm per unit of an axis; an absent or unknown unit is taken as µm.
double umPerUnit(const std::string& unit) {
  const double um = micrometresPerUnit(unit);
  return um > 0 ? um : 1;
}

// What the metadata says, read once at open.
struct NgffImageData {
  fs::path path;
  std::string version;
  std::vector<std::string> axes;
  std::vector<NgffImageLevel> levels;
  std::vector<std::string> channels;
  int planes = 1;
  double planeUm = 0;
  int bits = 8;
  std::optional<OmeZarrStore> store;  // ours
};

}  // namespace

struct NgffImage::State : NgffImageData {
  // Other tools' planes, opened on first use (a header read each).
  std::mutex mutex;
  std::map<std::tuple<int, int, int>, std::shared_ptr<const ZarrImagePlane>> opened;

  std::shared_ptr<const ZarrImagePlane> plane(int level, int channel, int z) {
    const auto key = std::make_tuple(level, channel, z);
    {
      const std::lock_guard<std::mutex> lock(mutex);
      if (const auto it = opened.find(key); it != opened.end()) return it->second;
    }
    auto made = std::make_shared<const ZarrImagePlane>(
        path / fs::path(levels[std::size_t(level)].path), axes, channel, z);
    const std::lock_guard<std::mutex> lock(mutex);
    return opened.emplace(key, std::move(made)).first->second;
  }

  void check(int level, int channel, int z) const {
    if (level < 0 || std::size_t(level) >= levels.size() || channel < 0 ||
        std::size_t(channel) >= channels.size() || z < 0 || z >= planes)
      throw std::out_of_range(fmt::format("{}: level {}, channel {}, z {} of {}, {}, {}",
                                          path.string(), level, channel, z, levels.size(),
                                          channels.size(), planes));
  }
};

namespace {

void readOurs(NgffImageData& s, const fs::path& path) {
  s.store = OmeZarrStore::open(path);
  const OmeZarrLayout& L = s.store->layout();
  s.version = L.format == OmeZarrFormat::V2 ? "0.4" : "0.5";
  s.axes = {"c", "z", "y", "x"};
  s.channels = L.channels;
  s.planes = L.planes;
  s.planeUm = L.planeUm;
  s.bits = 8;
  for (int l = 0; l < L.levels; ++l) {
    NgffImageLevel level;
    level.path = std::to_string(l);
    level.width = L.levelWidth(l), level.height = L.levelHeight(l);
    level.chunkWidth = level.chunkHeight = L.chunk;
    level.pixelUmX = level.pixelUmY = L.levelPixelUm(l);
    level.translationXUm = L.originXUm + L.levelPixelUm(l) / 2;
    level.translationYUm = L.originYUm + L.levelPixelUm(l) / 2;
    s.levels.push_back(level);
  }
}

void readForeign(NgffImageData& s, const GroupAttributes& g) {
  const fs::path& file = g.file;
  const json& ms = ngffAttribute(g.attributes, "multiscales");
  if (!ms.is_array() || ms.empty() || !ms[0].is_object())
    throw FileError(file, "multiscales: missing or not a list of images");
  const json& m = ms[0];
  const json& ome = g.attributes.value("ome", json());
  if (ome.is_object() && ome.value("version", json()).is_string())
    s.version = ome["version"].get<std::string>();
  else if (m.value("version", json()).is_string())
    s.version = m["version"].get<std::string>();
  std::vector<std::string> units;
  s.axes = axisNames(m.value("axes", json()), file, units);
  const auto axis = [&](const char* name) {
    return std::size_t(std::find(s.axes.begin(), s.axes.end(), name) - s.axes.begin());
  };
  const std::size_t xAxis = axis("x"), yAxis = axis("y"), zAxis = axis("z");
  const json& datasets = m.value("datasets", json());
  if (!datasets.is_array() || datasets.empty() || datasets.size() > kMaxLevels)
    throw FileError(file,
                    fmt::format("multiscales[0].datasets: not a list of 1…{} levels", kMaxLevels));
  const std::size_t n = s.axes.size();
  std::int64_t channels = 0, planes = 0;
  for (std::size_t l = 0; l < datasets.size(); ++l) {
    const std::string where = fmt::format("multiscales[0].datasets[{}]", l);
    const json& d = datasets[l];
    if (!d.is_object() || !d.value("path", json()).is_string())
      throw FileError(file, where + ": no path");
    NgffImageLevel level;
    level.path = d["path"].get<std::string>();
    const fs::path relative(level.path);
    if (level.path.empty() || relative.is_absolute() ||
        std::any_of(relative.begin(), relative.end(), [](const fs::path& p) { return p == ".."; }))
      throw FileError(
          file, fmt::format("{}.path: \"{}\" is not a folder inside the image", where, level.path));
    std::vector<AxisMap> maps(n);
    applyTransformations(d.value("coordinateTransformations", json()), maps, file,
                         where + ".coordinateTransformations");
    applyTransformations(m.value("coordinateTransformations", json()), maps, file,
                         "multiscales[0].coordinateTransformations");
    const double umX = umPerUnit(units[xAxis]), umY = umPerUnit(units[yAxis]);
    level.pixelUmX = maps[xAxis].scale * umX, level.pixelUmY = maps[yAxis].scale * umY;
    level.translationXUm = maps[xAxis].shift * umX;
    level.translationYUm = maps[yAxis].shift * umY;
    if (l == 0 && zAxis < n) s.planeUm = maps[zAxis].scale * umPerUnit(units[zAxis]);

    const ZarrImagePlane plane(s.path / relative, s.axes, 0, 0);
    level.width = plane.width(), level.height = plane.height();
    level.chunkWidth = plane.chunkWidth(), level.chunkHeight = plane.chunkHeight();
    if (l == 0) {
      channels = plane.channels(), planes = plane.planes();
      s.bits = plane.bitsPerSample();
      if (channels > kMaxChannels || planes > kMaxPlanes)
        throw FileError(s.path / relative,
                        fmt::format("{} channels × {} planes, more than the {} × {} read", channels,
                                    planes, kMaxChannels, kMaxPlanes));
    } else {
      const NgffImageLevel& finer = s.levels.back();
      if (plane.channels() != channels || plane.planes() != planes ||
          plane.bitsPerSample() != s.bits)
        throw FileError(s.path / relative,
                        fmt::format("level {}: {} channels × {} planes of {}-bit, level 0 {} × {} "
                                    "of {}-bit",
                                    l, plane.channels(), plane.planes(), plane.bitsPerSample(),
                                    channels, planes, s.bits));
      if (level.width > finer.width || level.height > finer.height)
        throw FileError(file,
                        fmt::format("{}: {} × {} px, larger than the level before it "
                                    "({} × {}): levels must go finest first",
                                    where, level.width, level.height, finer.width, finer.height));
    }
    s.levels.push_back(level);
  }
  s.planes = static_cast<int>(planes);
  const json& omero = ngffAttribute(g.attributes, "omero");
  const json labels = omero.is_object() ? omero.value("channels", json()) : json();
  for (std::int64_t c = 0; c < channels; ++c) {
    const json label =
        labels.is_array() && std::size_t(c) < labels.size() && labels[std::size_t(c)].is_object()
            ? labels[std::size_t(c)].value("label", json())
            : json();
    s.channels.push_back(label.is_string() && !label.get<std::string>().empty()
                             ? label.get<std::string>()
                             : fmt::format("channel {}", c));
  }
}

}  // namespace

NgffImage NgffImage::open(const fs::path& path) {
  NgffImage image;
  auto fresh = [&] {
    image.state_ = std::make_shared<State>();
    image.state_->path = path;
    return image.state_.get();
  };
  const GroupAttributes g = groupAttributes(path);
  if (ngffAttribute(g.attributes, "multiscales").is_null())
    throw FileError(g.file, "no multiscales (not an NGFF image)");
  std::error_code ec;
  const bool saysOurs =
      g.attributes.contains("teramind") || fs::exists(path / "teramind-job.json", ec);
  if (saysOurs) {
    readOurs(*fresh(), path);  // a damaged output of ours: OmeZarrStore's own message
    return image;
  }
  // Another tool's image in our exact layout reads the same through OmeZarrStore.
  try {
    readOurs(*fresh(), path);
    return image;
  } catch (const FileError&) {
  }
  readForeign(*fresh(), g);
  return image;
}

bool NgffImage::isNgffImage(const fs::path& path) {
  try {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return false;
    return !ngffAttribute(groupAttributes(path).attributes, "multiscales").is_null();
  } catch (const std::exception&) {
    return false;
  }
}

const fs::path& NgffImage::path() const {
  return state_->path;
}
const std::string& NgffImage::version() const {
  return state_->version;
}
const std::vector<std::string>& NgffImage::axes() const {
  return state_->axes;
}
const std::vector<NgffImageLevel>& NgffImage::levels() const {
  return state_->levels;
}
const std::vector<std::string>& NgffImage::channels() const {
  return state_->channels;
}
int NgffImage::planes() const {
  return state_->planes;
}
double NgffImage::planeUm() const {
  return state_->planeUm;
}
int NgffImage::bitsPerSample() const {
  return state_->bits;
}
bool NgffImage::isTeramindOutput() const {
  return state_->store.has_value();
}

std::vector<std::uint16_t> NgffImage::readWindow(int level, int channel, int z, std::int64_t x0,
                                                 std::int64_t y0, std::int64_t w,
                                                 std::int64_t h) const {
  State& s = *state_;
  s.check(level, channel, z);
  w = std::max<std::int64_t>(w, 0), h = std::max<std::int64_t>(h, 0);
  if (w > 0 && h > kMaxWindowPixels / w)
    throw std::invalid_argument(fmt::format("{}: a window of {} x {} px, more than is read at once",
                                            s.path.string(), w, h));
  if (!s.store) return s.plane(level, channel, z)->readWindow(x0, y0, w, h);
  std::vector<std::uint16_t> out(std::size_t(w) * std::size_t(h), 0);
  const NgffImageLevel& L = s.levels[std::size_t(level)];
  const std::int64_t xa = std::max<std::int64_t>(x0, 0), xb = std::min(x0 + w, L.width);
  const std::int64_t ya = std::max<std::int64_t>(y0, 0), yb = std::min(y0 + h, L.height);
  const std::int64_t c = L.chunkWidth;
  for (std::int64_t row = ya / c; ya < yb && row * c < yb; ++row)
    for (std::int64_t col = xa / c; xa < xb && col * c < xb; ++col) {
      if (!s.store->hasChunk(level, channel, z, row, col)) continue;
      const auto bytes = s.store->readChunk(level, channel, z, row, col);
      for (std::int64_t y = std::max(ya, row * c); y < std::min(yb, (row + 1) * c); ++y)
        for (std::int64_t x = std::max(xa, col * c); x < std::min(xb, (col + 1) * c); ++x)
          out[std::size_t((y - y0) * w + (x - x0))] =
              bytes[std::size_t((y - row * c) * c + (x - col * c))];
    }
  return out;
}

bool NgffImage::hasChunk(int level, int channel, int z, std::int64_t chunkRow,
                         std::int64_t chunkCol) const {
  State& s = *state_;
  s.check(level, channel, z);
  const NgffImageLevel& L = s.levels[std::size_t(level)];
  if (chunkRow < 0 || chunkCol < 0 || chunkRow >= L.chunkRows() || chunkCol >= L.chunkCols())
    return false;
  if (s.store) return s.store->hasChunk(level, channel, z, chunkRow, chunkCol);
  return s.plane(level, channel, z)->hasChunk(chunkRow, chunkCol);
}

}  // namespace teramind
