#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "ConditionsTestSupport.h"

#include "conditions/ConditionEditJson.h"
#include "conditions/EditCommand.h"

namespace teramind {
namespace {

BinGrid testGrid() {
  return test::conditionsTestGrid();
}

// Genes A and B hold a position-coded pattern on every other bin (so values say where they came
// from); C is empty.
BinnedCondition patterned() {
  BinnedCondition c(testGrid(), {"A", "B", "C"});
  for (std::int32_t p = 0; p < 2; ++p)
    for (std::int32_t y = 0; y < 150; ++y)
      for (std::int32_t x = 0; x < 200; ++x) {
        if ((x + y) % 2) continue;
        c.set(0, {x, y, p}, float(1 + x + 1000 * y + 1000000 * p) * 1e-3f);
        c.set(1, {x, y, p}, float(7 + (x * 31 + y * 17 + p) % 11));
      }
  return c;
}

BrushStroke disk(double x, double y, std::int32_t plane, double radius, bool soft = false) {
  BrushStroke s;
  s.centres = {{x, y, plane}};
  s.radiusUm = radius;
  s.edge = soft ? BrushStroke::Edge::Soft : BrushStroke::Edge::Hard;
  s.hardness = 0.2;
  return s;
}

bool sameBits(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Runs an edit and checks every selected bin against `expected(old, weight, bin)` and every other
// bin of every gene for being untouched.
template <typename Expected>
void checkEdit(const ConditionEdit& edit, Expected expected) {
  BinnedCondition condition = patterned();
  const BinnedCondition before = condition;
  const auto bins = selectBins(edit.selection(), condition.grid(), {});
  ASSERT_FALSE(bins.empty());
  EditCommand::apply(edit, condition, {});
  const std::size_t gene = *condition.geneIndex(edit.gene());
  BinnedCondition untouched = condition;
  for (const auto& [bin, weight] : bins) {
    const float want = expected(before.get(gene, bin), weight, bin, before);
    ASSERT_TRUE(sameBits(condition.get(gene, bin), want))
        << condition.get(gene, bin) << " vs " << want << " at " << bin.x << "," << bin.y;
    untouched.set(gene, bin, before.get(gene, bin));
  }
  EXPECT_EQ(untouched, before);
}

TEST(ConditionsOperation, SetWritesTheValueExactlyUnderAHardEdge) {
  checkEdit(ConditionEdit("A", disk(2000, 3000, 0, 300), SetValue{3.7}),
            [](float, double, const BinIndex&, const BinnedCondition&) { return 3.7f; });
}

TEST(ConditionsOperation, SoftWeightsBlendTowardsTheTarget) {
  checkEdit(ConditionEdit("A", disk(2000, 3000, 1, 400, true), SetValue{10.0}),
            [](float old, double w, const BinIndex&, const BinnedCondition&) {
              return float(w >= 1 ? 10.0 : old + w * (10.0 - old));
            });
}

TEST(ConditionsOperation, AddScaleAndKnockOut) {
  checkEdit(ConditionEdit("B", disk(500, 2000, 0, 250, true), AddValue{2.5}),
            [](float old, double w, const BinIndex&, const BinnedCondition&) {
              const double target = double(old) + 2.5;
              return float(w >= 1 ? target : old + w * (target - old));
            });
  checkEdit(ConditionEdit("B", disk(500, 2000, 0, 250), ScaleValue{0.5}),
            [](float old, double, const BinIndex&, const BinnedCondition&) {
              return float(double(old) * 0.5);
            });
  BinnedCondition condition = patterned();
  const std::size_t before = condition.nonZeroCount(1);
  const auto command =
      EditCommand::apply(ConditionEdit("B", disk(500, 2000, 0, 250), KnockOut{}), condition, {});
  EXPECT_GT(command.changes().size(), 0u);
  // Knocked-out bins are absent, not stored zeros.
  EXPECT_EQ(condition.nonZeroCount(1), before - command.changes().size());
  for (const auto& c : command.changes()) {
    EXPECT_EQ(c.after, 0.0f);
    EXPECT_EQ(condition.get(1, BinnedCondition::unpack(c.key)), 0.0f);
  }
  // Only bins that really changed are recorded: half of the disk's bins were empty already.
  EXPECT_LT(command.changes().size(), command.touchedBins());
}

TEST(ConditionsOperation, CopyFromReadsTheSourceGeneAtTheOffsetBin) {
  const CopyFromGene copy{"A", 3, -2, 1};
  checkEdit(ConditionEdit("C", disk(2000, 3000, 1, 300, true), copy),
            [](float old, double w, const BinIndex& b, const BinnedCondition& before) {
              const double src = before.get(0, {b.x - 3, b.y + 2, b.plane - 1});
              return float(w >= 1 ? src : old + w * (src - old));
            });
  // Reading outside the grid gives 0: copying from plane −1 knocks the target out.
  BinnedCondition condition = patterned();
  EditCommand::apply(ConditionEdit("A", disk(2000, 3000, 0, 300), CopyFromGene{"B", 0, 0, 1}),
                     condition, {});
  for (const auto& b : disk(2000, 3000, 0, 300).select(condition.grid()))
    EXPECT_EQ(condition.get(0, b.bin), 0.0f);
}

TEST(ConditionsOperation, CopyOntoTheSameGeneReadsTheStateBeforeTheEdit) {
  // A shift by one bin within gene A: read-after-write would smear the first column across.
  PolygonSelection box;
  box.verticesUm = {{0, 1000}, {2000, 1000}, {2000, 2000}, {0, 2000}};
  checkEdit(ConditionEdit("A", box, CopyFromGene{"A", 1, 0, 0}),
            [](float, double, const BinIndex& b, const BinnedCondition& before) {
              return before.get(0, {b.x - 1, b.y, b.plane});
            });
}

TEST(ConditionsOperation, ResultsAreClampedToNonNegativeFiniteCounts) {
  BinnedCondition condition(testGrid(), {"A"});
  condition.set(0, {40, 50, 0}, -5.0f);  // e.g. a residual from earlier processing
  condition.set(0, {41, 50, 0}, std::numeric_limits<float>::max());
  PolygonSelection both;
  both.verticesUm = {{1000, 3000}, {1100, 3000}, {1100, 3050}, {1000, 3050}};
  ASSERT_EQ(both.select(condition.grid()).size(), 2u);
  EditCommand::apply(ConditionEdit("A", both, ScaleValue{2.0}), condition, {});
  EXPECT_EQ(condition.get(0, {40, 50, 0}), 0.0f);
  EXPECT_EQ(condition.nonZeroCount(0), 1u);  // the negative bin is now absent
  EXPECT_EQ(condition.get(0, {41, 50, 0}), std::numeric_limits<float>::max());
  EditCommand::apply(ConditionEdit("A", both, AddValue{3e38}), condition, {});
  EXPECT_EQ(condition.get(0, {41, 50, 0}), std::numeric_limits<float>::max());
  EXPECT_TRUE(std::isfinite(condition.get(0, {40, 50, 0})));
}

TEST(ConditionsOperation, BadParametersAreRejectedWhenTheEditIsMade) {
  const auto s = disk(0, 0, 0, 10);
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(ConditionEdit("A", s, SetValue{nan}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, SetValue{inf}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, SetValue{-1}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, SetValue{1e39}), std::invalid_argument);  // beyond float
  EXPECT_THROW(ConditionEdit("A", s, AddValue{-0.5}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, AddValue{nan}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, ScaleValue{-0.5}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, ScaleValue{inf}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", s, CopyFromGene{"", 0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("", s, KnockOut{}), std::invalid_argument);
  EXPECT_THROW(ConditionEdit("A", disk(0, 0, 0, -1), KnockOut{}), std::invalid_argument);
  EXPECT_NO_THROW(ConditionEdit("A", s, ScaleValue{0.0}));
}

TEST(ConditionsOperation, UnknownGenesAreRejectedAtApplyAndChangeNothing) {
  BinnedCondition condition = patterned();
  const BinnedCondition before = condition;
  const auto s = disk(2000, 3000, 0, 300);
  try {
    EditCommand::apply(ConditionEdit("Nope", s, SetValue{1}), condition, {});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown gene 'Nope'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      EditCommand::apply(ConditionEdit("A", s, CopyFromGene{"Nope", 0, 0, 0}), condition, {}),
      std::invalid_argument);
  EXPECT_EQ(condition, before);
}

// Doubles that are easy to get wrong in text: they must come back with the same bits.
double trickyDouble(std::mt19937_64& rng) {
  static const double fixed[] = {0.1,
                                 1.0 / 3.0,
                                 2.0 / 3.0 * 1e-300,
                                 5e-324,
                                 123456789.123456789,
                                 1.7976931348623157e308,
                                 0.30000000000000004,
                                 1e-7,
                                 0.0};
  const std::uint64_t pick = rng() % 12;
  if (pick < 9) return fixed[pick];
  return std::uniform_real_distribution<double>(0, 1000)(rng);
}

TEST(ConditionsEditJson, EveryKindOfEditRoundTripsExactly) {
  std::mt19937_64 rng(7);
  auto d = [&] { return trickyDouble(rng); };
  auto positive = [&] {
    const double v = d();
    return v > 0 ? v : 0.25;
  };
  for (int round = 0; round < 50; ++round) {
    BrushStroke brush;
    brush.shape = round % 2 ? BrushStroke::Shape::Sphere : BrushStroke::Shape::Disk;
    brush.edge = round % 3 ? BrushStroke::Edge::Soft : BrushStroke::Edge::Hard;
    brush.radiusUm = positive();
    brush.hardness = std::fmod(d(), 1.0);
    for (int i = 0; i < 3; ++i) brush.centres.push_back({-d(), d(), 1});
    PolygonSelection polygon;
    polygon.plane = round;
    for (int i = 0; i < 4; ++i) polygon.verticesUm.push_back({d(), -d()});
    const AtlasRegionSelection region{
        382u + std::uint32_t(round), round % 2 ? std::optional<std::int32_t>(round) : std::nullopt};
    const float limit = std::numeric_limits<float>::max();
    const std::vector<PaintOperation> operations = {
        SetValue{std::fmod(d(), double(limit))}, AddValue{std::fmod(d(), double(limit))},
        ScaleValue{d()}, KnockOut{}, CopyFromGene{"Gad1", round - 25, -round, 1}};
    for (const Selection& selection : std::vector<Selection>{brush, polygon, region})
      for (const auto& operation : operations) {
        const ConditionEdit edit("Slc17a7", selection, operation);
        const std::string text = editToJson(edit);
        const ConditionEdit back = editFromJson(text);
        ASSERT_EQ(back, edit) << text;
        ASSERT_EQ(editToJson(back), text);  // and the text is stable
        if (const auto* b = std::get_if<BrushStroke>(&back.selection())) {
          ASSERT_EQ(std::memcmp(&b->radiusUm, &brush.radiusUm, sizeof(double)), 0);
        }
      }
  }
  // Written by hand, with integer numbers where doubles are expected.
  const auto edit = editFromJson(R"({"gene":"Gad1","operation":{"type":"add","value":3},
      "selection":{"type":"polygon","plane":0,"vertices_um":[[0,0],[10,0],[0,10]]}})");
  EXPECT_EQ(std::get<AddValue>(edit.operation()).value, 3.0);
}

TEST(ConditionsEditJson, MalformedEditsNameTheProblem) {
  auto message = [](const std::string& text) {
    try {
      editFromJson(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string sel =
      R"("selection":{"type":"polygon","plane":0,"vertices_um":[[0,0],[10,0],[0,10]]})";
  EXPECT_NE(message("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"gene":"A",)" + sel + "}").find("missing field 'operation'"),
            std::string::npos);
  EXPECT_NE(message(R"({"gene":"A",)" + sel + R"(,"operation":{"type":"paint"}})")
                .find("unknown operation type 'paint'"),
            std::string::npos);
  EXPECT_NE(message(R"({"gene":"A",)" + sel + R"(,"operation":{"type":"set","value":"3"}})")
                .find("'value' must be a number"),
            std::string::npos);
  EXPECT_NE(message(R"({"gene":"A",)" + sel + R"(,"operation":{"type":"set","value":-3}})")
                .find("must not be negative"),
            std::string::npos);
  EXPECT_NE(
      message(
          R"({"gene":"A","operation":{"type":"knock_out"},"selection":{"type":"polygon","plane":0.5,"vertices_um":[]}})")
          .find("'plane' must be an integer"),
      std::string::npos);
  EXPECT_NE(message(R"({"gene":"A","operation":{"type":"knock_out"},"selection":{"type":"lasso"}})")
                .find("unknown selection type 'lasso'"),
            std::string::npos);
}

// Found by fuzz_paint_edits: a number too large for a double made the JSON parser throw
// out_of_range, which escaped instead of the documented std::invalid_argument.
TEST(ConditionsEditJson, AnOverflowingNumberIsMalformedJson) {
  EXPECT_THROW(editFromJson(R"({"gene":1e30817,"operation":{"type":"knock_out"}})"),
               std::invalid_argument);
}

}  // namespace
}  // namespace teramind
