#include "analysis/ImageSimilarity.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace teramind {

namespace {

void requireSameSize(const GreyImage& a, const GreyImage& b) {
  if (a.width != b.width || a.height != b.height || a.pixels.size() != b.pixels.size() ||
      a.pixels.size() != std::size_t(a.width) * std::size_t(a.height))
    throw std::invalid_argument("images differ in size");
}

void requireMask(const GreyImage& a, const std::vector<unsigned char>* counted) {
  if (counted && counted->size() != a.pixels.size())
    throw std::invalid_argument("the mask differs in size from the images");
}

double psnrOver(const GreyImage& a, const GreyImage& b, double range,
                const std::vector<unsigned char>* counted) {
  requireSameSize(a, b);
  requireMask(a, counted);
  double se = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    if (counted && !(*counted)[i]) continue;
    const double d = double(a.pixels[i]) - double(b.pixels[i]);
    se += d * d;
    ++n;
  }
  if (n == 0) return std::nan("");
  const double mse = se / double(n);
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(range * range / mse);
}

double ssimOver(const GreyImage& a, const GreyImage& b, double range,
                const std::vector<unsigned char>* counted) {
  requireSameSize(a, b);
  requireMask(a, counted);
  constexpr int radius = 5;
  constexpr double sigma = 1.5;
  if (a.width < 2 * radius + 1 || a.height < 2 * radius + 1)
    throw std::invalid_argument("SSIM needs images of at least 11 × 11 pixels");
  double kernel[2 * radius + 1], sum = 0;
  for (int i = -radius; i <= radius; ++i)
    sum += kernel[i + radius] = std::exp(-i * i / (2 * sigma * sigma));
  for (double& k : kernel) k /= sum;
  const double c1 = (0.01 * range) * (0.01 * range), c2 = (0.03 * range) * (0.03 * range);
  // Separable Gaussian filtering of a, b, a², b², ab ("valid" positions only).
  const int w = a.width, h = a.height, ow = w - 2 * radius, oh = h - 2 * radius;
  auto filter = [&](auto value) {
    std::vector<double> rows(std::size_t(h) * ow), out(std::size_t(oh) * ow);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < ow; ++x) {
        double s = 0;
        for (int k = 0; k <= 2 * radius; ++k) s += kernel[k] * value(x + k, y);
        rows[std::size_t(y) * ow + x] = s;
      }
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        double s = 0;
        for (int k = 0; k <= 2 * radius; ++k) s += kernel[k] * rows[std::size_t(y + k) * ow + x];
        out[std::size_t(y) * ow + x] = s;
      }
    return out;
  };
  const auto ma = filter([&](int x, int y) { return double(a.at(x, y)); });
  const auto mb = filter([&](int x, int y) { return double(b.at(x, y)); });
  const auto saa = filter([&](int x, int y) { return double(a.at(x, y)) * a.at(x, y); });
  const auto sbb = filter([&](int x, int y) { return double(b.at(x, y)) * b.at(x, y); });
  const auto sab = filter([&](int x, int y) { return double(a.at(x, y)) * b.at(x, y); });
  double total = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < ma.size(); ++i) {
    // Window i is centred on pixel (x + radius, y + radius).
    const std::size_t x = i % std::size_t(ow), y = i / std::size_t(ow);
    if (counted && !(*counted)[(y + radius) * std::size_t(w) + x + radius]) continue;
    const double va = saa[i] - ma[i] * ma[i], vb = sbb[i] - mb[i] * mb[i],
                 cov = sab[i] - ma[i] * mb[i];
    total += ((2 * ma[i] * mb[i] + c1) * (2 * cov + c2)) /
             ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
    ++n;
  }
  return n ? total / double(n) : std::nan("");
}

}  // namespace

double psnr(const GreyImage& a, const GreyImage& b, double range) {
  return psnrOver(a, b, range, nullptr);
}

double ssim(const GreyImage& a, const GreyImage& b, double range) {
  return ssimOver(a, b, range, nullptr);
}

double psnr(const GreyImage& a, const GreyImage& b, double range,
            const std::vector<unsigned char>& counted) {
  return psnrOver(a, b, range, &counted);
}

double ssim(const GreyImage& a, const GreyImage& b, double range,
            const std::vector<unsigned char>& counted) {
  return ssimOver(a, b, range, &counted);
}

}  // namespace teramind
