#include "io/OmeZarrStore.h"

#include <blosc.h>

#include <fstream>
#include <iterator>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind {
namespace {

using nlohmann::json;

json readJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open (not an OME-Zarr image written by teramind?)");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw FileError(file, fmt::format("not JSON: {}", e.what()));
  }
}

const json kCompressor = {
    {"id", "blosc"}, {"cname", "zstd"}, {"clevel", 5}, {"shuffle", 1}, {"blocksize", 0}};

}  // namespace

int OmeZarrLayout::levelsToFit(std::int64_t height, std::int64_t width, int chunk) {
  int levels = 1;
  while ((std::max(height, width) >> (levels - 1)) > chunk) ++levels;
  return levels;
}

OmeZarrStore OmeZarrStore::create(const std::filesystem::path& path, const OmeZarrLayout& layout,
                                  const std::string& attributes) {
  if (layout.channels.empty() || layout.planes < 1 || layout.height < 1 || layout.width < 1 ||
      layout.chunk < 1 || layout.levels < 1)
    throw FileError(path, "an OME-Zarr image needs channels, planes, pixels and levels");
  std::filesystem::create_directories(path);
  writeTextFileAtomically(path / ".zgroup", json{{"zarr_format", 2}}.dump(2));

  json datasets = json::array();
  for (int l = 0; l < layout.levels; ++l) {
    const double f = double(1ll << l), px = layout.pixelUm * f, shift = px / 2;
    datasets.push_back(
        {{"path", std::to_string(l)},
         {"coordinateTransformations",
          {{{"type", "scale"}, {"scale", {1.0, layout.planeUm, px, px}}},
           {{"type", "translation"},
            {"translation",
             {0.0, layout.originZUm, layout.originYUm + shift, layout.originXUm + shift}}}}}});
    std::filesystem::create_directories(path / std::to_string(l));
    json array = {
        {"zarr_format", 2},
        {"shape",
         {layout.channels.size(), layout.planes, layout.levelHeight(l), layout.levelWidth(l)}},
        {"chunks", {1, 1, layout.chunk, layout.chunk}},
        {"dtype", "|u1"},
        {"compressor", kCompressor},
        {"fill_value", 0},
        {"order", "C"},
        {"filters", nullptr},
        {"dimension_separator", "."}};
    writeTextFileAtomically(path / std::to_string(l) / ".zarray", array.dump(2));
  }
  json axes = json::array({{{"name", "c"}, {"type", "channel"}},
                           {{"name", "z"}, {"type", "space"}, {"unit", "micrometer"}},
                           {{"name", "y"}, {"type", "space"}, {"unit", "micrometer"}},
                           {{"name", "x"}, {"type", "space"}, {"unit", "micrometer"}}});
  json channels = json::array();
  const char* colours[] = {"0000FF", "00FF00", "FF0000", "FFFFFF"};
  for (std::size_t c = 0; c < layout.channels.size(); ++c)
    channels.push_back({{"label", layout.channels[c]},
                        {"color", colours[std::min<std::size_t>(c, 3)]},
                        {"active", true},
                        {"window", {{"start", 0}, {"end", 255}, {"min", 0}, {"max", 255}}}});
  json attrs = {{"multiscales",
                 {{{"version", "0.4"},
                   {"name", path.stem().string()},
                   {"axes", axes},
                   {"datasets", datasets},
                   {"type", "mean"}}}},
                {"omero", {{"channels", channels}, {"rdefs", {{"model", "color"}}}}},
                {"teramind",
                 {{"chunk", layout.chunk},
                  {"attributes", attributes.empty() ? json::object() : json::parse(attributes)}}}};
  writeTextFileAtomically(path / ".zattrs", attrs.dump(2));
  OmeZarrStore store;
  store.path_ = path;
  store.layout_ = layout;
  return store;
}

OmeZarrStore OmeZarrStore::open(const std::filesystem::path& path) {
  const auto attrs = readJson(path / ".zattrs");
  OmeZarrStore store;
  store.path_ = path;
  auto& L = store.layout_;
  try {
    const auto& ms = attrs.at("multiscales").at(0);
    L.levels = static_cast<int>(ms.at("datasets").size());
    const auto& t0 = ms.at("datasets").at(0).at("coordinateTransformations");
    L.planeUm = t0.at(0).at("scale").at(1).get<double>();
    L.pixelUm = t0.at(0).at("scale").at(3).get<double>();
    L.originZUm = t0.at(1).at("translation").at(1).get<double>();
    L.originYUm = t0.at(1).at("translation").at(2).get<double>() - L.pixelUm / 2;
    L.originXUm = t0.at(1).at("translation").at(3).get<double>() - L.pixelUm / 2;
    for (const auto& c : attrs.at("omero").at("channels"))
      L.channels.push_back(c.at("label").get<std::string>());
  } catch (const json::exception& e) {
    throw FileError(path / ".zattrs", fmt::format("not NGFF 0.4 multiscales: {}", e.what()));
  }
  const auto array = readJson(path / "0" / ".zarray");
  try {
    const auto shape = array.at("shape");
    L.planes = shape.at(1).get<int>();
    L.height = shape.at(2).get<std::int64_t>();
    L.width = shape.at(3).get<std::int64_t>();
    L.chunk = array.at("chunks").at(2).get<int>();
    if (array.at("dtype") != "|u1" || array.at("compressor") != kCompressor ||
        shape.at(0).get<std::size_t>() != L.channels.size())
      throw FileError(path / "0" / ".zarray",
                      "not an 8-bit blosc/zstd array with one chunk per channel and plane");
  } catch (const json::exception& e) {
    throw FileError(path / "0" / ".zarray", fmt::format("not a Zarr v2 array: {}", e.what()));
  }
  return store;
}

std::string OmeZarrStore::attributes() const {
  const auto attrs = readJson(path_ / ".zattrs");
  if (!attrs.contains("teramind") || !attrs["teramind"].contains("attributes")) return "{}";
  return attrs["teramind"]["attributes"].dump();
}

std::filesystem::path OmeZarrStore::chunkPath(int level, int channel, int plane, std::int64_t row,
                                              std::int64_t col) const {
  return path_ / std::to_string(level) / fmt::format("{}.{}.{}.{}", channel, plane, row, col);
}

bool OmeZarrStore::hasChunk(int level, int channel, int plane, std::int64_t row,
                            std::int64_t col) const {
  return std::filesystem::exists(chunkPath(level, channel, plane, row, col));
}

void OmeZarrStore::writeChunk(int level, int channel, int plane, std::int64_t row, std::int64_t col,
                              const std::vector<std::uint8_t>& pixels) const {
  const auto file = chunkPath(level, channel, plane, row, col);
  const std::size_t n = std::size_t(layout_.chunk) * std::size_t(layout_.chunk);
  if (pixels.size() != n)
    throw FileError(file, fmt::format("a chunk holds {} bytes, {} were given", n, pixels.size()));
  std::vector<char> packed(n + BLOSC_MAX_OVERHEAD);
  const int size = blosc_compress_ctx(5, BLOSC_SHUFFLE, 1, n, pixels.data(), packed.data(),
                                      packed.size(), "zstd", 0, 1);
  if (size <= 0) throw FileError(file, "blosc could not compress the chunk");
  writeFileAtomically(file, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(packed.data(), size);
    if (!out.flush()) throw FileError(file, "cannot write");
  });
}

std::vector<std::uint8_t> OmeZarrStore::readChunk(int level, int channel, int plane,
                                                  std::int64_t row, std::int64_t col) const {
  const std::size_t n = std::size_t(layout_.chunk) * std::size_t(layout_.chunk);
  std::vector<std::uint8_t> pixels(n, 0);
  const auto file = chunkPath(level, channel, plane, row, col);
  std::ifstream in(file, std::ios::binary);
  if (!in) return pixels;
  const std::vector<char> packed((std::istreambuf_iterator<char>(in)), {});
  std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
  if (packed.size() >= BLOSC_MIN_HEADER_LENGTH)
    blosc_cbuffer_sizes(packed.data(), &nbytes, &cbytes, &blocksize);
  if (packed.size() < BLOSC_MIN_HEADER_LENGTH || nbytes != n || cbytes != packed.size())
    throw FileError(
        file, fmt::format("not a blosc chunk of {} bytes ({} bytes on disk)", n, packed.size()));
  if (blosc_decompress_ctx(packed.data(), pixels.data(), n, 1) != static_cast<int>(n))
    throw FileError(file, "blosc could not decompress the chunk");
  return pixels;
}

void OmeZarrStore::buildPyramid() const {
  const int T = layout_.chunk, half = T / 2;
  for (int l = 1; l < layout_.levels; ++l)
    for (int c = 0; c < static_cast<int>(layout_.channels.size()); ++c)
      for (int z = 0; z < layout_.planes; ++z)
        for (std::int64_t r = 0; r < layout_.chunkRows(l); ++r)
          for (std::int64_t q = 0; q < layout_.chunkCols(l); ++q) {
            std::vector<std::uint8_t> out(std::size_t(T) * T, 0);
            bool any = false;
            for (int dy = 0; dy < 2; ++dy)
              for (int dx = 0; dx < 2; ++dx) {
                const auto r0 = 2 * r + dy, q0 = 2 * q + dx;
                if (r0 >= layout_.chunkRows(l - 1) || q0 >= layout_.chunkCols(l - 1) ||
                    !hasChunk(l - 1, c, z, r0, q0))
                  continue;
                any = true;
                const auto in = readChunk(l - 1, c, z, r0, q0);
                for (int y = 0; y < half; ++y)
                  for (int x = 0; x < half; ++x) {
                    const auto at = [&](int yy, int xx) {
                      return int(in[std::size_t(yy) * T + xx]);
                    };
                    const int sum = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) +
                                    at(2 * y + 1, 2 * x + 1);
                    out[std::size_t(dy * half + y) * T + dx * half + x] =
                        std::uint8_t((sum + 2) / 4);
                  }
              }
            if (any) writeChunk(l, c, z, r, q, out);
          }
}

}  // namespace teramind
