#pragma once

#include <string>

namespace teramind {

// The compute back end the model runs on. LibTorch stays behind this header.
struct ComputeRuntime {
  std::string libtorchVersion;
  int threads = 1;
  bool cudaAvailable = false;
  int cudaDevices = 0;
  std::string device;  // "cuda" or "cpu": chosen at run time, never at compile time
};

// Sets LibTorch's intra-op thread count: `threads` if > 0, else $TERAMIND_THREADS, else the
// number of cores (LibTorch's default of one thread wastes the machine).
ComputeRuntime configureComputeRuntime(int threads = 0);

}  // namespace teramind
