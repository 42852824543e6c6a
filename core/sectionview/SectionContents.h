#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sectionview/SectionScene.h"
#include "sectionview/TiffPyramidSource.h"

namespace teramind {

class Atlas;
struct SpatialDataset;
class PyramidSource;

// Whether an image layer shows measured or generated morphology: the comparison modes put real
// on the left and generated on the right.
enum class ImageRole { Real, Generated, Data };

// The layers a dataset brings to the section view, added to `scene`:
// - each stain as an image "<stain> (real)" (DAPI blue, PolyT green, others grey; additive), its
//   planes stacked, Real: TIFFs through TiffPyramidSource (pyramids made or read from the
//   cache), other images (JPEG/PNG, SpatialData channels) read whole, at most 4096 px a side,
//   into a RasterSource;
// - molecules as points "molecules" (density at low zoom) when it holds transcripts;
// - "cell outlines" / "nucleus outlines" when it has any (hidden until close up): the lowest
//   plane's files of each compartment (a MERSCOPE region's planes outline the same cells);
// - the atlas annotation's outline where the section is placed (not for an unplaced section).
// `progress` gets a line of what it is doing (pyramid building takes a while on a large mosaic).
// Returns notes for the user (the pyramid cache used, what was left out).
std::vector<std::string> addDatasetLayers(
    SectionScene& scene, const SpatialDataset& dataset, std::shared_ptr<const Atlas> atlas,
    const TiffPyramidOptions& pyramids = {},
    const std::function<void(const std::string&)>& progress = {});

// One image layer per channel of a multiscale source (DAPI blue, PolyT green, others grey), named
// "<channel> (<role>)", Generated ones on the right of a comparison. Returns the layer ids.
std::vector<int> addImageLayers(SectionScene& scene, std::shared_ptr<const PyramidSource> source,
                                ImageRole role);

// A count image of one gene (Image layer over a TranscriptCountSource, fire colormap, 4 µm
// pixels), the gene found by name (case ignored when no name matches exactly) among the points
// layer's molecules. Returns the layer id, or -1 when the layer has no molecules or no such gene.
int addGeneCountLayer(SectionScene& scene, const SectionLayer& pointsLayer,
                      const std::string& gene);

// What a path opened alone in the section view holds: an NGFF image folder (a job's output or
// another tool's), a TIFF, or a dataset; the scene is filled with its layers.
enum class SectionPathKind { NgffImage, Tiff, Dataset };
SectionPathKind sectionPathKind(const std::filesystem::path& path);

}  // namespace teramind
