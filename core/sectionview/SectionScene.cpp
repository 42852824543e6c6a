#include "sectionview/SectionScene.h"

#include <algorithm>
#include <set>

#include "sectionview/CellOutlineIndex.h"
#include "sectionview/TranscriptIndex.h"

namespace teramind {

namespace {

// The smallest rectangle holding both; an empty one adds nothing.
RectUm unite(const RectUm& a, const RectUm& b) {
  if (b.empty()) return a;
  if (a.empty()) return b;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

}  // namespace

int SectionScene::addSource(std::shared_ptr<const PyramidSource> source) {
  if (!source) return -1;
  const int id = nextSource_++;
  sources_.emplace(id, std::move(source));
  return id;
}

void SectionScene::removeSource(int id) {
  sources_.erase(id);
  layers_.erase(std::remove_if(layers_.begin(), layers_.end(),
                               [id](const SectionLayer& l) { return l.source == id; }),
                layers_.end());
}

std::shared_ptr<const PyramidSource> SectionScene::source(int id) const {
  auto it = sources_.find(id);
  return it == sources_.end() ? nullptr : it->second;
}

int SectionScene::addLayer(SectionLayer layer) {
  layer.id = nextLayer_++;
  layers_.push_back(std::move(layer));
  return layers_.back().id;
}

void SectionScene::removeLayer(int id) {
  layers_.erase(std::remove_if(layers_.begin(), layers_.end(),
                               [id](const SectionLayer& l) { return l.id == id; }),
                layers_.end());
}

void SectionScene::moveLayer(int id, int index) {
  auto it = std::find_if(layers_.begin(), layers_.end(),
                         [id](const SectionLayer& l) { return l.id == id; });
  if (it == layers_.end()) return;
  SectionLayer moved = std::move(*it);
  layers_.erase(it);
  const auto at = std::clamp<std::ptrdiff_t>(index, 0, std::ptrdiff_t(layers_.size()));
  layers_.insert(layers_.begin() + at, std::move(moved));
}

SectionLayer* SectionScene::layer(int id) {
  auto it = std::find_if(layers_.begin(), layers_.end(),
                         [id](const SectionLayer& l) { return l.id == id; });
  return it == layers_.end() ? nullptr : &*it;
}

const SectionLayer* SectionScene::layer(int id) const {
  return const_cast<SectionScene*>(this)->layer(id);
}

const SectionLayer* SectionScene::layerNamed(const std::string& name) const {
  auto it = std::find_if(layers_.begin(), layers_.end(),
                         [&name](const SectionLayer& l) { return l.name == name; });
  return it == layers_.end() ? nullptr : &*it;
}

void SectionScene::clear() {
  sources_.clear();
  layers_.clear();
}

RectUm SectionScene::extent() const {
  // The atlas outline's labels cover what the other layers cover, in whole atlas voxels (100 µm
  // over a 500 µm crop): they would widen the fitted view past the tissue.
  std::set<int> outlineOnly, drawnOtherwise;
  for (const SectionLayer& l : layers_)
    (l.kind == SectionLayerKind::AtlasOutline ? outlineOnly : drawnOtherwise).insert(l.source);
  RectUm all;
  for (const auto& [id, source] : sources_)
    if (!outlineOnly.count(id) || drawnOtherwise.count(id))
      all = unite(all, extentUm(source->info()));
  for (const SectionLayer& l : layers_) {
    if (l.kind == SectionLayerKind::Points && l.transcripts)
      all = unite(all, l.transcripts->extent());
    if (l.kind == SectionLayerKind::Shapes && l.outlines) all = unite(all, l.outlines->extent());
  }
  return all;
}

int SectionScene::planes() const {
  int most = 1;
  for (const auto& [id, source] : sources_) most = std::max(most, source->info().planes);
  for (const SectionLayer& l : layers_)
    if (l.transcripts) most = std::max(most, l.transcripts->planes());
  return most;
}

}  // namespace teramind
