#pragma once

#include <QMainWindow>
#include <QString>
#include <array>
#include <filesystem>
#include <memory>
#include <optional>

#include "ScreenshotDialog.h"
#include "atlas/Atlas.h"
#include "conditions/ConditionEdit.h"
#include "io/SpatialDataset.h"
#include "model/MorphologyModel.h"
#include "workflow/SectionAttention.h"
#include "workflow/Workspace.h"

class QLabel;
class QMenu;
class QUndoStack;

namespace teramind::render {
class AtlasScene;
}

namespace teramind::ui {

class AttentionDock;
class GenePanelDock;
class GenerationController;
class JobDock;
class OntologyDock;
class PaintDock;
class SliceViewPanel;
class VolumeDock;
class VtkViewport;

// The studio's main window: the atlas in 3D with the section placed in it, and docks for the
// ontology, the gene panel, painting the condition, generation jobs and gene-gene attention.
// Logic lives in core (Workspace, ConditionDocument, BackgroundGeneration, SectionAttention);
// this window binds it to widgets. Heavy work runs off the GUI thread.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(std::shared_ptr<const Atlas> atlas, QWidget* parent = nullptr);
  ~MainWindow() override;

  // The window's geometry and dock layout from the last session (not for scripted runs).
  void restoreSettings();

  VtkViewport* viewport() const { return viewport_; }
  SliceViewPanel* sliceViews() const { return slicePanel_; }
  render::AtlasScene& scene() { return *scene_; }
  Workspace& workspace() { return workspace_; }
  OntologyDock* ontologyDock() const { return ontologyDock_; }
  GenePanelDock* genePanelDock() const { return genePanelDock_; }
  PaintDock* paintDock() const { return paintDock_; }
  JobDock* jobDock() const { return jobDock_; }
  AttentionDock* attentionDock() const { return attentionDock_; }
  VolumeDock* volumeDock() const { return volumeDock_; }
  GenerationController* generation() const { return generation_; }
  QUndoStack* undoStack() const { return undoStack_; }

  // Selects a structure by acronym; false (with a message in the status bar) if unknown.
  bool selectStructure(const QString& acronym);
  void selectStructureId(std::optional<StructureId> id);
  // The 3D view at 1–4× (optionally see-through) or the whole window; errors as a dialog.
  void saveScreenshot(const ScreenshotRequest& request);
  // Shows a dataset's first stain on its section plane and names it in the status bar;
  // nullptr clears it. `source` is where it was read from (saved with a session).
  void showDataset(std::shared_ptr<const SpatialDataset> dataset,
                   const std::filesystem::path& source = {});
  const SpatialDataset* dataset() const { return workspace_.dataset(); }
  void setModel(std::shared_ptr<const MorphologyModel> model,
                const std::filesystem::path& source = {});
  const MorphologyModel* model() const { return workspace_.model(); }
  // Whether the condition for painting, jobs and attention is prepared (it is prepared in the
  // background once a dataset and a model are open).
  bool conditionReady() const { return workspace_.ready(); }

  // Paint: an edit through the undo stack; false (error shown) when it is rejected.
  bool applyEdit(const ConditionEdit& edit);
  bool paintSelectedStructure();
  bool startGeneration();
  bool computeAttention();
  bool attentionBusy() const { return attentionThread_ != nullptr; }
  // Shows the pathway map of two tracked genes over the section.
  bool showPathway(int query, int key);

  bool exportVolume(const QString& file);
  bool exportAttentionCsv(const QString& file);
  bool saveSession(const QString& file);
  bool openSession(const QString& file);
  // The last error shown to the user (tests read it; the user saw a dialog).
  QString lastError() const { return lastError_; }
  // What the status bar says is under the cursor.
  QString structureUnderCursor() const;
  void hoverAt(int x, int y);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildDocks();
  void buildMenus();
  void updateStatus();
  void reportError(const QString& title, const QString& text);
  void prepareCondition();
  void conditionChanged();
  void updateGeneOverlay();
  void clickAt(int x, int y);
  void showHovered(const Structure* structure);
  void strokeAt(int x, int y);
  void finishStroke();
  void addRecent(const QString& file);
  void rebuildRecentMenu();
  bool openPath(const QString& path);

  Workspace workspace_;
  std::unique_ptr<render::AtlasScene> scene_;
  VtkViewport* viewport_ = nullptr;
  SliceViewPanel* slicePanel_ = nullptr;
  VolumeDock* volumeDock_ = nullptr;
  std::array<QAction*, 2> blendActions_{};  // composite, maximum intensity
  OntologyDock* ontologyDock_ = nullptr;
  GenePanelDock* genePanelDock_ = nullptr;
  PaintDock* paintDock_ = nullptr;
  JobDock* jobDock_ = nullptr;
  AttentionDock* attentionDock_ = nullptr;
  GenerationController* generation_ = nullptr;
  QUndoStack* undoStack_ = nullptr;
  QLabel* datasetLabel_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* selection_ = nullptr;
  QLabel* hoverLabel_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QString lastError_;
  QString lastOutput_;
  QThread* prepareThread_ = nullptr;
  QThread* attentionThread_ = nullptr;
  std::vector<std::pair<double, double>> stroke_;  // brush centres, section µm
  qint64 lastHoverMs_ = 0;
};

}  // namespace teramind::ui
