// OME-Zarr store (NGFF 0.4, Zarr v2): chunks round-trip, the pyramid, and damaged stores named in
// errors. The reference reader (python3-zarr) checks real outputs in tools.generate_resume.
#include <gtest/gtest.h>

#include <fstream>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/OmeZarrStore.h"

namespace teramind {
namespace {

std::filesystem::path freshDir(const std::string& name) {
  auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "zarr" / name;
  std::filesystem::remove_all(dir);
  return dir;
}

OmeZarrLayout smallLayout() {
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 2;
  L.height = 20;
  L.width = 12;
  L.chunk = 8;
  L.format = OmeZarrFormat::V2;  // the sharded layout: OmeZarrShardTest.cpp
  L.levels = OmeZarrLayout::levelsToFit(L.height, L.width, L.chunk);
  L.pixelUm = 0.5;
  L.planeUm = 1.5;
  return L;
}

TEST(OmeZarrStore, ChunksRoundTripAndThePyramidIsTheTwoByTwoMean) {
  const auto dir = freshDir("roundtrip.zarr");
  const auto L = smallLayout();
  EXPECT_EQ(L.levels, 3);  // 20 → 10 → 5 rows
  const auto store = OmeZarrStore::create(dir, L, R"({"seed": 3})");
  std::vector<std::uint8_t> a(64), b(64);
  for (int i = 0; i < 64; ++i) {
    a[std::size_t(i)] = std::uint8_t(i * 3);
    b[std::size_t(i)] = std::uint8_t(255 - i);
  }
  store.writeChunk(0, 1, 1, 0, 0, a);
  store.writeChunk(0, 1, 1, 1, 1, b);
  EXPECT_EQ(store.readChunk(0, 1, 1, 0, 0), a);
  EXPECT_EQ(store.readChunk(0, 0, 0, 2, 1), std::vector<std::uint8_t>(64, 0)) << "fill value";
  EXPECT_FALSE(store.hasChunk(0, 0, 0, 2, 1));
  store.buildPyramid();
  const auto up = store.readChunk(1, 1, 1, 0, 0);
  EXPECT_EQ(up[0], (a[0] + a[1] + a[8] + a[9] + 2) / 4);
  EXPECT_EQ(up[4 * 8 + 4], (b[0] + b[1] + b[8] + b[9] + 2) / 4);  // chunk (1, 1) lands at (4, 4)
  EXPECT_EQ(up[4], 0) << "chunk (0, 1) was never written";

  const auto back = OmeZarrStore::open(dir);
  EXPECT_EQ(back.layout().channels, L.channels);
  EXPECT_EQ(back.layout().height, 20);
  EXPECT_EQ(back.layout().levels, 3);
  EXPECT_DOUBLE_EQ(back.layout().pixelUm, 0.5);
  EXPECT_NE(back.attributes().find("\"seed\":3"), std::string::npos);
}

TEST(OmeZarrStore, DamagedStoresAreNamedInTheError) {
  const auto dir = freshDir("damaged.zarr");
  const auto store = OmeZarrStore::create(dir, smallLayout());
  store.writeChunk(0, 0, 0, 0, 0, std::vector<std::uint8_t>(64, 7));
  const auto chunk = dir / "0" / "0" / "0" / "0" / "0";
  std::filesystem::resize_file(chunk, std::filesystem::file_size(chunk) - 3);
  try {
    store.readChunk(0, 0, 0, 0, 0);
    FAIL() << "a truncated chunk was read";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), chunk) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a blosc chunk"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store.writeChunk(0, 0, 0, 0, 0, std::vector<std::uint8_t>(10)), FileError);
  std::ofstream(dir / ".zattrs") << "{ not json";
  try {
    OmeZarrStore::open(dir);
    FAIL() << "bad attributes were accepted";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(".zattrs"), std::string::npos) << e.what();
  }
  EXPECT_THROW(OmeZarrStore::open(freshDir("missing.zarr")), FileError);
}

TEST(OmeZarrStore, AKilledWritersTemporaryFilesAreRemovedAndChunksKept) {
  const auto dir = freshDir("killed.zarr");
  const auto store = OmeZarrStore::create(dir, smallLayout());
  store.writeChunk(0, 0, 0, 0, 0, std::vector<std::uint8_t>(64, 9));
  std::ofstream(dir / "0" / ".partial-123-4-0.0.0.1") << "half a chunk";
  std::ofstream(dir / ".partial-123-5-teramind-job.safetensors") << "half a checkpoint";
  EXPECT_EQ(removeUnfinishedWrites(dir), 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "0" / ".partial-123-4-0.0.0.1"));
  EXPECT_EQ(store.readChunk(0, 0, 0, 0, 0), std::vector<std::uint8_t>(64, 9));
  EXPECT_TRUE(std::filesystem::exists(dir / ".zattrs"));
}

}  // namespace
}  // namespace teramind
