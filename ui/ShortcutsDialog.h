#pragma once

#include <QDialog>
#include <QString>
#include <vector>

class QTableWidget;

namespace teramind::ui {

// Help → Keyboard shortcuts (F1): every shortcut of a window, read from its actions and buttons
// when the dialog opens, so the list cannot go stale as shortcuts are added or changed.
class ShortcutsDialog : public QDialog {
  Q_OBJECT

 public:
  struct Entry {
    QString keys;    // "S", "Ctrl+O", several joined by ", "
    QString action;  // the action's text without mnemonics: "Go to section"
    QString place;   // the menu it is in ("View"), or the dock of a button
  };

  explicit ShortcutsDialog(QWidget* window, QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }
  // The window's shortcuts in menu-bar order, then those of actions and buttons outside menus.
  static std::vector<Entry> shortcutsOf(QWidget* window);

 private:
  QTableWidget* table_ = nullptr;
};

}  // namespace teramind::ui
