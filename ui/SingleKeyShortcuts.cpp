#include "SingleKeyShortcuts.h"

namespace teramind::ui {
namespace {

// Qt numbers non-printable keys (Escape, F1, arrows, Shift itself) from 0x01000000.
constexpr int kFirstSpecialKey = 0x01000000;

}  // namespace

bool isSingleKey(const KeyChord& chord) {
  if (chord.control || chord.alt || chord.meta) return false;
  if (chord.key < 0x20 || chord.key == 0x7f) return false;  // control characters
  return chord.key < kFirstSpecialKey;
}

KeyRoute routeKey(const KeyChord& chord, FocusedInput focus) {
  if (!isSingleKey(chord)) return KeyRoute::Default;
  return focus == FocusedInput::TextEntry ? KeyRoute::FocusedWidget : KeyRoute::Shortcut;
}

}  // namespace teramind::ui
