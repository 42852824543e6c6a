#pragma once

#include <chrono>
#include <string>

namespace teramind::cli {

// A one-line progress bar on stderr, drawn only when stderr is a terminal so logs and tests
// stay clean. Callable as a ReadProgress.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void operator()(double fraction);
  // With a trailing detail ("loss 0.031, 2.4 steps/s"); redrawn whenever it changes.
  void operator()(double fraction, const std::string& detail);
  bool drawing() const { return enabled_; }

 private:
  std::string label_;
  bool enabled_;
  int lastPercent_ = -1;
  std::string lastDetail_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace teramind::cli
