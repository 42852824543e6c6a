#pragma once

#include <QMainWindow>
#include <QString>
#include <array>
#include <filesystem>
#include <memory>
#include <optional>

#include "QtTaskRunner.h"
#include "ScreenshotDialog.h"
#include "studio/SectionViewModel.h"
#include "studio/StudioModel.h"

class QLabel;
class QMenu;
class QTabWidget;

namespace teramind::render {
class AtlasScene;
}

namespace teramind::ui {

class AttentionDock;
class GenePanelDock;
class JobDock;
class OntologyDock;
class PaintDock;
class SectionLayerDock;
class SectionView;
class SliceViewPanel;
class StudioSceneBinding;
class StudioStatusBar;
class VolumeDock;
class VtkViewport;

// The studio's main window: layout and wiring. Everything the studio does is the StudioModel's
// (core/studio); the docks and the scene binding show its state and call its actions; this
// window places them, builds the menus and turns the model's messages into a status line or a
// dialog.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(std::shared_ptr<const Atlas> atlas, QWidget* parent = nullptr);
  ~MainWindow() override;

  // The window's geometry and dock layout from the last session (not for scripted runs).
  void restoreSettings();

  StudioModel& studio() { return model_; }
  const StudioModel& studio() const { return model_; }
  VtkViewport* viewport() const { return viewport_; }
  SliceViewPanel* sliceViews() const { return slicePanel_; }
  render::AtlasScene& scene() { return *scene_; }
  StudioSceneBinding* sceneBinding() const { return binding_; }
  OntologyDock* ontologyDock() const { return ontologyDock_; }
  GenePanelDock* genePanelDock() const { return genePanelDock_; }
  PaintDock* paintDock() const { return paintDock_; }
  JobDock* jobDock() const { return jobDock_; }
  AttentionDock* attentionDock() const { return attentionDock_; }
  VolumeDock* volumeDock() const { return volumeDock_; }
  // The section explorer (issue 20): its model follows the studio; its view is the "Section"
  // tab of the central tabs ("3D and slices" is the first).
  SectionViewModel& sectionModel() { return *sectionModel_; }
  SectionView* sectionView() const { return sectionView_; }
  SectionLayerDock* sectionLayerDock() const { return sectionLayerDock_; }
  QTabWidget* centralTabs() const { return tabs_; }
  // View → Section Explorer: the Section tab in front, its layer list raised.
  void showSectionExplorer();
  // File → Open Section Image…, --section: shows `path` in the section view (on the runner;
  // an unreadable path ends in an error message).
  void openSectionPath(const std::filesystem::path& path);

  // The model's actions with the window's manners: questions before edits are dropped, errors
  // as dialogs. Each returns whether it was done (or started).
  bool selectStructure(const QString& acronym);
  void selectStructureId(std::optional<StructureId> id);
  void saveScreenshot(const ScreenshotRequest& request);
  void showDataset(std::shared_ptr<const SpatialDataset> dataset,
                   const std::filesystem::path& source = {});
  void setModel(std::shared_ptr<const MorphologyModel> model,
                const std::filesystem::path& source = {});
  const MorphologyModel* model() const { return model_.state().workspace.model(); }
  bool conditionReady() const { return model_.state().ready(); }
  bool applyEdit(const ConditionEdit& edit);
  bool paintSelectedStructure();
  bool startGeneration();
  bool computeAttention();
  bool attentionBusy() const { return model_.state().attentionBusy; }
  bool jobActive() const { return model_.jobActive(); }
  bool showPathway(int query, int key);
  bool exportVolume(const QString& file);
  bool exportAttentionCsv(const QString& file);
  // The session saved or opened becomes the window's file path (Record Movie's default folder),
  // until data are shown, opened or closed outside it (showDataset, openDataset).
  bool saveSession(const QString& file);
  bool openSession(const QString& file);
  bool openPath(const QString& path);
  // A dataset, asking first how to read it when its files do not say (ReadOptionsDialog).
  bool openDataset(const std::filesystem::path& file);
  // File → Data Read Options…: the open dataset again, with the read options the user sets.
  bool reopenWithReadOptions();
  // Whether opening `what` may drop the painted edits: asks Discard / Cancel when it would.
  bool mayDropEdits(const QString& what);
  // The last error shown to the user (tests read it; the user saw a dialog).
  QString lastError() const { return lastError_; }
  QString structureUnderCursor() const;
  void hoverAt(int x, int y);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildDocks();
  void buildMenus();
  // The section model, its view and the central tabs (MainWindowSection.cpp).
  void buildSectionExplorer(std::shared_ptr<const Atlas> atlas, QWidget* threeDAndSlices);
  void openSectionImage(bool folder);
  void exportSectionView();
  void sectionChanged(SectionViewChange change);
  void bindAttention();
  void changed(StudioChange change);
  void showMessage(const StudioMessage& message);
  // The landmark tool's unsaved pairs: asks Save / Discard / Cancel; false on Cancel.
  bool mayDropLandmarks();
  // Every path that opens other data asks this once: the landmark pairs, then the edits.
  bool mayReplaceDataset(const QString& what);
  void clickAt(int x, int y);
  void addRecent(const QString& file);
  void rebuildRecentMenu();

  QtTaskRunner runner_{this};  // before the model, which runs on it
  StudioModel model_;
  // After the studio model: it binds to it, and goes first.
  std::unique_ptr<SectionViewModel> sectionModel_;
  std::unique_ptr<render::AtlasScene> scene_;
  VtkViewport* viewport_ = nullptr;
  SliceViewPanel* slicePanel_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  SectionView* sectionView_ = nullptr;
  SectionLayerDock* sectionLayerDock_ = nullptr;
  StudioSceneBinding* binding_ = nullptr;
  VolumeDock* volumeDock_ = nullptr;
  std::array<QAction*, 2> blendActions_{};  // composite, maximum intensity
  QAction* undoAction_ = nullptr;
  QAction* redoAction_ = nullptr;
  OntologyDock* ontologyDock_ = nullptr;
  GenePanelDock* genePanelDock_ = nullptr;
  PaintDock* paintDock_ = nullptr;
  JobDock* jobDock_ = nullptr;
  AttentionDock* attentionDock_ = nullptr;
  StudioStatusBar* status_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QString lastError_;
  qint64 lastHoverMs_ = 0;
};

}  // namespace teramind::ui
