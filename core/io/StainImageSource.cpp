#include "io/StainImageSource.h"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "io/TiffImage.h"
#include "io/VolumeFile.h"
#include "io/ZarrImagePlane.h"

namespace teramind {
namespace {

// The source pixels an output pixel [u0, u1) µm covers along one axis: those whose centres lie
// in it. (The former in-memory resampler took those whose right edges did, half a source pixel
// off.)
struct SourceSpan {
  std::int64_t begin = 0, end = 0;
};
std::vector<SourceSpan> sourceSpans(double first, double step, int count, double sourceMin,
                                    double sourcePixel, std::int64_t sourceSize) {
  const double centre0 = sourceMin + 0.5 * sourcePixel;
  auto bound = [&](double u) {
    const double a = (u - centre0) / sourcePixel;
    const double index = std::ceil(a);
    if (!(index > 0)) return std::int64_t(0);
    return index >= double(sourceSize) ? sourceSize : static_cast<std::int64_t>(index);
  };
  std::vector<SourceSpan> spans(std::size_t(std::max(count, 0)));
  for (int k = 0; k < count; ++k) {
    const double u0 = first + k * step, u1 = u0 + step;
    spans[std::size_t(k)] = {bound(std::min(u0, u1)), bound(std::max(u0, u1))};
  }
  return spans;
}

constexpr std::int64_t kBlockRows = 2048, kBlockCols = 4096;

}  // namespace

bool isTiffFile(const std::filesystem::path& file) {
  const std::string ext = asciiLower(file.extension().string());
  return ext == ".tif" || ext == ".tiff" || ext == ".btf";
}

StainImageSource::StainImageSource(const std::filesystem::path& image,
                                   const std::optional<std::filesystem::path>& transform)
    : file_(image) {
  if (!transform)
    throw FileError(image,
                    "has no µm extent: give one (e.g. MERSCOPE's "
                    "micron_to_mosaic_pixel_transform.csv) to place it on the transcripts");
  open([&](std::int64_t w, std::int64_t h) {
    return extentFromMicronToPixelTransform(*transform, w, h);
  });
}

StainImageSource::StainImageSource(const std::filesystem::path& image, double pixelUm)
    : file_(image) {
  if (!(pixelUm > 0) || !std::isfinite(pixelUm))
    throw FileError(image, fmt::format("pixel size {} µm is not a positive number", pixelUm));
  open([&](std::int64_t w, std::int64_t h) {
    return ImageExtentUm{0, 0, double(w) * pixelUm, double(h) * pixelUm};
  });
}

StainImageSource::StainImageSource(const std::filesystem::path& omeZarrImage,
                                   const ZarrImageChannel& channel)
    : file_(omeZarrImage) {
  zarr_ = std::make_unique<ZarrImagePlane>(omeZarrImage / channel.array, channel.axes,
                                           channel.channel, channel.z);
  open([&](std::int64_t, std::int64_t) { return channel.extent; });
}

template <typename ExtentOf>
void StainImageSource::open(ExtentOf extentOf) {
  const std::filesystem::path& image = file_;
  if (zarr_) {
    width_ = zarr_->width();
    height_ = zarr_->height();
    bits_ = zarr_->bitsPerSample();
  } else if (isTiffFile(image)) {
    tiff_ = std::make_unique<TiffImageReader>(image);
    width_ = tiff_->info().width;
    height_ = tiff_->info().height;
    bits_ = tiff_->info().bitsPerSample;
  } else {
    const VolumeHeader header = readVolumeHeader(image);
    width_ = header.dims[0];
    height_ = header.dims[1];
  }
  extent_ = extentOf(width_, height_);
  const double pixelX = (extent_.xMax - extent_.xMin) / double(width_);
  const double pixelY = (extent_.yMax - extent_.yMin) / double(height_);
  if (!(pixelX > 0) || !(pixelY > 0) || !std::isfinite(pixelX) || !std::isfinite(pixelY))
    throw FileError(image, "the given extent is empty");
  if (std::abs(pixelX - pixelY) > 1e-3 * pixelX)
    throw FileError(image,
                    fmt::format("the extent gives non-square pixels ({} × {} µm)", pixelX, pixelY));
  pixelUm_ = pixelX;
  // Small formats (the demo's JPEG/PNG) are read whole, once; ITK also checks they are 8-bit.
  if (!tiff_ && !zarr_)
    whole_ = std::make_unique<Image3D<std::uint8_t>>(readMorphologyImage(image, extent_));
}

int StainImageSource::intensityMax() const {
  if (bits_ != 16) return 255;
  // Computed on first use, so opening a mosaic (info, coverage) reads only its header.
  std::call_once(scale_->once, [&] {
    // Up to 8 × 8 windows spread evenly; the 99.9th percentile of their non-zero pixels.
    std::vector<std::uint32_t> histogram(65536, 0);
    std::uint64_t nonZero = 0;
    const std::int64_t side = 256, grid = 8;
    for (std::int64_t r = 0; r < grid; ++r)
      for (std::int64_t q = 0; q < grid; ++q) {
        const std::int64_t y0 = std::max<std::int64_t>(0, (height_ - side) * r / (grid - 1));
        const std::int64_t x0 = std::max<std::int64_t>(0, (width_ - side) * q / (grid - 1));
        for (std::uint16_t v : readValues(x0, y0, std::min(side, width_), std::min(side, height_)))
          if (v) {
            ++histogram[v];
            ++nonZero;
          }
      }
    std::uint64_t seen = 0;
    scale_->value = 1;
    const auto target = static_cast<std::uint64_t>(std::ceil(0.999 * double(nonZero)));
    for (int v = 1; v < 65536 && nonZero; ++v) {
      seen += histogram[std::size_t(v)];
      if (seen >= target) {
        scale_->value = v;
        break;
      }
    }
  });
  return scale_->value;
}

std::vector<std::uint16_t> StainImageSource::readValues(std::int64_t x0, std::int64_t y0,
                                                        std::int64_t w, std::int64_t h) const {
  return zarr_ ? zarr_->readWindow(x0, y0, w, h) : tiff_->readWindow(x0, y0, w, h);
}

StainImageSource::~StainImageSource() = default;
StainImageSource::StainImageSource(StainImageSource&&) noexcept = default;
StainImageSource& StainImageSource::operator=(StainImageSource&&) noexcept = default;

std::vector<std::uint8_t> StainImageSource::readWindow(std::int64_t x0, std::int64_t y0,
                                                       std::int64_t w, std::int64_t h) const {
  std::vector<std::uint8_t> out(
      std::size_t(std::max<std::int64_t>(w, 0)) * std::size_t(std::max<std::int64_t>(h, 0)), 0);
  if (tiff_ || zarr_) {
    const auto values = readValues(x0, y0, w, h);
    if (bits_ == 8) {
      std::copy(values.begin(), values.end(), out.begin());
      return out;
    }
    const auto max = std::uint32_t(intensityMax());
    std::transform(values.begin(), values.end(), out.begin(), [max](std::uint16_t v) {
      return std::uint8_t(std::min<std::uint32_t>((std::uint32_t(v) * 255u + max / 2) / max, 255));
    });
    return out;
  }
  for (std::int64_t y = std::max<std::int64_t>(y0, 0); y < std::min(y0 + h, height_); ++y)
    for (std::int64_t x = std::max<std::int64_t>(x0, 0); x < std::min(x0 + w, width_); ++x)
      out[std::size_t((y - y0) * w + (x - x0))] = (*whole_)(x, y, 0);
  return out;
}

void StainImageSource::resample(double x0Um, double y0Um, double pixelUm, int w, int h,
                                float* out) const {
  const auto cols = sourceSpans(x0Um, pixelUm, w, extent_.xMin, pixelUm_, width_);
  const auto rows = sourceSpans(y0Um, pixelUm, h, extent_.yMin, pixelUm_, height_);
  std::fill(out, out + std::size_t(w) * std::size_t(h), -1.0f);
  // Blocks of whole output pixels whose source window stays within kBlockRows × kBlockCols.
  auto blocks = [](const std::vector<SourceSpan>& spans, std::int64_t limit) {
    std::vector<int> starts{0};
    for (int k = 1; k < static_cast<int>(spans.size()); ++k)
      if (spans[std::size_t(k)].end - spans[std::size_t(starts.back())].begin > limit)
        starts.push_back(k);
    starts.push_back(static_cast<int>(spans.size()));
    return starts;
  };
  const auto rowBlocks = blocks(rows, kBlockRows), colBlocks = blocks(cols, kBlockCols);
  for (std::size_t rb = 0; rb + 1 < rowBlocks.size(); ++rb)
    for (std::size_t cb = 0; cb + 1 < colBlocks.size(); ++cb) {
      const int ya = rowBlocks[rb], yb = rowBlocks[rb + 1];
      const int xa = colBlocks[cb], xb = colBlocks[cb + 1];
      const std::int64_t sy0 = rows[std::size_t(ya)].begin, sy1 = rows[std::size_t(yb - 1)].end;
      const std::int64_t sx0 = cols[std::size_t(xa)].begin, sx1 = cols[std::size_t(xb - 1)].end;
      if (sy1 <= sy0 || sx1 <= sx0) continue;
      const auto window = readWindow(sx0, sy0, sx1 - sx0, sy1 - sy0);
      for (int y = ya; y < yb; ++y)
        for (int x = xa; x < xb; ++x) {
          const auto& r = rows[std::size_t(y)];
          const auto& c = cols[std::size_t(x)];
          std::uint64_t sum = 0;
          for (std::int64_t j = r.begin; j < r.end; ++j) {
            const std::uint8_t* line = window.data() + std::size_t((j - sy0) * (sx1 - sx0));
            for (std::int64_t i = c.begin; i < c.end; ++i) sum += line[i - sx0];
          }
          const std::int64_t n = (r.end - r.begin) * (c.end - c.begin);
          if (n > 0)
            out[std::size_t(y) * std::size_t(w) + std::size_t(x)] =
                static_cast<float>(double(sum) / double(n) / 127.5 - 1.0);
        }
    }
}

Image3D<std::uint8_t> StainImageSource::overview(int maxSide) const {
  const double scale = std::max(1.0, double(std::max(width_, height_)) / std::max(maxSide, 1));
  const int w = std::max(1, static_cast<int>(std::ceil(double(width_) / scale)));
  const int h = std::max(1, static_cast<int>(std::ceil(double(height_) / scale)));
  const double px = pixelUm_ * scale;
  std::vector<float> values(std::size_t(w) * std::size_t(h));
  resample(extent_.xMin, extent_.yMin, px, w, h, values.data());
  Image3D<std::uint8_t> image(
      {w, h, 1},
      PhysicalFrame({extent_.xMin + 0.5 * px, extent_.yMin + 0.5 * px, 0}, {px, px, px}));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      image(x, y, 0) = static_cast<std::uint8_t>(
          std::lround(std::clamp((values[std::size_t(y) * w + x] + 1.0f) * 127.5f, 0.0f, 255.0f)));
  return image;
}

}  // namespace teramind
