#include "OntologyDock.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QPixmap>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace teramind::ui {
namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QIcon swatch(const std::array<std::uint8_t, 3>& c) {
  QPixmap p(12, 12);
  p.fill(QColor(c[0], c[1], c[2]));
  return QIcon(p);
}

}  // namespace

OntologyDock::OntologyDock(const AtlasOntology& ontology, QWidget* parent)
    : QDockWidget(tr("Atlas structures"), parent), ontology_(ontology) {
  setObjectName(QStringLiteral("ontologyDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  search_ = new QLineEdit(body);
  search_->setObjectName(QStringLiteral("structureSearch"));
  search_->setPlaceholderText(tr("Search acronym or name (e.g. CA1, thalamus)"));
  search_->setClearButtonEnabled(true);
  tree_ = new QTreeWidget(body);
  tree_->setObjectName(QStringLiteral("structureTree"));
  tree_->setHeaderLabels({tr("Structure"), tr("Acronym")});
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  tree_->setUniformRowHeights(true);
  layout->addWidget(search_);
  layout->addWidget(tree_);
  setWidget(body);

  for (const Structure& s : ontology.structures()) {  // graph order: parents come first
    QTreeWidgetItem* parentItem = nullptr;
    if (s.parentId)
      if (auto it = items_.find(*s.parentId); it != items_.end()) parentItem = it->second;
    auto* item = parentItem ? new QTreeWidgetItem(parentItem) : new QTreeWidgetItem(tree_);
    item->setText(0, QString::fromStdString(s.name));
    item->setText(1, QString::fromStdString(s.acronym));
    item->setIcon(0, swatch(s.color));
    item->setData(0, kIdRole, QVariant::fromValue<qulonglong>(s.id));
    items_[s.id] = item;
  }
  if (tree_->topLevelItemCount() > 0) tree_->topLevelItem(0)->setExpanded(true);

  connect(search_, &QLineEdit::textChanged, this, [this](const QString& t) { filter(t); });
  connect(search_, &QLineEdit::returnPressed, this, &OntologyDock::chooseFirstMatch);
  connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (!item || quiet_) return;
    Q_EMIT structureChosen(StructureId(item->data(0, kIdRole).toULongLong()));
  });
}

int OntologyDock::filter(const QString& text) {
  const QString needle = text.trimmed();
  int matches = 0;
  for (const Structure& s : ontology_.structures()) {
    const bool hit = needle.isEmpty() ||
                     QString::fromStdString(s.acronym).contains(needle, Qt::CaseInsensitive) ||
                     QString::fromStdString(s.name).contains(needle, Qt::CaseInsensitive);
    items_[s.id]->setHidden(!hit);
    matches += hit ? 1 : 0;
  }
  if (needle.isEmpty()) return matches;
  // Ancestors of matches stay visible and open, so a match is seen where it lives.
  for (const Structure& s : ontology_.structures()) {
    if (items_[s.id]->isHidden()) continue;
    for (QTreeWidgetItem* up = items_[s.id]->parent(); up; up = up->parent()) {
      up->setHidden(false);
      up->setExpanded(true);
    }
  }
  return matches;
}

void OntologyDock::chooseFirstMatch() {
  const QString needle = search_->text().trimmed();
  if (needle.isEmpty()) return;
  // An exact acronym wins; otherwise the first match in graph order.
  const Structure* exact = ontology_.findAcronym(needle.toStdString());
  const Structure* chosen = exact;
  if (!chosen)
    for (const Structure& s : ontology_.structures())
      if (!items_[s.id]->isHidden() &&
          (QString::fromStdString(s.acronym).contains(needle, Qt::CaseInsensitive) ||
           QString::fromStdString(s.name).contains(needle, Qt::CaseInsensitive))) {
        chosen = &s;
        break;
      }
  if (!chosen) return;
  tree_->setCurrentItem(items_[chosen->id]);  // emits structureChosen
  tree_->scrollToItem(items_[chosen->id]);
}

void OntologyDock::showStructure(std::optional<StructureId> id) {
  quiet_ = true;
  if (id && items_.count(*id)) {
    QTreeWidgetItem* item = items_[*id];
    for (QTreeWidgetItem* up = item->parent(); up; up = up->parent()) up->setExpanded(true);
    tree_->setCurrentItem(item);
    tree_->scrollToItem(item);
  } else {
    tree_->setCurrentItem(nullptr);
  }
  quiet_ = false;
}

}  // namespace teramind::ui
