// View → Record Movie… (issue 20): the dialog's choices, and a movie recorded from the studio's
// 3D view with the view drawing again afterwards.
#include <gtest/gtest.h>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <fstream>

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

// Answers the question box that opens next (while this lives) with `button`, and keeps its text.
// The box is looked for every 20 ms: it is not always the active modal widget when the event loop
// first turns. None within 10 s is a failure; a box that comes later is dismissed (Escape's
// answer) so that the test ends rather than hangs.
class QuestionAnswerer {
 public:
  explicit QuestionAnswerer(QMessageBox::StandardButton button) {
    clock_.start();
    timer_.setInterval(20);
    QObject::connect(&timer_, &QTimer::timeout, &timer_, [this, button] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box) {
        if (!late_ && clock_.hasExpired(10000)) {
          late_ = true;
          ADD_FAILURE() << "no question box within 10 s";
        }
        return;
      }
      timer_.stop();
      asked_ = box->text();
      QAbstractButton* answer = late_ ? nullptr : box->button(button);
      if (answer) {
        answer->click();
      } else {
        if (!late_) ADD_FAILURE() << "the question has no such button: " << asked_.toStdString();
        box->reject();
      }
    });
    timer_.start();
  }
  const QString& asked() const { return asked_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  bool late_ = false;
  QString asked_;
};

// The 3D view's widget draws the scene: the brain, brighter than the background, at its centre.
bool viewDrawsTheBrain(ui::MainWindow& window) {
  const QImage image = window.viewport()->grabFramebuffer();
  if (image.isNull()) return false;
  const QColor c = image.pixelColor(image.width() / 2, image.height() / 2);
  return c.red() + c.green() + c.blue() > 3 * 45;
}

TEST(MovieDialog, FormatChoiceKeepsTheNameInStep) {
  test::ScratchDirectory dir;
  const QString session = QString::fromStdString((dir / "session.json").string());
  const QString beside = QString::fromStdString((dir / "teramind-turntable").string());
  ui::MovieDialog dialog(QSize(641, 481), nullptr, session);
  ui::MovieRequest r = dialog.request();
  EXPECT_EQ(r.width, 1920) << "1080p unless asked otherwise";
  EXPECT_EQ(r.height, 1080);
  EXPECT_FALSE(r.pngFrames);
  EXPECT_EQ(r.output, beside + QStringLiteral(".mp4")) << "beside the session";
  auto* size = dialog.findChild<QComboBox*>(QStringLiteral("movie-size"));
  ASSERT_NE(size, nullptr);
  ASSERT_EQ(size->count(), 3);
  size->setCurrentIndex(0);
  EXPECT_EQ(dialog.request().width, 1280);
  EXPECT_EQ(dialog.request().height, 720);
  size->setCurrentIndex(2);  // the 3D view's
  EXPECT_EQ(dialog.request().width, 640) << "video wants even sizes";
  EXPECT_EQ(dialog.request().height, 480);
  auto* format = dialog.findChild<QComboBox*>(QStringLiteral("movie-format"));
  ASSERT_NE(format, nullptr);
  format->setCurrentIndex(1);  // PNG frames: "….mp4" becomes a folder name
  r = dialog.request();
  EXPECT_TRUE(r.pngFrames);
  EXPECT_EQ(r.output, beside + QStringLiteral("_frames"));
  format->setCurrentIndex(0);
  EXPECT_EQ(dialog.request().output, beside + QStringLiteral("_frames.mp4"));
  // The name the dialog chose follows the kind; one the user typed does not.
  auto* kind = dialog.findChild<QComboBox*>(QStringLiteral("movie-kind"));
  ASSERT_NE(kind, nullptr);
  kind->setCurrentIndex(1);
  EXPECT_EQ(dialog.request().output,
            QString::fromStdString((dir / "teramind-flythrough_frames.mp4").string()));
  auto* output = dialog.findChild<QLineEdit*>(QStringLiteral("movie-output"));
  ASSERT_NE(output, nullptr);
  output->setText(QStringLiteral("/tmp/mine.mp4"));
  kind->setCurrentIndex(0);
  EXPECT_EQ(dialog.request().output, QStringLiteral("/tmp/mine.mp4"));

  r.kind = render::MovieKind::FlyThrough;
  r.frames = 48;
  r.width = 800;
  r.height = 600;
  r.output = QStringLiteral("/tmp/x.mp4");
  r.pngFrames = false;
  dialog.setRequest(r);
  const auto back = dialog.request();
  EXPECT_EQ(back.kind, render::MovieKind::FlyThrough);
  EXPECT_EQ(back.frames, 48);
  EXPECT_EQ(back.width, 800) << "a size not offered is added to the list";
  EXPECT_EQ(back.height, 600);
  EXPECT_EQ(back.output, QStringLiteral("/tmp/x.mp4"));
}

TEST(MovieDialog, DefaultPathWithoutASessionIsVideosOrHome) {
  const QString path = ui::defaultMoviePath(QString(), render::MovieKind::Turntable);
  EXPECT_TRUE(path.endsWith(QStringLiteral("/teramind-turntable.mp4"))) << path.toStdString();
  const QString folder = QFileInfo(path).absolutePath();
  const QString videos = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
  EXPECT_TRUE(folder == QDir::homePath() || (folder == videos && QFileInfo(videos).isDir()))
      << folder.toStdString();
  EXPECT_TRUE(ui::defaultMoviePath(QString(), render::MovieKind::FlyThrough)
                  .endsWith(QStringLiteral("/teramind-flythrough.mp4")));
}

// Record never replaces a file silently: No keeps the dialog open, Yes goes on.
TEST(MovieDialog, AsksBeforeReplacingAFile) {
  test::ScratchDirectory dir;
  const auto existing = dir / "old.mp4";
  std::ofstream(existing) << "a movie";
  ui::MovieDialog dialog(QSize(640, 480));
  ui::MovieRequest r = dialog.request();
  r.output = QString::fromStdString(existing.string());
  dialog.setRequest(r);
  dialog.show();
  {
    QuestionAnswerer no(QMessageBox::No);
    dialog.accept();
    EXPECT_TRUE(no.asked().contains(QStringLiteral("old.mp4"))) << no.asked().toStdString();
  }
  EXPECT_NE(dialog.result(), QDialog::Accepted) << "No: the dialog stays for another name";
  EXPECT_TRUE(dialog.isVisible());
  {
    QuestionAnswerer yes(QMessageBox::Yes);
    dialog.accept();
    EXPECT_FALSE(yes.asked().isEmpty()) << "the question was not asked again";
  }
  EXPECT_EQ(dialog.result(), QDialog::Accepted);
  // A new name is taken without a question.
  ui::MovieDialog fresh(QSize(640, 480));
  r.output = QString::fromStdString((dir / "new.mp4").string());
  fresh.setRequest(r);
  fresh.accept();
  EXPECT_EQ(fresh.result(), QDialog::Accepted);
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
