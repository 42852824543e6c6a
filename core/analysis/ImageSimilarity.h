#pragma once

#include <vector>

namespace teramind {

// A grey image, row-major, values on any scale (similarity takes the data range explicitly).
struct GreyImage {
  int width = 0, height = 0;
  std::vector<float> pixels;
  float at(int x, int y) const { return pixels[std::size_t(y) * width + x]; }
};

// Peak signal-to-noise ratio in dB for images whose values span `dataRange`; +inf when equal.
double psnr(const GreyImage& reference, const GreyImage& test, double dataRange);

// Mean structural similarity (Wang et al. 2004): 11×11 Gaussian window, σ = 1.5, K1 = 0.01,
// K2 = 0.03, over the positions where the window fits (as scikit-image's gaussian_weights mode).
double ssim(const GreyImage& reference, const GreyImage& test, double dataRange);

// The same over the pixels where `counted` (one value per pixel) is non-zero: PSNR over those
// pixels, SSIM over the windows centred on them. NaN when none counts. For an image with
// holes (tiles never generated), which would otherwise count as a perfect match.
double psnr(const GreyImage& reference, const GreyImage& test, double dataRange,
            const std::vector<unsigned char>& counted);
double ssim(const GreyImage& reference, const GreyImage& test, double dataRange,
            const std::vector<unsigned char>& counted);

}  // namespace teramind
