#include <gtest/gtest.h>
#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSurfaceFormat>
#include <QTest>

#include "AtlasScene.h"
#include "MainWindow.h"
#include "VtkViewport.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"
#include "support/TestData.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

// Share of pixels whose colour is near `rgb`.
double shareNear(const QImage& image, QRgb rgb, int tolerance) {
  long hits = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QRgb p = image.pixel(x, y);
      if (std::abs(qRed(p) - qRed(rgb)) <= tolerance &&
          std::abs(qGreen(p) - qGreen(rgb)) <= tolerance &&
          std::abs(qBlue(p) - qBlue(rgb)) <= tolerance)
        ++hits;
    }
  return static_cast<double>(hits) / (image.width() * image.height());
}

TEST(MainWindow, ShowsTheAtlasInItsViewport) {
  ui::MainWindow window(bundledAtlas());
  window.resize(800, 600);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  QTest::qWait(200);
  const QImage frame = window.viewport()->grabFramebuffer();
  ASSERT_FALSE(frame.isNull());
  // The dark background around, the brain (lighter) in the middle.
  const QRgb corner = frame.pixel(2, 2);
  EXPECT_LT(qGray(corner), 40);
  const QRgb centre = frame.pixel(frame.width() / 2, frame.height() / 2);
  EXPECT_GT(qGray(centre), qGray(corner) + 15);
}

TEST(MainWindow, NamesTheLoadedModelInTheStatusBar) {
  ui::MainWindow window(bundledAtlas());
  auto config = namedModelConfig("tiny");
  std::vector<std::string> genes;
  for (int g = 0; g < config.genes; ++g) genes.push_back("G" + std::to_string(g));
  auto model = std::make_shared<MorphologyModel>(config, genes, 0);
  model->metadata()["step"] = "12";
  window.setModel(model);
  auto statusText = [&] {
    QString all;
    for (auto* label : window.statusBar()->findChildren<QLabel*>()) all += label->text() + "|";
    return all;
  };
  EXPECT_TRUE(statusText().contains("model tiny · 0.1 M parameters · 8 genes · 12 steps"))
      << statusText().toStdString();
  window.setModel(nullptr);
  EXPECT_FALSE(statusText().contains("model tiny"));
}

// The session file is the window's file path (Record Movie's default folder) while its data are
// shown; data opened or closed outside a session end it.
TEST(MainWindow, TheSessionIsTheFilePathUntilOtherDataReplaceIt) {
  ui::MainWindow window(bundledAtlas());
  test::ScratchDirectory dir;
  const QString session = QString::fromStdString((dir / "session.json").string());
  const auto demo =
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset()));
  const auto settled = [&] {
    return QTest::qWaitFor([&] { return !window.studio().busy(); }, 60000);
  };
  window.showDataset(demo, bundledDemoDataset());
  ASSERT_TRUE(window.saveSession(session)) << window.lastError().toStdString();
  EXPECT_EQ(window.windowFilePath(), session);
  window.showDataset(demo, bundledDemoDataset());
  EXPECT_EQ(window.windowFilePath(), QString()) << "data shown outside the session";

  // A session's own data, loaded in the background after it opened, keep it its file path.
  window.showDataset(nullptr);
  ASSERT_TRUE(window.openSession(session)) << window.lastError().toStdString();
  EXPECT_EQ(window.windowFilePath(), session);
  ASSERT_TRUE(settled());
  ASSERT_NE(window.studio().state().workspace.dataset(), nullptr) << "the session's data load";
  EXPECT_EQ(window.windowFilePath(), session);
  window.showDataset(nullptr);
  EXPECT_EQ(window.windowFilePath(), QString()) << "the data closed";

  ASSERT_TRUE(window.openSession(session));
  ASSERT_TRUE(settled());
  ASSERT_TRUE(window.openDataset(bundledDemoDataset()));
  EXPECT_EQ(window.windowFilePath(), QString()) << "data opened outside the session";
  EXPECT_TRUE(settled());
}

TEST(MainWindow, SelectingAStructureHighlightsItInItsColour) {
  ui::MainWindow window(bundledAtlas());
  window.resize(800, 600);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  const QRgb ca1 = qRgb(0x7E, 0xD0, 0x4B);
  QTest::qWait(100);
  const double before = shareNear(window.viewport()->grabFramebuffer(), ca1, 60);
  ASSERT_TRUE(window.selectStructure(QStringLiteral("ca1")));
  QTest::qWait(100);
  const double after = shareNear(window.viewport()->grabFramebuffer(), ca1, 60);
  EXPECT_GT(after, before + 0.01) << "CA1 green should cover part of the view";
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(382));
  EXPECT_FALSE(window.selectStructure(QStringLiteral("NOT_A_REGION")));
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(382));
}

TEST(MainWindow, ViewportReportsClicksInVtkDisplayCoordinates) {
  ui::MainWindow window(bundledAtlas());
  window.resize(800, 600);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ui::VtkViewport* viewport = window.viewport();
  QSignalSpy clicks(viewport, &ui::VtkViewport::clicked);
  QTest::mouseClick(viewport, Qt::LeftButton, Qt::NoModifier, QPoint(10, 20));
  ASSERT_EQ(clicks.count(), 1);
  const qreal ratio = viewport->devicePixelRatioF();
  EXPECT_EQ(clicks.at(0).at(0).toInt(), static_cast<int>(10 * ratio));
  // VTK counts rows from the bottom.
  EXPECT_EQ(clicks.at(0).at(1).toInt(), static_cast<int>((viewport->height() - 20 - 1) * ratio));
}

}  // namespace
}  // namespace teramind

int main(int argc, char** argv) {
  QSurfaceFormat format;
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  QSurfaceFormat::setDefaultFormat(format);
  ::testing::InitGoogleTest(&argc, argv);
  QStandardPaths::setTestModeEnabled(true);  // presets and job output away from the user's
  int status = 0;
  {
    // Created in main and destroyed before return: a static QApplication crashes at exit.
    QApplication app(argc, argv);
    status = RUN_ALL_TESTS();
  }
  return status;
}
