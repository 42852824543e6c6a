#include <fmt/core.h>

#include "Commands.h"
#include "model/ComputeRuntime.h"

namespace teramind::cli {

void addVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print versions and the compute back end");
  cmd->callback([] {
    const ComputeRuntime runtime = configureComputeRuntime();
    fmt::print("teramind {}\n", TERAMIND_VERSION);
    fmt::print("libtorch: {}\n", runtime.libtorchVersion);
    fmt::print("device: {} (threads: {}, cuda devices: {})\n", runtime.device, runtime.threads,
               runtime.cudaDevices);
  });
}

}  // namespace teramind::cli
