#include "MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <algorithm>

#include "AtlasScene.h"
#include "AttentionDock.h"
#include "GenePanelDock.h"
#include "JobDock.h"
#include "LandmarkDock.h"
#include "MovieDialog.h"
#include "OntologyDock.h"
#include "PaintDock.h"
#include "ScreenshotDialog.h"
#include "ShortcutsDialog.h"
#include "SingleKeyShortcutFilter.h"
#include "SliceViewPanel.h"
#include "VolumeDock.h"
#include "VtkViewport.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind::ui {

void MainWindow::buildMenus() {
  // Single keys (S, R, L, B) are shortcuts everywhere but in text fields (SingleKeyShortcuts.h).
  qApp->installEventFilter(new SingleKeyShortcutFilter(this));
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a session, dataset or model"), QString(),
        tr("Studio sessions (*.json);;Models (*.safetensors);;All files (*)"));
    if (!path.isEmpty()) openPath(path);
  });
  // A vendor output folder as it comes (MERSCOPE region, Xenium, CosMx, STARmap) or one with a
  // dataset.json.
  file->addAction(tr("Open Data &Folder…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open a MERSCOPE region, Xenium or CosMx output folder, a SpatialData store "
                 "(.zarr) or a dataset folder"));
    if (!dir.isEmpty()) openPath(dir);
  });
  // How the open dataset is read: a spot table's column map and pixel size, Xenium's min qv,
  // CosMx's pixel size (the CLI's --columns, --pixel-um, --min-qv).
  auto* readOptions =
      file->addAction(tr("Data &Read Options…"), this, [this] { reopenWithReadOptions(); });
  readOptions->setEnabled(false);
  model_.subscribe([this, readOptions](StudioChange change) {
    if (change == StudioChange::Dataset)
      readOptions->setEnabled(!model_.state().workspace.datasetPath().empty());
  });
  // The section explorer shows an image on its own, beside the studio's dataset.
  file->addAction(tr("Open Section &Image…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                  [this] { openSectionImage(false); });
  file->addAction(tr("Open Section Image Fo&lder…"), this, [this] { openSectionImage(true); });
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  file->addAction(tr("&Save Session…"), QKeySequence::Save, this, [this] {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save session"), QStringLiteral("session.json"), tr("Studio sessions (*.json)"));
    if (!path.isEmpty()) saveSession(path);
  });
  file->addSeparator();
  auto* screenshot = file->addAction(tr("Save &Screenshot…"), this, [this] {
    ScreenshotDialog dialog(viewport_->size(), size(), this);
    if (dialog.exec() == QDialog::Accepted && !dialog.request().file.isEmpty())
      saveScreenshot(dialog.request());
  });
  screenshot->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  file->addAction(
      tr("Export Generated &Volume…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the last generated region"), QStringLiteral("generated.nrrd"),
            tr("Volumes (*.nrrd *.nii *.nii.gz *.tif *.vdb)"));
        if (!path.isEmpty()) exportVolume(path);
      });
  file->addAction(tr("Export Section Vie&w…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this,
                  [this] { exportSectionView(); });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  auto* edit = menuBar()->addMenu(tr("&Edit"));
  // The model's one history; the actions' texts follow it (MainWindow::changed).
  undoAction_ = edit->addAction(tr("&Undo"), QKeySequence::Undo, this, [this] { model_.undo(); });
  redoAction_ = edit->addAction(tr("&Redo"), QKeySequence::Redo, this, [this] { model_.redo(); });
  undoAction_->setEnabled(false);
  redoAction_->setEnabled(false);
  edit->addSeparator();
  edit->addAction(tr("&Find Structure"), QKeySequence::Find, this, [this] {
    ontologyDock_->raise();
    ontologyDock_->searchField()->setFocus();
    ontologyDock_->searchField()->selectAll();
  });

  auto* view = menuBar()->addMenu(tr("&View"));
  view->addAction(tr("&3D and Slices"), QKeySequence(Qt::CTRL | Qt::Key_1), this,
                  [this] { centralTabs()->setCurrentIndex(0); });
  view->addAction(tr("Section E&xplorer"), QKeySequence(Qt::CTRL | Qt::Key_2), this,
                  [this] { showSectionExplorer(); });
  view->addSeparator();
  auto* blend = new QActionGroup(this);
  auto* composite = view->addAction(tr("&Composite rendering"));
  auto* mip = view->addAction(tr("&Maximum intensity projection"));
  for (QAction* a : {composite, mip}) {
    a->setCheckable(true);
    blend->addAction(a);
  }
  composite->setChecked(true);
  connect(composite, &QAction::triggered, this, [this] {
    scene_->setBlend(render::VolumeBlend::Composite);
    volumeDock_->showTransferFunction(scene_->transferFunction());
    viewport_->requestRender();
  });
  blendActions_ = {composite, mip};
  connect(mip, &QAction::triggered, this, [this] {
    scene_->setBlend(render::VolumeBlend::MaximumIntensity);
    volumeDock_->showTransferFunction(scene_->transferFunction());
    viewport_->requestRender();
  });
  auto* labels = view->addAction(tr("Annotation &labels"));
  labels->setCheckable(true);
  labels->setShortcut(QKeySequence(Qt::Key_L));
  labels->setChecked(scene_->showsLabels());
  connect(labels, &QAction::toggled, this, [this](bool on) {
    scene_->setShowLabels(on);
    viewport_->requestRender();
  });
  view->addAction(tr("&Reset camera"), QKeySequence(Qt::Key_R), this, [this] {
    scene_->resetCamera();
    viewport_->requestRender();
  });
  view->addAction(tr("Go to &section"), QKeySequence(Qt::Key_S), this, [this] {
    scene_->focusSection(model_.placementState() == SectionPlacementState::Unplaced);
    // The slice views go through the section too, where they show it.
    if (const auto centre = scene_->sectionCentre()) slicePanel_->moveCursorToPoint(*centre);
    viewport_->requestRender();
  });
  view->addAction(tr("Clear &overlays"), this, [this] {
    scene_->setOverlay("pathway", {});
    model_.setOverlayGene({});
    viewport_->requestRender();
  });
  auto* slices = view->addAction(tr("Slice &views"));
  slices->setCheckable(true);
  slices->setChecked(true);
  slices->setShortcut(QKeySequence(Qt::Key_F4));
  connect(slices, &QAction::toggled, slicePanel_, &QWidget::setVisible);
  view->addAction(tr("Record &Movie…"), this,
                  [this] { askAndRecordMovie(this, *scene_, viewport_); });
  view->addSeparator();
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

  auto* section = menuBar()->addMenu(tr("&Section"));
  auto* place = section->addAction(tr("Place with &Landmarks…"), this, [this] {
    if (!model_.state().workspace.dataset()) {
      model_.report(StudioMessage::Kind::Error, "No section to place",
                    "Open a dataset first: landmarks pair places on its section with the atlas.");
      return;
    }
    if (auto* open = findChild<LandmarkDock*>()) {
      open->show();
      return open->raise();
    }
    auto* dock = new LandmarkDock(*this);
    dock->setAttribute(Qt::WA_DeleteOnClose);
    dock->show();
  });
  place->setObjectName(QStringLiteral("place-with-landmarks"));

  auto* modelMenu = menuBar()->addMenu(tr("&Model"));
  modelMenu->addAction(tr("&About the model…"), this, [this] {
    const MorphologyModel* model = model_.state().workspace.model();
    if (!model) {
      QMessageBox::information(this, tr("Model"), tr("No model is loaded."));
      return;
    }
    const auto& c = model->config();
    QString text = tr("<b>%1</b>: gm-UNet with the 3D gene-gene block<br>"
                      "%L2 parameters · %3 genes · %4 base channels<br>"
                      "patch %5 px × %6 sections × %7 stains at %8 µm/px<br>"
                      "gene bins %9 px")
                       .arg(QString::fromStdString(c.name))
                       .arg(model->parameterCount())
                       .arg(c.genes)
                       .arg(c.modelChannels)
                       .arg(c.patchSize)
                       .arg(c.outputSections)
                       .arg(c.stains)
                       .arg(c.pixelUm)
                       .arg(c.binPixels());
    const auto& meta = model->metadata();
    if (auto it = meta.find("training_command"); it != meta.end())
      text += tr("<br>trained with <tt>%1</tt>")
                  .arg(QString::fromStdString(it->second).toHtmlEscaped());
    QMessageBox::information(this, tr("Model"), text);
  });

  auto* help = menuBar()->addMenu(tr("&Help"));
  // Not modal, like the error boxes: scripted runs are never stuck behind a dialog.
  help->addAction(tr("&Keyboard shortcuts"), QKeySequence(Qt::Key_F1), this, [this] {
    if (auto* open = findChild<ShortcutsDialog*>()) open->close();  // a fresh, current list
    auto* dialog = new ShortcutsDialog(this, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
  });
  help->addAction(tr("&About Tera-MIND Studio"), this, [this] {
    auto* box = new QMessageBox(
        QMessageBox::Information, tr("About Tera-MIND Studio"),
        tr("<b>Tera-MIND Studio</b><br>Simulates 3D mouse-brain tissue morphology from spatial "
           "transcriptomics, placed in the Allen CCFv3 atlas.<br>Qt %1. Press F1 for the "
           "keyboard shortcuts.")
            .arg(QString::fromLatin1(qVersion())),
        QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
}

void MainWindow::addRecent(const QString& file) {
  QSettings settings;
  QStringList recent = settings.value("recentSessions").toStringList();
  recent.removeAll(QFileInfo(file).absoluteFilePath());
  recent.prepend(QFileInfo(file).absoluteFilePath());
  while (recent.size() > 8) recent.removeLast();
  settings.setValue("recentSessions", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = QSettings().value("recentSessions").toStringList();
  for (const QString& f : recent)
    recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] { openSession(f); })
        ->setToolTip(f);
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::saveScreenshot(const ScreenshotRequest& request) {
  try {
    if (request.wholeWindow) {
      const QImage image = grab().toImage();
      writeFileAtomically(request.file.toStdString(), [&](const std::filesystem::path& temporary) {
        if (image.isNull() || !image.save(QString::fromStdString(temporary.string()), "PNG"))
          throw FileError(request.file.toStdString(), "cannot write the PNG screenshot");
      });
    } else {
      render::ScreenshotOptions options;
      options.width = viewport_->width();
      options.height = viewport_->height();
      options.scale = request.scale;
      options.transparent = request.transparent;
      render::saveScreenshot(*scene_, request.file.toStdString(), options);
      viewport_->setRenderer(scene_->renderer());
    }
    statusBar()->showMessage(tr("Saved %1").arg(request.file), 5000);
  } catch (const std::exception& e) {
    viewport_->setRenderer(scene_->renderer());
    model_.report(StudioMessage::Kind::Error, "Screenshot failed", e.what());
  }
}

}  // namespace teramind::ui
