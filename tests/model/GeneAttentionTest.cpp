// Gene-gene attention of a tiny model trained on a condition where genes 0 and 1 mark the same
// cells and gene 2 is independent noise (test::syntheticSection).
#include <gtest/gtest.h>

#include "ModelTestSupport.h"
#include "analysis/GeneAttentionAggregate.h"
#include "model/GeneAttentionPass.h"
#include "model/ModelTrainer.h"

namespace teramind {
namespace {

TEST(GeneAttention, CoOccurringGenesAttendToEachOtherMoreThanToAnIndependentOne) {
  const auto c = namedModelConfig("tiny");
  auto data = test::syntheticSection(c, 12, 12);
  TrainingOptions o;
  o.steps = 30;
  o.batch = 2;
  o.learningRate = 1e-3;
  o.emaDecay = 0.9;
  o.seed = 5;
  o.checkpointEvery = 0;
  ModelTrainer trainer(MorphologyModel(c, data->genes, 2), data, o);
  trainer.run({});
  const auto model = trainer.emaModel();
  GeneAttentionAggregate aggregate(c.genes);
  geneAttentionPass(model, *data, 0, 0, 0, data->grid.width, data->grid.height,
                    [&](const AttentionPatch& p) { aggregate.add("section", p.values); });
  ASSERT_EQ(aggregate.count("section"), 36);  // 6 × 6 patch centres
  const auto m = aggregate.mean("section");
  const auto at = [&](int q, int k) { return m[std::size_t(q) * c.genes + k]; };
  EXPECT_GT(at(0, 1), at(0, 2)) << "co-occurring " << at(0, 1) << " vs independent " << at(0, 2);
  EXPECT_GT(at(1, 0), at(1, 2)) << "co-occurring " << at(1, 0) << " vs independent " << at(1, 2);
  std::printf("attention 0->1 %.5f, 0->2 %.5f, 1->0 %.5f, 1->2 %.5f (uniform %.5f)\n", at(0, 1),
              at(0, 2), at(1, 0), at(1, 2), 1.0 / c.genes);
}

}  // namespace
}  // namespace teramind
