#pragma once

#include <QDockWidget>
#include <memory>

#include "studio/LandmarkTool.h"
#include "volume/Image3D.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace teramind::ui {

class MainWindow;
class SectionPointView;

// Section → Place with Landmarks…, docked on the right so that the slice views stay free to
// click: click a place on the section (top) and the same place in an atlas slice view, in
// either order, at least 3 times; the table shows each pair's residual in µm, warnings say when
// the fit looks wrong (an absurd scale, points off the section), the 3D view previews the
// section where the fit puts it, Save keeps the placement with the dataset
// (io/SavedPlacement.h) and opens the dataset again placed. Closing it (or the window, or
// opening other data) with unsaved pairs asks Save / Discard / Cancel. Everything it does is
// the LandmarkTool's (core/studio); this dock binds to it.
class LandmarkDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit LandmarkDock(MainWindow& window);
  ~LandmarkDock() override;

  LandmarkTool& tool() { return tool_; }
  SectionPointView* sectionView() const { return sectionView_; }
  QTableWidget* table() const { return table_; }
  QString fitText() const;
  QString warningText() const;
  // The dataset's own placement back in the 3D view (when closed without saving).
  void restorePlacement();
  // Saves, opens the dataset again placed, and closes the tool.
  bool save();
  // Whether the tool may go: true when nothing is unsaved, else asks Save / Discard / Cancel
  // (Save writes the placement; with `reopen`, the dataset is opened again placed).
  bool mayClose(bool reopen);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void refresh();
  void cellEdited(int row, int column);
  void preview();
  bool writePlacement(bool reopen);

  MainWindow& window_;
  LandmarkTool tool_;
  std::shared_ptr<const SpatialDataset> dataset_;  // kept alive while the tool is open
  Image3D<std::uint8_t> overview_;
  SectionPointView* sectionView_ = nullptr;
  QTableWidget* table_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* fit_ = nullptr;
  QLabel* warnings_ = nullptr;
  QPushButton* undo_ = nullptr;
  QPushButton* redo_ = nullptr;
  QPushButton* remove_ = nullptr;
  QPushButton* save_ = nullptr;
  bool refreshing_ = false;
  bool previewShown_ = false;
  bool closing_ = false;  // closing for good (or its dataset was replaced): ask no more
  int subscription_ = -1;
};

}  // namespace teramind::ui
