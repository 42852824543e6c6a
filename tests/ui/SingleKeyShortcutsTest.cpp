#include <gtest/gtest.h>

#include "SingleKeyShortcuts.h"

namespace teramind::ui {
namespace {

// Qt's key codes, written out so the test needs no Qt.
constexpr int kKeyS = 'S', kKeyL = 'L', kKeySpace = ' ', kKey1 = '1', kKeyF1 = 0x01000030,
              kKeyF4 = 0x01000033, kKeyEscape = 0x01000000, kKeyLeft = 0x01000012,
              kKeyShift = 0x01000020, kKeyEAcute = 0xc9;

KeyChord plain(int key) {
  return KeyChord{key};
}

TEST(SingleKeyShortcuts, LettersDigitsAndPunctuationAreSingleKeys) {
  for (int key : {kKeyS, kKeyL, kKeySpace, kKey1, int('/'), int('['), kKeyEAcute})
    EXPECT_TRUE(isSingleKey(plain(key))) << key;
  KeyChord shifted{kKeyS};
  shifted.shift = true;
  EXPECT_TRUE(isSingleKey(shifted)) << "Shift+S types a capital S";
}

TEST(SingleKeyShortcuts, ChordsAndSpecialKeysAreNot) {
  for (int key : {kKeyF1, kKeyF4, kKeyEscape, kKeyLeft, kKeyShift, 0, 0x0d, 0x7f})
    EXPECT_FALSE(isSingleKey(plain(key))) << key;
  KeyChord control{kKeyS};
  control.control = true;
  EXPECT_FALSE(isSingleKey(control));
  KeyChord alt{kKeyS};
  alt.alt = true;
  EXPECT_FALSE(isSingleKey(alt));
  KeyChord meta{kKeyL};
  meta.meta = true;
  EXPECT_FALSE(isSingleKey(meta));
}

TEST(SingleKeyShortcuts, LettersAreTextInTextEntriesAndShortcutsElsewhere) {
  for (int key : {kKeyS, kKeyL, int('r')}) {
    EXPECT_EQ(routeKey(plain(key), FocusedInput::TextEntry), KeyRoute::FocusedWidget) << key;
    EXPECT_EQ(routeKey(plain(key), FocusedInput::Other), KeyRoute::Shortcut) << key;
    EXPECT_EQ(routeKey(plain(key), FocusedInput::Nothing), KeyRoute::Shortcut) << key;
  }
}

TEST(SingleKeyShortcuts, ChordsAndFunctionKeysFollowQtsOwnRules) {
  KeyChord undo{'Z'};
  undo.control = true;
  EXPECT_EQ(routeKey(undo, FocusedInput::TextEntry), KeyRoute::Default);
  EXPECT_EQ(routeKey(plain(kKeyF1), FocusedInput::TextEntry), KeyRoute::Default);
  EXPECT_EQ(routeKey(plain(kKeyF4), FocusedInput::Other), KeyRoute::Default);
}

}  // namespace
}  // namespace teramind::ui
