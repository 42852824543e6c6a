#pragma once

#include <QDockWidget>
#include <optional>
#include <unordered_map>

#include "atlas/AtlasOntology.h"

class QLabel;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace teramind::ui {

// The atlas ontology as a tree with a search field: typing filters by acronyms and names, words
// in any order (searchStructures; the matches' ancestors stay visible) and says when nothing
// matches; Enter chooses the best match, a click any structure. The search field is the way to
// find a structure by typing: the tree has no type-ahead, so letters typed with the tree focused
// reach the studio's single-key shortcuts instead of silently choosing another structure.
class OntologyDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit OntologyDock(const AtlasOntology& ontology, QWidget* parent = nullptr);

  QLineEdit* searchField() const { return search_; }
  QTreeWidget* tree() const { return tree_; }
  // Says "No structure matches '…'" while a search finds nothing; hidden otherwise.
  QLabel* noMatchLabel() const { return noMatch_; }
  // Marks `id` in the tree (expanding and scrolling to it) without emitting structureChosen;
  // a search that hides it is cleared first.
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
  QLabel* noMatch_ = nullptr;
  std::unordered_map<StructureId, QTreeWidgetItem*> items_;
  bool quiet_ = false;
};

}  // namespace teramind::ui
