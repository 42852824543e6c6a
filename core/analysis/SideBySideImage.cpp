#include "analysis/SideBySideImage.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/VolumeFile.h"

namespace teramind {

void writeSideBySide(const std::filesystem::path& file,
                     const std::vector<std::pair<GreyImage, GreyImage>>& rows) {
  if (rows.empty()) throw FileError(file, "no images to write");
  const int gap = 4, w = rows[0].first.width, h = rows[0].first.height;
  for (const auto& [real, generated] : rows)
    for (const auto* img : {&real, &generated})
      if (img->width != w || img->height != h ||
          img->pixels.size() != std::size_t(w) * std::size_t(h))
        throw FileError(file,
                        fmt::format("an image of {} x {} px ({} values) beside one of {} x {}",
                                    img->width, img->height, img->pixels.size(), w, h));
  const int W = 2 * w + gap, H = int(rows.size()) * h + (int(rows.size()) - 1) * gap;
  Image3D<std::uint8_t> out({W, H, 1});
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) out(x, y, 0) = 255;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (int side = 0; side < 2; ++side) {
      const auto& img = side ? rows[r].second : rows[r].first;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          out(side * (w + gap) + x, int(r) * (h + gap) + y, 0) =
              static_cast<std::uint8_t>(std::clamp(std::lround(img.at(x, y)), 0L, 255L));
    }
  writeVolume(file, AnyVolume(std::move(out)));
}

}  // namespace teramind
