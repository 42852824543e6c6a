#include "SingleKeyShortcutFilter.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>

namespace teramind::ui {

FocusedInput SingleKeyShortcutFilter::classify(const QWidget* focus) {
  if (!focus) return FocusedInput::Nothing;
  if (auto* line = qobject_cast<const QLineEdit*>(focus))
    return line->isReadOnly() ? FocusedInput::Other : FocusedInput::TextEntry;
  if (auto* spin = qobject_cast<const QAbstractSpinBox*>(focus))
    return spin->isReadOnly() ? FocusedInput::Other : FocusedInput::TextEntry;
  if (auto* text = qobject_cast<const QTextEdit*>(focus))
    return text->isReadOnly() ? FocusedInput::Other : FocusedInput::TextEntry;
  if (auto* plain = qobject_cast<const QPlainTextEdit*>(focus))
    return plain->isReadOnly() ? FocusedInput::Other : FocusedInput::TextEntry;
  if (auto* combo = qobject_cast<const QComboBox*>(focus))
    return combo->isEditable() ? FocusedInput::TextEntry : FocusedInput::Other;
  return FocusedInput::Other;
}

bool SingleKeyShortcutFilter::eventFilter(QObject* watched, QEvent* event) {
  // An open menu or combo list handles its own keys (letters as mnemonics) by Qt's rules.
  if (event->type() != QEvent::ShortcutOverride || !watched->isWidgetType() ||
      QApplication::activePopupWidget())
    return QObject::eventFilter(watched, event);
  auto* key = static_cast<QKeyEvent*>(event);
  const Qt::KeyboardModifiers mods = key->modifiers();
  const KeyChord chord{key->key(), mods.testFlag(Qt::ShiftModifier),
                       mods.testFlag(Qt::ControlModifier), mods.testFlag(Qt::AltModifier),
                       mods.testFlag(Qt::MetaModifier)};
  switch (routeKey(chord, classify(static_cast<QWidget*>(watched)))) {
    case KeyRoute::FocusedWidget:
      key->accept();  // an accepted override: the key press goes to the widget as text
      return true;
    case KeyRoute::Shortcut:
      key->ignore();  // not overridden: a matching shortcut fires, else the widget gets the key
      return true;
    case KeyRoute::Default:
      break;
  }
  return QObject::eventFilter(watched, event);
}

}  // namespace teramind::ui
