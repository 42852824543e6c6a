// View → Record Movie… (issue 20): the dialog's choices, and a movie recorded from the studio's
// 3D view with the view drawing again afterwards.
#include <gtest/gtest.h>
#include <QComboBox>
#include <QLineEdit>
#include <QTest>

#include <QImage>

#include "AtlasScene.h"
#include "MainWindow.h"
#include "MovieDialog.h"
#include "VtkViewport.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "support/TestData.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

// The 3D view's widget draws the scene: the brain, brighter than the background, at its centre.
bool viewDrawsTheBrain(ui::MainWindow& window) {
  const QImage image = window.viewport()->grabFramebuffer();
  if (image.isNull()) return false;
  const QColor c = image.pixelColor(image.width() / 2, image.height() / 2);
  return c.red() + c.green() + c.blue() > 3 * 45;
}

TEST(MovieDialog, FormatChoiceKeepsTheNameInStep) {
  ui::MovieDialog dialog(QSize(641, 481));
  ui::MovieRequest r = dialog.request();
  EXPECT_EQ(r.width, 640) << "video wants even sizes";
  EXPECT_EQ(r.height, 480);
  EXPECT_FALSE(r.pngFrames);
  auto* format = dialog.findChildren<QComboBox*>().at(1);
  ASSERT_NE(format, nullptr);
  format->setCurrentIndex(1);  // PNG frames: "teramind.mp4" becomes a folder name
  r = dialog.request();
  EXPECT_TRUE(r.pngFrames);
  EXPECT_EQ(r.output, QStringLiteral("teramind_frames"));
  format->setCurrentIndex(0);
  EXPECT_EQ(dialog.request().output, QStringLiteral("teramind_frames.mp4"));
  r.kind = render::MovieKind::FlyThrough;
  r.frames = 48;
  r.output = QStringLiteral("/tmp/x.mp4");
  r.pngFrames = false;
  dialog.setRequest(r);
  const auto back = dialog.request();
  EXPECT_EQ(back.kind, render::MovieKind::FlyThrough);
  EXPECT_EQ(back.frames, 48);
  EXPECT_EQ(back.output, QStringLiteral("/tmp/x.mp4"));
}

TEST(MovieDialog, RecordsFromTheStudioAndTheViewDrawsAgain) {
  ui::MainWindow window(bundledAtlas());
  window.resize(1024, 700);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_TRUE(viewDrawsTheBrain(window)) << "the test wants the brain at the view's centre";
  test::ScratchDirectory dir;
  ui::MovieRequest request;
  request.frames = 6;
  request.width = 160;
  request.height = 120;
  request.output = QString::fromStdString((dir / "studio").string());  // ".mp4" added
  const QString summary = ui::recordMovie(&window, window.scene(), window.viewport(), request);
  EXPECT_TRUE(summary.contains(QStringLiteral("(6 frames, 160x120, "))) << summary.toStdString();
  EXPECT_TRUE(std::filesystem::exists(dir / "studio.mp4"));
  EXPECT_TRUE(viewDrawsTheBrain(window)) << "the scene should be back in the 3D view";
  request.pngFrames = true;
  request.output = QString::fromStdString((dir / "frames.mp4").string());  // extension dropped
  ui::recordMovie(&window, window.scene(), window.viewport(), request);
  EXPECT_TRUE(std::filesystem::exists(dir / "frames" / "frame_0005.png"));
  request.output = QString::fromStdString((dir / "missing" / "folder" / "x.mp4").string());
  request.pngFrames = false;
  EXPECT_THROW(ui::recordMovie(&window, window.scene(), window.viewport(), request), FileError);
  EXPECT_TRUE(viewDrawsTheBrain(window));
}

}  // namespace
}  // namespace teramind
