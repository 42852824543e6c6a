#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

#include <fmt/core.h>

#include "analysis/PathwayMap.h"
#include "sectionview/NgffPyramidSource.h"
#include "sectionview/RasterSource.h"
#include "studio/GeneratedTileSource.h"
#include "studio/SectionViewModel.h"
#include "studio/StudioModel.h"

// The section view following a studio: its dataset, its job's output (tiles shown as they
// finish, the view following them) and its attention's pathway map.
namespace teramind {

void SectionViewModel::bindStudio(StudioModel* studio) {
  if (studio_ && studioListener_ >= 0) studio_->unsubscribe(studioListener_);
  studio_ = studio;
  studioListener_ = -1;
  datasetAsked_ = nullptr;
  if (!studio_) return;
  // An output shown by hand before stays until the studio's output moves on from this one.
  const StudioState& state = studio_->state();
  studioOutput_ = state.jobStatus.output.empty() ? state.lastOutput : state.jobStatus.output;
  studioListener_ = studio_->subscribe([this](StudioChange change) { studioChanged(change); });
  studioChanged(StudioChange::Dataset);
  studioChanged(StudioChange::Job);
  studioChanged(StudioChange::Attention);
}

void SectionViewModel::studioChanged(StudioChange change) {
  if (!studio_) return;
  const StudioState& state = studio_->state();
  switch (change) {
    case StudioChange::Dataset: {
      const auto dataset = state.workspace.sharedDataset();
      if (dataset.get() == datasetAsked_) return;
      // The studio keeps its last job's output when other data opens: it is not this data's.
      if (datasetAsked_ && !outputByHand_) {
        staleOutput_ = studioOutput_;
        if (!outputShown_.empty()) dropOutput();
      }
      datasetAsked_ = dataset.get();
      showDataset(dataset);
      return;
    }
    case StudioChange::Job:
    case StudioChange::Tiles:
      outputChanged();
      // Never laid over an output shown by hand: they are the studio's job's tiles.
      if (change == StudioChange::Tiles && liveOutput_ && !outputByHand_)
        showGeneratedTiles(state.tiles);
      return;
    case StudioChange::Plane:
      setPlane(state.plane);  // the studio's plane; the view's own keys do not change it
      return;
    case StudioChange::Attention:
      if (state.attention != attentionShown_ && !state.attentionBusy)
        showAttention(state.attention);
      return;
    default:
      return;
  }
}

void SectionViewModel::dropOutput() {
  ++outputOpens_;  // an open under way is for the old output
  dropGroup(ContentGroup::Output);
  outputShown_.clear();
  outputByHand_ = false;
  liveOutput_.reset();
  tilesSeen_.clear();
  newestTile_.reset();
  notify(SectionViewChange::Layers);
}

void SectionViewModel::outputChanged() {
  const StudioState& state = studio_->state();
  std::filesystem::path output =
      state.jobStatus.output.empty() ? state.lastOutput : state.jobStatus.output;
  if (!staleOutput_.empty()) {
    if (output == staleOutput_)
      output.clear();  // an earlier dataset's job output, until the studio runs another
    else
      staleOutput_.clear();
  }
  const bool live = studio_->jobActive();
  const bool studioMoved = output != studioOutput_;
  studioOutput_ = output;
  if (outputByHand_) {
    if (output == outputShown_)
      outputByHand_ = false;  // the studio's own output now: followed as such
    else if (output.empty() || !studioMoved)
      return;  // kept: the studio has no other output to show
  }
  if (output != outputShown_) {
    if (!outputShown_.empty()) dropOutput();
    // The job makes its store as it starts: shown once it is there. Whether it is means
    // reading its metadata: on the runner, one look at a time, again on the next change.
    if (output.empty() || outputProbing_) return;
    outputProbing_ = true;
    auto isImage = std::make_shared<bool>(false);
    runner_.run([output, isImage] { *isImage = NgffPyramidSource::isNgffImage(output); },
                [this, alive = alive_, output, isImage](std::exception_ptr) {
                  if (!*alive) return;
                  outputProbing_ = false;
                  if (!studio_ || outputByHand_ || !outputShown_.empty()) return;
                  if (studioOutput_ != output) {
                    outputChanged();  // the studio moved on meanwhile: look at its new one
                    return;
                  }
                  if (*isImage) showOutputSource(output, studio_->jobActive(), true);
                });
    return;
  }
  if (live == outputLive_ || !liveOutput_) return;
  outputLive_ = live;
  for (const auto& [id, group] : layerGroups_)
    if (group == ContentGroup::Output)
      if (SectionLayer* layer = scene_.layer(id)) layer->live = live;
  if (!live) {
    // The job has ended and written every tile (its coarser levels too): read them again.
    liveOutput_->clear();
    const auto sources = sourcesOf(ContentGroup::Output);
    loader_.invalidate([&](const TileKey& key) {
      return std::find(sources.begin(), sources.end(), key.source) != sources.end();
    });
    notify(SectionViewChange::Tiles);
  }
  notify(SectionViewChange::Layers);
}

void SectionViewModel::showGeneratedTiles(const GeneratedTiles& tiles) {
  if (tiles.cores.empty()) {
    tilesSeen_.clear();
    return;
  }
  if (!liveOutput_) return;  // no output shown yet: handled once it is
  std::vector<RectUm> areas;
  for (const auto& [key, core] : tiles.cores) {
    if (!tilesSeen_.insert(key).second) continue;
    // Laid over the store only while the job runs: a finished job's store holds them all.
    areas.push_back(outputLive_ ? liveOutput_->add(tiles, key)
                                : GeneratedTileSource::tileRect(tiles, key));
  }
  if (areas.empty()) return;
  newestTile_ = areas.back();
  outputTilesChanged(areas);
  if (outputLive_) followOutput();
}

void SectionViewModel::followOutput() {
  if (!followJob_ || !newestTile_ || !outputLive_ || !liveOutput_) return;
  const RectUm tile = *newestTile_;
  const bool inView = camera_.visibleUm().intersects(tile);
  camera_.centreXUm = (tile.x0 + tile.x1) / 2;
  camera_.centreYUm = (tile.y0 + tile.y1) / 2;
  if (!inView) {
    // A tile a third of the view, never coarser than the output's own pixels: level 0 shows.
    const double side = std::max(1, std::min(camera_.width, camera_.height));
    double umPerPixel = tile.width() * 3 / side;
    const auto& levels = liveOutput_->info().levels;
    if (!levels.empty()) umPerPixel = std::min(umPerPixel, levels[0].pixelUm);
    camera_.umPerPixel = std::max(umPerPixel, minUmPerPixel());
  }
  sized_ = true;
  notify(SectionViewChange::Camera);
}

void SectionViewModel::showAttention(std::shared_ptr<const SectionAttention> attention) {
  const std::uint64_t run = ++attentionRuns_;
  attentionShown_ = attention;
  if (!attention || attention->trackedGenes().size() < 2 || !studio_ || !studio_->state().ready()) {
    if (!sourcesOf(ContentGroup::Attention).empty() ||
        std::any_of(layerGroups_.begin(), layerGroups_.end(),
                    [](const auto& l) { return l.second == ContentGroup::Attention; })) {
      dropGroup(ContentGroup::Attention);
      notify(SectionViewChange::Layers);
    }
    return;
  }
  const BinGrid grid = studio_->state().workspace.grid();
  const auto& tracked = attention->trackedGenes();
  const std::size_t a = tracked[0], b = tracked[1];
  const std::string name =
      fmt::format("attention {}→{}", attention->genes()[a], attention->genes()[b]);
  beginBusy("Mapping " + name + "…");
  auto built = std::make_shared<SectionScene>();
  auto peak = std::make_shared<double>(1.0);
  runner_.run(
      [attention, grid, a, b, name, built, peak] {
        const PathwayMap map = computePathwayMap(attention->pathwayInput(a, b));
        if (map.width != grid.width || map.height != grid.height)
          throw std::runtime_error("the pathway map is not on the condition's bin grid");
        float top = 0;
        for (float v : map.level)
          if (std::isfinite(v)) top = std::max(top, v);
        *peak = top > 0 ? top : 1.0;
        // The map of the attention's planes; the view draws it on every plane.
        auto source = std::make_shared<RasterSource>(name, "level", map.width, map.height,
                                                     grid.binUm, grid.originXUm, grid.originYUm,
                                                     std::vector<std::vector<float>>{map.level});
        const int id = built->addSource(source);
        SectionLayer layer;
        layer.name = name;
        layer.kind = SectionLayerKind::Image;
        layer.source = id;
        layer.unit = "log2(attention × genes + 1)";
        layer.style.colormap = LayerColormap::Viridis;
        layer.style.blending = LayerBlending::Translucent;
        layer.style.opacity = 0.7;
        layer.style.colourBar = true;
        layer.style.contrastMin = 0;
        layer.style.contrastMax = *peak;
        built->addLayer(layer);
      },
      [this, alive = alive_, run, built, name](std::exception_ptr error) {
        if (!*alive) return;
        endBusy();
        if (run != attentionRuns_) return;
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            report(StudioMessage::Kind::Error, "Cannot map " + name, e.what());
          } catch (...) {
            report(StudioMessage::Kind::Error, "Cannot map " + name, "unknown error");
          }
          return;
        }
        replaceGroup(ContentGroup::Attention, *built);
        notify(SectionViewChange::Layers);
      });
}

}  // namespace teramind
