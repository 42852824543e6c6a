#pragma once

#include <QDockWidget>
#include <optional>

#include "atlas/AtlasOntology.h"

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace teramind::ui {

// The atlas ontology as a tree with a search field: typing filters by acronym or name (the
// matches' ancestors stay visible), Enter or a click chooses a structure.
class OntologyDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit OntologyDock(const AtlasOntology& ontology, QWidget* parent = nullptr);

  QLineEdit* searchField() const { return search_; }
  QTreeWidget* tree() const { return tree_; }
  // Marks `id` in the tree (expanding to it) without emitting structureChosen.
  void showStructure(std::optional<StructureId> id);
  // Filters the tree; returns how many structures match.
  int filter(const QString& text);

 Q_SIGNALS:
  void structureChosen(StructureId id);

 private:
  void chooseFirstMatch();

  const AtlasOntology& ontology_;
  QLineEdit* search_ = nullptr;
  QTreeWidget* tree_ = nullptr;
  std::unordered_map<StructureId, QTreeWidgetItem*> items_;
  bool quiet_ = false;
};

}  // namespace teramind::ui
