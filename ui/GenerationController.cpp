#include "GenerationController.h"

#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <thread>

#include "JobDock.h"
#include "SectionRasters.h"
#include "model/ComputeRuntime.h"
#include "workflow/GenerationRegion.h"
#include "workflow/RegionGeneration.h"

namespace teramind::ui {
namespace {

// The demo block: 3 × 3 tiles of 4 patches in the crop's held-out rows (as `generate --demo`).
constexpr std::array<int, 4> kDemoBlock = {0, 8, 24, 24};

QString etaText(double seconds) {
  if (seconds < 0) return QObject::tr("ETA …");
  if (seconds < 90) return QObject::tr("ETA %1 s").arg(seconds, 0, 'f', 0);
  return QObject::tr("ETA %1 min").arg(seconds / 60, 0, 'f', 1);
}

}  // namespace

GenerationController::GenerationController(Workspace& workspace, render::AtlasScene& scene,
                                           JobDock* dock, QObject* parent)
    : QObject(parent), workspace_(workspace), scene_(scene), dock_(dock) {
  timer_.setInterval(100);
  connect(&timer_, &QTimer::timeout, this, &GenerationController::poll);
  connect(dock_, &JobDock::pauseToggled, this, [this](bool paused) {
    if (paused)
      job_.pause();
    else
      job_.resume();
    poll();
  });
}

QString GenerationController::defaultOutput() const {
  const QString dir =
      QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/jobs";
  return dir + "/job-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + ".zarr";
}

void GenerationController::start(std::optional<StructureId> structure) {
  if (job_.active()) throw std::runtime_error("a job is already running");
  if (!workspace_.model() || !workspace_.dataset())
    throw std::runtime_error("generation needs a dataset and a model");
  if (!workspace_.ready())
    throw std::runtime_error("the condition is still being prepared; try again in a moment");
  const auto model = workspace_.sharedModel();
  const auto section = workspace_.paintedSection();
  const auto& c = model->config();

  RegionChoice choice;
  choice.plane = dock_->plane();
  switch (dock_->region()) {
    case JobDock::Region::SelectedStructure: {
      if (!structure)
        throw std::runtime_error("select a structure first, or choose another region");
      const Structure& s = workspace_.atlas().ontology().byId(*structure);
      choice.selection = AtlasRegionSelection{s.id, std::nullopt};
      choice.description = s.acronym + " (" + s.name + ") as placed on the section";
      break;
    }
    case JobDock::Region::DemoBlock:
      choice.box = kDemoBlock;
      choice.description = "the demo's 3 x 3 tiles";
      break;
    case JobDock::Region::WholeSection:
      break;
  }
  auto region =
      resolveGenerationRegion(choice, section->grid, c.outputSections, workspace_.paintContext());

  RegionGenerationSettings settings;
  settings.sampling.seed = dock_->seed();
  settings.sampling.steps = dock_->steps();
  settings.tilePatches = dock_->tilePatches();
  settings.workers = std::max(1, int(std::thread::hardware_concurrency()));
  settings.checkpointSeconds = 30;
  if (dock_->output().isEmpty()) dock_->setOutput(defaultOutput());
  output_ = dock_->output();
  QDir().mkpath(QFileInfo(output_).absolutePath());

  tilePixels_ = settings.tilePatches * c.patchSize;
  stains_ = c.stains;
  sections_ = c.outputSections;
  grid_ = section->grid;
  pixelUm_ = c.pixelUm;
  tiles_.clear();
  scene_.clearGenerated();
  Q_EMIT sceneChanged();

  // One LibTorch thread per tile, tiles on every core: as the CLI, so the bytes match it.
  configureComputeRuntime(1);
  const std::filesystem::path out = output_.toStdString();
  const std::string description = workspace_.jobDescription();
  job_.start([model, section, region, settings, out, description](
                 const JobControl& control, const RegionGenerationEvents& events) {
    RegionGeneration generation(*model, *section, region, settings, out, description);
    return generation.run(control, events);
  });
  lastState_ = JobState::Running;
  dock_->setRunning(true);
  dock_->setProgress(0, tr("Starting: %1").arg(QString::fromStdString(region.description)));
  timer_.start();
}

void GenerationController::cancel() {
  job_.cancel();
  poll();
}

void GenerationController::show(const GeneratedTile& tile) {
  render::TilePlacement placement;
  placement.pixelUm = pixelUm_;
  placement.xUm = grid_.originXUm + double(tile.tile.col) * tilePixels_ * pixelUm_;
  placement.yUm = grid_.originYUm + double(tile.tile.row) * tilePixels_ * pixelUm_;
  placement.zUm = tile.firstPlane * grid_.planeSpacingUm;
  scene_.setGeneratedTile(tile.firstPlane, tile.tile.row, tile.tile.col,
                          render::generatedTileRaster(
                              tile.core, tilePixels_, stains_, sections_, 0,
                              static_cast<render::StainDisplay>(dock_->displayMode()), placement));
}

void GenerationController::redraw() {
  for (const auto& [key, core] : tiles_) show({key[0], {key[1], key[2]}, core});
  Q_EMIT sceneChanged();
}

void GenerationController::poll() {
  // State first: every tile of a job that has ended is in the mailbox by now.
  const JobState state = job_.state();
  auto tiles = job_.takeTiles();
  for (auto& tile : tiles) {
    show(tile);
    tiles_[{tile.firstPlane, tile.tile.row, tile.tile.col}] = std::move(tile.core);
  }
  if (!tiles.empty()) Q_EMIT sceneChanged();

  const auto p = job_.progress();
  const int z0 = job_.currentFirstPlane();
  const QString planes = tr("planes %1–%2").arg(z0).arg(z0 + sections_ - 1);
  switch (state) {
    case JobState::Running:
      dock_->setProgress(p.fraction(), tr("%1: %2/%3 tiles, %4")
                                           .arg(planes)
                                           .arg(p.tilesFinished)
                                           .arg(p.tilesTotal)
                                           .arg(etaText(p.etaSeconds)));
      break;
    case JobState::Paused:
      dock_->setStatus(tr("Paused (%1/%2 tiles)").arg(p.tilesFinished).arg(p.tilesTotal));
      break;
    case JobState::Cancelling:
      dock_->setStatus(tr("Cancelling…"));
      break;
    default:
      break;
  }
  if (state == lastState_) return;
  lastState_ = state;
  if (job_.active()) {
    dock_->setRunning(true, state == JobState::Paused);
    return;
  }
  timer_.stop();
  dock_->setRunning(false);
  switch (state) {
    case JobState::Finished:
      dock_->setProgress(
          1, tr("Finished: %1 tiles shown, written to %2").arg(tiles_.size()).arg(output_));
      dock_->setOutput(QString());  // the next run gets a new output
      break;
    case JobState::Cancelled:
      dock_->setStatus(tr("Cancelled after %1 tiles. Run again to resume into %2")
                           .arg(p.tilesFinished)
                           .arg(output_));
      break;
    case JobState::Failed:
      dock_->setStatus(tr("Failed: %1").arg(QString::fromStdString(job_.error())));
      Q_EMIT failed(QString::fromStdString(job_.error()));
      break;
    default:
      break;
  }
  Q_EMIT ended(state, output_);
}

}  // namespace teramind::ui
