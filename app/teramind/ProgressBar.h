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

 private:
  std::string label_;
  bool enabled_;
  int lastPercent_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace teramind::cli
