// Throughput of the gm-UNet: FLOPs per patch counted from layer shapes, inference forward
// (collage decoder on a (p+1)² grid, as sampling runs it) and boundary-aware training steps.
//
//   bench_model CONFIG [--grid N] [--train-batch B] [--repeat R] [--threads T] [--bf16 1]
//
// --bf16 1 times the forward passes under bf16 autocast, as training runs on CUDA.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include <fmt/core.h>
#include <torch/torch.h>

#include "model/ComputeRuntime.h"
#include "model/PatchTensors.h"
#include "model/network/FlopCounter.h"
#include "model/network/GeneMorphUNet.h"

using namespace teramind;

namespace {

double seconds(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: bench_model CONFIG [--grid N] [--train-batch B] [--repeat R] [--threads T] "
        "[--bf16 1]\n");
    return 2;
  }
  const std::string name = argv[1];
  int grid = 2, trainBatch = 1, repeat = 3, threads = 0;
  bool bf16 = false;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--grid"))
      grid = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--train-batch"))
      trainBatch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeat"))
      repeat = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads"))
      threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--bf16"))
      bf16 = std::atoi(argv[i + 1]) != 0;
  }
  const auto runtime = configureComputeRuntime(threads);
  const auto config = namedModelConfig(name);
  const torch::Device device = runtime.cudaAvailable ? torch::kCUDA : torch::kCPU;
  torch::manual_seed(0);
  network::GeneMorphUNet net(config);
  net->to(device);
  int64_t parameters = 0;
  for (auto& p : net->parameters()) parameters += p.numel();
  const int64_t P = config.patchSize, gb = config.geneBinsPerPatch;
  auto patches = [&](int64_t n) {
    return torch::randn({n, config.stains, config.outputSections, P, P}, device);
  };
  auto genes = [&](int64_t n) {
    return torch::poisson(torch::full({n, config.genes, config.geneSections, gb, gb}, 2.0))
        .to(device);
  };
  auto t = torch::tensor({500}, torch::kLong).to(device);

  fmt::print("config: {} ({} parameters)\n", name, parameters);
  fmt::print("device: {} ({} threads)\n", runtime.device, runtime.threads);
  bf16 = bf16 && device.is_cuda();  // autocast is CUDA's only
  fmt::print("precision: {}\n", bf16 ? "bf16 autocast" : "fp32");
  {
    torch::NoGradGuard noGrad;
    auto flops = [&](network::GeneMorphUNetImpl::Passes passes) {
      network::FlopCounter counter;
      net->forward(patches(1), t, genes(1), 1, 1, passes);
      return counter.flops();
    };
    double geneFlops;
    {
      network::FlopCounter counter;
      net->geneFeatures(genes(1));
      geneFlops = counter.flops();
    }
    const double noDecoder = flops({false, false}), oneDecoder = flops({false, true});
    fmt::print("gflop_per_patch_gene_blocks: {:.3f}\n", geneFlops / 1e9);
    fmt::print("gflop_per_patch_encoder_middle: {:.2f}\n", (noDecoder - geneFlops) / 1e9);
    fmt::print("gflop_per_patch_decoder: {:.2f}\n", (oneDecoder - noDecoder) / 1e9);
  }

  // Inference as sampling runs it: (grid+1)² input patches, grid² output patches.
  {
    torch::NoGradGuard noGrad;
    net->eval();
    const int64_t in = (grid + 1) * (grid + 1), out = int64_t(grid) * grid;
    auto x = patches(in);
    auto g = genes(in);
    CudaAutocast autocast(bf16);
    net->forward(x, t, g, grid + 1, grid + 1, {true, false});  // warm-up
    if (device.is_cuda()) torch::cuda::synchronize();
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeat; ++r) net->forward(x, t, g, grid + 1, grid + 1, {true, false});
    if (device.is_cuda()) torch::cuda::synchronize();
    const double s = seconds(start) / repeat;
    const double voxels = double(out) * P * P * config.outputSections * config.stains;
    fmt::print("inference_grid: {}x{} input patches -> {}x{} output patches\n", grid + 1, grid + 1,
               grid, grid);
    fmt::print("inference_seconds_per_step: {:.3f}\n", s);
    fmt::print("inference_output_patches_per_s: {:.3f}\n", out / s);
    fmt::print("inference_output_voxels_per_s: {:.3e}\n", voxels / s);
  }

  // Training: batch × 2×2 windows, both decoders, backward.
  if (trainBatch > 0) {
    net->train();
    const int64_t n = 4 * trainBatch;
    auto x = patches(n);
    auto g = genes(n);
    auto tb = torch::full({trainBatch}, 500, torch::kLong).to(device);
    auto step = [&] {
      network::GeneMorphUNetImpl::Output o;
      {
        CudaAutocast autocast(bf16);
        o = net->forward(x, tb, g, 2, 2, {true, true});
      }
      auto loss = o.original.to(torch::kFloat32).pow(2).mean() +
                  o.collage.to(torch::kFloat32).pow(2).mean();
      net->zero_grad();
      loss.backward();
    };
    step();
    if (device.is_cuda()) torch::cuda::synchronize();
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeat; ++r) step();
    if (device.is_cuda()) torch::cuda::synchronize();
    const double s = seconds(start) / repeat;
    fmt::print("train_batch: {} windows ({} patches)\n", trainBatch, n);
    fmt::print("train_seconds_per_step: {:.3f}\n", s);
    fmt::print("train_patches_per_s: {:.3f}\n", n / s);
    fmt::print("train_voxels_per_s: {:.3e}\n",
               double(n) * P * P * config.outputSections * config.stains / s);
  }
  return 0;
}
