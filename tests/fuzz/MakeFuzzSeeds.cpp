// Seeds in formats only our writers make faithfully, from real data: a small OME-Zarr store
// (v2 or v3 sharded) of a real volume's plane, joined into one input the way the omezarr
// targets split it (OmeZarrStoreInput.h). The seed scripts (seeds/*.sh) run it.
//   make_fuzz_seeds omezarr v2|v3 VOLUME OUT

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "FuzzInput.h"
#include "OmeZarrStoreInput.h"
#include "io/OmeZarrStore.h"
#include "io/VolumeFile.h"

namespace fs = std::filesystem;
using namespace teramind;

namespace {

// The volume's middle plane, scaled to 8 bits, cropped to height × width from its centre.
std::vector<std::uint8_t> middlePlane(const fs::path& file, std::int64_t height,
                                      std::int64_t width) {
  const AnyVolume volume = readVolume(file);
  return std::visit(
      [&](const auto& image) {
        const auto d = image.dims();
        const std::int64_t k = d[2] / 2, i0 = std::max<std::int64_t>(0, (d[0] - width) / 2),
                           j0 = std::max<std::int64_t>(0, (d[1] - height) / 2);
        double top = 1;
        for (std::int64_t j = 0; j < height; ++j)
          for (std::int64_t i = 0; i < width; ++i)
            if (i0 + i < d[0] && j0 + j < d[1])
              top = std::max(top, double(image(i0 + i, j0 + j, k)));
        std::vector<std::uint8_t> plane(std::size_t(height * width), 0);
        for (std::int64_t j = 0; j < height; ++j)
          for (std::int64_t i = 0; i < width; ++i)
            if (i0 + i < d[0] && j0 + j < d[1])
              plane[std::size_t(j * width + i)] =
                  std::uint8_t(255.0 * double(image(i0 + i, j0 + j, k)) / top);
        return plane;
      },
      volume);
}

std::string fileText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int makeOmeZarr(bool v3, const fs::path& volume, const fs::path& out) {
  OmeZarrLayout layout;
  layout.channels = {"DAPI"};
  layout.height = 80;
  layout.width = 96;
  layout.chunk = 32;
  layout.shard = 64;
  layout.levels = 2;
  layout.format = v3 ? OmeZarrFormat::V3Sharded : OmeZarrFormat::V2;
  layout.pixelUm = 100;
  const auto plane = middlePlane(volume, layout.height, layout.width);
  const fs::path dir = fs::temp_directory_path() / ("make-fuzz-seeds-" + out.filename().string());
  fs::remove_all(dir);
  const auto store = OmeZarrStore::create(dir, layout, R"({"source":"make_fuzz_seeds"})");
  for (int level = 0; level < 2; ++level) {
    const int step = 1 << level;
    for (std::int64_t r = 0; r < layout.chunkRows(level); ++r)
      for (std::int64_t q = 0; q < layout.chunkCols(level); ++q) {
        // Level 1 samples every other pixel; the last level-0 shard stays pending in v3.
        std::vector<std::uint8_t> pixels(std::size_t(layout.chunk * layout.chunk), 0);
        for (int y = 0; y < layout.chunk; ++y)
          for (int x = 0; x < layout.chunk; ++x) {
            const std::int64_t py = (r * layout.chunk + y) * step,
                               px = (q * layout.chunk + x) * step;
            if (py < layout.height && px < layout.width)
              pixels[std::size_t(y * layout.chunk + x)] =
                  plane[std::size_t(py * layout.width + px)];
          }
        store.writeChunk(level, 0, 0, r, q, pixels);
      }
    for (std::int64_t sr = 0; sr < layout.shardRows(level); ++sr)
      for (std::int64_t sc = 0; sc < layout.shardCols(level); ++sc)
        if (!(level == 0 && sc == layout.shardCols(0) - 1)) store.finishShard(level, 0, 0, sr, sc);
  }
  std::string joined;
  const auto& files = v3 ? fuzz::kOmeZarrV3Files : fuzz::kOmeZarrV2Files;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i > 0) joined += fuzz::kPartSeparator;
    const fs::path file = dir / std::string(files[i]);
    if (fs::exists(file)) joined += fileText(file);
  }
  fs::remove_all(dir);
  std::ofstream(out, std::ios::binary) << joined;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "omezarr")
    return makeOmeZarr(std::string(argv[2]) == "v3", argv[3], argv[4]);
  std::fprintf(stderr, "usage: make_fuzz_seeds omezarr v2|v3 VOLUME OUT\n");
  return 2;
}
