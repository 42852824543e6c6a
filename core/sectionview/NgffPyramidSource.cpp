#include "sectionview/NgffPyramidSource.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/NgffImage.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

// Tiles of the chunk's side when chunks are square and of a size a tile cache holds well;
// else this.
constexpr int kDefaultTile = 256;
constexpr std::int64_t kMinChunkTile = 32, kMaxChunkTile = 1024;
// The most pixels the contrast guess reads (of the coarsest level).
constexpr std::int64_t kContrastSide = 2048;

// The 99.9th percentile of the non-zero values of the coarsest level's centre (channel 0,
// plane 0): a first guess at a 16-bit image's contrast; `valueMax` when all are zero.
double percentileGuess(const NgffImage& image, double valueMax) {
  const int level = static_cast<int>(image.levels().size()) - 1;
  const NgffImageLevel& L = image.levels().back();
  const std::int64_t w = std::min(L.width, kContrastSide), h = std::min(L.height, kContrastSide);
  const auto values = image.readWindow(level, 0, 0, (L.width - w) / 2, (L.height - h) / 2, w, h);
  std::vector<std::uint32_t> histogram(65536, 0);
  std::uint64_t nonZero = 0;
  for (const std::uint16_t v : values)
    if (v) ++histogram[v], ++nonZero;
  if (!nonZero) return valueMax;
  const auto target = static_cast<std::uint64_t>(std::ceil(0.999 * double(nonZero)));
  std::uint64_t seen = 0;
  for (std::size_t v = 1; v < histogram.size(); ++v)
    if ((seen += histogram[v]) >= target) return double(v);
  return valueMax;
}

std::string nameOf(const fs::path& path) {
  const fs::path p = path.filename().empty() ? path.parent_path() : path;
  return p.filename().string();
}

// An NGFF image read through io/NgffImage: tiles are windows of a level, NaN past its edge
// and over chunks never written. Nothing about absence is remembered: a chunk a running job
// writes shows on the next read.
class NgffImagePyramid final : public NgffPyramidSource {
 public:
  explicit NgffImagePyramid(NgffImage image) : image_(std::move(image)) {
    path_ = image_.path();
    ours_ = image_.isTeramindOutput();
    const auto& levels = image_.levels();
    const NgffImageLevel& finest = levels.front();
    for (const NgffImageLevel& L : levels) {
      if (std::abs(L.pixelUmX - L.pixelUmY) > 1e-3 * L.pixelUmX)
        throw FileError(path_ / L.path,
                        fmt::format("pixels of {:g} x {:g} µm: only square pixels are shown",
                                    L.pixelUmX, L.pixelUmY));
      info_.levels.push_back({L.width, L.height, L.pixelUmX});
    }
    info_.name = nameOf(path_);
    info_.channels = image_.channels();
    info_.planes = image_.planes();
    if (image_.planeUm() > 0) info_.planeUm = image_.planeUm();
    info_.tile = finest.chunkWidth == finest.chunkHeight && finest.chunkWidth >= kMinChunkTile &&
                         finest.chunkWidth <= kMaxChunkTile
                     ? static_cast<int>(finest.chunkWidth)
                     : kDefaultTile;
    // Translations name pixel centres; the origin is pixel (0, 0)'s outer corner.
    info_.originXUm = finest.translationXUm - finest.pixelUmX / 2;
    info_.originYUm = finest.translationYUm - finest.pixelUmY / 2;
    info_.valueMax = image_.bitsPerSample() == 16 ? 65535 : 255;
    info_.contrastMin = 0;
    info_.contrastMax =
        image_.bitsPerSample() == 16 ? percentileGuess(image_, info_.valueMax) : info_.valueMax;
  }

  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override {
    if (level < 0 || level >= static_cast<int>(info_.levels.size()))
      throw std::out_of_range(
          fmt::format("{}: level {} of {}", path_.string(), level, info_.levels.size()));
    const std::int64_t t = info_.tile;
    TilePixels out(std::size_t(t * t), std::numeric_limits<float>::quiet_NaN());
    const NgffImageLevel& L = image_.levels()[std::size_t(level)];
    const std::int64_t x0 = col * t, y0 = row * t;
    const std::int64_t xa = std::max<std::int64_t>(x0, 0), xb = std::min(x0 + t, L.width);
    const std::int64_t ya = std::max<std::int64_t>(y0, 0), yb = std::min(y0 + t, L.height);
    if (xa >= xb || ya >= yb) return out;
    // Which chunks hold data, asked before the pixels are read: a chunk written in between
    // shows as not yet written, never as the fill value.
    struct Span {
      std::int64_t x0, y0, x1, y1;
    };
    std::vector<Span> written;
    const std::int64_t cw = L.chunkWidth, ch = L.chunkHeight;
    for (std::int64_t cy = ya / ch; cy * ch < yb; ++cy)
      for (std::int64_t cx = xa / cw; cx * cw < xb; ++cx)
        if (image_.hasChunk(level, channel, plane, cy, cx))
          written.push_back({std::max(xa, cx * cw), std::max(ya, cy * ch),
                             std::min(xb, (cx + 1) * cw), std::min(yb, (cy + 1) * ch)});
    if (written.empty()) return out;
    const auto values = image_.readWindow(level, channel, plane, xa, ya, xb - xa, yb - ya);
    for (const Span& s : written)
      for (std::int64_t y = s.y0; y < s.y1; ++y)
        for (std::int64_t x = s.x0; x < s.x1; ++x)
          out[std::size_t((y - y0) * t + (x - x0))] =
              float(values[std::size_t((y - ya) * (xb - xa) + (x - xa))]);
    return out;
  }

 private:
  NgffImage image_;
};

}  // namespace

std::shared_ptr<NgffPyramidSource> NgffPyramidSource::open(const fs::path& path) {
  return std::make_shared<NgffImagePyramid>(NgffImage::open(path));
}

bool NgffPyramidSource::isNgffImage(const fs::path& path) {
  return NgffImage::isNgffImage(path);
}

}  // namespace teramind
