#pragma once

#include <QDialog>
#include <memory>

#include "studio/LandmarkTool.h"
#include "volume/Image3D.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace teramind::ui {

class MainWindow;
class SectionPointView;

// Section → Place with Landmarks…: click a place on the section (left) and the same place in an
// atlas slice view, in either order, at least 3 times; the table shows each pair's residual in
// µm, the 3D view previews the section where the fit puts it, Save keeps the placement with the
// dataset (io/SavedPlacement.h) and opens the dataset again placed. Everything it does is the
// LandmarkTool's (core/studio); this dialog binds to it.
class LandmarkDialog : public QDialog {
  Q_OBJECT

 public:
  explicit LandmarkDialog(MainWindow& window);
  ~LandmarkDialog() override;

  LandmarkTool& tool() { return tool_; }
  SectionPointView* sectionView() const { return sectionView_; }
  QTableWidget* table() const { return table_; }
  QString fitText() const;
  // The dataset's own placement back in the 3D view (when closed without saving).
  void restorePlacement();
  bool save();

 protected:
  void hideEvent(QHideEvent* event) override;

 private:
  void refresh();
  void cellEdited(int row, int column);
  void preview();

  MainWindow& window_;
  LandmarkTool tool_;
  std::shared_ptr<const SpatialDataset> dataset_;  // kept alive while the dialog is open
  Image3D<std::uint8_t> overview_;
  SectionPointView* sectionView_ = nullptr;
  QTableWidget* table_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* fit_ = nullptr;
  QPushButton* undo_ = nullptr;
  QPushButton* redo_ = nullptr;
  QPushButton* remove_ = nullptr;
  QPushButton* save_ = nullptr;
  bool refreshing_ = false;
  bool previewShown_ = false;
  bool saved_ = false;
  int subscription_ = -1;
};

}  // namespace teramind::ui
