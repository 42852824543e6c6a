#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <random>
#include <set>
#include <tuple>

#include "sectionview/CellOutlineIndex.h"
#include "sectionview/TranscriptIndex.h"
#include "transcriptomics/SpatialTranscriptome.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {
namespace {

using Molecule = std::tuple<float, float, std::uint32_t>;

// Molecules spread over [100, 900) × [-50, 350) µm on 3 planes, 12 genes of which two are
// controls; a fifth of them on the 32 µm bucket edges (x or y a multiple of 32 from the
// smallest coordinate), where a rectangle's edge and a bucket's must agree.
TranscriptTable randomTable(std::size_t n, unsigned seed) {
  TranscriptTable table;
  for (int g = 0; g < 10; ++g) table.genes.add("Gene" + std::to_string(g));
  table.genes.add("Blank-1");
  table.genes.add("NegControlProbe_1");
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> x(100, 900), y(-50, 350);
  std::uniform_int_distribution<int> plane(0, 2), gene(0, 11), grid(0, 24), which(0, 9);
  table.push(100, -50, 0, 0);  // the corner: the grid starts here
  for (std::size_t i = 1; i < n; ++i) {
    float mx = x(random), my = y(random);
    if (which(random) < 2) mx = 100 + 32.0f * float(grid(random));
    if (which(random) < 2) my = -50 + 32.0f * float(grid(random) % 12);
    table.push(mx, my, std::uint16_t(plane(random)), std::uint32_t(gene(random)));
  }
  return table;
}

std::vector<Molecule> bruteForce(const TranscriptTable& t, const RectUm& rect, int plane,
                                 const std::vector<std::uint32_t>& genes) {
  std::vector<Molecule> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.plane[i] != plane) continue;
    if (!genes.empty() && std::find(genes.begin(), genes.end(), t.gene[i]) == genes.end()) continue;
    if (t.x[i] >= rect.x0 && t.x[i] < rect.x1 && t.y[i] >= rect.y0 && t.y[i] < rect.y1)
      out.emplace_back(t.x[i], t.y[i], t.gene[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Molecule> visited(const TranscriptIndex& index, const RectUm& rect, int plane,
                              const std::vector<std::uint32_t>& genes) {
  std::vector<Molecule> out;
  index.visit(rect, plane, genes, [&](float x, float y, std::uint32_t g) {
    out.emplace_back(x, y, g);
    return true;
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<RectUm> testRects(unsigned seed) {
  std::vector<RectUm> rects;
  rects.push_back({100, -50, 900, 350});                    // nearly all (the far edges are open)
  rects.push_back({-1e9, -1e9, 1e9, 1e9});                  // all
  rects.push_back({100, -50, 100 + 32 * 5, -50 + 32 * 3});  // on bucket edges
  rects.push_back({132, -18, 196, 46});  // on bucket edges, one bucket in from the corner
  rects.push_back({132.0001, -17.9999, 292, 142});  // just inside bucket edges: those left out
  rects.push_back({131.9999, -18.0001, 291.9999, 141.9999});  // just outside them
  rects.push_back({500, 100, 500, 200});                      // empty
  rects.push_back({2000, 2000, 3000, 3000});                  // outside
  rects.push_back({-500, -500, 100, -50});  // touches the corner: open edges hold nothing
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> x(0, 1000), y(-100, 400), size(0, 300);
  for (int i = 0; i < 40; ++i) {
    const double x0 = x(random), y0 = y(random);
    rects.push_back({x0, y0, x0 + size(random), y0 + size(random)});
  }
  return rects;
}

TEST(TranscriptIndex, CountAndVisitEqualBruteForceOnEveryPlaneWithAndWithoutGeneFilter) {
  const auto table = randomTable(60000, 7);
  const TranscriptIndex index(table);
  ASSERT_EQ(index.size(), table.size());
  EXPECT_EQ(index.planes(), 3);
  const std::vector<std::vector<std::uint32_t>> filters{{}, {3}, {0, 5, 11}, {99}};
  for (const auto& rect : testRects(11))
    for (int plane = -1; plane <= 3; ++plane)
      for (const auto& genes : filters) {
        const auto expected = bruteForce(table, rect, plane, genes);
        EXPECT_EQ(index.count(rect, plane, genes), expected.size())
            << "rect " << rect.x0 << "," << rect.y0 << "," << rect.x1 << "," << rect.y1 << " plane "
            << plane << " genes " << genes.size();
        EXPECT_EQ(visited(index, rect, plane, genes), expected);
      }
}

TEST(TranscriptIndex, ExtentHoldsEveryMoleculeAndVisitStopsWhenAsked) {
  const auto table = randomTable(5000, 3);
  const TranscriptIndex index(table, 16);
  std::uint64_t total = 0;
  for (int p = 0; p < index.planes(); ++p) total += index.count(index.extent(), p);
  EXPECT_EQ(total, table.size());
  EXPECT_EQ(index.extent().x0, 100);
  EXPECT_EQ(index.extent().y0, -50);

  int calls = 0;
  index.visit(index.extent(), 1, {}, [&](float, float, std::uint32_t) { return ++calls < 5; });
  EXPECT_EQ(calls, 5);
}

TEST(TranscriptIndex, ControlsGeneNamesAndPlaneSpacingComeFromTheTable) {
  auto table = randomTable(100, 1);
  table.placement.planeSpacingUm = 4;
  const TranscriptIndex index(table);
  ASSERT_EQ(index.geneNames().size(), 12u);
  EXPECT_EQ(index.geneNames()[3], "Gene3");
  const auto controls = index.controlGenes();
  ASSERT_EQ(controls.size(), 12u);
  EXPECT_FALSE(controls[0]);
  EXPECT_TRUE(controls[10]);
  EXPECT_TRUE(controls[11]);
  EXPECT_EQ(index.planeUm(), 4);
}

TEST(TranscriptIndex, LeavesOutMoleculesItCannotPlaceAndRefusesRaggedColumns) {
  TranscriptTable table;
  table.genes.add("A");
  table.push(1, 1, 0, 0);
  table.push(std::numeric_limits<float>::quiet_NaN(), 1, 0, 0);
  table.push(1, std::numeric_limits<float>::infinity(), 0, 0);
  table.push(2, 2, 0, 7);           // no gene 7 in the catalogue
  table.push(3e30f, -3e30f, 1, 0);  // far apart: the grid grows its buckets instead
  const TranscriptIndex index(table);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.count({0, 0, 10, 10}, 0), 1u);
  EXPECT_EQ(index.count({-1e31, -1e31, 1e31, 1e31}, 1), 1u);

  const TranscriptIndex empty{TranscriptTable{}};
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.planes(), 0);
  EXPECT_TRUE(empty.extent().empty());
  EXPECT_EQ(empty.count({-1, -1, 1, 1}, 0), 0u);

  table.x.pop_back();
  EXPECT_THROW(TranscriptIndex{table}, std::invalid_argument);
}

TEST(TranscriptIndex, GeneColoursAreSaturatedAndNeighboursDiffer) {
  std::set<std::array<std::uint8_t, 3>> seen;
  for (std::uint32_t g = 0; g < 200; ++g) {
    const auto c = TranscriptIndex::geneColour(g);
    EXPECT_EQ(*std::max_element(c.begin(), c.end()), 255) << g;
    EXPECT_EQ(*std::min_element(c.begin(), c.end()), 0) << g;
    seen.insert(c);
    if (g > 0) {
      const auto p = TranscriptIndex::geneColour(g - 1);
      const int distance = std::abs(c[0] - p[0]) + std::abs(c[1] - p[1]) + std::abs(c[2] - p[2]);
      EXPECT_GT(distance, 150) << g;
    }
  }
  EXPECT_EQ(seen.size(), 200u);
}

double tileSum(const TilePixels& tile) {
  double sum = 0;
  for (const float v : tile)
    if (!std::isnan(v)) sum += v;
  return sum;
}

TEST(TranscriptCountSource, TilesCountTheMoleculesInThemAndEveryLevelHoldsTheSameTotal) {
  const auto table = randomTable(40000, 5);
  auto index = std::make_shared<const TranscriptIndex>(table);
  const TranscriptCountSource source(index, {}, "molecules", 2, 64);
  const auto& info = source.info();
  EXPECT_EQ(info.channels, std::vector<std::string>{"molecules"});
  EXPECT_EQ(info.planes, 3);
  EXPECT_EQ(info.originXUm, 100);
  EXPECT_EQ(info.originYUm, -50);
  // 800 × 400 µm at 2 µm: 400 × 200 px (+1 for the molecules at the far edge).
  ASSERT_GE(info.levels.size(), 3u);
  EXPECT_EQ(info.levels[0].width, 400);
  EXPECT_EQ(info.levels[0].height, 200);
  EXPECT_EQ(info.levels[1].width, 200);
  EXPECT_EQ(info.levels[1].pixelUm, 4);
  const auto& top = info.levels.back();
  EXPECT_LE(top.width, 64);
  EXPECT_LE(top.height, 64);
  EXPECT_GE(info.contrastMax, 1);
  EXPECT_GE(info.valueMax, info.contrastMax);

  for (int plane = 0; plane < 3; ++plane) {
    const auto planeTotal = double(index->count(index->extent(), plane));
    for (std::size_t level = 0; level < info.levels.size(); ++level) {
      const auto& l = info.levels[level];
      const double p = l.pixelUm;
      double levelTotal = 0;
      for (std::int64_t row = 0; row * 64 < l.height; ++row)
        for (std::int64_t col = 0; col * 64 < l.width; ++col) {
          const auto tile = source.readTile(int(level), 0, plane, row, col);
          ASSERT_EQ(tile.size(), 64u * 64u);
          const RectUm rect{100 + double(col * 64) * p, -50 + double(row * 64) * p,
                            100 + double(std::min<std::int64_t>((col + 1) * 64, l.width)) * p,
                            -50 + double(std::min<std::int64_t>((row + 1) * 64, l.height)) * p};
          // Level l's pixels hold counts per level-0 pixel: × 4^l gives the molecules.
          const double molecules = tileSum(tile) * std::pow(4.0, double(level));
          EXPECT_NEAR(molecules, double(index->count(rect, plane)), 1e-3)
              << "level " << level << " tile " << row << "," << col;
          levelTotal += molecules;
          // Past the image's edge: NaN; inside: a count.
          for (std::int64_t y = 0; y < 64; ++y)
            for (std::int64_t x = 0; x < 64; ++x) {
              const bool inside = col * 64 + x < l.width && row * 64 + y < l.height;
              EXPECT_EQ(std::isnan(tile[std::size_t(y * 64 + x)]), !inside);
            }
        }
      EXPECT_NEAR(levelTotal, planeTotal, 1e-3) << "level " << level << " plane " << plane;
    }
  }
  // Out of range: NaN, no throw.
  EXPECT_TRUE(std::isnan(source.readTile(0, 0, 3, 0, 0)[0]));
  EXPECT_TRUE(std::isnan(source.readTile(99, 0, 0, 0, 0)[0]));
  EXPECT_TRUE(std::isnan(source.readTile(0, 0, 0, 99, 0)[0]));
}

TEST(TranscriptCountSource, OneGeneCountsOnlyItsMolecules) {
  const auto table = randomTable(20000, 9);
  auto index = std::make_shared<const TranscriptIndex>(table);
  const TranscriptCountSource gene(index, {4}, "Gene4 counts", 4);
  EXPECT_EQ(gene.info().channels, std::vector<std::string>{"Gene4"});
  const auto& top = gene.info().levels.back();
  const int level = int(gene.info().levels.size()) - 1;
  ASSERT_LE(top.width, 256);
  const double count = tileSum(gene.readTile(level, 0, 1, 0, 0)) * std::pow(4.0, level);
  EXPECT_NEAR(count, double(bruteForce(table, {-1e9, -1e9, 1e9, 1e9}, 1, {4}).size()), 1e-2);
}

TEST(TranscriptCountSource, ContrastFollowsTheDensityWhereThereAreMolecules) {
  // One molecule a µm² over a 64 µm square, alternating two genes, and one far away: the empty
  // ground between does not dilute the density.
  TranscriptTable table;
  table.genes.add("A");
  table.genes.add("B");
  for (int j = 0; j < 64; ++j)
    for (int i = 0; i < 64; ++i) table.push(i + 0.5f, j + 0.5f, 0, std::uint32_t((i + j) % 2));
  table.push(5000, 5000, 0, 0);
  auto index = std::make_shared<const TranscriptIndex>(table);
  EXPECT_NEAR(index->occupiedDensity(), 1.0, 0.1);
  EXPECT_NEAR(index->occupiedDensity({1}), 0.5, 0.05);
  EXPECT_EQ(index->occupiedDensity({7}), 0);
  // 4 × 1 molecule per µm² × 4 µm² pixels.
  const TranscriptCountSource all(index, {}, "molecules", 2);
  EXPECT_NEAR(all.info().contrastMax, 16, 2);
  const TranscriptCountSource none(index, {7}, "nothing", 2);
  EXPECT_EQ(none.info().contrastMax, 1);
}

TEST(TranscriptIndex, DISABLED_IndexesTheMSectionsMoleculeCount) {
  // 21.5 M molecules, the M section of the whole-section issue: prints the time taken.
  TranscriptTable table;
  for (int g = 0; g < 500; ++g) table.genes.add("Gene" + std::to_string(g));
  const std::size_t n = 21'500'000;
  table.reserve(n);
  std::mt19937 random(1);
  std::uniform_real_distribution<float> x(0, 10000), y(0, 8000);
  for (std::size_t i = 0; i < n; ++i)
    table.push(x(random), y(random), std::uint16_t(i % 7), std::uint32_t(i % 500));
  const auto start = std::chrono::steady_clock::now();
  const TranscriptIndex index(table);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "indexed " << index.size() << " molecules in " << seconds << " s ("
            << index.size() * 12 / 1e6 << " MB of molecules)\n";
  EXPECT_EQ(index.size(), n);

  // What the first view costs: the density source (its contrast guess) and its coarsest tile.
  const auto shared = std::make_shared<const TranscriptIndex>(std::move(index));
  const auto made = std::chrono::steady_clock::now();
  const TranscriptCountSource density(shared, {}, "molecules");
  const auto counted = std::chrono::steady_clock::now();
  const auto top = density.readTile(int(density.info().levels.size()) - 1, 0, 3, 0, 0);
  const auto read = std::chrono::steady_clock::now();
  std::cout << "density source made in " << std::chrono::duration<double>(counted - made).count()
            << " s, its coarsest tile read in "
            << std::chrono::duration<double>(read - counted).count() << " s\n";
  EXPECT_NEAR(tileSum(top) * std::pow(4.0, double(density.info().levels.size() - 1)), double(n / 7),
              1.0);
}

// --- cell outlines ---

CellPolygon square(const std::string& id, double x, double y, double side) {
  return {id, {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}}};
}

TEST(CellOutlineIndex, VisitsEachRingMeetingTheRectangleOnce) {
  std::vector<CellPolygon> polygons;
  std::mt19937 random(2);
  std::uniform_real_distribution<double> position(0, 2000), side(5, 150);
  for (int i = 0; i < 2000; ++i)
    polygons.push_back(square(std::to_string(i), position(random), position(random), side(random)));
  polygons.push_back(square("huge", -100, -100, 2500));  // in more buckets than a ring is listed in
  const CellOutlineIndex index(polygons, 32);
  ASSERT_EQ(index.size(), polygons.size());

  for (const RectUm rect : {RectUm{0, 0, 100, 100}, RectUm{500, 700, 1300, 900},
                            RectUm{-1e6, -1e6, 1e6, 1e6}, RectUm{3000, 3000, 4000, 4000}}) {
    std::multiset<std::pair<float, float>> firstVertices;
    index.visit(rect, [&](const std::vector<std::array<float, 2>>& ring) {
      firstVertices.insert({ring[0][0], ring[0][1]});
    });
    std::multiset<std::pair<float, float>> expected;
    for (const auto& p : polygons) {
      const double x0 = p.vertices[0].first, y0 = p.vertices[0].second;
      const double x1 = p.vertices[2].first, y1 = p.vertices[2].second;
      if (x0 < rect.x1 && rect.x0 <= x1 && y0 < rect.y1 && rect.y0 <= y1)
        expected.insert({float(x0), float(y0)});
    }
    EXPECT_EQ(firstVertices, expected) << rect.x0 << "," << rect.y0;
  }
}

TEST(CellOutlineIndex, DropsVerticesItCannotDrawAndRingsLeftWithoutAnEdge) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<CellPolygon> polygons{square("a", 0, 0, 10),
                                    {"b", {{nan, 0}, {5, 5}}},
                                    {"c", {}},
                                    {"d", {{1, 1}, {2, 2}, {nan, nan}, {3, 1}}}};
  const CellOutlineIndex index(polygons);
  EXPECT_EQ(index.size(), 2u);
  std::vector<std::size_t> sizes;
  index.visit({-1, -1, 20, 20}, [&](const auto& ring) { sizes.push_back(ring.size()); });
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 4}));
  EXPECT_EQ(index.extent().x1, 10);

  const CellOutlineIndex none(std::vector<CellPolygon>{});
  EXPECT_EQ(none.size(), 0u);
  int calls = 0;
  none.visit({-1, -1, 1, 1}, [&](const auto&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace teramind
