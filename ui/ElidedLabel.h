#pragma once

#include <QLabel>

namespace teramind::ui {

// A one-line label that never asks for more room than it is given: text that does not fit is
// drawn cut with "…", and the whole text is in the tooltip. text() stays the whole text; its
// size hint is the whole text's width (at most maximumWidth()), so a layout with room shows it
// whole.
class ElidedLabel : public QLabel {
  Q_OBJECT

 public:
  explicit ElidedLabel(QWidget* parent = nullptr, Qt::TextElideMode mode = Qt::ElideRight);

  // The text and its tooltip.
  void setFullText(const QString& text);
  // What is drawn at the present width: the text, or its start and "…".
  QString shownText() const;

  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  Qt::TextElideMode mode_;
};

}  // namespace teramind::ui
