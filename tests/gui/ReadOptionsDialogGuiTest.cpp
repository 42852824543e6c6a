// File → Open on a spot table under xvfb: the read options dialog shows the header's columns
// pre-set from the layout, refuses Open until a pixel size is given, and opens the table with
// what it shows; Cancel opens nothing.
#include <gtest/gtest.h>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTest>
#include <QTimer>

#include <fstream>
#include <functional>

#include "MainWindow.h"
#include "ReadOptionsDialog.h"
#include "common/ResourceLocator.h"
#include "support/TestData.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

// Runs `answer` on the read options dialog once it is shown (it is modal: exec() returns
// when `answer` accepts or rejects it; one left open is rejected).
QPointer<QTimer> whenShown(std::function<void(ui::ReadOptionsDialog&)> answer) {
  auto* poll = new QTimer;
  QObject::connect(poll, &QTimer::timeout, [poll, answer] {
    auto* dialog = qobject_cast<ui::ReadOptionsDialog*>(QApplication::activeModalWidget());
    if (!dialog) return;
    poll->stop();
    poll->deleteLater();
    answer(*dialog);
    if (dialog->isVisible()) dialog->reject();  // a failed assertion must not leave it open
  });
  poll->start(20);
  return poll;
}

QPushButton* openButton(ui::ReadOptionsDialog& dialog) {
  return dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

TEST(ReadOptionsDialogGui, ASpotTableOpensWithTheColumnsAndPixelSizeConfirmed) {
  test::ScratchDirectory dir;
  const fs::path table = dir / "spots.csv";
  std::ofstream(table) << "Gene,x,y,plane_id\nSlc17a7,100,200,0\nGad1,300,400,1\nSlc17a7,5,6,1\n";
  ui::MainWindow window(bundledAtlas());
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  bool shown = false;
  whenShown([&](ui::ReadOptionsDialog& dialog) {
    shown = true;
    const auto combos = dialog.findChildren<QComboBox*>();
    ASSERT_EQ(combos.size(), 4) << "gene, x, y, z";
    EXPECT_EQ(combos[0]->currentText(), QStringLiteral("Gene")) << "pre-set: pciSeq's layout";
    EXPECT_EQ(combos[1]->currentText(), QStringLiteral("x"));
    EXPECT_EQ(combos[2]->currentText(), QStringLiteral("y"));
    EXPECT_EQ(combos[3]->currentIndex(), 0) << "z is not guessed";
    EXPECT_FALSE(openButton(dialog)->isEnabled()) << "no pixel size yet";
    EXPECT_NE(dialog.findChild<QLabel*>(QStringLiteral("problem"))->text().indexOf("pixel size"),
              -1);
    combos[3]->setCurrentIndex(combos[3]->findText(QStringLiteral("plane_id")));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("pixelUm")),
                     QStringLiteral("0.5"));
    ASSERT_TRUE(openButton(dialog)->isEnabled());
    QTest::mouseClick(openButton(dialog), Qt::LeftButton);
  });
  ASSERT_TRUE(window.openPath(QString::fromStdString(table.string())));
  EXPECT_TRUE(shown);
  ASSERT_TRUE(QTest::qWaitFor([&] { return window.studio().state().workspace.dataset(); }, 30000))
      << window.lastError().toStdString();
  const auto& workspace = window.studio().state().workspace;
  const auto& read = workspace.readOptions();
  ASSERT_TRUE(read.columns);
  EXPECT_EQ(formatSpotTableColumns(*read.columns), "gene=Gene,x=x,y=y,z=plane_id");
  EXPECT_EQ(read.pixelUm, std::optional<double>(0.5));
  const auto* transcripts = workspace.dataset()->transcripts();
  ASSERT_NE(transcripts, nullptr);
  ASSERT_EQ(transcripts->size(), 3u);
  EXPECT_FLOAT_EQ(transcripts->x[1], 150.f) << "300 px of 0.5 µm";
  EXPECT_EQ(transcripts->planeCount(), 2);

  // Opened again (Recent, the landmark tool's Save): read as before, without asking.
  bool asked = false;
  QPointer<QTimer> poll = whenShown([&](ui::ReadOptionsDialog&) { asked = true; });
  const auto* before = workspace.dataset();
  ASSERT_TRUE(window.openPath(QString::fromStdString(table.string())));
  ASSERT_TRUE(QTest::qWaitFor([&] { return workspace.dataset() != before; }, 30000))
      << window.lastError().toStdString();
  delete poll.data();
  EXPECT_FALSE(asked);
  EXPECT_EQ(workspace.readOptions().pixelUm, std::optional<double>(0.5));
}

TEST(ReadOptionsDialogGui, CancelOpensNothing) {
  test::ScratchDirectory dir;
  const fs::path table = dir / "iss.csv";
  std::ofstream(table) << "target,px,py\nA,1,2\n";
  ui::MainWindow window(bundledAtlas());
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  whenShown([](ui::ReadOptionsDialog& dialog) {
    EXPECT_EQ(dialog.findChildren<QComboBox*>().front()->currentIndex(), 0)
        << "no layout: nothing chosen";
    dialog.reject();
  });
  EXPECT_FALSE(window.openPath(QString::fromStdString(table.string())));
  QTest::qWait(50);
  EXPECT_EQ(window.studio().state().workspace.dataset(), nullptr);
  EXPECT_TRUE(window.lastError().isEmpty()) << window.lastError().toStdString();
}

}  // namespace
}  // namespace teramind
