#include "io/SpatialDataStore.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "common/NameList.h"
#include "common/TextAffixes.h"
#include "io/BoundedJson.h"
#include "io/NgffTransformations.h"
#include "io/ParquetFile.h"
#include "io/ParquetParts.h"
#include "io/SpatialDataset.h"
#include "io/WkbGeometry.h"
#include "io/ZarrAttributes.h"
#include "io/ZarrImagePlane.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/SectionCoordinates.h"

namespace teramind {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxElements = 100000;  // per kind: a listing bounded by the store
constexpr int kCircleVertices = 32;
constexpr int kMaxChannels = 256;  // stains of one image
constexpr double kPi = 3.14159265358979323846;

const std::pair<const char*, SpatialDataStore::Kind> kKinds[] = {
    {"points", SpatialDataStore::Kind::Points},
    {"shapes", SpatialDataStore::Kind::Shapes},
    {"images", SpatialDataStore::Kind::Images},
    {"labels", SpatialDataStore::Kind::Labels},
    {"tables", SpatialDataStore::Kind::Tables}};

bool hasRootAttributes(const fs::path& folder) {
  try {
    const json a = readZarrAttributes(zarrAttributesFile(folder));
    return a.contains("spatialdata_attrs") && !a.contains("encoding-type") &&
           !a.contains("multiscales") && !a.contains("ome");
  } catch (const FileError&) {
    return false;
  }
}

bool isRoot(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return false;
  if (hasRootAttributes(folder)) return true;
  // Stores written before the root carried attributes: a *.zarr group with element folders.
  if (asciiLower(folder.extension().string()) != ".zarr" || zarrAttributesFile(folder).empty())
    return false;
  for (const char* kind : {"points", "shapes", "images"})
    if (fs::is_directory(folder / kind, ec)) return true;
  return false;
}

// The folder's absolute, normal form (so that "store/." and "store/points/x/" name it).
fs::path normal(const fs::path& path) {
  auto p = fs::absolute(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

// The coordinate systems named by a transformation list, without checking the maps.
std::vector<std::string> systemNames(const json& list) {
  std::vector<std::string> names;
  if (!list.is_array()) return names;
  for (const auto& t : list) {
    if (!t.is_object()) continue;
    const json output = t.value("output", json());
    const json name = output.is_object() ? output.value("name", json()) : output;
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

// The transformation list an element carries: points and shapes at the top, rasters in
// multiscales[0].
const json& transformationsOf(const json& attributes, SpatialDataStore::Kind kind) {
  static const json none;
  if (kind == SpatialDataStore::Kind::Images || kind == SpatialDataStore::Kind::Labels) {
    const json& ms = ngffAttribute(attributes, "multiscales");
    if (ms.is_array() && !ms.empty() && ms[0].is_object() &&
        ms[0].contains("coordinateTransformations"))
      return ms[0]["coordinateTransformations"];
    return none;
  }
  return attributes.contains("coordinateTransformations") ? attributes["coordinateTransformations"]
                                                          : none;
}

std::vector<std::string> axisNames(const json& axes, const fs::path& file,
                                   const std::string& where) {
  if (!axes.is_array() || axes.empty() || axes.size() > 8)
    throw FileError(file, where + ": not a list of axes");
  std::vector<std::string> names;
  for (const auto& a : axes) {
    const json& name = a.is_object() ? a.value("name", json()) : a;
    if (!name.is_string()) throw FileError(file, where + ": an axis without a name");
    names.push_back(name.get<std::string>());
  }
  return names;
}

// The element's map to `system`, with the unit scale folded in (µm out).
struct ElementMap {
  PlaneMap plane;
  double umPerUnit = 1;
  std::string unit;
  bool unitKnown = true;
  void apply(double x, double y, double z, double& outX, double& outY) const {
    outX = umPerUnit * (plane.xx * x + plane.xy * y + plane.xz * z + plane.tx);
    outY = umPerUnit * (plane.yx * x + plane.yy * y + plane.yz * z + plane.ty);
  }
};

ElementMap mapOf(const SpatialDataStore::Element& e, const std::string& system,
                 const std::vector<std::string>& intrinsicAxes) {
  const json attributes = readZarrAttributes(e.attributesFile);
  const std::string what = fmt::format("{} '{}'", SpatialDataStore::kindName(e.kind), e.name);
  const json& list = transformationsOf(attributes, e.kind);
  if (list.is_null()) throw FileError(e.attributesFile, what + ": no coordinateTransformations");
  const auto mappings = parseCoordinateTransformations(
      list, intrinsicAxes, e.attributesFile,
      e.kind == SpatialDataStore::Kind::Images ? "multiscales[0].coordinateTransformations"
                                               : "coordinateTransformations");
  for (const auto& m : mappings) {
    if (m.system != system) continue;
    ElementMap out;
    out.plane = planeMapOf(m.map, e.attributesFile,
                           fmt::format("{}'s transformation to '{}'", what, system));
    out.unit = m.unit;
    const double um = micrometresPerUnit(m.unit);
    out.unitKnown = um > 0;
    out.umPerUnit = um > 0 ? um : 1;
    return out;
  }
  throw FileError(e.attributesFile,
                  fmt::format("{} has no transformation to coordinate system '{}' (it maps to: {})",
                              what, system, nameList(e.systems)));
}

std::vector<std::string> pointAxes(const json& attributes) {
  std::vector<std::string> axes;
  if (attributes.contains("axes") && attributes["axes"].is_array())
    for (const auto& a : attributes["axes"])
      if (a.is_string()) axes.push_back(a.get<std::string>());
  if (axes.empty()) axes = {"x", "y"};
  return axes;
}

}  // namespace

const char* SpatialDataStore::kindName(Kind kind) {
  for (const auto& [name, k] : kKinds)
    if (k == kind) return name;
  return "?";
}

bool SpatialDataStore::isStore(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return false;
  const fs::path p = normal(path);
  if (isRoot(p)) return true;
  // An element's folder: ROOT/<kind>/<name>.
  const fs::path kind = p.parent_path();
  for (const auto& [name, k] : kKinds)
    if (kind.filename() == name && isRoot(kind.parent_path())) return true;
  return false;
}

SpatialDataStore::SpatialDataStore(const fs::path& path) {
  const fs::path p = normal(path);
  std::string namedKind, namedName;
  if (isRoot(p)) {
    root_ = p;
  } else if (isRoot(p.parent_path().parent_path())) {
    root_ = p.parent_path().parent_path();
    namedKind = p.parent_path().filename().string();
    namedName = p.filename().string();
  } else {
    throw FileError(path,
                    "is not a SpatialData store (no root attributes with "
                    "spatialdata_attrs, and no points/, shapes/ or images/ in a *.zarr)");
  }
  // The root's attributes must at least be readable.
  readZarrAttributes(zarrAttributesFile(root_));
  std::error_code ec;
  for (const auto& [kindFolder, kind] : kKinds) {
    const fs::path folder = root_ / kindFolder;
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<fs::path> groups;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !entry.is_directory()) continue;
      if (groups.size() >= kMaxElements)
        throw FileError(folder, fmt::format("more than {} elements", kMaxElements));
      groups.push_back(entry.path());
    }
    std::sort(groups.begin(), groups.end());
    for (const auto& g : groups) {
      Element e;
      e.kind = kind;
      e.name = g.filename().string();
      e.path = g;
      e.attributesFile = zarrAttributesFile(g);
      if (e.attributesFile.empty()) continue;  // not a Zarr group: not an element
      if (kind != Kind::Tables)
        e.systems = systemNames(transformationsOf(readZarrAttributes(e.attributesFile), kind));
      elements_.push_back(std::move(e));
    }
  }
  if (!namedKind.empty()) {
    for (const auto& e : elements_)
      if (kindName(e.kind) == namedKind && e.name == namedName)
        named_ = std::size_t(&e - elements_.data());
    if (!named_)
      throw FileError(path, "is not an element of the SpatialData store " + root_.string());
  }
}

std::vector<const SpatialDataStore::Element*> SpatialDataStore::elementsOf(Kind kind) const {
  std::vector<const Element*> out;
  for (const auto& e : elements_)
    if (e.kind == kind) out.push_back(&e);
  return out;
}

std::vector<std::string> SpatialDataStore::coordinateSystems() const {
  std::set<std::string> all;
  for (const auto& e : elements_) all.insert(e.systems.begin(), e.systems.end());
  return {all.begin(), all.end()};
}

std::string SpatialDataStore::defaultCoordinateSystem() const {
  const auto systems = coordinateSystems();
  if (systems.empty())
    throw FileError(root_, "no element maps to a coordinate system (no coordinateTransformations)");
  if (std::find(systems.begin(), systems.end(), "global") != systems.end()) return "global";
  if (systems.size() == 1) return systems.front();
  throw FileError(root_,
                  "has several coordinate systems and none is 'global': " + nameList(systems));
}

const SpatialDataStore::Element* SpatialDataStore::pointsToRead() const {
  if (const Element* named = namedElement(); named && named->kind == Kind::Points) return named;
  const auto points = elementsOf(Kind::Points);
  if (points.empty()) return nullptr;
  if (points.size() == 1) return points.front();
  std::vector<std::string> names;
  for (const auto* e : points) names.push_back(e->name);
  throw FileError(root_, fmt::format("holds {} points elements ({}); name the one to read by its "
                                     "folder: {}",
                                     points.size(), nameList(names),
                                     (root_ / "points" / names.front()).string()));
}

TranscriptTable SpatialDataStore::readPoints(const Element& e, const std::string& system,
                                             const ReadProgress& progress) const {
  const json attributes = readZarrAttributes(e.attributesFile);
  const json sd = attributes.value("spatialdata_attrs", json::object());
  if (!sd.is_object() || !sd.contains("feature_key") || !sd["feature_key"].is_string())
    throw FileError(e.attributesFile,
                    fmt::format("points '{}': spatialdata_attrs names no feature_key (the column "
                                "that says which gene each molecule is)",
                                e.name));
  const std::string featureKey = sd["feature_key"].get<std::string>();
  const auto axes = pointAxes(attributes);
  const bool hasZ = std::find(axes.begin(), axes.end(), "z") != axes.end();
  const ElementMap map = mapOf(e, system, axes);

  const auto partFiles = parquetParts(e.path, "points.parquet");
  std::vector<ParquetFile> parts;
  std::uint64_t total = 0;
  for (const auto& f : partFiles) {
    parts.emplace_back(f);  // every footer checked before any row is read
    total += parts.back().rowCount();
  }
  TranscriptTable table;
  // A footer's row count is a claim: reserve no more than 4 M rows on its word.
  table.reserve(std::size_t(std::min<std::uint64_t>(total, std::uint64_t(1) << 22)));
  bool wholeZ = hasZ;
  std::vector<float> zValues;
  std::uint64_t done = 0;
  for (const auto& part : parts) {
    const std::size_t xc = part.column("x"), yc = part.column("y");
    const std::size_t fc = part.column(featureKey);
    const std::optional<std::size_t> zc = hasZ ? std::optional(part.column("z")) : std::nullopt;
    std::uint64_t row0 = 0;
    for (std::size_t g = 0; g < part.rowGroupCount(); ++g) {
      const auto xs = part.readNumbers(g, xc), ys = part.readNumbers(g, yc);
      const auto zs = zc ? part.readNumbers(g, *zc) : std::vector<double>(xs.size(), 0.0);
      std::vector<bool> nulls;
      // Numeric genes as text, integers exactly (readStrings; through double they could merge).
      const std::vector<std::string> names = part.readStrings(g, fc, &nulls);
      if (ys.size() != xs.size() || zs.size() != xs.size() || names.size() != xs.size())
        throw FileError(part.file(),
                        fmt::format("row group {}: its columns disagree in length", g));
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const std::uint64_t row = row0 + i;
        auto where = [&] { return fmt::format("row group {}, row {}", g, row); };
        if (!std::isfinite(xs[i]) || !std::isfinite(ys[i]) || !std::isfinite(zs[i]))
          throw FileError(part.file(),
                          fmt::format("{}: coordinate ({}, {}{}) is not finite", where(), xs[i],
                                      ys[i], hasZ ? fmt::format(", {}", zs[i]) : std::string()));
        if (names[i].empty() || (!nulls.empty() && nulls[i]))
          throw FileError(part.file(), fmt::format("{}: no {} (gene)", where(), featureKey));
        double x = 0, y = 0;
        map.apply(xs[i], ys[i], zs[i], x, y);
        const auto xUm = sectionUm(x), yUm = sectionUm(y);
        if (!xUm || !yUm)
          throw FileError(part.file(), fmt::format("{}: placed at ({}, {}) µm, not a section "
                                                   "position (finite, within ±1 m)",
                                                   where(), x, y));
        if (hasZ) {
          wholeZ = wholeZ && isPlaneIndex(zs[i]);
          zValues.push_back(static_cast<float>(zs[i]));
        }
        table.push(*xUm, *yUm, 0, table.genes.add(names[i]));
      }
      row0 += xs.size();
      done += xs.size();
      if (progress && total) progress(double(done) / double(total));
    }
  }
  // z as MERSCOPE's plane index when every value is one; µm depths stay one plane.
  if (wholeZ)
    for (std::size_t i = 0; i < zValues.size(); ++i)
      table.plane[i] = static_cast<std::uint16_t>(zValues[i]);
  return table;
}

namespace {

// The column holding a shapes table's pandas index (the cell ids): "__index_level_0__" (an
// unnamed index), else the last column other than geometry and radius when it holds text or
// integers (geopandas appends a named index, e.g. cell_id, after the data columns); none (row
// numbers) otherwise. Measurements such as a float `area` are never taken for ids.
std::optional<std::size_t> shapesIndexColumn(const ParquetFile& part, std::size_t geometry,
                                             std::optional<std::size_t> radius) {
  if (const auto unnamed = part.findColumn("__index_level_0__")) return unnamed;
  const auto& columns = part.columns();
  for (std::size_t c = columns.size(); c-- > 0;) {
    if (c == geometry || (radius && c == *radius)) continue;
    const auto type = columns[c].type;
    const bool integer =
        type == ParquetFile::PhysicalType::Int32 || type == ParquetFile::PhysicalType::Int64;
    if (columns[c].isString || integer) return c;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::vector<CellPolygon> SpatialDataStore::readShapes(const Element& e, const std::string& system,
                                                      const ReadProgress& progress) const {
  const json attributes = readZarrAttributes(e.attributesFile);
  const json sd = attributes.value("spatialdata_attrs", json::object());
  if (sd.is_object() && sd.value("version", json()) == "0.1")
    throw FileError(e.attributesFile,
                    fmt::format("shapes '{}': format 0.1 (coords and offsets arrays) is not read; "
                                "spatialdata 0.1 and later write shapes.parquet",
                                e.name));
  const ElementMap map = mapOf(e, system, pointAxes(attributes));
  const auto partFiles = parquetParts(e.path, "shapes.parquet");
  std::vector<ParquetFile> parts;
  std::uint64_t total = 0;
  for (const auto& f : partFiles) {
    parts.emplace_back(f);
    total += parts.back().rowCount();
  }
  std::vector<CellPolygon> cells;
  std::uint64_t done = 0, rowNumber = 0;
  for (const auto& part : parts) {
    const std::size_t gc = part.column("geometry");
    const auto rc = part.findColumn("radius");
    const auto ic = shapesIndexColumn(part, gc, rc);
    for (std::size_t g = 0; g < part.rowGroupCount(); ++g) {
      std::vector<bool> nulls;
      const auto geometries = part.readStrings(g, gc, &nulls);
      const auto radii = rc ? part.readNumbers(g, *rc) : std::vector<double>();
      std::vector<std::string> ids;
      if (ic) ids = part.readStrings(g, *ic);  // integer ids exactly
      if ((rc && radii.size() != geometries.size()) || (ic && ids.size() != geometries.size()))
        throw FileError(part.file(),
                        fmt::format("row group {}: its columns disagree in length", g));
      for (std::size_t i = 0; i < geometries.size(); ++i, ++rowNumber) {
        const auto where = fmt::format("row group {}, row {}", g, rowNumber);
        if (!nulls.empty() && nulls[i]) throw FileError(part.file(), where + ": no geometry");
        WkbGeometry geometry;
        try {
          geometry = decodeWkb(geometries[i]);
        } catch (const WkbError& error) {
          throw FileError(part.file(), where + ", geometry: " + error.what());
        }
        const std::string id = ic ? ids[i] : std::to_string(rowNumber);
        if (geometry.kind == WkbGeometry::Kind::Point) {
          const double r = rc ? radii[i] : std::nan("");
          if (!(r > 0) || !std::isfinite(r))
            throw FileError(part.file(), fmt::format("{}: a circle needs a positive radius "
                                                     "(radius {})",
                                                     where, rc ? fmt::format("{}", r) : "missing"));
          const auto [cx, cy] = geometry.rings.front().front();
          std::vector<std::pair<double, double>> ring;
          for (int k = 0; k < kCircleVertices; ++k) {
            const double a = 2 * kPi * k / kCircleVertices;
            ring.emplace_back(cx + r * std::cos(a), cy + r * std::sin(a));
          }
          geometry.rings = {ring};
        }
        for (std::size_t k = 0; k < geometry.rings.size(); ++k) {
          CellPolygon cell;
          cell.id = geometry.rings.size() > 1 ? fmt::format("{}/{}", id, k) : id;
          for (const auto& [x, y] : geometry.rings[k]) {
            double u = 0, v = 0;
            map.apply(x, y, 0, u, v);
            if (!std::isfinite(u) || !std::isfinite(v))
              throw FileError(part.file(), where + ": a vertex is not finite");
            cell.vertices.emplace_back(u, v);
          }
          cells.push_back(std::move(cell));
        }
      }
      done += geometries.size();
      if (progress && total) progress(double(done) / double(total));
    }
  }
  return cells;
}

std::vector<SpatialDataStore::ImageChannel> SpatialDataStore::imageChannels(
    const Element& e, const std::string& system) const {
  const json attributes = readZarrAttributes(e.attributesFile);
  const fs::path& file = e.attributesFile;
  const json& ms = ngffAttribute(attributes, "multiscales");
  if (!ms.is_array() || ms.empty() || !ms[0].is_object())
    throw FileError(file, fmt::format("image '{}': no multiscales", e.name));
  const auto axes = axisNames(ms[0].value("axes", json()), file, "multiscales[0].axes");
  const json datasets = ms[0].value("datasets", json());
  if (!datasets.is_array() || datasets.empty() || !datasets[0].is_object() ||
      !datasets[0].value("path", json()).is_string())
    throw FileError(file, "multiscales[0].datasets: no level with a path");
  const std::string levelName = datasets[0]["path"].get<std::string>();
  const fs::path levelPath(levelName);
  if (levelName.empty() || levelPath.is_absolute() ||
      std::any_of(levelPath.begin(), levelPath.end(), [](const fs::path& p) { return p == ".."; }))
    throw FileError(file, "multiscales[0].datasets[0].path: \"" + levelName +
                              "\" is not a folder inside the image");
  const fs::path level0 = e.path / levelPath;
  // Level 0's own pixel → intrinsic map (SpatialData writes scale 1; others may not).
  double sx = 1, sy = 1, ox = 0, oy = 0;
  const json levelMaps = datasets[0].value("coordinateTransformations", json::array());
  if (levelMaps.is_array() && !levelMaps.empty()) {
    const auto list =
        json::array({{{"type", "sequence"}, {"transformations", levelMaps}, {"output", "level"}}});
    const auto m = parseCoordinateTransformations(list, axes, file, "multiscales[0].datasets[0]");
    const AxisAffine& a = m.front().map;
    sx = a.coefficient("x", "x"), sy = a.coefficient("y", "y");
    ox = a.coefficient("x", ""), oy = a.coefficient("y", "");
    if (!(sx > 0) || !(sy > 0))
      throw FileError(file, "multiscales[0].datasets[0]: level 0's scale is not positive");
  }
  const ElementMap map = mapOf(e, system, axes);
  const PlaneMap& p = map.plane;
  const double tolerance = 1e-9 * (std::abs(p.xx) + std::abs(p.yy));
  if (std::abs(p.xy) > tolerance || std::abs(p.yx) > tolerance || p.xz != 0 || p.yz != 0 ||
      p.xx <= 0 || p.yy <= 0)
    throw FileError(file, fmt::format("image '{}': its transformation to '{}' rotates, shears or "
                                      "flips it (x' = {:g}x + {:g}y, y' = {:g}x + {:g}y); only "
                                      "scale and translation place a stain image",
                                      e.name, system, p.xx, p.xy, p.yx, p.yy));
  const ZarrImagePlane first(level0, axes, 0);
  ImageExtentUm extent;
  extent.xMin = map.umPerUnit * (p.xx * ox + p.tx);
  extent.yMin = map.umPerUnit * (p.yy * oy + p.ty);
  extent.xMax = map.umPerUnit * (p.xx * (ox + sx * double(first.width())) + p.tx);
  extent.yMax = map.umPerUnit * (p.yy * (oy + sy * double(first.height())) + p.ty);
  const json& omero = ngffAttribute(attributes, "omero");
  const json labels = omero.is_object() ? omero.value("channels", json()) : json();
  std::vector<ImageChannel> out;
  if (first.planes() > BinnedCondition::kMaxPlanes || first.channels() > kMaxChannels)
    throw FileError(level0, fmt::format("{} channels × {} planes, more than the {} × {} read as "
                                        "stains",
                                        first.channels(), first.planes(), kMaxChannels,
                                        BinnedCondition::kMaxPlanes));
  int namedPlane = 0;  // "<name>_z<k>": one element per z-plane
  if (const auto at = e.name.rfind("_z");
      at != std::string::npos && at + 2 < e.name.size() && e.name.size() - at <= 6 &&
      std::all_of(e.name.begin() + std::ptrdiff_t(at) + 2, e.name.end(),
                  [](char ch) { return ch >= '0' && ch <= '9'; }))
    namedPlane = std::min(std::stoi(e.name.substr(at + 2)), BinnedCondition::kMaxPlanes - 1);
  for (int z = 0; z < first.planes(); ++z)
    for (int c = 0; c < first.channels(); ++c) {
      ImageChannel channel;
      channel.channel = c;
      channel.z = z;
      channel.plane = first.planes() > 1 ? z : namedPlane;
      channel.level0 = levelName;
      channel.axes = axes;
      channel.extent = extent;
      const json label =
          labels.is_array() && std::size_t(c) < labels.size() && labels[std::size_t(c)].is_object()
              ? labels[std::size_t(c)].value("label", json())
              : json();
      channel.name = label.is_string() ? label.get<std::string>() : fmt::format("channel {}", c);
      if (asciiLower(channel.name) == "dapi") channel.name = "DAPI";
      out.push_back(std::move(channel));
    }
  return out;
}

std::string SpatialDataStore::unitNote(const std::string& system) const {
  std::set<std::string> unknown;
  for (const auto& e : elements_) {
    if (e.kind != Kind::Points && e.kind != Kind::Shapes && e.kind != Kind::Images) continue;
    if (std::find(e.systems.begin(), e.systems.end(), system) == e.systems.end()) continue;
    try {
      const json attributes = readZarrAttributes(e.attributesFile);
      const json& list = transformationsOf(attributes, e.kind);
      for (const auto& t : list)
        if (t.is_object() && systemNames(json::array({t})) == std::vector<std::string>{system}) {
          std::string unit;
          const json output = t.value("output", json());
          if (output.is_object() && output.value("axes", json()).is_array())
            for (const auto& a : output["axes"])
              if (a.is_object() && a.value("name", json()) == "x")
                unit = a.value("unit", std::string());
          if (micrometresPerUnit(unit) == 0) unknown.insert(unit.empty() ? "none" : unit);
        }
    } catch (const std::exception&) {
      // Unreadable attributes are reported when the element is read.
    }
  }
  if (unknown.empty()) return {};
  std::vector<std::string> units(unknown.begin(), unknown.end());
  return fmt::format("coordinate system '{}' names no length unit ({}): read as µm", system,
                     nameList(units));
}

}  // namespace teramind
