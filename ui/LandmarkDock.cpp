#include "LandmarkDialog.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
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

LandmarkDialog::LandmarkDialog(MainWindow& window)
    : QDialog(&window),
      window_(window),
      dataset_(window.studio().state().workspace.sharedDataset()) {
  setWindowTitle(tr("Place the section with landmarks"));
  setObjectName(QStringLiteral("landmark-dialog"));
  sectionView_ = new SectionPointView(this);
  sectionView_->setObjectName(QStringLiteral("landmark-section"));
  table_ = new QTableWidget(0, Columns, this);
  table_->setHorizontalHeaderLabels({tr("Name"), tr("x µm"), tr("y µm"), tr("AP µm"), tr("DV µm"),
                                     tr("LR µm"), tr("Residual µm")});
  table_->horizontalHeaderItem(SectionX)->setToolTip(tr("On the section, in its own µm"));
  table_->horizontalHeaderItem(AtlasX)->setToolTip(tr("In the atlas: CCFv3 µm"));
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  hint_ = new QLabel(this);
  hint_->setWordWrap(true);
  fit_ = new QLabel(this);
  fit_->setObjectName(QStringLiteral("landmark-fit"));
  fit_->setWordWrap(true);

  auto* open = new QPushButton(tr("Open…"), this);
  undo_ = new QPushButton(tr("Undo"), this);
  redo_ = new QPushButton(tr("Redo"), this);
  remove_ = new QPushButton(tr("Delete"), this);
  save_ = new QPushButton(tr("Save with the Dataset"), this);
  auto* closeButton = new QPushButton(tr("Close"), this);
  auto* buttons = new QHBoxLayout;
  for (QPushButton* b : {open, undo_, redo_, remove_}) buttons->addWidget(b);
  buttons->addStretch(1);
  buttons->addWidget(save_);
  buttons->addWidget(closeButton);

  auto* right = new QWidget(this);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  rightLayout->addWidget(table_, 1);
  rightLayout->addWidget(fit_);
  auto* split = new QSplitter(this);
  split->addWidget(sectionView_);
  split->addWidget(right);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(hint_);
  layout->addWidget(split, 1);
  layout->addLayout(buttons);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  resize(1120, 480);

  if (dataset_) {
    try {
      overview_ = sectionOverview(*dataset_, 1024);
      sectionView_->setImage(overview_);
    } catch (const std::exception& e) {
      hint_->setText(QString::fromStdString(e.what()));
    }
    // Reopen the pairs saved with the dataset, as an undoable step.
    if (const auto saved = savedLandmarksFile(*dataset_)) tool_.open(*saved);
  }

  tool_.setListener([this] {
    saved_ = false;
    refresh();
  });
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
  connect(closeButton, &QPushButton::clicked, this, &QDialog::close);
  // Pairs belong to one section: other data opened meanwhile ends the tool (without putting
  // the old section back in the view, which now shows the new one).
  subscription_ = window.studio().subscribe([this](StudioChange change) {
    if (change == StudioChange::Dataset &&
        window_.studio().state().workspace.sharedDataset() != dataset_) {
      saved_ = true;
      close();
    }
  });
  connect(table_, &QTableWidget::cellChanged, this, &LandmarkDialog::cellEdited);
  connect(table_, &QTableWidget::currentCellChanged, this, [this] { refresh(); });
  refresh();
}

LandmarkDialog::~LandmarkDialog() {
  window_.studio().unsubscribe(subscription_);
}

QString LandmarkDialog::fitText() const {
  return fit_->text();
}

void LandmarkDialog::refresh() {
  if (refreshing_) return;
  refreshing_ = true;
  const auto& landmarks = tool_.landmarks();
  const auto& fit = tool_.fit();
  const int current = table_->currentRow();
  table_->setRowCount(int(landmarks.size()));
  std::vector<QPointF> points;
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
  }
  std::optional<QPointF> pending;
  if (const auto& p = tool_.pendingSection()) pending = QPointF(p->first, p->second);
  sectionView_->setPoints(std::move(points), pending, current);

  if (tool_.pendingSection())
    hint_->setText(tr("Now click the same place in an atlas slice view."));
  else if (tool_.pendingAtlas())
    hint_->setText(tr("Now click the same place on the section (left)."));
  else
    hint_->setText(
        tr("Click a place on the section (left) and the same place in an atlas slice "
           "view, in either order. At least 3 pairs, not in a row; a 4th shows how "
           "well they agree."));
  if (fit)
    fit_->setText(tr("RMS %1 µm, max %2 µm over %3 pairs")
                      .arg(fit->rmsUm, 0, 'f', 1)
                      .arg(fit->maxUm, 0, 'f', 1)
                      .arg(landmarks.size()));
  else
    fit_->setText(QString::fromStdString(tool_.fitProblem()));
  undo_->setEnabled(tool_.canUndo());
  undo_->setToolTip(QString::fromStdString(tool_.undoText()));
  redo_->setEnabled(tool_.canRedo());
  redo_->setToolTip(QString::fromStdString(tool_.redoText()));
  remove_->setEnabled(current >= 0 && current < int(landmarks.size()));
  save_->setEnabled(fit.has_value() && dataset_ != nullptr);
  refreshing_ = false;
  preview();
}

void LandmarkDialog::cellEdited(int row, int column) {
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
void LandmarkDialog::preview() {
  const auto& fit = tool_.fit();
  if (!fit || overview_.voxelCount() == 0) return;
  window_.scene().showSection(&overview_, fit->sectionToAtlas);
  if (!previewShown_) window_.scene().focusSection();  // the first fit: bring it into view
  window_.viewport()->requestRender();
  previewShown_ = true;
}

void LandmarkDialog::restorePlacement() {
  if (!previewShown_ || !dataset_ || overview_.voxelCount() == 0) return;
  window_.scene().showSection(&overview_, dataset_->placement().sectionToAtlas);
  window_.viewport()->requestRender();
  previewShown_ = false;
}

bool LandmarkDialog::save() {
  if (!dataset_ || !tool_.save(*dataset_)) {
    fit_->setText(QString::fromStdString(tool_.lastError()));
    return false;
  }
  saved_ = true;
  // The dataset opened again from its files is placed (and drawn) by the saved placement; the
  // tool opens it again with the saved pairs.
  const auto& path = window_.studio().state().workspace.datasetPath();
  window_.openPath(QString::fromStdString((path.empty() ? dataset_->source : path).string()));
  close();
  return true;
}

void LandmarkDialog::hideEvent(QHideEvent* event) {
  if (!saved_) restorePlacement();
  QDialog::hideEvent(event);
}

}  // namespace teramind::ui
