// The studio's keyboard and search habits under xvfb (issue 17): single-key shortcuts reach
// their actions from the structure tree but never from a text field, the tree has no type-ahead
// that silently chooses another structure, the search finds "hippocampus" and says when nothing
// matches, a structure picked elsewhere is revealed through a filter, and F1 lists the shortcuts.
#include <gtest/gtest.h>
#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

#include "AtlasScene.h"
#include "MainWindow.h"
#include "OntologyDock.h"
#include "ShortcutsDialog.h"
#include "VtkViewport.h"
#include "common/ResourceLocator.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

QAction* actionWithShortcut(QWidget& window, const QKeySequence& keys) {
  for (QAction* a : window.findChildren<QAction*>())
    if (a->shortcut() == keys) return a;
  return nullptr;
}

std::string currentAcronym(QTreeWidget* tree) {
  return tree->currentItem() ? tree->currentItem()->text(1).toStdString() : std::string();
}

QTreeWidgetItem* itemOf(QTreeWidget* tree, const QString& acronym) {
  const auto found = tree->findItems(acronym, Qt::MatchExactly | Qt::MatchRecursive, 1);
  return found.isEmpty() ? nullptr : found.front();
}

// A shown studio with CA1 selected and the keyboard in the structure tree.
struct StudioHabits : ::testing::Test {
  ui::MainWindow window{bundledAtlas()};
  ui::OntologyDock* dock = nullptr;
  QTreeWidget* tree = nullptr;
  QLineEdit* search = nullptr;

  void SetUp() override {
    window.resize(1200, 780);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    QApplication::setActiveWindow(&window);
    dock = window.ontologyDock();
    tree = dock->tree();
    search = dock->searchField();
    ASSERT_TRUE(window.selectStructure(QStringLiteral("CA1")));
    tree->setFocus();
    QTest::qWait(50);
    ASSERT_EQ(QApplication::focusWidget(), tree);
    ASSERT_EQ(currentAcronym(tree), "CA1");
  }
};

TEST_F(StudioHabits, LettersInTheTreeTriggerShortcutsAndNeverChooseAnotherStructure) {
  QAction* goToSection = actionWithShortcut(window, QKeySequence(Qt::Key_S));
  QAction* labels = actionWithShortcut(window, QKeySequence(Qt::Key_L));
  QAction* resetCamera = actionWithShortcut(window, QKeySequence(Qt::Key_R));
  ASSERT_TRUE(goToSection && labels && resetCamera);
  QSignalSpy sections(goToSection, &QAction::triggered);
  QSignalSpy resets(resetCamera, &QAction::triggered);
  const bool labelsShown = window.scene().showsLabels();

  QTest::keyClick(tree, Qt::Key_S);
  QTest::keyClick(tree, Qt::Key_L);
  QTest::keyClick(tree, Qt::Key_R);
  EXPECT_EQ(sections.count(), 1);
  EXPECT_EQ(resets.count(), 1);
  EXPECT_NE(window.scene().showsLabels(), labelsShown) << "L toggles the annotation labels";
  // Letters that are no shortcut, and shifted ones, went to the tree's type-ahead, which chose
  // the next sibling starting with them: F the "Field CA2" after "Field CA1", Shift+S the
  // "Somatosensory areas" after "Somatomotor areas" (MO).
  QTest::keyClick(tree, Qt::Key_F);
  QTest::keyClick(tree, Qt::Key_F, Qt::ShiftModifier);
  EXPECT_EQ(currentAcronym(tree), "CA1");
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(382));
  ASSERT_TRUE(window.selectStructure(QStringLiteral("MO")));
  for (Qt::Key key : {Qt::Key_A, Qt::Key_G, Qt::Key_V}) QTest::keyClick(tree, key);
  QTest::keyClick(tree, Qt::Key_S, Qt::ShiftModifier);
  QTest::qWait(50);
  EXPECT_EQ(sections.count(), 1) << "Shift+S is not S";
  EXPECT_EQ(currentAcronym(tree), "MO");
  EXPECT_EQ(window.scene().selectedStructure(),
            std::optional<StructureId>(bundledAtlas()->ontology().byAcronym("MO").id));
  // The same keys reach the shortcuts with the 3D view focused.
  window.viewport()->setFocus();
  QTest::keyClick(window.viewport(), Qt::Key_S);
  EXPECT_EQ(sections.count(), 2);
  tree->setFocus();
  // The tree still moves with the arrows, and that does choose.
  QTest::keyClick(tree, Qt::Key_Down);
  EXPECT_NE(currentAcronym(tree), "CA1");
  EXPECT_NE(window.scene().selectedStructure(), std::optional<StructureId>(382));
}

TEST_F(StudioHabits, TypingInTheSearchFieldFiresNoShortcut) {
  QAction* goToSection = actionWithShortcut(window, QKeySequence(Qt::Key_S));
  QAction* resetCamera = actionWithShortcut(window, QKeySequence(Qt::Key_R));
  ASSERT_TRUE(goToSection && resetCamera);
  QSignalSpy sections(goToSection, &QAction::triggered);
  QSignalSpy resets(resetCamera, &QAction::triggered);
  const bool labelsShown = window.scene().showsLabels();
  search->setFocus();
  QTest::keyClicks(search, QStringLiteral("lsr"));
  EXPECT_EQ(search->text(), QStringLiteral("lsr"));
  EXPECT_EQ(sections.count(), 0);
  EXPECT_EQ(resets.count(), 0);
  EXPECT_EQ(window.scene().showsLabels(), labelsShown);
  // A chord is no text: F1 and Ctrl+F still work from the field (the help below).
}

TEST_F(StudioHabits, SearchFindsHippocampusAndSaysWhenNothingMatches) {
  search->setFocus();
  QTest::keyClicks(search, QStringLiteral("hippocampus"));
  QTreeWidgetItem* hpf = itemOf(tree, QStringLiteral("HPF"));
  QTreeWidgetItem* hip = itemOf(tree, QStringLiteral("HIP"));
  QTreeWidgetItem* th = itemOf(tree, QStringLiteral("TH"));
  ASSERT_TRUE(hpf && hip && th);
  EXPECT_FALSE(hpf->isHidden());
  EXPECT_FALSE(hip->isHidden());
  EXPECT_TRUE(th->isHidden());
  EXPECT_FALSE(dock->noMatchLabel()->isVisible());
  // Enter chooses the best match.
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(currentAcronym(tree), "HPF");
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(1089));

  search->clear();
  QTest::keyClicks(search, QStringLiteral("zzqx"));
  EXPECT_TRUE(dock->noMatchLabel()->isVisible());
  EXPECT_EQ(dock->noMatchLabel()->text(), QStringLiteral("No structure matches 'zzqx'"));
  EXPECT_TRUE(tree->topLevelItem(0)->isHidden());
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(1089))
      << "Enter with no match chooses nothing";

  search->clear();
  EXPECT_FALSE(dock->noMatchLabel()->isVisible());
  EXPECT_FALSE(th->isHidden());
  EXPECT_EQ(dock->filter(QStringLiteral("ca1 field")), 5) << "CA1 and its four layers";
  EXPECT_FALSE(itemOf(tree, QStringLiteral("CA1"))->isHidden());
}

TEST_F(StudioHabits, StructurePickedElsewhereIsRevealedThroughAFilter) {
  search->setFocus();
  QTest::keyClicks(search, QStringLiteral("hippocampus"));
  QTreeWidgetItem* th = itemOf(tree, QStringLiteral("TH"));
  ASSERT_TRUE(th && th->isHidden());
  // As a click in the 3D or a slice view does.
  ASSERT_TRUE(window.selectStructure(QStringLiteral("TH")));
  QTest::qWait(50);
  EXPECT_FALSE(th->isHidden());
  EXPECT_EQ(currentAcronym(tree), "TH");
  EXPECT_TRUE(search->text().isEmpty()) << "a search that hides the pick is cleared";
  for (QTreeWidgetItem* up = th->parent(); up; up = up->parent()) {
    EXPECT_FALSE(up->isHidden());
    EXPECT_TRUE(up->isExpanded());
  }
  EXPECT_TRUE(tree->viewport()->rect().intersects(tree->visualItemRect(th))) << "scrolled to";

  // A search the pick matches stays.
  search->setText(QStringLiteral("field"));
  ASSERT_TRUE(window.selectStructure(QStringLiteral("CA3")));
  EXPECT_EQ(search->text(), QStringLiteral("field"));
  EXPECT_EQ(currentAcronym(tree), "CA3");
  EXPECT_TRUE(th->isHidden());
}

TEST_F(StudioHabits, F1ListsEveryShortcutReadFromTheActions) {
  // An action added after the menus were built is listed too: the list is read when it opens.
  auto* probe = new QAction(QStringLiteral("&Probe action"), &window);
  probe->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_9));
  window.addAction(probe);

  QTest::keyClick(tree, Qt::Key_F1);
  QTest::qWait(50);
  auto* dialog = window.findChild<ui::ShortcutsDialog*>();
  ASSERT_NE(dialog, nullptr) << "F1 opens the shortcuts dialog";
  EXPECT_TRUE(dialog->isVisible());
  QTableWidget* table = dialog->table();
  auto row = [&](const QString& keys) -> int {
    for (int r = 0; r < table->rowCount(); ++r)
      if (table->item(r, 0)->text() == keys) return r;
    return -1;
  };
  for (const char* keys : {"S", "R", "L", "B", "F1", "F4", "Ctrl+O", "Ctrl+G"})
    EXPECT_GE(row(QString::fromLatin1(keys)), 0) << keys << " is not listed";
  ASSERT_GE(row(QStringLiteral("S")), 0);
  EXPECT_EQ(table->item(row(QStringLiteral("S")), 1)->text(), QStringLiteral("Go to section"));
  EXPECT_EQ(table->item(row(QStringLiteral("S")), 2)->text(), QStringLiteral("View"));
  EXPECT_EQ(table->item(row(QStringLiteral("F1")), 2)->text(), QStringLiteral("Help"));
  const int probeRow = row(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_9).toString());
  ASSERT_GE(probeRow, 0);
  EXPECT_EQ(table->item(probeRow, 1)->text(), QStringLiteral("Probe action"));
  dialog->close();
  QTest::qWait(50);

  // Help also has About, and F1 works with the keyboard in the search field.
  QMenu* help = nullptr;
  for (QAction* top : window.menuBar()->actions())
    if (top->menu() && top->text() == QStringLiteral("&Help")) help = top->menu();
  ASSERT_NE(help, nullptr);
  ASSERT_EQ(help->actions().size(), 2);
  EXPECT_TRUE(help->actions().at(1)->text().startsWith(QStringLiteral("&About")));
  search->setFocus();
  QTest::keyClick(search, Qt::Key_F1);
  QTest::qWait(50);
  auto* again = window.findChild<ui::ShortcutsDialog*>();
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->isVisible());
  again->close();
}

}  // namespace
}  // namespace teramind
