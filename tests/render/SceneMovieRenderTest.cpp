// Movies of the 3D view (MP4 read back by libavformat/libavcodec, PNG frames) and the section
// drawn by the 3D view and the slice views.
#include <gtest/gtest.h>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "AtlasScene.h"
#include "MovieWriter.h"
#include "PngFrameWriter.h"
#include "SceneMovie.h"
#include "SliceScene.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"
#include "support/TestData.h"

namespace teramind {
namespace {

const Atlas& bundledAtlas() {
  static const Atlas atlas = Atlas::load(bundledAtlasDirectory());
  return atlas;
}

struct DecodedMovie {
  std::string codec;
  int width = 0, height = 0, frames = 0;
};

// The movie as an independent reader sees it: libavformat's demuxer, libavcodec's decoder,
// every frame decoded and counted.
DecodedMovie decodeMovie(const std::filesystem::path& file) {
  DecodedMovie movie;
  AVFormatContext* format = nullptr;
  if (avformat_open_input(&format, file.c_str(), nullptr, nullptr) < 0) return movie;
  avformat_find_stream_info(format, nullptr);
  const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index >= 0) {
    const AVCodecParameters* parameters = format->streams[index]->codecpar;
    movie.codec = avcodec_get_name(parameters->codec_id);
    movie.width = parameters->width;
    movie.height = parameters->height;
    const AVCodec* decoder = avcodec_find_decoder(parameters->codec_id);
    AVCodecContext* codec = avcodec_alloc_context3(decoder);
    avcodec_parameters_to_context(codec, parameters);
    if (decoder && avcodec_open2(codec, decoder, nullptr) == 0) {
      AVPacket* packet = av_packet_alloc();
      AVFrame* frame = av_frame_alloc();
      const auto drain = [&] {
        while (avcodec_receive_frame(codec, frame) == 0) ++movie.frames;
      };
      while (av_read_frame(format, packet) >= 0) {
        if (packet->stream_index == index && avcodec_send_packet(codec, packet) == 0) drain();
        av_packet_unref(packet);
      }
      avcodec_send_packet(codec, nullptr);
      drain();
      av_frame_free(&frame);
      av_packet_free(&packet);
    }
    avcodec_free_context(&codec);
  }
  avformat_close_input(&format);
  return movie;
}

int countFrames(const std::filesystem::path& folder) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.path().extension() == ".png") ++n;
  return n;
}

TEST(SceneMovie, TurntableMp4HasItsFramesSizeAndCodec) {
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  const auto before = scene.cameraPose();
  render::MovieOptions options;
  options.kind = render::MovieKind::Turntable;
  options.frames = 24;
  options.width = 320;
  options.height = 240;
  int progressCalls = 0;
  const auto result =
      render::recordMovie(scene, dir / "turntable.mp4", options, [&](int done, int total) {
        EXPECT_EQ(total, 24);
        EXPECT_EQ(done, ++progressCalls);
        return true;
      });
  EXPECT_EQ(progressCalls, 24);
  EXPECT_EQ(result.frames, 24);
  EXPECT_EQ(result.width, 320);
  EXPECT_EQ(result.height, 240);
  EXPECT_TRUE(result.codec == "h264" || result.codec == "mpeg4") << result.codec;
  EXPECT_NE(result.summary().find("(24 frames, 320x240, "), std::string::npos) << result.summary();

  const DecodedMovie movie = decodeMovie(dir / "turntable.mp4");
  EXPECT_EQ(movie.codec, result.codec);
  EXPECT_EQ(movie.width, 320);
  EXPECT_EQ(movie.height, 240);
  EXPECT_EQ(movie.frames, 24);
  // No temporary left beside it, and the scene's camera is where it was.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
  const auto after = scene.cameraPose();
  for (std::size_t a = 0; a < 3; ++a) EXPECT_NEAR(after.position[a], before.position[a], 1e-6);
}

// A sink that keeps where the camera was at each frame, not the pixels.
class CameraLog : public render::FrameSink {
 public:
  explicit CameraLog(render::AtlasScene& scene) : scene_(scene) {}
  void addFrame(const std::uint8_t*, int, int, bool) override {
    poses.push_back(scene_.cameraPose());
  }
  void finish() override { finished = true; }
  int frameCount() const override { return int(poses.size()); }
  std::string codecName() const override { return "none"; }
  int storedWidth() const override { return 0; }
  int storedHeight() const override { return 0; }
  std::vector<render::CameraPose> poses;
  bool finished = false;

 private:
  render::AtlasScene& scene_;
};

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

// From a camera close to the demo section (Go to section), the turntable backs off so its orbit
// stays outside the brain, turns about the section through a full circle in equal steps, and
// leaves the camera where it was.
TEST(SceneMovie, TurntableOrbitsOutsideTheBrainAroundTheFocalPoint) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const auto dapi = demo.readStain(demo.stains.front(), 256);
  render::AtlasScene scene(bundledAtlas());
  scene.showSection(&dapi, demo.placement().sectionToAtlas);
  scene.focusSection();
  const auto before = scene.cameraPose();
  const auto& dims = bundledAtlas().annotation().dims();
  const double res = bundledAtlas().resolutionUm();
  const double halfDiagonal =
      0.5 * res * std::sqrt(double(dims[0] * dims[0] + dims[1] * dims[1] + dims[2] * dims[2]));
  ASSERT_LT(distance(before.position, before.focalPoint), halfDiagonal)
      << "the test wants a camera inside the orbit the brain needs";
  CameraLog log(scene);
  render::MovieOptions options;
  options.frames = 8;
  options.width = options.height = 32;
  ASSERT_TRUE(render::renderMovie(scene, options, log));
  EXPECT_TRUE(log.finished);
  ASSERT_EQ(log.poses.size(), 8u);
  const double radius = distance(log.poses[0].position, log.poses[0].focalPoint);
  EXPECT_GT(radius, halfDiagonal);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_NEAR(distance(log.poses[i].position, log.poses[i].focalPoint), radius, 1e-6 * radius);
    EXPECT_NEAR(distance(log.poses[i].focalPoint, before.focalPoint), 0, 1e-6);
    // 45° a step: consecutive positions 2 r sin(22.5°) apart, the fifth opposite the first.
    EXPECT_NEAR(distance(log.poses[i].position, log.poses[(i + 1) % 8].position),
                2 * radius * std::sin(M_PI / 8), 1e-3 * radius);
  }
  EXPECT_NEAR(distance(log.poses[0].position, log.poses[4].position), 2 * radius, 1e-3 * radius);
  const auto after = scene.cameraPose();
  EXPECT_NEAR(distance(after.position, before.position), 0, 1e-6);
}

// An odd size loses one column and one row (YUV 4:2:0); frames of another size are refused.
TEST(SceneMovie, OddSizeIsCroppedToEven) {
  test::ScratchDirectory dir;
  render::MovieWriter writer(dir / "odd.mp4", 33, 19, 10);
  EXPECT_EQ(writer.storedWidth(), 32);
  EXPECT_EQ(writer.storedHeight(), 18);
  std::vector<std::uint8_t> frame(33 * 19 * 3, 0);
  for (int i = 0; i < 3; ++i) {
    std::fill(frame.begin(), frame.end(), std::uint8_t(60 * i));
    writer.addFrame(frame.data(), 33, 19, i % 2 == 1);
  }
  EXPECT_THROW(writer.addFrame(frame.data(), 32, 19), std::invalid_argument);
  writer.finish();
  const DecodedMovie movie = decodeMovie(dir / "odd.mp4");
  EXPECT_EQ(movie.width, 32);
  EXPECT_EQ(movie.height, 18);
  EXPECT_EQ(movie.frames, 3);
}

// The fallback encoder, which every libavcodec has, in another container.
TEST(SceneMovie, Mpeg4FallbackInMatroska) {
  test::ScratchDirectory dir;
  render::MovieWriter writer(dir / "fallback.mkv", 64, 48, 24, render::MovieCodec::Mpeg4);
  EXPECT_EQ(writer.codecName(), "mpeg4");
  std::vector<std::uint8_t> frame(64 * 48 * 3);
  for (int i = 0; i < 24; ++i) {
    for (std::size_t p = 0; p < frame.size(); ++p) frame[p] = std::uint8_t((p + 10 * i) % 251);
    writer.addFrame(frame.data(), 64, 48);
  }
  writer.finish();
  const DecodedMovie movie = decodeMovie(dir / "fallback.mkv");
  EXPECT_EQ(movie.codec, "mpeg4");
  EXPECT_EQ(movie.width, 64);
  EXPECT_EQ(movie.height, 48);
  EXPECT_EQ(movie.frames, 24);
}

TEST(SceneMovie, FlyThroughAsPngFramesReplacesALongerMovie) {
  test::ScratchDirectory dir;
  const auto folder = dir / "frames";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "frame_0009.png") << "an earlier, longer movie";
  std::ofstream(folder / "notes.txt") << "kept";
  render::AtlasScene scene(bundledAtlas());
  render::MovieOptions options;
  options.kind = render::MovieKind::FlyThrough;
  options.frames = 5;
  options.width = 160;
  options.height = 120;
  const auto result = render::recordMovie(scene, folder, options);
  EXPECT_EQ(result.codec, "png");
  EXPECT_EQ(result.frames, 5);
  EXPECT_EQ(countFrames(folder), 5);
  EXPECT_FALSE(std::filesystem::exists(folder / "frame_0009.png"));
  EXPECT_TRUE(std::filesystem::exists(folder / "notes.txt"));
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(render::PngFrameWriter::framePath(folder, 4).c_str());
  reader->Update();
  int dims[3];
  reader->GetOutput()->GetDimensions(dims);
  EXPECT_EQ(dims[0], 160);
  EXPECT_EQ(dims[1], 120);
  // The sweep has moved the cut: the first frame (the whole brain) and the last differ.
  vtkNew<vtkPNGReader> first;
  first->SetFileName(render::PngFrameWriter::framePath(folder, 0).c_str());
  first->Update();
  const auto* a = static_cast<const std::uint8_t*>(first->GetOutput()->GetScalarPointer());
  const auto* b = static_cast<const std::uint8_t*>(reader->GetOutput()->GetScalarPointer());
  long difference = 0;
  for (int i = 0; i < 160 * 120 * 3; ++i) difference += std::abs(int(a[i]) - int(b[i]));
  EXPECT_GT(difference, 160 * 120) << "the fly-through's frames should change";
}

std::vector<std::string> namesIn(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string textOf(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SceneMovie, PngFramesLeaveTheFolderAsItWasUntilFinish) {
  test::ScratchDirectory dir;
  const auto folder = dir / "frames";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "frame_0000.png") << "an earlier movie's first frame";
  std::ofstream(folder / "frame_0002.png") << "an earlier movie's last frame";
  // A temporary of a writer that died (no process has that pid) goes when a writer starts.
  std::ofstream(folder / ".partial-2147483646-frame0-frame_0001.png") << "half a frame";
  const std::vector<std::string> earlier = {"frame_0000.png", "frame_0002.png"};
  std::vector<std::uint8_t> frame(32 * 24 * 3, 200);
  {
    render::PngFrameWriter writer(folder, 32, 24);
    writer.addFrame(frame.data(), 32, 24);
    writer.addFrame(frame.data(), 32, 24);
    EXPECT_EQ(textOf(folder / "frame_0000.png"), "an earlier movie's first frame")
        << "a frame replaced before finish()";
    EXPECT_FALSE(std::filesystem::exists(folder / "frame_0001.png"));
    EXPECT_FALSE(std::filesystem::exists(folder / ".partial-2147483646-frame0-frame_0001.png"));
  }  // cancelled: destroyed unfinished
  EXPECT_EQ(namesIn(folder), earlier) << "an unfinished movie leaves the folder as it was";
  EXPECT_EQ(textOf(folder / "frame_0000.png"), "an earlier movie's first frame");
  // A cancelled recording (the sink destroyed unfinished) leaves them too.
  render::AtlasScene scene(bundledAtlas());
  render::MovieOptions options;
  options.frames = 6;
  options.width = options.height = 64;
  EXPECT_THROW(render::recordMovie(scene, folder, options, [](int done, int) { return done < 4; }),
               std::runtime_error);
  EXPECT_EQ(namesIn(folder), earlier);
  // Finished: exactly this movie.
  {
    render::PngFrameWriter writer(folder, 32, 24);
    writer.addFrame(frame.data(), 32, 24);
    writer.addFrame(frame.data(), 32, 24);
    writer.finish();
  }
  EXPECT_EQ(namesIn(folder), (std::vector<std::string>{"frame_0000.png", "frame_0001.png"}));
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(render::PngFrameWriter::framePath(folder, 1).c_str());
  reader->Update();
  int dims[3];
  reader->GetOutput()->GetDimensions(dims);
  EXPECT_EQ(dims[0], 32);
  EXPECT_EQ(dims[1], 24);
}

TEST(SceneMovie, BadOutputIsAFileErrorNamingIt) {
  test::ScratchDirectory dir;
  const auto missing = dir / "no" / "such" / "folder" / "movie.mp4";
  try {
    render::MovieWriter writer(missing, 64, 48);
    FAIL() << "a movie in a missing folder should not start";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), missing);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_THROW(render::MovieWriter(dir / "movie.gif", 64, 48), FileError);
  EXPECT_THROW(render::MovieWriter(dir / "tiny.mp4", 1, 48), FileError);
  std::ofstream(dir / "a_file") << "x";
  EXPECT_THROW(render::PngFrameWriter(dir / "a_file", 64, 48), FileError);
  EXPECT_THROW(render::MovieWriter(dir / "a_file" / "movie.mp4", 64, 48), FileError);
  // Unfinished: nothing at the target, no temporary beside it.
  {
    render::MovieWriter writer(dir / "unfinished.mp4", 64, 48);
    std::vector<std::uint8_t> frame(64 * 48 * 3, 128);
    writer.addFrame(frame.data(), 64, 48);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "unfinished.mp4"));
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);  // a_file
  // A cancelled recording leaves no movie.
  render::AtlasScene scene(bundledAtlas());
  render::MovieOptions options;
  options.frames = 10;
  options.width = options.height = 64;
  EXPECT_THROW(render::recordMovie(scene, dir / "cancelled.mp4", options,
                                   [](int done, int) { return done < 3; }),
               std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir / "cancelled.mp4"));
  options.frames = 0;
  EXPECT_THROW(render::recordMovie(scene, dir / "none.mp4", options), std::invalid_argument);
  EXPECT_EQ(render::parseMovieKind("flythrough"), render::MovieKind::FlyThrough);
  EXPECT_THROW(render::parseMovieKind("orbit"), std::invalid_argument);
}

// The demo section's rectangle as a one-colour picture placed where the demo puts it.
struct PlacedSection {
  render::SectionRaster picture;
  AffineTransform sectionToAtlas;
};

PlacedSection demoSection(std::array<std::uint8_t, 4> colour) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const auto dapi = demo.readStain(demo.stains.front(), 256);
  const auto& f = dapi.frame();
  PlacedSection s;
  s.picture.width = s.picture.height = 8;
  for (int i = 0; i < 64; ++i)
    s.picture.rgba.insert(s.picture.rgba.end(), colour.begin(), colour.end());
  s.picture.xUm = f.origin()[0] - 0.5 * f.spacing()[0];
  s.picture.yUm = f.origin()[1] - 0.5 * f.spacing()[1];
  s.picture.widthUm = double(dapi.dims()[0]) * f.spacing()[0];
  s.picture.heightUm = double(dapi.dims()[1]) * f.spacing()[1];
  s.sectionToAtlas = demo.placement().sectionToAtlas;
  return s;
}

// A slice scene drawn offscreen at 400 × 300, its pixels read back (bottom row first).
struct RenderedSlice {
  vtkNew<vtkRenderWindow> window;
  vtkNew<vtkUnsignedCharArray> pixels;
  render::SliceScene& scene;
  static constexpr int kWidth = 400, kHeight = 300;

  explicit RenderedSlice(render::SliceScene& s) : scene(s) {
    window->SetOffScreenRendering(1);
    window->SetMultiSamples(0);
    window->SetSize(kWidth, kHeight);
    window->AddRenderer(scene.renderer());
    scene.resetCamera();
    window->Render();
    window->GetPixelData(0, 0, kWidth - 1, kHeight - 1, 0, pixels, 0);
  }
  ~RenderedSlice() {
    window->RemoveRenderer(scene.renderer());
    window->Finalize();
  }
  const std::uint8_t* at(int x, int y) const { return pixels->GetPointer(3 * (y * kWidth + x)); }
  // Display pixel of a point in slice µm (column, row).
  std::array<int, 2> display(double column, double row) {
    vtkRenderer* r = scene.renderer();
    r->SetWorldPoint(column, row, 0, 1);
    r->WorldToDisplay();
    double d[3];
    r->GetDisplayPoint(d);
    return {int(std::lround(d[0])), int(std::lround(d[1]))};
  }
  bool isColour(int x, int y, std::array<int, 3> rgb, int tolerance = 40) const {
    if (x < 0 || y < 0 || x >= kWidth || y >= kHeight) return false;
    const auto* p = at(x, y);
    return std::abs(p[0] - rgb[0]) <= tolerance && std::abs(p[1] - rgb[1]) <= tolerance &&
           std::abs(p[2] - rgb[2]) <= tolerance;
  }
  int count(std::array<int, 3> rgb) const {
    int n = 0;
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x) n += isColour(x, y, rgb);
    return n;
  }
  // Whether a pixel of that colour lies within `radius` of (x, y).
  bool near(std::array<int, 2> p, std::array<int, 3> rgb, int radius = 3) const {
    for (int dy = -radius; dy <= radius; ++dy)
      for (int dx = -radius; dx <= radius; ++dx)
        if (isColour(p[0] + dx, p[1] + dy, rgb)) return true;
    return false;
  }
};

constexpr std::array<int, 3> kLine{int(render::SliceScene::kSectionLineRgb[0] * 255 + 0.5),
                                   int(render::SliceScene::kSectionLineRgb[1] * 255 + 0.5),
                                   int(render::SliceScene::kSectionLineRgb[2] * 255 + 0.5)};

// The demo section is coronal at AP 5000 µm: the sagittal and horizontal slices through it show
// its footprint as a line at that AP; the coronal slice there shows its picture.
TEST(SliceSceneSection, FootprintLineInSagittalAndHorizontalSlices) {
  const Atlas& atlas = bundledAtlas();
  const PlacedSection section = demoSection({0, 255, 0, 255});
  const double res = atlas.resolutionUm();
  const Vec3 centre =
      section.sectionToAtlas.apply({section.picture.xUm + section.picture.widthUm / 2,
                                    section.picture.yUm + section.picture.heightUm / 2, 0});
  SliceCursor cursor(atlas.annotation().dims());
  cursor.moveTo(centre, res);
  for (SliceOrientation o : {SliceOrientation::Sagittal, SliceOrientation::Horizontal}) {
    SCOPED_TRACE(sliceOrientationName(o));
    render::SliceScene scene(atlas, o);
    scene.setCursor(cursor);
    int without = 0;
    {
      RenderedSlice plain(scene);
      without = plain.count(kLine);
    }
    scene.setSection(section.picture, section.sectionToAtlas);
    ASSERT_TRUE(scene.hasSection());
    EXPECT_FALSE(scene.showsSectionPicture());
    const auto line = scene.sectionLine();
    ASSERT_TRUE(line);
    // The line lies at the section's AP (atlas x): a column in the sagittal view, a row in the
    // horizontal one.
    const int apAxisInView = o == SliceOrientation::Sagittal ? 0 : 1;
    EXPECT_NEAR((*line)[0][std::size_t(apAxisInView)], centre[0], 1e-6);
    EXPECT_NEAR((*line)[1][std::size_t(apAxisInView)], centre[0], 1e-6);
    RenderedSlice drawn(scene);
    const int with = drawn.count(kLine);
    // The demo crop is about 450 µm (under 5 voxels) across: a short line.
    EXPECT_GE(with, without + 6) << "the section's line should be drawn";
    const double midColumn = 0.5 * ((*line)[0][0] + (*line)[1][0]);
    const double midRow = 0.5 * ((*line)[0][1] + (*line)[1][1]);
    EXPECT_TRUE(drawn.near(drawn.display(midColumn, midRow), kLine))
        << "no line colour at the footprint's middle";
    // Far from the section (a quarter of the brain away along the line's normal) there is none.
    std::array<double, 2> away{midColumn, midRow};
    away[std::size_t(apAxisInView)] += 0.25 * atlas.annotation().dims()[0] * res;
    EXPECT_FALSE(drawn.near(drawn.display(away[0], away[1]), kLine));
  }
}

TEST(SliceSceneSection, CoronalSliceAtTheSectionShowsItsPicture) {
  const Atlas& atlas = bundledAtlas();
  const PlacedSection section = demoSection({0, 255, 0, 255});
  const double res = atlas.resolutionUm();
  const Vec3 centre =
      section.sectionToAtlas.apply({section.picture.xUm + section.picture.widthUm / 2,
                                    section.picture.yUm + section.picture.heightUm / 2, 0});
  SliceCursor cursor(atlas.annotation().dims());
  cursor.moveTo(centre, res);
  render::SliceScene scene(atlas, SliceOrientation::Coronal);
  scene.setCursor(cursor);
  scene.setSection(section.picture, section.sectionToAtlas);
  EXPECT_TRUE(scene.showsSectionPicture());
  EXPECT_FALSE(scene.sectionLine());
  {
    RenderedSlice drawn(scene);
    // Coronal: column is atlas z (LR), row atlas y (DV). Off the crosshair (at the centre): a
    // point a third of the way to the section's corner.
    const Vec3 inside =
        section.sectionToAtlas.apply({section.picture.xUm + section.picture.widthUm * 0.8,
                                      section.picture.yUm + section.picture.heightUm * 0.8, 0});
    const auto p = drawn.display(inside[2], inside[1]);
    EXPECT_TRUE(drawn.isColour(p[0], p[1], {0, 255, 0}))
        << "the section's picture should be at its place";
    EXPECT_GT(drawn.count({0, 255, 0}), 4);
  }
  // Ten slices away, a parallel slice misses the section: nothing drawn.
  cursor.step(SliceOrientation::Coronal, 10);
  scene.setCursor(cursor);
  EXPECT_FALSE(scene.showsSectionPicture());
  EXPECT_FALSE(scene.sectionLine());
  RenderedSlice drawn(scene);
  EXPECT_EQ(drawn.count({0, 255, 0}), 0);
  EXPECT_EQ(drawn.count(kLine), 0);
}

// The 3D view's RGBA section (the stains composed from their pyramid), seen face-on, fills the
// middle of the view with its picture.
TEST(AtlasSceneSection, RgbaPictureShownFaceOn) {
  const PlacedSection section = demoSection({0, 255, 0, 255});
  render::AtlasScene scene(bundledAtlas());
  scene.showSection(section.picture, section.sectionToAtlas);
  ASSERT_TRUE(scene.hasSection());
  const Vec3 expected =
      section.sectionToAtlas.apply({section.picture.xUm + section.picture.widthUm / 2,
                                    section.picture.yUm + section.picture.heightUm / 2, 0});
  ASSERT_TRUE(scene.sectionCentre());
  for (std::size_t a = 0; a < 3; ++a) EXPECT_NEAR((*scene.sectionCentre())[a], expected[a], 1e-6);
  scene.focusSection(true);
  test::ScratchDirectory dir;
  render::saveScreenshot(scene, dir / "rgba_section.png", {200, 150, 1, false});
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName((dir / "rgba_section.png").c_str());
  reader->Update();
  const auto* centre =
      static_cast<const std::uint8_t*>(reader->GetOutput()->GetScalarPointer(100, 75, 0));
  EXPECT_LT(centre[0], 40);
  EXPECT_GT(centre[1], 215);
  EXPECT_LT(centre[2], 40);
  scene.showSection(render::SectionRaster{}, section.sectionToAtlas);
  EXPECT_FALSE(scene.hasSection());
  EXPECT_FALSE(scene.sectionCentre());
}

}  // namespace
}  // namespace teramind
