#include "OntologyDock.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "atlas/StructureSearch.h"

namespace teramind::ui {
namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QIcon swatch(const std::array<std::uint8_t, 3>& c) {
  QPixmap p(12, 12);
  p.fill(QColor(c[0], c[1], c[2]));
  return QIcon(p);
}

// QTreeWidget's type-ahead jumps to the next row starting with the typed letters. Here a jump
// chooses a structure (the selection, the slice views and the paint target follow), so a letter
// meant as a shortcut (S, R, L) or typed into the wrong widget silently changed the selection.
// Finding by typing is the search field's job; the tree keeps arrows, Home/End and Page keys.
class StructureTree final : public QTreeWidget {
 public:
  using QTreeWidget::QTreeWidget;
  void keyboardSearch(const QString&) override {}
};

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
  noMatch_ = new QLabel(body);
  noMatch_->setObjectName(QStringLiteral("structureNoMatch"));
  noMatch_->setWordWrap(true);
  noMatch_->hide();
  tree_ = new StructureTree(body);
  tree_->setObjectName(QStringLiteral("structureTree"));
  tree_->setHeaderLabels({tr("Structure"), tr("Acronym")});
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  tree_->setUniformRowHeights(true);
  layout->addWidget(search_);
  layout->addWidget(noMatch_);
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
  if (needle.isEmpty()) {
    for (auto& [id, item] : items_) item->setHidden(false);
    noMatch_->hide();
    return static_cast<int>(ontology_.size());
  }
  const std::vector<StructureId> matches = searchStructures(ontology_, needle.toStdString());
  for (auto& [id, item] : items_) item->setHidden(true);
  // Ancestors of matches stay visible and open, so a match is seen where it lives.
  for (StructureId id : matches) {
    auto it = items_.find(id);
    if (it == items_.end()) continue;
    it->second->setHidden(false);
    for (QTreeWidgetItem* up = it->second->parent(); up && up->isHidden(); up = up->parent())
      up->setHidden(false);
  }
  for (StructureId id : matches)
    if (auto it = items_.find(id); it != items_.end())
      for (QTreeWidgetItem* up = it->second->parent(); up && !up->isExpanded(); up = up->parent())
        up->setExpanded(true);
  noMatch_->setText(tr("No structure matches '%1'").arg(needle));
  noMatch_->setVisible(matches.empty());
  if (!matches.empty())
    if (auto it = items_.find(matches.front()); it != items_.end()) tree_->scrollToItem(it->second);
  return static_cast<int>(matches.size());
}

void OntologyDock::chooseFirstMatch() {
  // The best-ranked match: an exact acronym, an exact name, then the closest name.
  const std::vector<StructureId> best =
      searchStructures(ontology_, search_->text().trimmed().toStdString(), 1);
  if (best.empty() || !items_.count(best.front())) return;
  QTreeWidgetItem* item = items_[best.front()];
  tree_->setCurrentItem(item);  // emits structureChosen
  tree_->scrollToItem(item);
}

void OntologyDock::showStructure(std::optional<StructureId> id) {
  quiet_ = true;
  if (id && items_.count(*id)) {
    QTreeWidgetItem* item = items_[*id];
    // A structure picked in a view while the search hides it: the search is cleared and the whole
    // tree comes back, the structure current, open among its siblings and scrolled to. Users of
    // 3D Slicer's data tree and napari's layer list expect a pick made in a view to become the
    // current, visible row; the pick is the newer intent, so it wins over a filter typed earlier.
    // Revealing the row under a search it does not match was the alternative, but such a row
    // reads as a wrong match. A search the structure does match stays, so picking among the
    // matches keeps them.
    if (item->isHidden()) search_->clear();  // filter("") shows every row again
    for (QTreeWidgetItem* up = item->parent(); up; up = up->parent()) up->setExpanded(true);
    tree_->setCurrentItem(item);
    tree_->scrollToItem(item, QAbstractItemView::PositionAtCenter);
  } else {
    tree_->setCurrentItem(nullptr);
  }
  quiet_ = false;
}

}  // namespace teramind::ui
