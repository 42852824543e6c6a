#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sectionview/LayerStyle.h"
#include "sectionview/PyramidSource.h"
#include "sectionview/SectionCamera.h"

namespace teramind {

class TranscriptIndex;
class CellOutlineIndex;

enum class SectionLayerKind {
  Image,         // a channel of a pyramid source (stains, generated stains, counts, maps)
  Points,        // molecules: the density source at low zoom, points coloured by gene close up
  Shapes,        // cell or nucleus outlines
  AtlasOutline,  // the atlas annotation cut by the section's plane (a label pyramid), as edges
};

// One entry of the section view's layer list, as napari's layers are: what it draws and how.
struct SectionLayer {
  int id = -1;  // given by the scene
  std::string name;
  SectionLayerKind kind = SectionLayerKind::Image;
  LayerStyle style;
  // Image, AtlasOutline: the source and its channel. Points: the density source drawn while
  // more than pointLimit molecules are in view.
  int source = -1;
  int channel = 0;
  std::string unit;  // what the values are, for colour bars ("8-bit", "molecules per 4 µm px")
  // Points
  std::shared_ptr<const TranscriptIndex> transcripts;
  std::vector<std::uint32_t> genes;  // catalogue indices shown; empty: every gene
  std::size_t pointLimit = 200000;
  double pointRadiusPx = 1.5;
  // Shapes
  std::shared_ptr<const CellOutlineIndex> outlines;
  double outlinesBelowUmPerPixel = 4;  // outlines are drawn only this close up
  // Set for layers of a job's output while it runs: its tiles change under the cache.
  bool live = false;
};

// The section view's layer list and the sources they draw from (ids are the cache's source
// ids): bottom layer first, as napari lists them reversed.
class SectionScene {
 public:
  int addSource(std::shared_ptr<const PyramidSource> source);
  void removeSource(int id);  // and every layer drawing from it
  std::shared_ptr<const PyramidSource> source(int id) const;
  const std::map<int, std::shared_ptr<const PyramidSource>>& sources() const { return sources_; }

  int addLayer(SectionLayer layer);  // on top; returns its id
  void removeLayer(int id);
  // Moves the layer to `index` in the list (0 bottom), clamped.
  void moveLayer(int id, int index);
  SectionLayer* layer(int id);
  const SectionLayer* layer(int id) const;
  const SectionLayer* layerNamed(const std::string& name) const;
  const std::vector<SectionLayer>& layers() const { return layers_; }
  void clear();

  // The union of every image source's extent and every point/shape layer's bounds.
  RectUm extent() const;
  int planes() const;  // the most planes any source or layer has (1 at least)

 private:
  std::map<int, std::shared_ptr<const PyramidSource>> sources_;
  std::vector<SectionLayer> layers_;
  int nextSource_ = 1, nextLayer_ = 1;
};

}  // namespace teramind
