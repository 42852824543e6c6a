#include "ShortcutsDialog.h"

#include <QAbstractButton>
#include <QAction>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace teramind::ui {
namespace {

QString keysOf(const QList<QKeySequence>& shortcuts) {
  QStringList keys;
  for (const QKeySequence& k : shortcuts)
    if (!k.isEmpty()) keys << k.toString(QKeySequence::NativeText);
  return keys.join(QStringLiteral(", "));
}

// "&Reset camera" -> "Reset camera"; "&&" stays a literal "&".
QString withoutMnemonic(QString text) {
  text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
  text.remove(QLatin1Char('&'));
  text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
  return text;
}

void collectMenu(const QMenu* menu, const QString& place, std::vector<ShortcutsDialog::Entry>& out,
                 QSet<const QAction*>& seen) {
  for (QAction* action : menu->actions()) {
    if (action->isSeparator()) continue;
    if (QMenu* sub = action->menu()) {
      collectMenu(sub, place + QStringLiteral(" › ") + withoutMnemonic(sub->title()), out, seen);
      continue;
    }
    seen.insert(action);
    const QString keys = keysOf(action->shortcuts());
    if (!keys.isEmpty()) out.push_back({keys, withoutMnemonic(action->text()), place});
  }
}

// The title of the dock a widget lives in, for buttons and widget actions outside the menus;
// a view that is no dock names itself by its "shortcutPlace" property (the section view).
QString placeOf(const QWidget* widget) {
  for (const QWidget* w = widget; w; w = w->parentWidget()) {
    if (const QVariant place = w->property("shortcutPlace"); place.isValid())
      return place.toString();
    if (auto* dock = qobject_cast<const QDockWidget*>(w)) return dock->windowTitle();
  }
  return {};
}

}  // namespace

std::vector<ShortcutsDialog::Entry> ShortcutsDialog::shortcutsOf(QWidget* window) {
  std::vector<Entry> out;
  QSet<const QAction*> seen;
  if (auto* bar = window->findChild<QMenuBar*>(QString(), Qt::FindDirectChildrenOnly))
    for (QAction* top : bar->actions())
      if (QMenu* menu = top->menu()) collectMenu(menu, withoutMnemonic(menu->title()), out, seen);
  for (QAction* action : window->findChildren<QAction*>()) {
    if (seen.contains(action) || action->menu()) continue;
    const QString keys = keysOf(action->shortcuts());
    if (!keys.isEmpty())
      out.push_back({keys, withoutMnemonic(action->text()),
                     placeOf(qobject_cast<QWidget*>(action->parent()))});
  }
  for (QAbstractButton* button : window->findChildren<QAbstractButton*>()) {
    const QString keys = keysOf({button->shortcut()});
    if (keys.isEmpty()) continue;
    QString text = withoutMnemonic(button->text());
    if (text.isEmpty()) text = button->toolTip();
    out.push_back({keys, text, placeOf(button)});
  }
  return out;
}

ShortcutsDialog::ShortcutsDialog(QWidget* window, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("shortcutsDialog"));
  setWindowTitle(tr("Keyboard shortcuts"));
  auto* layout = new QVBoxLayout(this);
  auto* note =
      new QLabel(tr("Single-letter shortcuts work anywhere in the studio except while "
                    "you type in a text field. Structures are found by the search "
                    "field of the structure list (%1).")
                     .arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)),
                 this);
  note->setWordWrap(true);
  layout->addWidget(note);

  const std::vector<Entry> entries = shortcutsOf(window);
  table_ = new QTableWidget(static_cast<int>(entries.size()), 3, this);
  table_->setObjectName(QStringLiteral("shortcutsTable"));
  table_->setHorizontalHeaderLabels({tr("Keys"), tr("Action"), tr("Menu or dock")});
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  for (int row = 0; row < static_cast<int>(entries.size()); ++row) {
    const Entry& e = entries[static_cast<std::size_t>(row)];
    table_->setItem(row, 0, new QTableWidgetItem(e.keys));
    table_->setItem(row, 1, new QTableWidgetItem(e.action));
    table_->setItem(row, 2, new QTableWidgetItem(e.place));
  }
  layout->addWidget(table_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(520, 480);
}

}  // namespace teramind::ui
