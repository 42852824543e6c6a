#pragma once

#include <QObject>

#include "SingleKeyShortcuts.h"

class QWidget;

namespace teramind::ui {

// Applies routeKey to Qt's ShortcutOverride events, application-wide: a single key goes to the
// focused widget when it is a text entry, and to the shortcuts otherwise (an item view's or a
// combo box's type-ahead never takes a letter bound to a shortcut). Chords and F-keys follow
// Qt's own rules. Install on the application; it ends with its parent.
class SingleKeyShortcutFilter : public QObject {
  Q_OBJECT

 public:
  explicit SingleKeyShortcutFilter(QObject* parent = nullptr) : QObject(parent) {}

  static FocusedInput classify(const QWidget* focus);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
};

}  // namespace teramind::ui
