#include "model/ComputeRuntime.h"

#include <dlfcn.h>

#include <cstdlib>
#include <thread>

#include <torch/torch.h>
#include <torch/version.h>

namespace teramind {

ComputeRuntime configureComputeRuntime(int threads) {
  if (threads <= 0) {
    if (const char* env = std::getenv("TERAMIND_THREADS"); env && std::atoi(env) > 0)
      threads = std::atoi(env);
    else
      threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  torch::set_num_threads(threads);
  // LibTorch's GEMMs go to the system BLAS, whose thread pool LibTorch does not size; an
  // OpenBLAS left at one thread per core oversubscribes the cores when tiles run in parallel.
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set(threads);
  ComputeRuntime runtime;
  runtime.libtorchVersion = TORCH_VERSION;
  runtime.threads = torch::get_num_threads();
  runtime.cudaAvailable = torch::cuda::is_available();
  runtime.cudaDevices = runtime.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
  runtime.device = runtime.cudaAvailable ? "cuda" : "cpu";
  return runtime;
}

}  // namespace teramind
