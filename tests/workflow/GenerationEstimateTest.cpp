// --estimate: the tiles it counts are the tiles a job steps, and its time is one measured tile
// step scaled by the tile steps over the workers.
#include <gtest/gtest.h>

#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/MorphologyModel.h"
#include "model/MorphologyTileDenoiser.h"
#include "model/PairedSection.h"
#include "workflow/GenerationEstimate.h"

namespace teramind {
namespace {

TEST(GenerationEstimate, CountsTheTilesWithTranscriptsAndScalesOneMeasuredStep) {
  configureComputeRuntime(1);
  const auto dataset = loadSpatialDataset(bundledDemoDataset());
  const auto config = namedModelConfig("tiny");
  const auto genes = mostExpressedGenes(dataset, config.genes, {});
  const MorphologyModel model(config, genes, 3);
  const auto section = preparePairedSection(dataset, config, genes, {}, StainImages::Skip);
  RegionChoice choice;
  choice.allPlanes = true;
  const auto region = resolveGenerationRegion(choice, section.grid, config.outputSections, {});
  RegionGenerationSettings settings;
  settings.sampling.steps = 3;
  settings.tilePatches = 2;
  settings.workers = 2;
  const auto e = estimateGeneration(model, section, region, settings);

  // Independently: tiles of the region's box whose bins hold a count on their planes.
  const int tileBins = settings.tilePatches * config.geneBinsPerPatch;
  std::int64_t expected = 0;
  for (int z0 : region.firstPlanes)
    for (int by0 = region.box[1]; by0 < region.box[1] + region.box[3]; by0 += tileBins)
      for (int bx0 = region.box[0]; bx0 < region.box[0] + region.box[2]; bx0 += tileBins) {
        bool any = false;
        for (int g = 0; g < config.genes && !any; ++g)
          for (int z = z0; z < z0 + config.outputSections; ++z)
            for (int by = by0; by < std::min(by0 + tileBins, section.grid.height); ++by)
              for (int bx = bx0; bx < std::min(bx0 + tileBins, section.grid.width); ++bx)
                any = any || section.count(g, z, by, bx) > 0;
        expected += any;
      }
  EXPECT_GT(expected, 4);
  EXPECT_EQ(e.tiles, expected);
  EXPECT_EQ(e.tileSteps, expected * 3);
  EXPECT_DOUBLE_EQ(e.outputVoxels, double(expected) * config.stains * config.outputSections *
                                       double(tileBins * config.binPixels()) *
                                       double(tileBins * config.binPixels()));
  EXPECT_GT(e.flopsPerTileStep, 1e6);
  EXPECT_GT(e.cpuSecondsPerTileStep, 0);
  EXPECT_DOUBLE_EQ(e.cpuSeconds, e.cpuSecondsPerTileStep * double(e.tileSteps) / 2);
  EXPECT_FALSE(e.gpuSeconds) << "no GPU figure was measured for the tiny configuration";

  // A larger tile costs more per step: its encoder sees (p + 1)² patches, its decoder p².
  settings.tilePatches = 4;
  const auto larger = estimateGeneration(model, section, region, settings);
  EXPECT_GT(larger.flopsPerTileStep, 2.5 * e.flopsPerTileStep);
  EXPECT_LT(larger.flopsPerTileStep, 4.5 * e.flopsPerTileStep);
}

}  // namespace
}  // namespace teramind
