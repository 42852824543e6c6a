#pragma once

#include <QLabel>

namespace teramind::ui {

// A one-line label that never asks for more room than it is given: text that does not fit is
// cut with "…", and the whole text is in the tooltip. Its size hint is the whole text's width
// (at most maximumWidth()), so a layout with room shows it whole.
class ElidedLabel : public QLabel {
  Q_OBJECT

 public:
  explicit ElidedLabel(QWidget* parent = nullptr, Qt::TextElideMode mode = Qt::ElideRight);

  void setFullText(const QString& text);
  QString fullText() const { return full_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void elide();

  QString full_;
  Qt::TextElideMode mode_;
};

}  // namespace teramind::ui
