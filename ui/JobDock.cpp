#include "JobDock.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace teramind::ui {

JobDock::JobDock(QWidget* parent) : QDockWidget(tr("Generate morphology"), parent) {
  setObjectName(QStringLiteral("jobDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* form = new QFormLayout;
  region_ = new QComboBox(body);
  region_->setObjectName(QStringLiteral("jobRegion"));
  region_->addItems(
      {tr("Selected structure"), tr("Demo block (3 × 3 tiles)"), tr("Whole section")});
  region_->setCurrentIndex(1);
  form->addRow(tr("Region"), region_);
  plane_ = new QSpinBox(body);
  plane_->setRange(0, 0);
  form->addRow(tr("First plane"), plane_);
  seed_ = new QSpinBox(body);
  seed_->setObjectName(QStringLiteral("jobSeed"));
  seed_->setRange(0, 1 << 30);
  form->addRow(tr("Seed"), seed_);
  steps_ = new QSpinBox(body);
  steps_->setObjectName(QStringLiteral("jobSteps"));
  steps_->setRange(1, 1000);
  steps_->setValue(15);
  form->addRow(tr("DDIM steps"), steps_);
  tilePatches_ = new QSpinBox(body);
  tilePatches_->setObjectName(QStringLiteral("jobTilePatches"));
  tilePatches_->setRange(1, 64);
  tilePatches_->setValue(4);
  form->addRow(tr("Tile (patches)"), tilePatches_);
  display_ = new QComboBox(body);
  display_->addItems({tr("DAPI"), tr("PolyT"), tr("DAPI + PolyT")});
  form->addRow(tr("Show"), display_);
  auto* outRow = new QHBoxLayout;
  output_ = new QLineEdit(body);
  output_->setObjectName(QStringLiteral("jobOutput"));
  auto* browse = new QToolButton(body);
  browse->setText(QStringLiteral("…"));
  outRow->addWidget(output_);
  outRow->addWidget(browse);
  form->addRow(tr("Output (OME-Zarr)"), outRow);
  layout->addLayout(form);
  auto* buttons = new QHBoxLayout;
  run_ = new QPushButton(tr("Run"), body);
  run_->setObjectName(QStringLiteral("jobRun"));
  run_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
  run_->setToolTip(tr("Generate (Ctrl+G); running it again on the same output resumes it"));
  pause_ = new QPushButton(tr("Pause"), body);
  pause_->setCheckable(true);
  cancel_ = new QPushButton(tr("Cancel"), body);
  cancel_->setObjectName(QStringLiteral("jobCancel"));
  buttons->addWidget(run_);
  buttons->addWidget(pause_);
  buttons->addWidget(cancel_);
  layout->addLayout(buttons);
  progress_ = new QProgressBar(body);
  progress_->setObjectName(QStringLiteral("jobProgress"));
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setFormat(QStringLiteral("%p%"));
  layout->addWidget(progress_);
  status_ = new QLabel(tr("Ready"), body);
  status_->setObjectName(QStringLiteral("jobStatus"));
  status_->setWordWrap(true);
  layout->addWidget(status_);
  layout->addStretch(1);
  setWidget(body);
  setRunning(false);

  connect(run_, &QPushButton::clicked, this, &JobDock::runRequested);
  connect(pause_, &QPushButton::toggled, this, &JobDock::pauseToggled);
  connect(cancel_, &QPushButton::clicked, this, &JobDock::cancelRequested);
  connect(display_, &QComboBox::currentIndexChanged, this, &JobDock::displayChanged);
  connect(browse, &QToolButton::clicked, this, [this] {
    const QString dir =
        QFileDialog::getSaveFileName(this, tr("Job output (OME-Zarr directory)"), output_->text());
    if (!dir.isEmpty()) output_->setText(dir);
  });
}

JobDock::Region JobDock::region() const {
  return static_cast<Region>(region_->currentIndex());
}
void JobDock::setRegion(Region region) {
  region_->setCurrentIndex(static_cast<int>(region));
}
int JobDock::plane() const {
  return plane_->value();
}
void JobDock::setPlaneCount(int planes) {
  plane_->setRange(0, std::max(0, planes - 1));
}
std::uint64_t JobDock::seed() const {
  return std::uint64_t(seed_->value());
}
int JobDock::steps() const {
  return steps_->value();
}
int JobDock::tilePatches() const {
  return tilePatches_->value();
}
void JobDock::setJob(std::uint64_t seed, int steps, int tilePatches) {
  seed_->setValue(int(seed));
  steps_->setValue(steps);
  tilePatches_->setValue(tilePatches);
}
int JobDock::displayMode() const {
  return display_->currentIndex();
}
QString JobDock::output() const {
  return output_->text().trimmed();
}
void JobDock::setOutput(const QString& path) {
  output_->setText(path);
}

void JobDock::setRunning(bool running, bool paused) {
  run_->setEnabled(!running);
  pause_->setEnabled(running);
  cancel_->setEnabled(running);
  pause_->blockSignals(true);
  pause_->setChecked(paused);
  pause_->blockSignals(false);
  for (QWidget* w :
       std::initializer_list<QWidget*>{region_, plane_, seed_, steps_, tilePatches_, output_})
    w->setEnabled(!running);
}

void JobDock::setProgress(double fraction, const QString& text) {
  progress_->setValue(static_cast<int>(fraction * 1000 + 0.5));
  status_->setText(text);
}

void JobDock::setStatus(const QString& text) {
  status_->setText(text);
}

}  // namespace teramind::ui
