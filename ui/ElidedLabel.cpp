#include "ElidedLabel.h"

#include <QFontMetrics>
#include <QPainter>
#include <QStyle>
#include <algorithm>

namespace teramind::ui {

ElidedLabel::ElidedLabel(QWidget* parent, Qt::TextElideMode mode) : QLabel(parent), mode_(mode) {
  setTextFormat(Qt::PlainText);
  setWordWrap(false);
}

void ElidedLabel::setFullText(const QString& text) {
  setText(text);
  setToolTip(text);
}

QString ElidedLabel::shownText() const {
  const int room = contentsRect().width() - 2 * margin();
  return fontMetrics().elidedText(text(), mode_, std::max(0, room));
}

QSize ElidedLabel::minimumSizeHint() const {
  // Room for a few characters and the ellipsis: a squeezed label still says what it is.
  const int few = fontMetrics().horizontalAdvance(QStringLiteral("Mmm…"));
  return {std::min(few, sizeHint().width()), QLabel::minimumSizeHint().height()};
}

void ElidedLabel::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  drawFrame(&painter);
  const QRect room = contentsRect().adjusted(margin(), margin(), -margin(), -margin());
  style()->drawItemText(&painter, room, QStyle::visualAlignment(layoutDirection(), alignment()),
                        palette(), isEnabled(), shownText(), foregroundRole());
}

}  // namespace teramind::ui
