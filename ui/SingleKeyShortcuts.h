#pragma once

// Who gets a key press: the focused widget or the studio's shortcuts. Toolkit-free (no Qt), so the
// rule is tested without a window; SingleKeyShortcutFilter applies it to Qt's key events.
namespace teramind::ui {

// The key as pressed: `key` is the key code (Qt's codes are Unicode for printable keys and
// 0x01000000 and above for the others: F1, arrows, Escape).
struct KeyChord {
  int key = 0;
  bool shift = false;
  bool control = false;
  bool alt = false;
  bool meta = false;
};

// What has the keyboard focus, as far as keys are concerned.
enum class FocusedInput {
  Nothing,
  TextEntry,  // an editable line, spin box, text field or editable combo: letters are text
  Other,      // trees, lists, buttons, views, read-only text: letters are not text
};

enum class KeyRoute {
  Default,        // not a single key: Qt's own rules (Ctrl+Z undoes text in a text field)
  FocusedWidget,  // typed text: a shortcut never takes it
  Shortcut,       // a single-key shortcut takes it when one matches, else the widget gets it
};

// A single key: a printable character (letters, digits, punctuation, space, with or without
// Shift) and no Control, Alt or Meta. F-keys, arrows, Escape and chords are not.
bool isSingleKey(const KeyChord& chord);

// Single keys are text in a text entry and shortcuts everywhere else: with a tree or list focused
// a letter goes to the shortcut it is bound to (S, R, L), never to the item view's type-ahead.
KeyRoute routeKey(const KeyChord& chord, FocusedInput focus);

}  // namespace teramind::ui
