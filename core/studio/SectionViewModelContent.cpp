#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/core.h>

#include "common/FileError.h"
#include "common/OperationCancelled.h"
#include "io/SpatialDataset.h"
#include "io/TiffPixelSize.h"
#include "sectionview/NgffPyramidSource.h"
#include "studio/GeneratedTileSource.h"
#include "studio/SectionViewModel.h"
#include "studio/StudioModel.h"

// What the section view shows: a path or dataset opened on the runner, a job's output, and the
// scene's groups of sources and layers that each replaces as a whole.
namespace teramind {

namespace {
std::string messageOf(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

bool isCancellation(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const OperationCancelled&) {
    return true;
  } catch (...) {
    return false;
  }
}

// The error's text, naming the path when the error does not already.
std::string namingPath(const std::filesystem::path& path, const std::string& text) {
  return text.find(path.string()) != std::string::npos ? text : path.string() + ": " + text;
}
}  // namespace

std::vector<int> SectionViewModel::sourcesOf(ContentGroup group) const {
  std::vector<int> ids;
  for (const auto& [id, g] : sourceGroups_)
    if (g == group) ids.push_back(id);
  return ids;
}

void SectionViewModel::dropGroup(ContentGroup group) {
  std::vector<int> layers;
  for (const auto& [id, g] : layerGroups_)
    if (g == group) layers.push_back(id);
  for (int id : layers) {
    scene_.removeLayer(id);
    layerGroups_.erase(id);
    if (selected_ == id) selected_ = -1;
  }
  for (int id : sourcesOf(group)) {
    scene_.removeSource(id);
    loader_.removeSource(id);
    sourceGroups_.erase(id);
  }
}

void SectionViewModel::replaceGroup(ContentGroup group, const SectionScene& built) {
  dropGroup(group);
  if (group == ContentGroup::Data) dropGroup(ContentGroup::Molecules);
  std::map<int, int> ids;  // built's source id → the scene's
  for (const auto& [id, source] : built.sources()) {
    const int mine = scene_.addSource(source);
    ids[id] = mine;
    sourceGroups_[mine] = group;
    loader_.addSource(mine, source);
  }
  for (SectionLayer layer : built.layers()) {
    if (layer.source >= 0) {
      const auto found = ids.find(layer.source);
      layer.source = found == ids.end() ? -1 : found->second;
    }
    layerGroups_[scene_.addLayer(std::move(layer))] = group;
  }
  orderLayersByGroup();
}

void SectionViewModel::orderLayersByGroup() {
  std::vector<std::pair<int, int>> order;  // group, layer id; in the list's order
  for (const SectionLayer& layer : scene_.layers()) {
    const auto found = layerGroups_.find(layer.id);
    order.emplace_back(found == layerGroups_.end() ? 0 : int(found->second), layer.id);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < order.size(); ++i)
    if (scene_.layers()[i].id != order[i].second) scene_.moveLayer(order[i].second, int(i));
}

void SectionViewModel::sceneChanged(bool fitCamera) {
  if (fitCamera && !scene_.extent().empty()) {
    if (keepRegion_) {
      // The region asked for before the content came (--view-um) holds for all of it (stains,
      // then molecules, an output beside them); the next open or Home lets content fit again.
    } else if (viewportSet_) {
      camera_.fit(scene_.extent());
      sized_ = true;
      autoFit_ = camera_;
    } else {
      sized_ = false;  // the first resize fits
    }
  }
  // A bound studio's plane, once the scene has it.
  const int wanted = studio_ ? studio_->state().plane : plane_;
  plane_ = std::clamp(wanted, 0, std::max(0, scene_.planes() - 1));
  overviewMissing_.clear();
  notify(SectionViewChange::Layers);
  notify(SectionViewChange::Camera);
  notify(SectionViewChange::Plane);
}

void SectionViewModel::openInBackground(const std::string& what, OpenBuild build, bool cancellable,
                                        bool dropOthers, ContentGroup group,
                                        std::function<void()> then) {
  const std::uint64_t open = ++dataOpens_;
  // The open under way is replaced: its pyramid build stops rather than run on unseen.
  if (dataOpenCancel_) dataOpenCancel_->store(true);
  // A build that never asks the flag still gets one (a newer open sets it), not offered to
  // cancelBusy().
  const CancelFlag cancel =
      cancellable ? startCancellable() : std::make_shared<std::atomic<bool>>(false);
  dataOpenCancel_ = cancel;
  // Asked by the pyramid's building threads; the settings' own check first (tests hold it).
  std::function<bool()> cancelled = [cancel, outer = settings_.pyramids.cancelled] {
    if (outer && outer()) return true;
    return cancel->load();
  };
  beginBusy("Opening " + what + "…");
  struct Result {
    SectionScene scene;
    std::shared_ptr<const SpatialDataset> dataset;
    std::vector<std::string> notes;
  };
  auto result = std::make_shared<Result>();
  // Progress lines from the worker reach busyText() on the owner thread.
  auto progress = [runner = &runner_, alive = alive_, cancel, this](std::string line) {
    runner->post([alive, cancel, this, line = std::move(line)] {
      if (!*alive || busy_ == 0 || *cancel) return;  // "Cancelling…" stays
      busyText_ = line;
      notify(SectionViewChange::Busy);
    });
  };
  runner_.run(
      [result, build = std::move(build), progress, cancelled] {
        result->scene = build(result->dataset, result->notes, progress, cancelled);
      },
      [this, alive = alive_, result, open, what, dropOthers, group, cancel,
       then = std::move(then)](std::exception_ptr error) {
        if (!*alive) return;
        finishCancellable(cancel);
        endBusy();
        if (open != dataOpens_) return;  // a later open replaced this one
        // Cancelled by hand: what was read is not shown, and it is no error.
        if (*cancel || (error && isCancellation(error))) {
          report(StudioMessage::Kind::Notice, "Cancelled", "opening " + what + " cancelled");
          return;
        }
        if (error) {
          report(StudioMessage::Kind::Error, "Cannot open " + what,
                 namingPath(what, messageOf(error)));
          return;
        }
        if (dropOthers) {
          dropGroup(ContentGroup::Output);
          dropGroup(ContentGroup::Attention);
          outputShown_.clear();
          outputByHand_ = false;
          liveOutput_.reset();
          attentionShown_.reset();
        }
        replaceGroup(group, result->scene);
        if (group == ContentGroup::Data) dataGroupDataset_ = result->dataset.get();
        if (result->dataset) dataset_ = result->dataset;
        // The molecules may reach past the stains: the view fits them too unless the
        // user has moved it since the stains were fitted.
        sceneChanged(group == ContentGroup::Data ||
                     (group == ContentGroup::Molecules && cameraAsAutoFitted()));
        for (const auto& note : result->notes) report(StudioMessage::Kind::Notice, what, note);
        if (then) then();
      });
}

void SectionViewModel::openPath(const std::filesystem::path& path) {
  // A region given for the content shown so far does not hold for the next: it fits (a region
  // given before any content came is kept for it).
  if (!scene_.extent().empty()) keepRegion_ = false;
  if (!studio_) {
    openPathAsData(path);
    return;
  }
  // Beside a studio a job's output is compared with the studio's stains, not put in their
  // place. Which it is needs its metadata: looked at on the runner.
  auto isOutput = std::make_shared<bool>(false);
  beginBusy("Opening " + path.string() + "…");
  runner_.run(
      [path, isOutput] {
        *isOutput = sectionPathKind(path) == SectionPathKind::NgffImage &&
                    NgffPyramidSource::open(path)->isTeramindOutput();
      },
      [this, alive = alive_, path, isOutput](std::exception_ptr) {
        if (!*alive) return;
        endBusy();
        // A path that cannot be read is the open's to report, naming it.
        if (*isOutput)
          showOutputSource(path, false, false);
        else
          openPathAsData(path);
      });
}

void SectionViewModel::openPathAsData(const std::filesystem::path& path) {
  const auto atlas = atlas_;
  // Set when the stains came alone: the molecules are read next.
  auto stainsFirst = std::make_shared<bool>(false);
  openInBackground(
      path.string(),
      [path, atlas, settingsPyramids = settings_.pyramids, stainsFirst](
          std::shared_ptr<const SpatialDataset>& dataset, std::vector<std::string>& notes,
          const std::function<void(std::string)>& progress,
          const std::function<bool()>& cancelled) {
        TiffPyramidOptions pyramids = settingsPyramids;
        pyramids.cancelled = cancelled;
        if (!std::filesystem::exists(path)) throw FileError(path, "no such file or folder");
        SectionScene scene;
        switch (sectionPathKind(path)) {
          case SectionPathKind::NgffImage: {
            const auto source = NgffPyramidSource::open(path);
            addImageLayers(scene, source,
                           source->isTeramindOutput() ? ImageRole::Generated : ImageRole::Data);
            break;
          }
          case SectionPathKind::Tiff: {
            // A TIFF alone does not say where the section lies (its corner goes to the
            // origin), but may say its pixel size (OME-XML, ImageJ, resolution tags).
            std::string pixelNote;
            const std::optional<TiffPixelSize> stated = readTiffPixelSize(path, &pixelNote);
            const double pixelUm = stated ? stated->umX : 1.0;
            const auto source = TiffPyramidSource::open(
                {path}, 0, 0, pixelUm, path.filename().string(), pyramids, [&](double done) {
                  progress(fmt::format("Making the pyramid of {}: {:.0f}%",
                                       path.filename().string(), done * 100));
                });
            addImageLayers(scene, source, ImageRole::Data);
            notes.push_back(source->report().text());
            if (!stated) {
              notes.push_back(
                  "pixels taken as 1 µm with the image's corner at the origin (the file states "
                  "no pixel size; a TIFF alone does not place the section)");
            } else {
              notes.push_back(fmt::format(
                  "pixels of {:.4g} µm as the file states ({}), the image's corner at the origin "
                  "(a TIFF alone does not place the section)",
                  stated->umX, stated->from));
              // The section view's pixels are square.
              if (std::abs(stated->umY - stated->umX) > 1e-3 * stated->umX)
                notes.push_back(fmt::format(
                    "the file states pixels of {:.4g} × {:.4g} µm: shown square at {:.4g} µm",
                    stated->umX, stated->umY, stated->umX));
            }
            if (!pixelNote.empty()) notes.push_back("pixel size: " + pixelNote);
            break;
          }
          case SectionPathKind::Dataset: {
            progress("Reading " + path.filename().string() + "…");
            // A folder with stain images shows them first (their pyramids cached, a whole
            // section's first view in well under a second); its 10⁸ molecules follow.
            SpatialDataset stains = loadSpatialDataset(path, {}, DatasetContent::StainImagesOnly);
            *stainsFirst = !stains.stains.empty();
            dataset = std::make_shared<const SpatialDataset>(
                *stainsFirst ? std::move(stains) : loadSpatialDataset(path));
            notes = addDatasetLayers(scene, *dataset, *stainsFirst ? nullptr : atlas, pyramids,
                                     [&](const std::string& line) { progress(line); });
            // The atlas outline comes with the molecules (openMolecules), over their extent.
            if (*stainsFirst)
              notes.erase(std::remove_if(notes.begin(), notes.end(),
                                         [](const std::string& note) {
                                           return note.rfind("no atlas outline", 0) == 0;
                                         }),
                          notes.end());
            break;
          }
        }
        return scene;
      },
      // Alone it replaces everything; beside a studio the job's output and maps stay.
      /*cancellable=*/true, studio_ == nullptr, ContentGroup::Data,
      [this, path, stainsFirst] {
        if (*stainsFirst) openMolecules(path);
      });
}

void SectionViewModel::openMolecules(const std::filesystem::path& path) {
  const auto atlas = atlas_;
  openInBackground(
      path.string(),
      [path, atlas](std::shared_ptr<const SpatialDataset>& dataset, std::vector<std::string>& notes,
                    const std::function<void(std::string)>& progress,
                    const std::function<bool()>&) {
        progress("Reading the molecules of " + path.filename().string() + "…");
        auto full = std::make_shared<SpatialDataset>(loadSpatialDataset(path));
        // The stains are shown already: only what they lack is added.
        SpatialDataset rest = *full;
        rest.stains.clear();
        SectionScene scene;
        notes = addDatasetLayers(scene, rest, atlas, {},
                                 [&](const std::string& line) { progress(line); });
        // Over the stains shown the molecules start hidden, as addDatasetLayers does with both.
        if (!full->stains.empty())
          for (const SectionLayer& layer : std::vector<SectionLayer>(scene.layers()))
            if (layer.kind == SectionLayerKind::Points)
              scene.layer(layer.id)->style.visible = false;
        dataset = std::move(full);
        return scene;
      },
      // Reading the molecules asks no cancellation check (loadSpatialDataset takes none).
      /*cancellable=*/false, false, ContentGroup::Molecules);
}

void SectionViewModel::showDataset(std::shared_ptr<const SpatialDataset> dataset) {
  if (!scene_.extent().empty()) keepRegion_ = false;
  if (!dataset) {
    ++dataOpens_;  // an open under way is dropped, its pyramid build stopped
    if (dataOpenCancel_) dataOpenCancel_->store(true);
    dropGroup(ContentGroup::Data);
    dataset_.reset();
    dataGroupDataset_ = nullptr;
    sceneChanged(false);
    return;
  }
  const auto atlas = atlas_;
  const std::string what = dataset->name.empty() ? dataset->source.string() : dataset->name;
  openInBackground(
      what,
      [dataset, atlas, settingsPyramids = settings_.pyramids](
          std::shared_ptr<const SpatialDataset>& shown, std::vector<std::string>& notes,
          const std::function<void(std::string)>& progress,
          const std::function<bool()>& cancelled) {
        TiffPyramidOptions pyramids = settingsPyramids;
        pyramids.cancelled = cancelled;
        SectionScene scene;
        notes = addDatasetLayers(scene, *dataset, atlas, pyramids,
                                 [&](const std::string& line) { progress(line); });
        shown = dataset;
        return scene;
      },
      /*cancellable=*/true, false);
}

void SectionViewModel::showOutput(const std::filesystem::path& output, bool live) {
  showOutputSource(output, live, false);
}

void SectionViewModel::showOutputSource(const std::filesystem::path& output, bool live,
                                        bool fromStudio) {
  const std::uint64_t open = ++outputOpens_;
  outputShown_ = output;
  outputLive_ = live;
  outputByHand_ = !fromStudio;
  beginBusy("Opening " + output.string() + "…");
  auto source = std::make_shared<std::shared_ptr<const NgffPyramidSource>>();
  runner_.run([source, output] { *source = NgffPyramidSource::open(output); },
              [this, alive = alive_, source, open, output, fromStudio](std::exception_ptr error) {
                if (!*alive) return;
                endBusy();
                if (open != outputOpens_) return;
                if (error) {
                  outputShown_.clear();
                  outputByHand_ = false;
                  report(StudioMessage::Kind::Error, "Cannot show the output",
                         namingPath(output, messageOf(error)));
                  return;
                }
                // A live output's finished tiles show before the job writes them.
                liveOutput_ = std::make_shared<GeneratedTileSource>(*source);
                SectionScene built;
                const auto ids = addImageLayers(built, liveOutput_, ImageRole::Generated);
                for (int id : ids)
                  if (SectionLayer* layer = built.layer(id)) layer->live = outputLive_;
                const bool wasEmpty = scene_.layers().empty();
                replaceGroup(ContentGroup::Output, built);
                tilesSeen_.clear();
                sceneChanged(wasEmpty);
                // Tiles the studio already holds (a resumed job, tiles that came meanwhile).
                if (fromStudio && studio_) showGeneratedTiles(studio_->state().tiles);
              });
}

void SectionViewModel::outputTilesChanged(const std::vector<RectUm>& areas) {
  if (areas.empty()) return;
  std::map<int, PyramidInfo> live;
  for (const SectionLayer& layer : scene_.layers())
    if (layer.live && layer.source >= 0)
      if (const auto source = scene_.source(layer.source)) live[layer.source] = source->info();
  if (live.empty()) return;
  // Cached tiles dropped, one being read now not cached (it may hold the old bytes), one that
  // failed mid-write read again.
  loader_.invalidate([&](const TileKey& key) {
    const auto found = live.find(key.source);
    if (found == live.end()) return false;
    const RectUm rect = tileRectUm(found->second, key.level, key.row, key.col);
    return std::any_of(areas.begin(), areas.end(),
                       [&](const RectUm& area) { return area.intersects(rect); });
  });
  notify(SectionViewChange::Tiles);
}

}  // namespace teramind
