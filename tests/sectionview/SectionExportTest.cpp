#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "sectionview/PngRowWriter.h"
#include "sectionview/SectionExport.h"
#include "sectionview/TileLoader.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

// A pyramid of halvings whose pixels hold a function of their centre in section µm, so that
// every level shows the same picture.
class FieldSource : public PyramidSource {
 public:
  using Field = std::function<float(double xUm, double yUm)>;
  FieldSource(std::int64_t width, std::int64_t height, int levels, int tile, Field field)
      : field_(std::move(field)) {
    info_.name = "field";
    info_.channels = {"c"};
    info_.tile = tile;
    for (int l = 0; l < levels; ++l)
      info_.levels.push_back({std::max<std::int64_t>(1, width >> l),
                              std::max<std::int64_t>(1, height >> l), double(1 << l)});
  }
  void setPlanes(int planes) { info_.planes = planes; }
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int, int, std::int64_t row, std::int64_t col) const override {
    const auto& lv = info_.levels[std::size_t(level)];
    TilePixels pixels(std::size_t(info_.tile) * std::size_t(info_.tile),
                      std::numeric_limits<float>::quiet_NaN());
    for (int y = 0; y < info_.tile; ++y)
      for (int x = 0; x < info_.tile; ++x) {
        const std::int64_t px = col * info_.tile + x, py = row * info_.tile + y;
        if (px < lv.width && py < lv.height)
          pixels[std::size_t(y) * std::size_t(info_.tile) + std::size_t(x)] =
              field_((double(px) + 0.5) * lv.pixelUm, (double(py) + 0.5) * lv.pixelUm);
      }
    return pixels;
  }

 private:
  PyramidInfo info_;
  Field field_;
};

// A PNG read back by libpng's own reader, as RGBA.
struct ReadPng {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
  std::array<int, 3> at(int x, int y) const {
    const std::uint8_t* p = &rgba[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
    return {p[0], p[1], p[2]};
  }
};

ReadPng readPng(const fs::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ReadPng out;
  if (!png_image_begin_read_from_file(&image, file.string().c_str())) {
    ADD_FAILURE() << "cannot read " << file << ": " << image.message;
    return out;
  }
  image.format = PNG_FORMAT_RGBA;
  out.width = int(image.width);
  out.height = int(image.height);
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr))
    ADD_FAILURE() << "cannot decode " << file << ": " << image.message;
  return out;
}

// The PNG's pHYs chunk (pixels per metre, x and y) read by libpng; {0, 0} when absent.
std::array<png_uint_32, 2> readPixelsPerMetre(const char* file) {
  std::array<png_uint_32, 2> perMetre{0, 0};
  std::FILE* in = std::fopen(file, "rb");
  if (!in) return perMetre;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (png && info && !setjmp(png_jmpbuf(png))) {
    png_init_io(png, in);
    png_read_info(png, info);
    int unit = 0;
    if (!png_get_pHYs(png, info, &perMetre[0], &perMetre[1], &unit) || unit != PNG_RESOLUTION_METER)
      perMetre = {0, 0};
  }
  png_destroy_read_struct(&png, &info, nullptr);
  std::fclose(in);
  return perMetre;
}

class SectionExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "section_export" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // A 1200 × 800 µm section at 1 µm a pixel: grey = x / 4 µm plus, on a second layer drawn
  // green, y / 4 µm.
  void addGradients() {
    auto horizontal = std::make_shared<FieldSource>(1200, 800, 4, 64,
                                                    [](double x, double) { return float(x / 4); });
    auto vertical = std::make_shared<FieldSource>(1200, 800, 4, 64,
                                                  [](double, double y) { return float(y / 4); });
    SectionLayer grey;
    grey.name = "x";
    grey.source = scene_.addSource(horizontal);
    grey.style.contrastMax = 255;
    grey.style.colormap = LayerColormap::Red;
    scene_.addLayer(grey);
    SectionLayer green = grey;
    green.name = "y";
    green.source = scene_.addSource(vertical);
    green.style.colormap = LayerColormap::Green;
    scene_.addLayer(green);
    for (const auto& [id, source] : scene_.sources()) loader_.addSource(id, source);
  }
  SectionExportRequest request(const std::string& name) const {
    SectionExportRequest r;
    r.region = {100, 50, 1100, 650};  // 1000 × 600 µm
    r.pixelUm = 2;
    r.file = dir_ / name;
    r.colourBars = false;
    return r;
  }
  bool onlyFile(const fs::path& file) const {
    int entries = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      ++entries;
      if (entry.path() != file) return false;
    }
    return entries == 1;
  }

  fs::path dir_;
  SectionScene scene_;
  TileCache cache_{std::size_t(64) << 20};
  TileLoader loader_{cache_, 2};
};

TEST_F(SectionExportTest, RegionAtPixelSizeReadBackWithKnownPixels) {
  addGradients();
  SectionExportRequest r = request("view.png");
  r.stripRows = 64;
  int calls = 0, lastTotal = 0;
  const SectionExportResult result =
      exportSectionView(scene_, loader_, cache_, r, {}, [&](int done, int total) {
        ++calls;
        EXPECT_EQ(done, calls);
        lastTotal = total;
        return true;
      });
  EXPECT_EQ(result.width, 500);
  EXPECT_EQ(result.height, 300);
  EXPECT_EQ(result.strips, 5);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(lastTotal, 5);
  EXPECT_FALSE(result.cancelled);
  EXPECT_GT(result.tilesRead, 0u);
  EXPECT_EQ(result.scaleBar.lengthUm, 200);
  ASSERT_TRUE(onlyFile(r.file));  // no temporary left

  const ReadPng png = readPng(r.file);
  ASSERT_EQ(png.width, 500);
  ASSERT_EQ(png.height, 300);
  // The pixel size travels with the picture: 2 µm a pixel is 500,000 pixels a metre.
  const auto perMetre = readPixelsPerMetre(r.file.c_str());
  EXPECT_EQ(perMetre[0], 500000u);
  EXPECT_EQ(perMetre[1], 500000u);
  // Output pixel (x, y) is section (100 + 2x + 1, 50 + 2y + 1) µm, drawn from level 1.
  auto expected = [](int x, int y) {
    return std::array<double, 2>{std::min(255.0, (100 + 2 * x + 1) / 4.0),
                                 std::min(255.0, (50 + 2 * y + 1) / 4.0)};
  };
  for (const auto& [x, y] :
       {std::array<int, 2>{250, 10}, {400, 150}, {499, 299}, {130, 63}, {130, 64}, {0, 0}}) {
    const auto [red, green] = expected(x, y);
    EXPECT_NEAR(png.at(x, y)[0], red, 1.0) << x << "," << y;
    EXPECT_NEAR(png.at(x, y)[1], green, 1.0) << x << "," << y;
    EXPECT_EQ(png.at(x, y)[2], 0);
  }
  // The scale bar: 200 µm = 100 px, white, bottom left.
  EXPECT_EQ(png.at(60, 300 - 19), (std::array<int, 3>{255, 255, 255}));
  EXPECT_NE(png.at(60, 300 - 40), (std::array<int, 3>{255, 255, 255}));

  // Strips join seamlessly: the green gradient steps evenly across every strip boundary, and
  // the picture drawn as one strip is the same.
  for (int y = 1; y < 270; ++y) {
    const int step = png.at(300, y)[1] - png.at(300, y - 1)[1];
    ASSERT_TRUE(step == 0 || step == 1) << "row " << y;
  }
  r.stripRows = 1000;
  r.file = dir_ / "one_strip.png";
  EXPECT_EQ(exportSectionView(scene_, loader_, cache_, r).strips, 1);
  const ReadPng whole = readPng(r.file);
  ASSERT_EQ(whole.rgba.size(), png.rgba.size());
  EXPECT_TRUE(whole.rgba == png.rgba);
}

// Exports of content with planes say which plane they show, bottom right, as the view does.
TEST_F(SectionExportTest, PlaneLabelOnContentWithPlanes) {
  auto planes = std::make_shared<FieldSource>(1200, 800, 4, 64, [](double, double) { return 0.f; });
  planes->setPlanes(7);
  SectionLayer layer;
  layer.name = "DAPI";
  layer.source = scene_.addSource(planes);
  scene_.addLayer(layer);
  loader_.addSource(layer.source, planes);
  std::vector<std::string> texts;
  const TextRasteriser blockText = [&](const std::string& text, int height) {
    texts.push_back(text);
    TextMask mask;  // a solid block, 6 px a byte
    mask.width = int(text.size()) * 6;
    mask.height = height;
    mask.coverage.assign(std::size_t(mask.width) * std::size_t(height), 255);
    return mask;
  };
  SectionExportRequest r = request("plane.png");
  r.plane = 4;
  r.stripRows = 64;
  exportSectionView(scene_, loader_, cache_, r, blockText);
  const std::string label = "plane 4 of 0\u20136 \u00b7 z 6.0 \u00b5m";  // 1.5 µm between planes
  EXPECT_NE(std::find(texts.begin(), texts.end(), label), texts.end());
  const ReadPng png = readPng(r.file);
  ASSERT_EQ(png.width, 500);
  ASSERT_EQ(png.height, 300);
  const int labelWidth = int(label.size()) * 6;
  EXPECT_EQ(png.at(500 - 16 - 1, 300 - 16 - 7), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(png.at(500 - 16 - labelWidth, 300 - 16 - 7), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(png.at(500 - 16 - labelWidth - 2, 300 - 16 - 7), (std::array<int, 3>{0, 0, 0}));

  // Asked not to, or with one plane shown, there is no label.
  r.planeLabel = false;
  r.file = dir_ / "no_label.png";
  texts.clear();
  exportSectionView(scene_, loader_, cache_, r, blockText);
  EXPECT_EQ(std::find(texts.begin(), texts.end(), label), texts.end());
  EXPECT_EQ(readPng(r.file).at(500 - 16 - 1, 300 - 16 - 7), (std::array<int, 3>{0, 0, 0}));
  planes->setPlanes(1);
  r.planeLabel = true;
  r.plane = 0;
  r.file = dir_ / "one_plane.png";
  exportSectionView(scene_, loader_, cache_, r, blockText);
  EXPECT_EQ(readPng(r.file).at(500 - 16 - 1, 300 - 16 - 7), (std::array<int, 3>{0, 0, 0}));
}

TEST_F(SectionExportTest, WidePicturesAreDrawnInPiecesWithoutSeams) {
  addGradients();
  SectionExportRequest r = request("fine.png");
  r.region = {0, 0, 1200, 40};
  r.pixelUm = 0.5;  // 2400 px wide: two pieces, level 0 magnified
  r.scaleBar = false;
  const SectionExportResult result = exportSectionView(scene_, loader_, cache_, r);
  ASSERT_EQ(result.width, 2400);
  const ReadPng png = readPng(r.file);
  ASSERT_EQ(png.width, 2400);
  for (int x = 1; x < 2400; ++x) {
    const int step = png.at(x, 5)[0] - png.at(x - 1, 5)[0];
    ASSERT_TRUE(step == 0 || step == 1) << "column " << x;
  }
}

TEST_F(SectionExportTest, HugeOrEmptyRequestsRefusedNamingTheFile) {
  addGradients();
  SectionExportRequest r = request("huge.png");
  r.pixelUm = 0.001;  // 1000 µm → 10⁶ px
  try {
    exportSectionView(scene_, loader_, cache_, r);
    FAIL() << "a 10^6 px export was not refused";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), r.file);
    EXPECT_NE(std::string(e.what()).find("100000"), std::string::npos) << e.what();
  }
  r.pixelUm = 0;
  EXPECT_THROW(exportSectionView(scene_, loader_, cache_, r), FileError);
  r.pixelUm = std::nan("");
  EXPECT_THROW(exportSectionView(scene_, loader_, cache_, r), FileError);
  r.pixelUm = 2;
  r.region = {0, 0, 0.5, 100};  // a quarter of a pixel wide
  EXPECT_THROW(exportSectionView(scene_, loader_, cache_, r), FileError);
  r.region = {0, 0, 100, 100};
  r.file = dir_ / "no_such_folder" / "view.png";
  EXPECT_THROW(exportSectionView(scene_, loader_, cache_, r), FileError);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(SectionExportTest, CancelledExportLeavesNoFile) {
  addGradients();
  SectionExportRequest r = request("cancelled.png");
  r.stripRows = 50;
  const SectionExportResult result =
      exportSectionView(scene_, loader_, cache_, r, {}, [](int done, int) { return done < 2; });
  EXPECT_TRUE(result.cancelled);
  EXPECT_EQ(result.strips, 2);
  EXPECT_FALSE(fs::exists(r.file));
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(SectionExportTest, SourceErrorsPropagateAndLeaveNoFile) {
  class Broken : public FieldSource {
   public:
    Broken() : FieldSource(256, 256, 1, 64, [](double, double) { return 1.f; }) {}
    TilePixels readTile(int, int, int, std::int64_t, std::int64_t) const override {
      throw FileError("broken.zarr", "chunk 0/0 is damaged");
    }
  };
  SectionLayer layer;
  layer.source = scene_.addSource(std::make_shared<Broken>());
  scene_.addLayer(layer);
  loader_.addSource(layer.source, scene_.source(layer.source));
  SectionExportRequest r = request("broken.png");
  r.region = {0, 0, 200, 200};
  try {
    exportSectionView(scene_, loader_, cache_, r);
    FAIL() << "the damaged tile was not reported";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), fs::path("broken.zarr"));
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(SectionExportTest, PngRowWriterRgbaRowsAndCommit) {
  const fs::path file = dir_ / "rows.png";
  const std::uint8_t rows[2][12] = {{255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0},
                                    {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
  {
    PngRowWriter png(file, 3, 2, true);
    png.writeRow(rows[0]);
    EXPECT_THROW(png.commit(), FileError);  // a row short
    png.writeRow(rows[1]);
    EXPECT_THROW(png.writeRow(rows[1]), FileError);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_TRUE(fs::exists(png.temporary()));
    png.commit();
  }
  ASSERT_TRUE(onlyFile(file));
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&image, file.string().c_str()));
  EXPECT_TRUE(image.format & PNG_FORMAT_FLAG_ALPHA);
  image.format = PNG_FORMAT_RGBA;
  std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));
  EXPECT_EQ(std::vector<std::uint8_t>(pixels.begin(), pixels.begin() + 12),
            std::vector<std::uint8_t>(rows[0], rows[0] + 12));
  EXPECT_EQ(std::vector<std::uint8_t>(pixels.begin() + 12, pixels.end()),
            std::vector<std::uint8_t>(rows[1], rows[1] + 12));

  // Abandoned before commit: nothing is left.
  {
    PngRowWriter png(dir_ / "abandoned.png", 3, 2);
    png.writeRow(rows[0]);
  }
  EXPECT_TRUE(onlyFile(file));
  EXPECT_THROW(PngRowWriter(dir_ / "empty.png", 0, 2), FileError);
  EXPECT_THROW(PngRowWriter(dir_ / "no such folder" / "x.png", 3, 2), FileError);
  EXPECT_TRUE(onlyFile(file));
}

TEST(ExportPictureSide, RoundsToTheNearestPixelAsTheExportWrites) {
  EXPECT_EQ(exportPictureSide(9.2, 4), 2);  // 2.3 px: not rounded up
  EXPECT_EQ(exportPictureSide(9.0, 4), 2);  // 2.25
  EXPECT_EQ(exportPictureSide(10.4, 4), 3);
  EXPECT_EQ(exportPictureSide(1, 4), 0);
  EXPECT_EQ(exportPictureSide(std::numeric_limits<double>::quiet_NaN(), 1), 0);
  EXPECT_GT(exportPictureSide(1e300, 1e-300), kMaxExportSide);
}

TEST_F(SectionExportTest, PngRowWriterNamesItsTemporaryAsTheCleanersExpect) {
  // A temporary left by a writer that died (no process has pid 0x7ffffffe) goes when an export
  // starts in the folder; the writer's own temporary carries its pid, so it is recognised too.
  const fs::path stale = dir_ / ".partial-2147483646-png0-killed.png";
  { std::ofstream(stale) << "half a PNG"; }
  PngRowWriter png(dir_ / "named.png", 2, 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(png.temporary().parent_path(), dir_);
  EXPECT_EQ(temporaryWriterPid(png.temporary().filename().string()), long(::getpid()));
}

}  // namespace
}  // namespace teramind
