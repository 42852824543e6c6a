#pragma once

#include <QMainWindow>
#include <memory>

#include "atlas/Atlas.h"
#include "io/SpatialDataset.h"
#include "model/MorphologyModel.h"

class QLabel;
class QLineEdit;

namespace teramind::render {
class AtlasScene;
}

namespace teramind::ui {

class VtkViewport;

// The studio's main window: the atlas in 3D, a structure search that selects and highlights
// a region, screenshot export.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(std::shared_ptr<const Atlas> atlas, QWidget* parent = nullptr);
  ~MainWindow() override;

  VtkViewport* viewport() const { return viewport_; }
  render::AtlasScene& scene() { return *scene_; }
  // Selects a structure by acronym; false (with a message in the status bar) if unknown.
  bool selectStructure(const QString& acronym);
  void saveScreenshot(const QString& file, int scale = 1);
  // Shows a dataset's first stain on its section plane in the atlas and names the dataset in
  // the status bar; nullptr clears it.
  void showDataset(std::shared_ptr<const SpatialDataset> dataset);
  const SpatialDataset* dataset() const { return dataset_.get(); }
  // The diffusion model jobs will use; named in the status bar, described by Model → About.
  void setModel(std::shared_ptr<const MorphologyModel> model);
  const MorphologyModel* model() const { return model_.get(); }

 private:
  void buildMenus();
  void updateStatus();

  std::shared_ptr<const Atlas> atlas_;
  std::shared_ptr<const SpatialDataset> dataset_;
  QLabel* datasetLabel_ = nullptr;
  std::shared_ptr<const MorphologyModel> model_;
  QLabel* modelLabel_ = nullptr;
  std::unique_ptr<render::AtlasScene> scene_;
  VtkViewport* viewport_ = nullptr;
  QLineEdit* search_ = nullptr;
  QLabel* selection_ = nullptr;
};

}  // namespace teramind::ui
