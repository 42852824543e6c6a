// A read flag the dataset's format does not use is refused, naming the flag and the format:
// `--min-qv 50` on a CosMx export once ran with rc 0 and every molecule kept.

#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "io/SpatialDataset.h"
#include "support/TestData.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

void expectRefusal(const fs::path& path, const DatasetReadOptions& options,
                   const std::string& expected) {
  try {
    loadSpatialDataset(path, {}, DatasetContent::All, options);
    ADD_FAILURE() << path << " was read despite an unused flag";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

DatasetReadOptions withMinQv(double qv) {
  DatasetReadOptions o;
  o.minQv = qv;
  return o;
}
DatasetReadOptions withPixelUm(double um) {
  DatasetReadOptions o;
  o.pixelUm = um;
  return o;
}

TEST(UnusedReadOptions, EachFlagOnlyWhereItsFormatReadsIt) {
  const fs::path demo = bundledDemoDataset();
  expectRefusal(demo, withMinQv(30), "--min-qv filters 10x Xenium molecules");
  expectRefusal(demo, withPixelUm(0.5), "--pixel-um is not used");
  DatasetReadOptions columns;
  columns.columns = SpotTableColumns{"gene", "global_x", "global_y", ""};
  expectRefusal(demo, columns, "--columns reads spot tables");

  // Where the flag is used, the same call reads.
  test::ScratchDirectory scratch;
  const fs::path table = scratch / "spots.csv";
  std::ofstream(table) << "Gene,x,y\nGfap,10,20\nSst,30,40\n";
  DatasetReadOptions spots = withPixelUm(0.5);
  spots.columns = SpotTableColumns{"Gene", "x", "y", ""};
  const SpatialDataset read = loadSpatialDataset(table, {}, DatasetContent::All, spots);
  ASSERT_NE(read.transcripts(), nullptr);
  EXPECT_EQ(read.transcripts()->size(), 2u);
  EXPECT_FLOAT_EQ(read.transcripts()->x[1], 15.0f);
  expectRefusal(
      table,
      [&] {
        DatasetReadOptions o = spots;
        o.minQv = 20;
        return o;
      }(),
      "a spot table (column map) has no qv");
}

TEST(UnusedReadOptions, VendorFolders) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures");
  expectRefusal(sharedData / "cosmx_human_lung_tiny" / "sample_1", withMinQv(50),
                "a NanoString CosMx export has no qv");
  expectRefusal(sharedData / "xenium_mouse_brain_tiny" / "sample1", withPixelUm(0.5),
                "a 10x Xenium output states its own scale");
  expectRefusal(sharedData / "merscope_vpt_mouse_liver", withPixelUm(0.5),
                "a MERSCOPE region folder states its own scale");
  // --min-qv on Xenium and --pixel-um on CosMx are read.
  EXPECT_EQ(loadSpatialDataset(sharedData / "xenium_mouse_brain_tiny" / "sample1", {},
                               DatasetContent::All, withMinQv(0))
                .transcripts()
                ->size(),
            962u);
  EXPECT_NO_THROW(loadSpatialDataset(sharedData / "cosmx_human_lung_tiny" / "sample_1", {},
                                     DatasetContent::All, withPixelUm(0.12028)));
}

}  // namespace
}  // namespace teramind
