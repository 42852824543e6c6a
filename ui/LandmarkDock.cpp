#include "LandmarkDock.h"

#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "AtlasScene.h"
#include "MainWindow.h"
#include "SectionPointView.h"
#include "SliceViewPanel.h"
#include "VtkViewport.h"
#include "studio/SectionOverview.h"

namespace teramind::ui {
namespace {

enum Column { Name, SectionX, SectionY, AtlasX, AtlasY, AtlasZ, Residual, Columns };

QTableWidgetItem* numberItem(double value, bool editable) {
  auto* item = new QTableWidgetItem(QString::number(value, 'f', 1));
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  if (!editable) item->setFlags(item->flags() & ~Qt::ItemIsEditable);
  return item;
}

}  // namespace

LandmarkDock::LandmarkDock(MainWindow& window)
    : QDockWidget(tr("Place with Landmarks"), &window),
      window_(window),
      dataset_(window.studio().state().workspace.sharedDataset()) {
  setObjectName(QStringLiteral("landmark-dock"));
  auto* body = new QWidget(this);
  sectionView_ = new SectionPointView(body);
  sectionView_->setObjectName(QStringLiteral("landmark-section"));
  table_ = new QTableWidget(0, Columns, body);
  table_->setHorizontalHeaderLabels({tr("Name"), tr("x µm"), tr("y µm"), tr("AP µm"), tr("DV µm"),
                                     tr("LR µm"), tr("Residual µm")});
  table_->horizontalHeaderItem(SectionX)->setToolTip(tr("On the section, in its own µm"));
  table_->horizontalHeaderItem(AtlasX)->setToolTip(tr("In the atlas: CCFv3 µm"));
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  hint_ = new QLabel(body);
  hint_->setWordWrap(true);
  fit_ = new QLabel(body);
  fit_->setObjectName(QStringLiteral("landmark-fit"));
  fit_->setWordWrap(true);
  warnings_ = new QLabel(body);
  warnings_->setObjectName(QStringLiteral("landmark-warnings"));
  warnings_->setWordWrap(true);
  warnings_->setStyleSheet(QStringLiteral("color: #d08000;"));
  warnings_->hide();

  auto* open = new QPushButton(tr("Open…"), body);
  undo_ = new QPushButton(tr("Undo"), body);
  redo_ = new QPushButton(tr("Redo"), body);
  remove_ = new QPushButton(tr("Delete"), body);
  save_ = new QPushButton(tr("Save with the Dataset"), body);
  auto* closeButton = new QPushButton(tr("Close"), body);
  auto* edits = new QHBoxLayout;
  for (QPushButton* b : {open, undo_, redo_, remove_}) edits->addWidget(b);
  edits->addStretch(1);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(save_);
  buttons->addWidget(closeButton);

  auto* lower = new QWidget(body);
  auto* lowerLayout = new QVBoxLayout(lower);
  lowerLayout->setContentsMargins(0, 0, 0, 0);
  lowerLayout->addWidget(table_, 1);
  lowerLayout->addWidget(fit_);
  lowerLayout->addWidget(warnings_);
  auto* split = new QSplitter(Qt::Vertical, body);
  split->addWidget(sectionView_);
  split->addWidget(lower);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(body);
  layout->addWidget(hint_);
  layout->addWidget(split, 1);
  layout->addLayout(edits);
  layout->addLayout(buttons);
  setWidget(body);

  // On the right, beside the slice views rather than over them; with the docks already there
  // as tabs, in front.
  QDockWidget* right = nullptr;
  for (QDockWidget* d : window.findChildren<QDockWidget*>())
    if (d != this && !right && d->isVisible() && !d->isFloating() &&
        window.dockWidgetArea(d) == Qt::RightDockWidgetArea)
      right = d;
  window.addDockWidget(Qt::RightDockWidgetArea, this);
  if (right) window.tabifyDockWidget(right, this);
  window.resizeDocks({this}, {520}, Qt::Horizontal);
  // The section, the table and the warnings need height: most of the right side.
  window.resizeDocks({this}, {window.height() * 3 / 4}, Qt::Vertical);
  // In front of its tabs once shown (raising a dock not yet shown does not select its tab).
  QTimer::singleShot(0, this, [this] { raise(); });

  if (dataset_) {
    try {
      overview_ = sectionOverview(*dataset_, 1024);
      sectionView_->setImage(overview_);
    } catch (const std::exception& e) {
      hint_->setText(QString::fromStdString(e.what()));
    }
    // The pairs saved with the dataset, where the tool starts (not an undoable step).
    if (const auto saved = savedLandmarksFile(*dataset_)) tool_.openSaved(*saved);
    tool_.setSectionExtent(sectionExtentOf(*dataset_));
  }

  tool_.setListener([this] { refresh(); });
  // While the tool is open a click in a slice view gives an atlas point, nothing else.
  window.sliceViews()->setPickingPoints(true);
  // Only while it shows: behind a tab or hidden (no closeEvent) a click selects again.
  connect(this, &QDockWidget::visibilityChanged, this,
          [this](bool visible) { window_.sliceViews()->setPickingPoints(visible); });
  connect(sectionView_, &SectionPointView::clicked, this,
          [this](double x, double y) { tool_.clickSection(x, y); });
  connect(window.sliceViews(), &SliceViewPanel::pointPicked, this, [this](const Vec3& um) {
    if (isVisible()) tool_.clickAtlas(um);
  });
  connect(open, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open landmarks"), QString(),
                                                      tr("Landmarks (*.csv *.csv.gz)"));
    if (!file.isEmpty() && !tool_.open(file.toStdString()))
      fit_->setText(QString::fromStdString(tool_.lastError()));
  });
  connect(undo_, &QPushButton::clicked, this, [this] { tool_.undo(); });
  connect(redo_, &QPushButton::clicked, this, [this] { tool_.redo(); });
  connect(remove_, &QPushButton::clicked, this, [this] {
    const int row = table_->currentRow();
    if (row >= 0) tool_.remove(std::size_t(row));
  });
  connect(save_, &QPushButton::clicked, this, [this] { save(); });
  connect(closeButton, &QPushButton::clicked, this, &QDockWidget::close);
  // Pairs belong to one section: other data opened meanwhile ends the tool (the window asked
  // about unsaved pairs first; the old section is not put back in the view, which now shows
  // the new one).
  subscription_ = window.studio().subscribe([this](StudioChange change) {
    if (change == StudioChange::Dataset &&
        window_.studio().state().workspace.sharedDataset() != dataset_) {
      closing_ = true;
      previewShown_ = false;
      close();
    }
  });
  connect(table_, &QTableWidget::cellChanged, this, &LandmarkDock::cellEdited);
  connect(table_, &QTableWidget::currentCellChanged, this, [this] { refresh(); });
  refresh();
}

LandmarkDock::~LandmarkDock() {
  window_.studio().unsubscribe(subscription_);
  window_.sliceViews()->setPickingPoints(false);
}

QString LandmarkDock::fitText() const {
  return fit_->text();
}

QString LandmarkDock::warningText() const {
  return warnings_->text();
}

void LandmarkDock::refresh() {
  if (refreshing_) return;
  refreshing_ = true;
  const auto& landmarks = tool_.landmarks();
  const auto& fit = tool_.fit();
  const int current = table_->currentRow();
  table_->setRowCount(int(landmarks.size()));
  std::vector<QPointF> points;
  std::vector<QString> names;
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    const Landmark& l = landmarks[i];
    const int row = int(i);
    auto* name = new QTableWidgetItem(QString::fromStdString(l.name));
    name->setFlags(name->flags() & ~Qt::ItemIsEditable);
    table_->setItem(row, Name, name);
    table_->setItem(row, SectionX, numberItem(l.sectionXUm, true));
    table_->setItem(row, SectionY, numberItem(l.sectionYUm, true));
    for (int a = 0; a < 3; ++a) table_->setItem(row, AtlasX + a, numberItem(l.atlasUm[a], true));
    if (fit)
      table_->setItem(row, Residual, numberItem(fit->residualUm[i], false));
    else
      table_->setItem(row, Residual, new QTableWidgetItem(QStringLiteral("–")));
    points.emplace_back(l.sectionXUm, l.sectionYUm);
    names.push_back(QString::fromStdString(l.name));
  }
  std::optional<QPointF> pending;
  if (const auto& p = tool_.pendingSection()) pending = QPointF(p->first, p->second);
  sectionView_->setPoints(std::move(points), std::move(names), pending, current);

  if (tool_.pendingSection())
    hint_->setText(tr("Now click the same place in an atlas slice view."));
  else if (tool_.pendingAtlas())
    hint_->setText(tr("Now click the same place on the section (above)."));
  else
    hint_->setText(
        tr("Click a place on the section (above) and the same place in an atlas slice "
           "view, in either order. At least 3 pairs, not in a row; a 4th shows how "
           "well they agree."));
  if (fit)
    fit_->setText(tr("RMS %1 µm, max %2 µm over %3 pairs")
                      .arg(fit->rmsUm, 0, 'f', 1)
                      .arg(fit->maxUm, 0, 'f', 1)
                      .arg(landmarks.size()));
  else
    fit_->setText(QString::fromStdString(tool_.fitProblem()));
  if (tool_.hasUnsavedChanges()) fit_->setText(fit_->text() + tr(" · not saved"));
  QStringList warnings;
  if (fit)
    for (const std::string& w : fit->warnings)
      warnings << tr("Warning: %1").arg(QString::fromStdString(w));
  warnings_->setText(warnings.join(QLatin1Char('\n')));
  warnings_->setVisible(!warnings.isEmpty());
  undo_->setEnabled(tool_.canUndo());
  undo_->setToolTip(QString::fromStdString(tool_.undoText()));
  redo_->setEnabled(tool_.canRedo());
  redo_->setToolTip(QString::fromStdString(tool_.redoText()));
  remove_->setEnabled(current >= 0 && current < int(landmarks.size()));
  save_->setEnabled(fit.has_value() && dataset_ != nullptr);
  refreshing_ = false;
  preview();
}

void LandmarkDock::cellEdited(int row, int column) {
  if (refreshing_ || row < 0 || std::size_t(row) >= tool_.landmarks().size()) return;
  bool ok = false;
  const double value = table_->item(row, column)->text().toDouble(&ok);
  const Landmark& l = tool_.landmarks()[std::size_t(row)];
  if (!ok) {
    refresh();  // back to the value the tool holds
    return;
  }
  if (column == SectionX || column == SectionY)
    tool_.moveSectionPoint(std::size_t(row), column == SectionX ? value : l.sectionXUm,
                           column == SectionY ? value : l.sectionYUm);
  else if (column >= AtlasX && column <= AtlasZ) {
    Vec3 atlas = l.atlasUm;
    atlas[std::size_t(column - AtlasX)] = value;
    tool_.moveAtlasPoint(std::size_t(row), atlas);
  }
}

// The 3D view shows the section where the current fit puts it.
void LandmarkDock::preview() {
  const auto& fit = tool_.fit();
  if (!fit || overview_.voxelCount() == 0) return;
  window_.scene().showSection(&overview_, fit->sectionToAtlas);
  if (!previewShown_) window_.scene().focusSection();  // the first fit: bring it into view
  window_.viewport()->requestRender();
  previewShown_ = true;
}

void LandmarkDock::restorePlacement() {
  if (!previewShown_ || !dataset_ || overview_.voxelCount() == 0) return;
  window_.scene().showSection(&overview_, dataset_->placement().sectionToAtlas);
  window_.viewport()->requestRender();
  previewShown_ = false;
}

// Writes the placement and says where in the status bar; with `reopen` the dataset is opened
// again from its files, placed (and drawn) by what was saved.
bool LandmarkDock::writePlacement(bool reopen) {
  // The reopen drops painted edits: asked before anything is written, so Cancel changes nothing.
  const bool dropEdits = reopen && window_.studio().wouldDropEdits();
  if (dropEdits && !window_.mayDropEdits(tr("the placed dataset"))) return false;
  if (!dataset_ || !tool_.save(*dataset_)) {
    fit_->setText(QString::fromStdString(tool_.lastError()));
    return false;
  }
  const PlacementFiles& files = *tool_.savedTo();
  const QString where = tr("Placement saved in %1 (landmarks in %2)")
                            .arg(QString::fromStdString(files.placement.string()),
                                 QString::fromStdString(files.landmarks.filename().string()));
  if (reopen) window_.studio().reopenSavedPlacement(dropEdits);
  window_.statusBar()->showMessage(where, 20000);
  return true;
}

bool LandmarkDock::save() {
  if (!writePlacement(true)) return false;
  close();
  return true;
}

bool LandmarkDock::mayClose(bool reopen) {
  if (closing_ || !tool_.hasUnsavedChanges()) return true;
  QMessageBox box(
      QMessageBox::Question, tr("Save the landmarks?"),
      tool_.landmarks().size() == 1
          ? tr("1 landmark pair is not saved with the dataset.")
          : tr("%1 landmark pairs are not saved with the dataset.").arg(tool_.landmarks().size()),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
  box.setObjectName(QStringLiteral("landmark-unsaved"));
  box.setDefaultButton(QMessageBox::Cancel);
  if (!tool_.fit()) {
    box.button(QMessageBox::Save)->setEnabled(false);
    box.setInformativeText(
        tr("Nothing to save yet: %1").arg(QString::fromStdString(tool_.fitProblem())));
  }
  switch (box.exec()) {
    case QMessageBox::Save:
      return writePlacement(reopen);
    case QMessageBox::Discard:
      // Not closing yet: the caller may still back out (Cancel on the edits, a failed load,
      // the same dataset), and then the pairs stay, unsaved, and are asked about again.
      return true;
    default:
      return false;
  }
}

void LandmarkDock::closeEvent(QCloseEvent* event) {
  if (!mayClose(true)) return event->ignore();
  closing_ = true;  // going for good (deleted on close): never asked about again
  if (!tool_.savedTo()) restorePlacement();
  window_.sliceViews()->setPickingPoints(false);
  QDockWidget::closeEvent(event);
}

}  // namespace teramind::ui
