#include "ProgressBar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

namespace teramind::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      enabled_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && lastPercent_ >= 0) fmt::print(stderr, "\n");
}

void ProgressBar::operator()(double fraction) {
  (*this)(fraction, std::string());
}

void ProgressBar::operator()(double fraction, const std::string& detail) {
  if (!enabled_) return;
  const int percent = std::clamp(int(fraction * 100), 0, 100);
  if (percent == lastPercent_ && detail == lastDetail_) return;
  lastDetail_ = detail;
  lastPercent_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0;
  fmt::print(stderr, "\r{} [{}{}] {:3d}%  {:.1f}s elapsed, ETA {:.1f}s{}{}\x1b[K", label_,
             std::string(std::size_t(filled), '#'), std::string(std::size_t(kWidth - filled), ' '),
             percent, elapsed, eta, detail.empty() ? "" : "  ", detail);
  std::fflush(stderr);
}

}  // namespace teramind::cli
