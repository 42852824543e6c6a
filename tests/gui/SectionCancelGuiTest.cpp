// The section view's Cancel button under its busy text, driven under xvfb: shown
// while a pyramid is built for an open, pressed, the build stops and the button goes.
#include <gtest/gtest.h>
#include <unistd.h>
#include <QPushButton>
#include <QTest>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "QtTaskRunner.h"
#include "SectionView.h"
#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/TiffImage.h"
#include "studio/SectionViewModel.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

// A pyramid being built: a Cancel button under the busy text stops it (no error, nothing
// cached) and goes with the busy text.
TEST(SectionViewGui, TheBusyTextsCancelButtonStopsAPyramidBuild) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("teramind-gui-cancel-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path tiff = dir / "stain.tif";
  {
    TiledTiffWriter writer(tiff, 1200, 900, 256);
    for (std::int64_t r = 0; r < writer.tileRows(); ++r)
      for (std::int64_t c = 0; c < writer.tileCols(); ++c)
        writer.writeTile(r, c, std::vector<std::uint16_t>(256 * 256, 1000));
    writer.commit();
  }
  // The build is held at its first band until the button was pressed (the settings' check,
  // asked before the model's own).
  std::atomic<int> asked{0};
  std::atomic<bool> building{false}, released{false};
  SectionViewModel::Settings settings;
  settings.pyramids.appCache = dir / "pyramids";
  settings.pyramids.cancelled = [&] {
    if (asked++ < 1) return false;
    building = true;
    for (int i = 0; i < 24000 && !released; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return false;
  };
  QWidget host;
  ui::QtTaskRunner runner(&host);
  struct Release {
    std::atomic<bool>& released;
    ~Release() { released = true; }  // before the runner joins
  } release{released};
  SectionViewModel model(bundledAtlas(), runner, settings);
  ui::SectionView view(model);
  view.resize(640, 480);
  view.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  auto* cancel = view.findChild<QPushButton*>(QStringLiteral("section-cancel-busy"));
  ASSERT_NE(cancel, nullptr);
  EXPECT_FALSE(cancel->isVisible());
  model.openPath(tiff);
  ASSERT_TRUE(QTest::qWaitFor([&] { return building.load(); }, 120000));
  ASSERT_TRUE(QTest::qWaitFor([&] { return cancel->isVisible(); }, 10000));
  EXPECT_TRUE(view.rect().contains(cancel->geometry()));
  QTest::mouseClick(cancel, Qt::LeftButton);
  EXPECT_FALSE(model.canCancelBusy());
  released = true;
  ASSERT_TRUE(QTest::qWaitFor([&] { return !model.busy(); }, 120000));
  EXPECT_FALSE(cancel->isVisible());
  ASSERT_NE(model.lastMessage(), nullptr);
  EXPECT_EQ(model.lastMessage()->kind, StudioMessage::Kind::Notice);
  EXPECT_NE(model.lastMessage()->text.find("cancelled"), std::string::npos)
      << model.lastMessage()->text;
  EXPECT_TRUE(model.scene().layers().empty());
  bool cached = false;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "pyramids"))
    cached = cached || entry.path().filename() == "pyramid.json";
  EXPECT_FALSE(cached);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace teramind
