// The section explorer's figures, measured through the studio's SectionViewModel (the view's
// model without a window: what the Section tab paints) at 1280 × 800:
//   bench_studio --section PATH [--cache-mib N]
// PATH: an NGFF image (a `teramind generate` output, another tool's OME-Zarr), a TIFF or a
// dataset. Prints
//   open_ms:          a first open (sources and headers read; makes any pyramid not yet cached,
//                     whose notes follow), thrown away;
//   first_view_ms:    a second, fresh open (pyramids cached, an empty tile cache) until the first
//                     frame with every visible tile at its level (CompositeStats::complete()),
//                     frames drawn as the GUI draws them: whenever tiles arrive;
//   pan_frame_ms:     mean, 95th percentile and max of render() (wall, and the thread's CPU)
//   (compose from the cache, ask the loader) over 200
//                     frames at 60 Hz, each panning 20 px, every 10th also a wheel notch (the
//                     first 100 in, the rest out), the loader reading meanwhile;
//   cache_mib:        the cache's peak bytes against its cap;
//   tiles_requested:  tiles read from sources in all, against the visible tiles summed over the
//                     frames (and distinct), and how many tiles the view asked for outside the
//                     visible area (each frame's tiles at the scale's level: should be 0).
// Tiles are read on the loader's 2 threads; the OS file cache is not dropped (a second run reads
// warm files). A cap below one view's tiles (two stains at 1280 × 800: about 100 tiles of
// 256 KiB) never completes a view, each tile read pushing out another: the bench says so.
#include "SectionViewBench.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/core.h>

#include "common/TaskRunner.h"
#include "studio/SectionViewModel.h"

namespace teramind {

namespace {

using Clock = std::chrono::steady_clock;
using TileSet = std::unordered_set<TileKey, TileKeyHash>;

constexpr int kWidth = 1280, kHeight = 800;
constexpr int kFrames = 200;
constexpr auto kFramePeriod = std::chrono::microseconds(16667);  // 60 Hz
constexpr auto kOpenTimeout = std::chrono::minutes(10);          // a pyramid of an L stain
constexpr auto kViewTimeout = std::chrono::seconds(120);
// The pans, 50 frames each: the view goes right, down, left, up (a drag moves the section).
constexpr double kDrag[4][2] = {{-20, 0}, {0, -20}, {20, 0}, {0, 20}};

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// This thread's CPU time: a frame's cost apart from the time other processes took the core.
double threadCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// The bench's event loop: wakes when a worker posts to the owner thread, as a GUI's does.
class WakingRunner : public ThreadTaskRunner {
 public:
  ~WakingRunner() override { joinAll(); }
  // Waits until something was posted since the last call, or the timeout.
  void waitPosted(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    posted_.wait_for(lock, timeout, [this] { return woken_; });
    woken_ = false;
  }

 protected:
  void wake() override {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    posted_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  bool woken_ = false;
};

struct Options {
  std::filesystem::path path;
  std::size_t cacheMiB = 512;
};

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--section" && i + 1 < argc) {
      options.path = argv[++i];
    } else if (arg == "--cache-mib" && i + 1 < argc) {
      const long long mib = std::atoll(argv[++i]);
      if (mib < 1 || mib > (1 << 20)) return false;
      options.cacheMiB = std::size_t(mib);
    } else {
      return false;
    }
  }
  return !options.path.empty();
}

// Every tile of the view's visible layers that lies in the visible area at the scale's level:
// what a frame may ask for.
TileSet visibleTiles(const SectionScene& scene, const SectionCamera& camera, int plane) {
  TileSet visible;
  const RectUm area = camera.visibleUm();
  for (const SectionLayer& layer : scene.layers()) {
    const auto source = layer.source >= 0 ? scene.source(layer.source) : nullptr;
    if (!layer.style.visible || !source) continue;
    const PyramidInfo& info = source->info();
    const int level = levelForScale(info, camera.umPerPixel);
    const int sourcePlane = std::clamp(plane, 0, std::max(0, info.planes - 1));
    for (const TileKey& key :
         tilesCovering(info, layer.source, level, layer.channel, sourcePlane, area))
      visible.insert(key);
  }
  return visible;
}

// Runs the model's deliveries until nothing is opening; false on timeout.
bool waitOpened(WakingRunner& runner, SectionViewModel& model, Clock::duration timeout) {
  const auto end = Clock::now() + timeout;
  for (;;) {
    runner.deliver();
    if (!model.busy() && runner.pending() == 0) return true;
    if (Clock::now() >= end) return false;
    runner.waitPosted(std::chrono::milliseconds(20));
  }
}

void printMessages(const SectionViewModel& model) {
  for (const StudioMessage& message : model.messages())
    fmt::print("  {}{}: {}\n", message.kind == StudioMessage::Kind::Error ? "error: " : "",
               message.title, message.text);
}

}  // namespace

int runSectionViewBench(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    fmt::print(stderr, "usage: bench_studio --section PATH [--cache-mib N]\n");
    return 2;
  }
  SectionViewModel::Settings settings;
  settings.cacheBytes = options.cacheMiB << 20;

  // A first open: makes pyramids not yet cached, so the view below times a cached one.
  {
    WakingRunner runner;
    SectionViewModel model(nullptr, runner, settings);
    model.resize(kWidth, kHeight);
    const auto start = Clock::now();
    model.openPath(options.path);
    if (!waitOpened(runner, model, kOpenTimeout)) {
      fmt::print(stderr, "{}: not opened within {} s\n", options.path.string(),
                 std::chrono::duration_cast<std::chrono::seconds>(kOpenTimeout).count());
      return 1;
    }
    fmt::print("open_ms: {:.0f} (first open of {}: sources read, any pyramid not cached made)\n",
               msSince(start), options.path.string());
    printMessages(model);
    if (model.scene().layers().empty()) {
      fmt::print(stderr, "{}: nothing to show\n", options.path.string());
      return 1;
    }
  }

  WakingRunner runner;
  SectionViewModel model(nullptr, runner, settings);
  bool dirty = false;
  model.subscribe([&dirty](SectionViewChange) { dirty = true; });
  model.resize(kWidth, kHeight);

  // Every tile a frame asked for, checked against that frame's visible tiles.
  std::uint64_t askedOutside = 0, visibleSummed = 0;
  TileSet distinctVisible;
  auto account = [&] {
    const TileSet visible = visibleTiles(model.scene(), model.camera(), model.plane());
    for (const TileKey& key : model.lastStats().missing) askedOutside += !visible.count(key);
    visibleSummed += visible.size();
    distinctVisible.insert(visible.begin(), visible.end());
  };

  // --- first view ---
  // Counted to the first complete frame of what has arrived: a dataset's stains show before
  // its molecules are read (they follow as their own layers; the pan below waits for them).
  const auto start = Clock::now();
  model.openPath(options.path);
  double openMs = -1;
  int firstViewFrames = 0;
  dirty = true;
  for (;;) {
    runner.deliver();
    if (openMs < 0 && !model.scene().layers().empty()) openMs = msSince(start);
    if (dirty && openMs >= 0) {
      dirty = false;
      model.render();
      ++firstViewFrames;
      account();
      if (model.lastStats().complete()) break;
    }
    if (!model.busy() && runner.pending() == 0 && model.scene().layers().empty()) {
      fmt::print(stderr, "{}: the second open failed\n", options.path.string());
      printMessages(model);
      return 1;
    }
    if (Clock::now() - start > kViewTimeout) {
      // A cap below what one view needs never completes: each tile read pushes out another.
      double viewMiB = 0;
      for (const TileKey& key : visibleTiles(model.scene(), model.camera(), model.plane()))
        viewMiB += std::pow(model.scene().source(key.source)->info().tile, 2) * 4 / 1048576.0;
      fmt::print(stderr,
                 "first view not complete within {} s ({} tiles still missing; the view's tiles "
                 "take {:.1f} MiB, the cache's cap is {:.1f} MiB)\n",
                 std::chrono::duration_cast<std::chrono::seconds>(kViewTimeout).count(),
                 model.lastStats().missing.size(), viewMiB, model.cacheCap() / 1048576.0);
      return 1;
    }
    runner.waitPosted(std::chrono::milliseconds(10));
  }
  const double firstViewMs = msSince(start);
  const std::uint64_t firstViewTiles = model.tilesRequested();
  fmt::print(
      "first_view_ms: {:.1f} (open {:.1f} + tiles {:.1f}; {} tiles read, {} frames drawn; "
      "{:.3g} um/px, {} layers)\n",
      firstViewMs, openMs, firstViewMs - openMs, firstViewTiles, firstViewFrames,
      model.camera().umPerPixel, model.scene().layers().size());
  // What follows the first view (a dataset's molecules and outlines), before the pan.
  if (!waitOpened(runner, model, kOpenTimeout)) {
    fmt::print(stderr, "{}: not wholly opened within {} s\n", options.path.string(),
               std::chrono::duration_cast<std::chrono::seconds>(kOpenTimeout).count());
    return 1;
  }
  fmt::print("all_layers_ms: {:.0f} ({} layers)\n", msSince(start), model.scene().layers().size());

  // --- pan and zoom at 60 Hz ---
  std::vector<double> frameMs, frameCpuMs;
  int completeFrames = 0;
  const double startUmPerPixel = model.camera().umPerPixel;
  double finestUmPerPixel = startUmPerPixel;
  auto next = Clock::now();
  for (int frame = 0; frame < kFrames; ++frame) {
    runner.deliver();  // the event loop: Tiles repaints, not timed
    const auto& drag = kDrag[(frame / 50) % 4];
    model.drag(drag[0], drag[1]);
    if (frame % 10 == 5)
      model.wheel(kWidth * 0.6, kHeight * 0.45, frame < kFrames / 2 ? 120 : -120);
    finestUmPerPixel = std::min(finestUmPerPixel, model.camera().umPerPixel);
    const auto begin = Clock::now();
    const double cpuBegin = threadCpuMs();
    model.render();
    frameCpuMs.push_back(threadCpuMs() - cpuBegin);
    frameMs.push_back(msSince(begin));
    completeFrames += model.lastStats().complete();
    account();
    next += kFramePeriod;
    std::this_thread::sleep_until(next);
  }
  // Mean, 95th percentile, max.
  auto spread = [](std::vector<double> ms) {
    const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / double(ms.size());
    std::sort(ms.begin(), ms.end());
    return fmt::format("mean {:.2f} p95 {:.2f} max {:.2f}", mean, ms[ms.size() * 95 / 100],
                       ms.back());
  };
  fmt::print(
      "pan_frame_ms: {} (thread CPU: {}; {} frames at 60 Hz, {}x{}, 20 px pans, zoom {:.3g} -> "
      "{:.3g} -> back um/px; {} frames complete, the rest drawn with coarser stand-ins or gaps "
      "while their tiles were read)\n",
      spread(frameMs), spread(frameCpuMs), kFrames, kWidth, kHeight, startUmPerPixel,
      finestUmPerPixel, completeFrames);
  fmt::print("cache_mib: peak {:.1f} cap {:.1f} ({})\n", model.cachePeakBytes() / 1048576.0,
             model.cacheCap() / 1048576.0,
             model.cachePeakBytes() <= model.cacheCap() ? "never above the cap" : "ABOVE THE CAP");
  fmt::print(
      "tiles_requested: {} read from sources ({} for the first view); visible tiles summed over "
      "{} frames: {} ({} distinct); asked for outside the visible area: {}\n",
      model.tilesRequested(), firstViewTiles, firstViewFrames + kFrames, visibleSummed,
      distinctVisible.size(), askedOutside);
  return 0;
}

}  // namespace teramind
