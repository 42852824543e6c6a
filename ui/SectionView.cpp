#include "SectionView.h"

#include <QAction>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "studio/SectionViewModel.h"

namespace teramind::ui {

SectionView::SectionView(SectionViewModel& model, QWidget* parent)
    : QWidget(parent), model_(model) {
  setObjectName(QStringLiteral("section-view"));
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);                 // the readout follows the cursor without a button down
  setAttribute(Qt::WA_OpaquePaintEvent);  // render() covers every pixel
  setMinimumSize(160, 120);
  setCursor(Qt::CrossCursor);  // a point to read out
  // The keys as actions of this view alone (they fire while it has the focus), so that Help →
  // Keyboard shortcuts lists them; keyPressEvent takes them when no shortcut did.
  setProperty("shortcutPlace", tr("Section view"));
  const struct {
    QString text;
    QKeySequence keys;
    int key;
  } keys[] = {{tr("Previous plane"), QKeySequence(Qt::Key_Comma), ','},
              {tr("Next plane"), QKeySequence(Qt::Key_Period), '.'},
              {tr("Fit the section"), QKeySequence(Qt::Key_Home), Qt::Key_Home},
              {tr("Zoom in"), QKeySequence(Qt::Key_Plus), '+'},
              {tr("Zoom out"), QKeySequence(Qt::Key_Minus), '-'}};
  for (const auto& k : keys) {
    auto* action = new QAction(k.text, this);
    action->setShortcut(k.keys);
    action->setShortcutContext(Qt::WidgetShortcut);
    connect(action, &QAction::triggered, this, [this, key = k.key] { model_.key(key); });
    addAction(action);
  }
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName(QStringLiteral("section-cancel-busy"));
  cancel_->setToolTip(tr("Stop making the pyramid or exporting; nothing half made is kept"));
  cancel_->setFocusPolicy(Qt::NoFocus);  // the view keeps the keys
  cancel_->hide();
  connect(cancel_, &QPushButton::clicked, this, [this] { model_.cancelBusy(); });
  // The model may tell from its loader's threads (tiles arrived): the repaint is queued to the
  // GUI thread then, and dropped if this view is gone. Qt coalesces the update() calls.
  subscription_ = model_.subscribe([this](SectionViewChange change) {
    switch (change) {
      case SectionViewChange::Layers:
      case SectionViewChange::Camera:
      case SectionViewChange::Tiles:
      case SectionViewChange::Plane:
      case SectionViewChange::Compare:
        QMetaObject::invokeMethod(
            this, [this] { update(); }, Qt::AutoConnection);
        break;
      case SectionViewChange::Busy:
        QMetaObject::invokeMethod(
            this,
            [this] {
              placeCancelButton();
              update();
            },
            Qt::AutoConnection);
        break;
      case SectionViewChange::Message:
        break;
    }
  });
}

SectionView::~SectionView() {
  model_.unsubscribe(subscription_);
}

QString SectionView::loadingText() const {
  const CompositeStats& stats = model_.lastStats();
  if (stats.complete()) return {};
  // Tiles that failed to read are told once as an error, not counted as loading for ever.
  const int loading = int(model_.tilesLoading());
  if (loading == 0) return {};
  // The level the first visible image layer is drawn at, for the user's sense of progress.
  int level = -1;
  const SectionScene& scene = model_.scene();
  for (auto it = scene.layers().rbegin(); it != scene.layers().rend() && level < 0; ++it)
    if (it->style.visible && it->kind == SectionLayerKind::Image)
      if (const auto source = scene.source(it->source))
        level = levelForScale(source->info(), model_.camera().umPerPixel);
  const QString tiles = tr("%n tile(s) loading", nullptr, loading);
  return level < 0 ? tiles : tr("level %1 · %2").arg(level).arg(tiles);
}

void SectionView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  frame_ = model_.render();  // from the cache only: never blocks
  if (frame_.width > 0 && frame_.height > 0) {
    const QImage image(frame_.pixels.data(), frame_.width, frame_.height, frame_.width * 4,
                       QImage::Format_RGBA8888);
    painter.drawImage(QPoint(0, 0), image);
    if (frame_.width < width())
      painter.fillRect(frame_.width, 0, width() - frame_.width, height(), Qt::black);
    if (frame_.height < height())
      painter.fillRect(0, frame_.height, frame_.width, height() - frame_.height, Qt::black);
  } else {
    painter.fillRect(rect(), Qt::black);
  }
  if (model_.compare().mode == CompareMode::Swipe) {
    const int x = int(std::lround(model_.compare().swipe * width()));
    painter.setPen(QPen(QColor(255, 255, 255, 200), 1));
    painter.drawLine(x, 0, x, height());
  }
  const QString loading = loadingText();
  if (!loading.isEmpty()) {
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    painter.setFont(small);
    const QRect box = painter.fontMetrics().boundingRect(loading).adjusted(-4, -2, 4, 2);
    const QRect placed = box.translated(width() - box.width() - 6 - box.left(), 6 - box.top());
    painter.fillRect(placed, QColor(0, 0, 0, 150));
    painter.setPen(QColor(220, 220, 220));
    painter.drawText(placed, Qt::AlignCenter, loading);
  }
  if (model_.busy()) {
    painter.setFont(font());
    const QRect box = busyBox();
    painter.fillRect(box, QColor(0, 0, 0, 170));
    painter.setPen(Qt::white);
    painter.drawText(box, Qt::AlignCenter | Qt::TextWordWrap,
                     QString::fromStdString(model_.busyText()));
  }
}

QRect SectionView::busyBox() const {
  const QString text = QString::fromStdString(model_.busyText());
  return fontMetrics()
      .boundingRect(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap, text)
      .adjusted(-12, -8, 12, 8);
}

void SectionView::placeCancelButton() {
  if (!model_.busy() || !model_.canCancelBusy()) {
    cancel_->hide();
    return;
  }
  cancel_->adjustSize();
  const QRect box = busyBox();
  cancel_->move(box.center().x() - cancel_->width() / 2, box.bottom() + 8);
  cancel_->show();
}

void SectionView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  model_.resize(width(), height());
  placeCancelButton();
}

void SectionView::wheelEvent(QWheelEvent* event) {
  const QPointF at = event->position();
  model_.wheel(at.x(), at.y(), event->angleDelta().y());
  showReadout(at);
  event->accept();
}

bool SectionView::onSwipeLine(double x) const {
  return model_.compare().mode == CompareMode::Swipe &&
         std::abs(x - model_.compare().swipe * width()) <= kSwipeGrabPixels;
}

void SectionView::dragTo(const QPointF& at) {
  if (movingSwipe_)
    model_.setSwipe(std::clamp(at.x() / std::max(1, width()), 0.0, 1.0));
  else
    model_.drag(at.x() - lastDrag_.x(), at.y() - lastDrag_.y());
  lastDrag_ = at;
}

void SectionView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  setFocus(Qt::MouseFocusReason);
  dragging_ = true;
  lastDrag_ = event->position();
  movingSwipe_ = onSwipeLine(event->position().x());
  setCursor(movingSwipe_ ? Qt::SplitHCursor : Qt::ClosedHandCursor);
  event->accept();
}

void SectionView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF at = event->position();
  if (dragging_ && (event->buttons() & Qt::LeftButton))
    dragTo(at);
  else if (!dragging_)
    setCursor(onSwipeLine(at.x()) ? Qt::SplitHCursor : Qt::CrossCursor);
  showReadout(at);
  event->accept();
}

void SectionView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mouseReleaseEvent(event);
  // A press and release with no move between (QTest's drags) still moves by the whole way.
  if (dragging_ && event->position() != lastDrag_) dragTo(event->position());
  dragging_ = movingSwipe_ = false;
  setCursor(onSwipeLine(event->position().x()) ? Qt::SplitHCursor : Qt::CrossCursor);
  event->accept();
}

void SectionView::keyPressEvent(QKeyEvent* event) {
  if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
    return QWidget::keyPressEvent(event);
  int key = event->key();
  if (key == Qt::Key_Equal) key = Qt::Key_Plus;  // '+' without Shift, as napari takes it
  if (model_.key(key)) return event->accept();
  QWidget::keyPressEvent(event);
}

void SectionView::leaveEvent(QEvent* event) {
  QWidget::leaveEvent(event);
  if (readout_.isEmpty()) return;
  readout_.clear();  // no cursor over the section: no readout
  Q_EMIT readoutChanged(readout_);
}

void SectionView::showReadout(const QPointF& at) {
  const QString text = QString::fromStdString(model_.readout(at.x(), at.y()).text());
  if (text == readout_) return;
  readout_ = text;
  Q_EMIT readoutChanged(text);
}

}  // namespace teramind::ui
