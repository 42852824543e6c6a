#include "ElidedLabel.h"

#include <QFontMetrics>
#include <QResizeEvent>

namespace teramind::ui {

ElidedLabel::ElidedLabel(QWidget* parent, Qt::TextElideMode mode) : QLabel(parent), mode_(mode) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  setTextFormat(Qt::PlainText);
}

void ElidedLabel::setFullText(const QString& text) {
  if (text == full_) return;
  full_ = text;
  setToolTip(text);
  elide();
  updateGeometry();
}

QSize ElidedLabel::sizeHint() const {
  const QMargins m = contentsMargins();
  const int whole = fontMetrics().horizontalAdvance(full_) + m.left() + m.right() + 2 * margin();
  return {std::min(whole, maximumWidth()), QLabel::sizeHint().height()};
}

QSize ElidedLabel::minimumSizeHint() const {
  // Room for a few characters and the ellipsis: a squeezed label still says what it is.
  const int few = fontMetrics().horizontalAdvance(QStringLiteral("Mmm…"));
  return {std::min(few, sizeHint().width()), QLabel::minimumSizeHint().height()};
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  elide();
}

void ElidedLabel::elide() {
  const int room = contentsRect().width() - 2 * margin();
  QLabel::setText(fontMetrics().elidedText(full_, mode_, std::max(0, room)));
}

}  // namespace teramind::ui
