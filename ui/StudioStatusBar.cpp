#include "StudioStatusBar.h"

#include "ElidedLabel.h"

#include <QLabel>
#include <algorithm>

namespace teramind::ui {

StudioStatusBar::StudioStatusBar(StudioModel& model, QWidget* parent)
    : QStatusBar(parent), model_(model) {
  selection_ = new QLabel(this);
  hover_ = new QLabel(this);
  hover_->setObjectName(QStringLiteral("hoverLabel"));
  readout_ = new ElidedLabel(this);
  readout_->setObjectName(QStringLiteral("sectionReadout"));
  readout_->hide();
  dataset_ = new ElidedLabel(this);
  placement_ = new ElidedLabel(this);
  placement_->setObjectName(QStringLiteral("placementNotice"));
  placement_->setStyleSheet(QStringLiteral("color: #e08a00; font-weight: bold;"));
  modelLabel_ = new ElidedLabel(this);
  // Long names must never widen the window (it would grow past the screen): the labels take
  // the width they are given, and their full text is in the tooltip. The right-hand labels are
  // compact so that the readout on the left has the room.
  for (QLabel* l : {selection_, hover_}) l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  for (QLabel* l : {selection_, hover_})
    l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  readout_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  placement_->setMaximumWidth(300);
  dataset_->setMaximumWidth(280);
  modelLabel_->setMaximumWidth(220);
  addWidget(selection_, 1);
  addWidget(hover_, 1);
  addWidget(readout_, 1);
  addPermanentWidget(placement_);
  addPermanentWidget(dataset_);
  addPermanentWidget(modelLabel_);
  model_.subscribe([this](StudioChange change) {
    if (change == StudioChange::Selection) showSelection();
    if (change == StudioChange::Dataset || change == StudioChange::Model) showData();
    if (change == StudioChange::Message) {
      const StudioMessage& m = model_.state().messages.back();
      showMessage(QString::fromStdString(m.text),
                  m.kind == StudioMessage::Kind::Error ? 10000 : 5000);
    }
  });
  showSelection();
  showData();
}

void StudioStatusBar::showHovered(const Structure* s) {
  hover_->setText(s ? tr("Under cursor: %1 (%2)")
                          .arg(QString::fromStdString(s->acronym), QString::fromStdString(s->name))
                    : QString());
}

QString StudioStatusBar::placementNotice() const {
  return placement_->text();
}

void StudioStatusBar::showReadout(const QString& text) {
  // The readout replaces a passing notice, as a new notice would (QStatusBar hides its normal
  // widgets under a message).
  if (!text.isEmpty()) clearMessage();
  readout_->setFullText(text);
  readout_->setVisible(!text.isEmpty());
  selection_->setVisible(text.isEmpty());
  hover_->setVisible(text.isEmpty());
}

QString StudioStatusBar::readout() const {
  return readout_->text();
}

QString StudioStatusBar::hovered() const {
  return hover_->text();
}

void StudioStatusBar::showSelection() {
  const Atlas& atlas = model_.atlas();
  QString text = tr("CCFv3 %1 µm").arg(atlas.resolutionUm());
  if (const auto id = model_.state().selection) {
    const Structure& s = atlas.ontology().byId(*id);
    text += tr(" · %1 (%2): %3 mm³")
                .arg(QString::fromStdString(s.name), QString::fromStdString(s.acronym))
                .arg(atlas.volumeMm3(s.id), 0, 'f', 3);
  } else {
    text += tr(" · %1 structures").arg(atlas.ontology().size());
  }
  selection_->setText(text);
  selection_->setToolTip(text);
}

void StudioStatusBar::showData() {
  const Workspace& ws = model_.state().workspace;
  QString data;
  if (const SpatialDataset* d = ws.dataset()) {
    data = QString::fromStdString(d->name);
    if (const auto* t = d->transcripts())
      data += tr(" · %L1 transcripts, %2 genes").arg(t->size()).arg(t->genes.geneCount());
    else if (const auto* c = d->cells())
      data += tr(" · %L1 cells, %2 genes").arg(c->cellCount()).arg(c->genes.geneCount());
    if (d->stains.empty()) data += tr(" · no stains");
  }
  const QString notice =
      QString::fromStdString(StudioModel::placementNotice(model_.placementState()));
  placement_->setFullText(notice);
  placement_->setVisible(!notice.isEmpty());
  dataset_->setFullText(data);
  QString text;
  if (const MorphologyModel* m = ws.model()) {
    const auto& c = m->config();
    text = tr("model %1 · %2 M parameters · %3 genes")
               .arg(QString::fromStdString(c.name))
               .arg(double(m->parameterCount()) / 1e6, 0, 'f', 1)
               .arg(c.genes);
    if (m->trainingStep() > 0) text += tr(" · %1 steps").arg(m->trainingStep());
  }
  modelLabel_->setFullText(text);
}

}  // namespace teramind::ui
