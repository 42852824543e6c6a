// The main window's section explorer (issue 20): the SectionViewModel bound to the studio, its
// view as the "Section" tab beside the 3D view and slices, its menus' actions and messages.
#include <QFileDialog>
#include <QFileInfo>
#include <QStatusBar>
#include <QTabWidget>

#include "MainWindow.h"
#include "QtTextRasteriser.h"
#include "SectionExportDialog.h"
#include "SectionLayerDock.h"
#include "SectionView.h"
#include "StudioStatusBar.h"

namespace teramind::ui {

void MainWindow::buildSectionExplorer(std::shared_ptr<const Atlas> atlas,
                                      QWidget* threeDAndSlices) {
  SectionViewModel::Settings settings;
  settings.cacheBytes = std::size_t(SectionLayerDock::savedCacheMiB()) << 20;
  sectionModel_ = std::make_unique<SectionViewModel>(std::move(atlas), runner_, settings);
  sectionModel_->setTextRasteriser(qtTextRasteriser());
  sectionModel_->bindStudio(&model_);
  sectionModel_->subscribe([this](SectionViewChange change) {
    // Messages are told on the runner's owner thread, the GUI's.
    if (change == SectionViewChange::Message) sectionChanged(change);
  });

  sectionView_ = new SectionView(*sectionModel_, this);
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("central-tabs"));
  tabs_->setDocumentMode(true);
  tabs_->addTab(threeDAndSlices, tr("3D and slices"));
  tabs_->addTab(sectionView_, tr("Section"));
  setCentralWidget(tabs_);
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
    if (tabs_->widget(index) != sectionView_) {
      if (status_) status_->showReadout({});  // the cursor is no longer over the section
      return;
    }
    if (sectionLayerDock_) sectionLayerDock_->raise();
    sectionView_->setFocus(Qt::OtherFocusReason);
  });
  // The status bar is made after this (MainWindow's constructor).
  connect(sectionView_, &SectionView::readoutChanged, this, [this](const QString& text) {
    if (status_) status_->showReadout(text);
  });
}

void MainWindow::sectionChanged(SectionViewChange change) {
  if (change != SectionViewChange::Message) return;
  const StudioMessage* message = sectionModel_->lastMessage();
  if (!message) return;
  if (message->kind == StudioMessage::Kind::Error)
    showMessage(*message);
  else
    statusBar()->showMessage(QString::fromStdString(message->text), 8000);
}

void MainWindow::showSectionExplorer() {
  tabs_->setCurrentWidget(sectionView_);
  sectionLayerDock_->show();
  sectionLayerDock_->raise();
  sectionView_->setFocus(Qt::OtherFocusReason);
}

void MainWindow::openSectionPath(const std::filesystem::path& path) {
  showSectionExplorer();
  sectionModel_->openPath(path);
}

void MainWindow::openSectionImage(bool folder) {
  // An NGFF image is a folder (.zarr), a TIFF a file.
  const QString path =
      folder ? QFileDialog::getExistingDirectory(
                   this, tr("Open an OME-Zarr (NGFF) image, a job's output or a dataset folder"))
             : QFileDialog::getOpenFileName(this, tr("Open a section image"), QString(),
                                            tr("TIFF images (*.tif *.tiff);;All files (*)"));
  if (!path.isEmpty()) openSectionPath(path.toStdString());
}

void MainWindow::exportSectionView() {
  SectionExportDialog dialog(*sectionModel_, this);
  if (dialog.exec() != QDialog::Accepted || dialog.file().isEmpty()) return;
  // Written on the runner; a Message tells its size (the status bar) or why it failed.
  sectionModel_->exportView(dialog.file().toStdString(), dialog.pixelUm());
}

}  // namespace teramind::ui
