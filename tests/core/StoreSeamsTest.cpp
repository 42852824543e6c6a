// Seams of a stored OME-Zarr: the walk over its chunks against SeamMeter fed by hand and the
// energies worked out on paper, in both store formats.
#include <gtest/gtest.h>

#include <filesystem>

#include "analysis/SeamMetric.h"
#include "analysis/StoreSeams.h"
#include "io/OmeZarrStore.h"

namespace teramind {
namespace {

constexpr int kChunk = 8;

// v(x, y) = x + 2y + offset: every horizontal pair inside differs by 1, every vertical by 2.
std::vector<std::uint8_t> ramp(int offset) {
  std::vector<std::uint8_t> t(kChunk * kChunk);
  for (int y = 0; y < kChunk; ++y)
    for (int x = 0; x < kChunk; ++x)
      t[std::size_t(y * kChunk + x)] = std::uint8_t(x + 2 * y + offset);
  return t;
}

std::vector<float> asFloat(const std::vector<std::uint8_t>& t) {
  return {t.begin(), t.end()};
}

class StoreSeamsTest : public testing::TestWithParam<OmeZarrFormat> {};

TEST_P(StoreSeamsTest, WalksGeneratedChunksOnlyPerChannelAndOverall) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "store_seams" /
                   (GetParam() == OmeZarrFormat::V2 ? "v2.zarr" : "v3.zarr");
  std::filesystem::remove_all(dir);
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 2;
  L.height = 16;  // 2 × 3 chunks
  L.width = 24;
  L.chunk = kChunk;
  L.shard = 2 * kChunk;
  L.format = GetParam();
  const auto store = OmeZarrStore::create(dir, L);
  // DAPI, plane 0: (0,0) and (0,1) side by side, (1,1) under (0,1); (1,0) never generated.
  // Plane 1: (0,0) alone, touching nothing of plane 0. PolyT: (0,2) alone.
  store.writeChunk(0, 0, 0, 0, 0, ramp(0));
  store.writeChunk(0, 0, 0, 0, 1, ramp(10));
  store.writeChunk(0, 0, 0, 1, 1, ramp(40));
  store.writeChunk(0, 0, 1, 0, 0, ramp(5));
  store.writeChunk(0, 1, 0, 0, 2, ramp(100));
  if (GetParam() == OmeZarrFormat::V3Sharded) store.buildPyramid();

  const auto seams = measureStoreSeams(OmeZarrStore::open(dir));

  // On paper: interior energy (1² + 2²) / 2 = 2.5 in every chunk; across (0,0)|(0,1) each pair
  // differs by 10 − 7 = 3 (energy 9), across (0,1) over (1,1) by 40 − 10 − 14 = 16 (256):
  // border energy (8·9 + 8·256) / 16 = 132.5, ratio 53.
  ASSERT_EQ(seams.channels.size(), 2u);
  EXPECT_EQ(seams.channels[0].name, "DAPI");
  EXPECT_EQ(seams.channels[0].borderPairs, 16);
  EXPECT_DOUBLE_EQ(seams.channels[0].ratio, 53.0);
  EXPECT_EQ(seams.channels[1].name, "PolyT");
  EXPECT_EQ(seams.channels[1].borderPairs, 0);
  EXPECT_EQ(seams.channels[1].ratio, 0) << "no two PolyT chunks touch";
  EXPECT_EQ(seams.borderPairs, 16);
  EXPECT_DOUBLE_EQ(seams.ratio, 53.0);

  // The same through SeamMeter by hand, in the walk's order.
  SeamMeter dapi(kChunk), all(kChunk), polyT(kChunk);
  const auto a = asFloat(ramp(0)), b = asFloat(ramp(10)), c = asFloat(ramp(40)),
             d = asFloat(ramp(5)), e = asFloat(ramp(100));
  for (auto* m : {&dapi, &all}) {
    m->addTile(a);
    m->addTile(b);
    m->addHorizontalBorder(a, b);
    m->addTile(c);
    m->addVerticalBorder(b, c);
    m->addTile(d);
  }
  polyT.addTile(e);
  all.addTile(e);
  EXPECT_DOUBLE_EQ(seams.channels[0].ratio, dapi.ratio());
  EXPECT_DOUBLE_EQ(seams.channels[1].ratio, polyT.ratio());
  EXPECT_DOUBLE_EQ(seams.ratio, all.ratio());
  EXPECT_EQ(seams.borderPairs, all.borderPairs());
}

TEST_P(StoreSeamsTest, AnEmptyStoreHasNoBorders) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "store_seams" /
                   (GetParam() == OmeZarrFormat::V2 ? "empty_v2.zarr" : "empty_v3.zarr");
  std::filesystem::remove_all(dir);
  OmeZarrLayout L;
  L.channels = {"DAPI"};
  L.height = L.width = 16;
  L.chunk = kChunk;
  L.shard = 2 * kChunk;
  L.format = GetParam();
  const auto seams = measureStoreSeams(OmeZarrStore::create(dir, L));
  EXPECT_EQ(seams.borderPairs, 0);
  EXPECT_EQ(seams.ratio, 0);
  ASSERT_EQ(seams.channels.size(), 1u);
}

std::string formatName(const testing::TestParamInfo<OmeZarrFormat>& format) {
  return format.param == OmeZarrFormat::V2 ? "V2" : "V3Sharded";
}

INSTANTIATE_TEST_SUITE_P(BothFormats, StoreSeamsTest,
                         testing::Values(OmeZarrFormat::V2, OmeZarrFormat::V3Sharded), formatName);

}  // namespace
}  // namespace teramind
