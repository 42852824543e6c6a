#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "ConditionsTestSupport.h"

#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "conditions/EditCommand.h"
#include "conditions/Selection.h"

namespace teramind {
namespace {

BinGrid testGrid() {
  return test::conditionsTestGrid();
}

std::map<std::uint64_t, double> asMap(const std::vector<SelectedBin>& bins) {
  std::map<std::uint64_t, double> out;
  for (const auto& b : bins) out[BinnedCondition::key(b.bin)] = b.weight;
  return out;
}

// Distance from a bin centre to the segment a–b (z from plane × spacing), computed independently.
double segmentDistance(const Vec3& q, const Vec3& a, const Vec3& b) {
  Vec3 d{b[0] - a[0], b[1] - a[1], b[2] - a[2]};
  const double len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  double t =
      len2 > 0 ? ((q[0] - a[0]) * d[0] + (q[1] - a[1]) * d[1] + (q[2] - a[2]) * d[2]) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  double s = 0;
  for (int i = 0; i < 3; ++i) s += std::pow(q[i] - (a[i] + t * d[i]), 2);
  return std::sqrt(s);
}

// Brute force over the whole grid: what the bounding-box enumeration must reproduce.
std::map<std::uint64_t, double> bruteForceStroke(const BrushStroke& s, const BinGrid& g) {
  std::map<std::uint64_t, double> out;
  const bool sphere = s.shape == BrushStroke::Shape::Sphere;
  for (std::int32_t p = 0; p < g.planes; ++p)
    for (std::int32_t y = 0; y < g.height; ++y)
      for (std::int32_t x = 0; x < g.width; ++x) {
        if (!sphere && p != s.centres[0].plane) continue;
        Vec3 c = g.binCentreUm({x, y, p});
        if (!sphere) c[2] = 0;
        double best = 0;
        for (std::size_t i = 0; i + 1 < std::max<std::size_t>(2, s.centres.size()); ++i) {
          const auto& ca = s.centres[i];
          const auto& cb = s.centres[std::min(i + 1, s.centres.size() - 1)];
          const Vec3 a{ca.xUm, ca.yUm, sphere ? ca.plane * g.planeSpacingUm : 0};
          const Vec3 b{cb.xUm, cb.yUm, sphere ? cb.plane * g.planeSpacingUm : 0};
          best = std::max(best, s.weightAt(segmentDistance(c, a, b)));
        }
        if (best > 0) out[BinnedCondition::key({x, y, p})] = best;
      }
  return out;
}

TEST(ConditionsBrush, HardDiskCoversBinsWhoseCentresAreWithinTheRadiusOnItsPlaneOnly) {
  const BinGrid g = testGrid();
  BrushStroke s;
  s.centres = {{2000, 3000, 1}};
  s.radiusUm = 175;  // 3.5 bins
  const auto bins = s.select(g);
  EXPECT_EQ(asMap(bins), bruteForceStroke(s, g));
  ASSERT_FALSE(bins.empty());
  for (const auto& b : bins) {
    EXPECT_EQ(b.bin.plane, 1);
    EXPECT_EQ(b.weight, 1.0);
    const Vec3 c = g.binCentreUm(b.bin);
    EXPECT_LE(std::hypot(c[0] - 2000, c[1] - 3000), 175.0);
  }
  EXPECT_NEAR(double(bins.size()), M_PI * 3.5 * 3.5, 8.0);
  EXPECT_TRUE(std::is_sorted(bins.begin(), bins.end(), [](const auto& a, const auto& b) {
    return BinnedCondition::key(a.bin) < BinnedCondition::key(b.bin);
  }));
}

TEST(ConditionsBrush, PolylineStrokeIsTheUnionOfDabsAlongItsSegments) {
  const BinGrid g = testGrid();
  BrushStroke s;
  s.centres = {{0, 1000, 0}, {1500, 1200, 0}, {1600, 3000, 0}, {1600, 3000, 0}};
  s.radiusUm = 120;
  s.edge = BrushStroke::Edge::Soft;
  s.hardness = 0.3;
  EXPECT_EQ(asMap(s.select(g)), bruteForceStroke(s, g));
}

TEST(ConditionsBrush, BinsOutsideTheGridAreDropped) {
  const BinGrid g = testGrid();
  BrushStroke s;
  s.centres = {{-1000, 500, 0}, {-1500, 9000, 0}};  // along and beyond the grid's corner
  s.radiusUm = 300;
  const auto bins = s.select(g);
  ASSERT_FALSE(bins.empty());
  for (const auto& b : bins) EXPECT_TRUE(g.contains(b.bin));
  EXPECT_EQ(asMap(bins), bruteForceStroke(s, g));
  BrushStroke far;
  far.centres = {{1e7, -1e7, 0}};
  far.radiusUm = 1000;
  EXPECT_TRUE(far.select(g).empty());
  far.centres = {{2000, 3000, 5}};  // a plane the grid does not have
  EXPECT_TRUE(far.select(g).empty());
}

TEST(ConditionsBrush, SphereReachesNeighbouringPlanesWithASmallerDisk) {
  const BinGrid g = testGrid();
  BrushStroke s;
  s.shape = BrushStroke::Shape::Sphere;
  s.centres = {{2000, 3000, 0}};
  s.radiusUm = 180;  // plane 1 is 100 µm away: a disk of radius √(180² − 100²) ≈ 150 µm there
  const auto bins = s.select(g);
  EXPECT_EQ(asMap(bins), bruteForceStroke(s, g));
  std::size_t perPlane[2] = {0, 0};
  for (const auto& b : bins) {
    ++perPlane[b.bin.plane];
    const Vec3 c = g.binCentreUm(b.bin);
    EXPECT_LE(std::sqrt(std::pow(c[0] - 2000, 2) + std::pow(c[1] - 3000, 2) + c[2] * c[2]), 180.0);
  }
  EXPECT_GT(perPlane[1], 0u);
  EXPECT_LT(perPlane[1], perPlane[0]);
  s.radiusUm = 90;  // less than the plane spacing: plane 0 only
  for (const auto& b : s.select(g)) EXPECT_EQ(b.bin.plane, 0);
  // A sphere stroke may move between planes.
  s.centres = {{0, 1000, 0}, {2500, 4000, 1}};
  s.radiusUm = 140;
  s.edge = BrushStroke::Edge::Soft;
  EXPECT_EQ(asMap(s.select(g)), bruteForceStroke(s, g));
}

TEST(ConditionsBrush, SoftEdgeWeightFallsMonotonicallyFromHardnessRadiusToZero) {
  const BinGrid g = testGrid();
  BrushStroke s;
  s.centres = {{2012.5, 2987.5, 0}};
  s.radiusUm = 400;
  s.edge = BrushStroke::Edge::Soft;
  s.hardness = 0.25;
  EXPECT_EQ(s.weightAt(0), 1.0);
  EXPECT_EQ(s.weightAt(100), 1.0);
  EXPECT_EQ(s.weightAt(400), 0.0);
  EXPECT_EQ(s.weightAt(401), 0.0);
  double previous = 1.0;
  for (double d = 100; d <= 400; d += 0.5) {
    const double w = s.weightAt(d);
    EXPECT_LE(w, previous) << d;
    previous = w;
  }
  EXPECT_NEAR(s.weightAt(250), 0.5, 1e-12);  // smoothstep midpoint
  // On the grid: sorted by distance the weights never rise, all in (0, 1], full inside 100 µm.
  std::vector<std::pair<double, double>> byDistance;
  for (const auto& b : s.select(g)) {
    const Vec3 c = g.binCentreUm(b.bin);
    const double d = std::hypot(c[0] - 2012.5, c[1] - 2987.5);
    EXPECT_GT(b.weight, 0.0);
    EXPECT_LE(b.weight, 1.0);
    if (d <= 100) {
      EXPECT_EQ(b.weight, 1.0);
    }
    byDistance.emplace_back(d, b.weight);
  }
  std::sort(byDistance.begin(), byDistance.end());
  for (std::size_t i = 1; i < byDistance.size(); ++i)
    EXPECT_LE(byDistance[i].second, byDistance[i - 1].second);
  EXPECT_LT(byDistance.back().second, 0.05);
}

TEST(ConditionsBrush, OnlyTheBoundingBoxIsEnumeratedOnAHugeGrid) {
  BinGrid huge;
  huge.binUm = 1;
  huge.width = huge.height = 1 << 25;
  huge.planes = 4000;
  BrushStroke s;
  s.shape = BrushStroke::Shape::Sphere;
  s.centres = {{1e6, 2e6, 2000}, {1e6 + 50, 2e6, 2000}};
  s.radiusUm = 10;
  const auto start = std::chrono::steady_clock::now();
  const auto bins = s.select(huge);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
  EXPECT_GT(bins.size(), 1000u);
  PolygonSelection p;
  p.verticesUm = {{5e6, 5e6}, {5e6 + 40, 5e6}, {5e6, 5e6 + 40}};
  EXPECT_EQ(p.select(huge).size(), 780u);  // 39·40/2 centres strictly below the hypotenuse
}

TEST(ConditionsBrush, InvalidStrokesAreRejected) {
  BrushStroke s;
  EXPECT_THROW(s.validate(), std::invalid_argument);  // no centres
  s.centres = {{0, 0, 0}};
  s.radiusUm = 0;
  EXPECT_THROW(s.validate(), std::invalid_argument);
  s.radiusUm = std::nan("");
  EXPECT_THROW(s.validate(), std::invalid_argument);
  s.radiusUm = 10;
  s.hardness = 1.5;
  EXPECT_THROW(s.validate(), std::invalid_argument);
  s.hardness = 0.5;
  s.centres = {{0, 0, 0}, {10, 0, 1}};  // a disk changing plane
  EXPECT_THROW(s.validate(), std::invalid_argument);
  s.shape = BrushStroke::Shape::Sphere;
  EXPECT_NO_THROW(s.validate());
  s.centres = {{0, std::numeric_limits<double>::infinity(), 0}};
  EXPECT_THROW(s.validate(), std::invalid_argument);
  s.centres = {{0, 0, -1}};
  EXPECT_THROW(s.validate(), std::invalid_argument);
}

// Crossing-number test written independently of PolygonSelection.
bool insidePolygon(const std::vector<std::array<double, 2>>& v, double x, double y) {
  bool inside = false;
  for (std::size_t i = 0, j = v.size() - 1; i < v.size(); j = i++)
    if ((v[i][1] > y) != (v[j][1] > y) &&
        x < (v[j][0] - v[i][0]) * (y - v[i][1]) / (v[j][1] - v[i][1]) + v[i][0])
      inside = !inside;
  return inside;
}

TEST(ConditionsPolygon, ConcavePolygonSelectsExactlyTheBinsWhoseCentresAreInside) {
  const BinGrid g = testGrid();
  PolygonSelection p;
  p.plane = 1;
  // A "U": the notch between the arms must stay unselected.
  p.verticesUm = {{0, 1000},    {3000, 1000}, {3000, 5000}, {2000, 5000},
                  {2000, 2000}, {1000, 2000}, {1000, 5000}, {0, 5000}};
  const auto bins = p.select(g);
  std::set<std::uint64_t> expected;
  for (std::int32_t y = 0; y < g.height; ++y)
    for (std::int32_t x = 0; x < g.width; ++x) {
      const Vec3 c = g.binCentreUm({x, y, 1});
      if (insidePolygon(p.verticesUm, c[0], c[1])) expected.insert(BinnedCondition::key({x, y, 1}));
      EXPECT_EQ(p.contains(c[0], c[1]), insidePolygon(p.verticesUm, c[0], c[1]));
    }
  std::set<std::uint64_t> got;
  for (const auto& b : bins) {
    EXPECT_EQ(b.weight, 1.0);
    got.insert(BinnedCondition::key(b.bin));
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.size(), bins.size());
  // 3000×1000 base + two 1000×3000 arms = 9 mm², 3600 bins of 50 µm.
  EXPECT_EQ(bins.size(), 3600u);
  EXPECT_FALSE(p.contains(1500, 3000));  // in the notch
  EXPECT_TRUE(p.contains(500, 3000));    // in an arm
}

TEST(ConditionsPolygon, SelfCrossingStarUsesTheEvenOddRuleAndIsClippedToTheGrid) {
  const BinGrid g = testGrid();
  PolygonSelection star;
  for (int i = 0; i < 5; ++i) {
    const double a = M_PI / 2 + i * 4 * M_PI / 5;  // pentagram: vertex order skips one
    star.verticesUm.push_back({-500 + 2500 * std::cos(a), 600 + 2500 * std::sin(a)});
  }
  std::set<std::uint64_t> expected, got;
  for (std::int32_t y = 0; y < g.height; ++y)
    for (std::int32_t x = 0; x < g.width; ++x) {
      const Vec3 c = g.binCentreUm({x, y, 0});
      if (insidePolygon(star.verticesUm, c[0], c[1]))
        expected.insert(BinnedCondition::key({x, y, 0}));
    }
  for (const auto& b : star.select(g)) got.insert(BinnedCondition::key(b.bin));
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(star.contains(-500, 600));  // the pentagon in the middle is crossed twice
}

TEST(ConditionsPolygon, InvalidPolygonsAreRejected) {
  PolygonSelection p;
  p.verticesUm = {{0, 0}, {1, 1}};
  EXPECT_THROW(p.validate(), std::invalid_argument);
  p.verticesUm.push_back({std::nan(""), 0});
  EXPECT_THROW(p.validate(), std::invalid_argument);
  p.verticesUm.back() = {2, 0};
  p.plane = -1;
  EXPECT_THROW(p.validate(), std::invalid_argument);
}

using test::coronalPlacement;

class ConditionsAtlasRegion : public test::BundledAtlasTest {
 protected:
  PaintContext context() const { return {atlas_, coronalPlacement()}; }
  StructureId id(const char* acronym) const { return atlas_->ontology().byAcronym(acronym).id; }
};
TEST_F(ConditionsAtlasRegion, RegionFillTouchesTheStructureOnlyAndCA1IsInsideHIP) {
  const BinGrid g = testGrid();
  const auto ctx = context();
  const auto hip = AtlasRegionSelection{id("HIP"), std::nullopt}.select(g, ctx);
  const auto ca1 = AtlasRegionSelection{id("CA1"), std::nullopt}.select(g, ctx);
  ASSERT_GT(ca1.size(), 50u);
  EXPECT_GT(hip.size(), ca1.size());
  std::set<std::uint64_t> hipKeys;
  for (const auto& b : hip) {
    EXPECT_EQ(b.weight, 1.0);
    const Structure* s = atlas_->structureAt(ctx.sectionToAtlas.apply(g.binCentreUm(b.bin)));
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(atlas_->ontology().isDescendantOrSelf(s->id, id("HIP")));
    hipKeys.insert(BinnedCondition::key(b.bin));
  }
  for (const auto& b : ca1) EXPECT_TRUE(hipKeys.count(BinnedCondition::key(b.bin))) << "CA1 ⊄ HIP";
  std::set<std::int32_t> planes;
  for (const auto& b : hip) planes.insert(b.bin.plane);
  EXPECT_EQ(planes, (std::set<std::int32_t>{0, 1}));
  // One plane only.
  for (const auto& b : AtlasRegionSelection{id("HIP"), 1}.select(g, ctx)) EXPECT_EQ(b.bin.plane, 1);

  // Painting the whole brain ("root") leaves every bin outside the brain as it was.
  BinnedCondition condition(g, {"Gad1"});
  for (std::int32_t p = 0; p < g.planes; ++p)
    for (std::int32_t y = 0; y < g.height; y += 2)
      for (std::int32_t x = 0; x < g.width; x += 3)
        condition.set(0, {x, y, p}, 1.0f + float(x % 7));
  const BinnedCondition before = condition;
  const ConditionEdit edit("Gad1", AtlasRegionSelection{atlas_->ontology().root().id, {}},
                           SetValue{42.0});
  const EditCommand command = EditCommand::apply(edit, condition, ctx);
  std::size_t outside = 0, inside = 0;
  for (std::int32_t p = 0; p < g.planes; ++p)
    for (std::int32_t y = 0; y < g.height; ++y)
      for (std::int32_t x = 0; x < g.width; ++x) {
        const BinIndex b{x, y, p};
        if (atlas_->structureAt(ctx.sectionToAtlas.apply(g.binCentreUm(b)))) {
          ++inside;
          EXPECT_EQ(condition.get(0, b), 42.0f);
        } else {
          ++outside;
          ASSERT_EQ(condition.get(0, b), before.get(0, b));
        }
      }
  EXPECT_GT(outside, 1000u);
  EXPECT_GT(inside, 10000u);
  EXPECT_EQ(command.touchedBins(), inside);
}

TEST_F(ConditionsAtlasRegion, FineGridUsesTheStructureBoundsAndMatchesAFullScan) {
  // More candidate bins than atlas voxels: the selection is narrowed to CA1's atlas bounding box
  // first. It must give exactly what testing every bin gives.
  BinGrid g = testGrid();
  g.binUm = 10;
  g.width = 1000;
  g.height = 750;
  const auto ctx = context();
  const auto ca1 = AtlasRegionSelection{id("CA1"), std::nullopt}.select(g, ctx);
  const auto members = atlas_->ontology().subtree(id("CA1"));
  const std::set<StructureId> inside(members.begin(), members.end());
  std::vector<std::uint64_t> expected;
  for (std::int32_t p = 0; p < g.planes; ++p)
    for (std::int32_t y = 0; y < g.height; ++y)
      for (std::int32_t x = 0; x < g.width; ++x) {
        const Structure* s =
            atlas_->structureAt(ctx.sectionToAtlas.apply(g.binCentreUm({x, y, p})));
        if (s && inside.count(s->id)) expected.push_back(BinnedCondition::key({x, y, p}));
      }
  std::vector<std::uint64_t> got;
  for (const auto& b : ca1) got.push_back(BinnedCondition::key(b.bin));
  EXPECT_GT(got.size(), 1000u);
  EXPECT_EQ(got, expected);
}

TEST_F(ConditionsAtlasRegion, MissingAtlasOrUnknownStructureIsAnError) {
  const BinGrid g = testGrid();
  const AtlasRegionSelection ca1{id("CA1"), std::nullopt}, unknown{999999999u, std::nullopt};
  EXPECT_THROW(ca1.select(g, PaintContext{}), std::invalid_argument);
  EXPECT_THROW(unknown.select(g, context()), std::invalid_argument);
  EXPECT_THROW((ConditionEdit("Gad1", AtlasRegionSelection{id("CA1"), -1}, KnockOut{})),
               std::invalid_argument);
}

}  // namespace
}  // namespace teramind

namespace teramind {
namespace {

TEST(ConditionsBrush, DiskOnAPlaneTheGridLacksSelectsNothingAndEnds) {
  BrushStroke brush;
  brush.centres = {{0, 1000, 2147483647}};
  brush.radiusUm = 100;
  EXPECT_TRUE(brush.select(test::conditionsTestGrid()).empty());
}

TEST(ConditionsPolygon, FarAwayVerticesStillCoverTheGrid) {
  const BinGrid g = test::conditionsTestGrid();
  for (double far : {1e100, 1e200}) {
    PolygonSelection triangle;
    triangle.verticesUm = {{-far, -far}, {far, -far}, {0, far}};
    EXPECT_EQ(triangle.select(g).size(), std::size_t(g.width) * std::size_t(g.height)) << far;
  }
}

}  // namespace
}  // namespace teramind
