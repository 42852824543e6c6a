#pragma once

#include <QDockWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSlider;
class QSpinBox;

namespace teramind {
class SectionViewModel;
}

namespace teramind::ui {

// The section explorer's layer list and layer controls, as napari's are: the layers top first
// with a visibility box each, reordered by dragging or Up / Down; for the selected layer its
// opacity, contrast limits (and a reset to the source's), gamma, colormap, blending, the pane
// of a comparison it shows in and its colour bar. Below: a gene's count image, the comparison
// (Overlay / Side by side / Swipe), following the running job, the plane and the tile cache's
// cap (a setting, QSettings "section/cacheMiB"). Every control only calls the model; what
// it shows is redrawn from the model's state.
class SectionLayerDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit SectionLayerDock(SectionViewModel& model, QWidget* parent = nullptr);
  ~SectionLayerDock() override;

  QListWidget* layerList() const { return list_; }
  // The layer id a row shows (-1 for none).
  int layerAt(int row) const;
  QPushButton* upButton() const { return up_; }
  QPushButton* downButton() const { return down_; }
  QSlider* opacitySlider() const { return opacity_; }
  QDoubleSpinBox* contrastMinBox() const { return contrastMin_; }
  QDoubleSpinBox* contrastMaxBox() const { return contrastMax_; }
  QComboBox* colormapBox() const { return colormap_; }
  QComboBox* geneBox() const { return gene_; }
  QPushButton* compareButton(int mode) const;  // CompareMode as int
  QCheckBox* followJobBox() const { return followJob_; }
  QSpinBox* planeBox() const { return plane_; }
  QSpinBox* cacheBox() const { return cache_; }

  // The cache cap the user set (MiB), 512 when never set.
  static int savedCacheMiB();

 private:
  void refresh();
  void refreshControls();
  void styleEdited();
  void rowsMoved();
  void moveSelected(int delta);
  void addGeneCounts();

  SectionViewModel& model_;
  int subscription_ = -1;
  bool refreshing_ = false;
  QListWidget* list_ = nullptr;
  QPushButton* up_ = nullptr;
  QPushButton* down_ = nullptr;
  QWidget* controls_ = nullptr;
  QSlider* opacity_ = nullptr;
  QDoubleSpinBox* contrastMin_ = nullptr;
  QDoubleSpinBox* contrastMax_ = nullptr;
  QPushButton* resetContrast_ = nullptr;
  QDoubleSpinBox* gamma_ = nullptr;
  QComboBox* colormap_ = nullptr;
  QComboBox* blending_ = nullptr;
  QComboBox* side_ = nullptr;
  QCheckBox* colourBar_ = nullptr;
  QComboBox* gene_ = nullptr;
  QButtonGroup* compare_ = nullptr;
  QCheckBox* followJob_ = nullptr;
  QSpinBox* plane_ = nullptr;
  QSpinBox* cache_ = nullptr;
  QLabel* cacheUse_ = nullptr;
};

}  // namespace teramind::ui
