#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include <fmt/core.h>

#include "atlas/Atlas.h"
#include "io/SpatialDataset.h"
#include "studio/SectionViewModel.h"
#include "studio/StudioModel.h"

// What the section view tells beyond its picture: the readout under the cursor, exports of any
// region at any pixel size, and the real stains as one texture for the 3D and slice views.
namespace teramind {

namespace {
// "DAPI (real)", "DAPI (generated)": the naming of addImageLayers.
bool isRealImage(const SectionLayer& layer) {
  const std::string suffix = "(real)";
  return layer.kind == SectionLayerKind::Image && layer.source >= 0 &&
         layer.name.size() >= suffix.size() &&
         layer.name.compare(layer.name.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::string SectionReadout::text() const {
  std::string line = fmt::format("x {:.1f} µm, y {:.1f} µm", xUm, yUm);
  if (ccfUm)
    line += fmt::format(" | CCF {:.0f}, {:.0f}, {:.0f} µm", (*ccfUm)[0], (*ccfUm)[1], (*ccfUm)[2]);
  if (!structure.empty()) line += " | " + structure;
  for (const auto& [name, value] : values)
    line += std::isnan(value) ? " | " + name + " …" : fmt::format(" | {} {:.4g}", name, value);
  return line;
}

SectionReadout SectionViewModel::readout(double x, double y) const {
  SectionReadout r;
  const ViewPane pane = paneAt(x);  // side by side: the pane's own camera
  const auto point = pane.camera.screenToSection(pane.x, y);
  r.xUm = point[0];
  r.yUm = point[1];
  if (dataset_ && atlas_ && dataset_->placement().placed) {
    const SectionPlacement& placement = dataset_->placement();
    const Vec3 ccf =
        placement.sectionToAtlas.apply({r.xUm, r.yUm, plane_ * placement.planeSpacingUm});
    r.ccfUm = ccf;
    if (const Structure* structure = atlas_->structureAt(ccf))
      r.structure = structure->name + " (" + structure->acronym + ")";
  }
  for (const SectionLayer& layer : scene_.layers()) {
    if (layer.kind != SectionLayerKind::Image || !layer.style.visible || layer.source < 0) continue;
    const auto source = scene_.source(layer.source);
    if (!source) continue;
    const PyramidInfo& info = source->info();
    double value = std::numeric_limits<double>::quiet_NaN();
    // Level 0 when it is cached (the value as measured), else the level drawn.
    for (const int level : {0, levelForScale(info, camera_.umPerPixel)}) {
      if (level < 0 || level >= int(info.levels.size()) || info.tile <= 0) continue;
      const double pixelUm = info.levels[std::size_t(level)].pixelUm;
      const double px = std::floor((r.xUm - info.originXUm) / pixelUm),
                   py = std::floor((r.yUm - info.originYUm) / pixelUm);
      if (!(px >= 0 && py >= 0 && px < double(info.levels[std::size_t(level)].width) &&
            py < double(info.levels[std::size_t(level)].height)))
        break;  // off the image: no value at any level
      const auto ix = std::int64_t(px), iy = std::int64_t(py);
      TileKey key;
      key.source = layer.source;
      key.level = level;
      key.channel = layer.channel;
      key.plane = std::clamp(plane_, 0, std::max(0, info.planes - 1));
      key.row = iy / info.tile;
      key.col = ix / info.tile;
      const auto tile = cache_.find(key);
      if (!tile) continue;
      const std::size_t i = std::size_t((iy % info.tile) * info.tile + ix % info.tile);
      if (i < tile->size()) value = (*tile)[i];
      break;
    }
    r.values.emplace_back(layer.name, value);
  }
  return r;
}

// --- exports ---

SectionExportResult SectionViewModel::exportViewNow(const std::filesystem::path& file,
                                                    double pixelUm, std::optional<RectUm> region) {
  SectionExportRequest request;
  request.region = region.value_or(camera_.visibleUm());
  request.pixelUm = pixelUm;
  request.plane = plane_;
  request.compare = compare_;
  request.file = file;
  return exportSectionView(scene_, loader_, cache_, request, text_);
}

void SectionViewModel::exportView(const std::filesystem::path& file, double pixelUm,
                                  std::optional<RectUm> region) {
  SectionExportRequest request;
  request.region = region.value_or(camera_.visibleUm());
  request.pixelUm = pixelUm;
  request.plane = plane_;
  request.compare = compare_;
  request.file = file;
  // cancelBusy() (or the model's end) stops it after the strip being drawn: nothing written.
  const CancelFlag cancel = startCancellable();  // before Busy is told: a Cancel button shows
  beginBusy("Exporting " + file.string() + "…");
  // The export reads through a cache and loader of its own: the view's cache keeps what is on
  // screen, and the task holds all it uses should the view close first.
  auto scene = std::make_shared<SectionScene>(scene_);
  auto result = std::make_shared<SectionExportResult>();
  const std::size_t cap = std::max<std::size_t>(std::size_t(64) << 20, settings_.cacheBytes / 4);
  auto progress = [runner = &runner_, alive = alive_, this, file, cancel](int done, int all) {
    runner->post([alive, this, file, done, all, cancel] {
      if (!*alive || busy_ == 0 || *cancel) return;  // "Cancelling…" stays
      busyText_ = fmt::format("Exporting {}: {}/{} strips", file.filename().string(), done, all);
      notify(SectionViewChange::Busy);
    });
    return !cancel->load();
  };
  runner_.run(
      [scene, result, request, cap, text = text_, progress] {
        TileCache cache(cap);
        TileLoader loader(cache, 1);
        for (const auto& [id, source] : scene->sources()) loader.addSource(id, source);
        *result = exportSectionView(*scene, loader, cache, request, text, progress);
      },
      [this, alive = alive_, result, request, cancel](std::exception_ptr error) {
        if (!*alive) return;
        finishCancellable(cancel);
        endBusy();
        if (error) {
          std::string text = "unknown error";
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            text = e.what();
          } catch (...) {
          }
          report(StudioMessage::Kind::Error, "Export failed", text);
          return;
        }
        if (result->cancelled) {
          report(StudioMessage::Kind::Notice, "Export cancelled",
                 "export to " + request.file.string() + " cancelled: nothing written");
          return;
        }
        report(StudioMessage::Kind::Notice, "Exported",
               fmt::format("exported {} x {} px at {:g} µm/px to {}", result->width, result->height,
                           request.pixelUm, request.file.string()));
      });
}

// --- the overview texture ---

RgbaImage SectionViewModel::sectionOverview(int maxSide, RectUm* extent) {
  SectionScene real = scene_;
  RectUm whole;
  // Bound to a studio, the picture lies on its section: none while the data shown is another.
  const bool dataIsTheStudios =
      !studio_ || (dataGroupDataset_ && dataGroupDataset_ == studio_->state().workspace.dataset());
  bool any = false;
  for (const SectionLayer& layer : scene_.layers()) {
    SectionLayer* copy = real.layer(layer.id);
    if (!copy) continue;
    // The data's stains only (the studio's dataset when bound): not another dataset's
    // "(real)" layers opened beside it, nor a generated output's.
    const auto group = layerGroups_.find(layer.id);
    copy->style.visible = dataIsTheStudios && isRealImage(layer) && group != layerGroups_.end() &&
                          group->second == ContentGroup::Data;
    if (!copy->style.visible) continue;
    const auto source = scene_.source(layer.source);
    if (!source) continue;
    const RectUm e = extentUm(source->info());
    if (e.empty()) continue;
    whole = any ? RectUm{std::min(whole.x0, e.x0), std::min(whole.y0, e.y0),
                         std::max(whole.x1, e.x1), std::max(whole.y1, e.y1)}
                : e;
    any = true;
  }
  if (extent) *extent = any ? whole : RectUm{};
  overviewMissing_.clear();
  if (!any || maxSide <= 0) return {};
  SectionCamera camera;
  camera.umPerPixel = std::max(whole.width(), whole.height()) / maxSide;
  camera.width = std::clamp(int(std::ceil(whole.width() / camera.umPerPixel)), 1, maxSide);
  camera.height = std::clamp(int(std::ceil(whole.height() / camera.umPerPixel)), 1, maxSide);
  camera.centreXUm = whole.x0 + camera.width * camera.umPerPixel / 2;
  camera.centreYUm = whole.y0 + camera.height * camera.umPerPixel / 2;
  CompositeStats stats;
  RgbaImage image = composeSection(real, camera, plane_, CompareSettings{}, cache_, &stats);
  if (stats.complete()) return image;
  overviewMissing_ = stats.missing;
  std::vector<TileKey> wanted = stats_.missing;
  wanted.insert(wanted.end(), overviewMissing_.begin(), overviewMissing_.end());
  loader_.request(wanted);
  return {};
}

}  // namespace teramind
