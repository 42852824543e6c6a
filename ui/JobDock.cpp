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
#include <algorithm>

#include "workflow/GenerationSampler.h"

namespace teramind::ui {

namespace {

// The combo box's rows.
constexpr RegionKind kRegions[] = {RegionKind::Structure, RegionKind::DemoBlock,
                                   RegionKind::WholeSection};

int rowOf(RegionKind kind) {
  for (int i = 0; i < 3; ++i)
    if (kRegions[i] == kind) return i;
  return 1;
}

}  // namespace

JobDock::JobDock(StudioModel& model, QWidget* parent)
    : QDockWidget(tr("Generate morphology"), parent), model_(model) {
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
  plane_->setObjectName(QStringLiteral("jobPlane"));
  plane_->setToolTip(
      tr("The current plane: overlays show it; a job or the attention covers the plane pair that "
         "holds it"));
  form->addRow(tr("Plane"), plane_);
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
  sampler_ = new QComboBox(body);
  sampler_->setObjectName(QStringLiteral("jobSampler"));
  for (const std::string& name : samplerNames()) {
    sampler_->addItem(QString::fromStdString(name));
    sampler_->setItemData(sampler_->count() - 1,
                          QString::fromStdString(samplerFromName(name).description),
                          Qt::ToolTipRole);
  }
  sampler_->setToolTip(tr("How tiles are sampled, as teramind generate --sampler"));
  form->addRow(tr("Sampler"), sampler_);
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

  connect(run_, &QPushButton::clicked, this, [this] {
    pushSettings();
    model_.startJob();
  });
  connect(pause_, &QPushButton::toggled, this, [this](bool paused) {
    if (paused)
      model_.pauseJob();
    else
      model_.resumeJob();
  });
  connect(cancel_, &QPushButton::clicked, this, [this] { model_.cancelJob(); });
  connect(display_, &QComboBox::currentIndexChanged, this, &JobDock::displayChanged);
  connect(browse, &QToolButton::clicked, this, [this] {
    const QString dir =
        QFileDialog::getSaveFileName(this, tr("Job output (OME-Zarr directory)"), output_->text());
    if (!dir.isEmpty()) output_->setText(dir);
    pushSettings();
  });
  connect(plane_, &QSpinBox::valueChanged, this, [this](int plane) {
    if (!quiet_) model_.setPlane(plane);
  });
  for (QSpinBox* box : {seed_, steps_, tilePatches_})
    connect(box, &QSpinBox::valueChanged, this, &JobDock::pushSettings);
  connect(region_, &QComboBox::currentIndexChanged, this, &JobDock::pushSettings);
  connect(sampler_, &QComboBox::currentIndexChanged, this, &JobDock::pushSettings);
  connect(output_, &QLineEdit::editingFinished, this, &JobDock::pushSettings);
  model_.subscribe([this](StudioChange change) { changed(change); });
  showSettings();
  showCondition();
  showJob();
}

void JobDock::changed(StudioChange change) {
  switch (change) {
    case StudioChange::JobSettings:
      showSettings();
      break;
    case StudioChange::Job:
      showJob();
      break;
    case StudioChange::Condition:
    case StudioChange::Tiles:
    case StudioChange::Dataset:
    case StudioChange::Model:
    case StudioChange::Plane:
      showCondition();
      break;
    default:
      break;
  }
}

void JobDock::pushSettings() {
  if (quiet_) return;
  JobSettings settings = model_.state().job;
  settings.region = kRegions[std::clamp(region_->currentIndex(), 0, 2)];
  settings.seed = std::uint64_t(seed_->value());
  settings.steps = steps_->value();
  settings.tilePatches = tilePatches_->value();
  settings.sampler = sampler_->currentText().toStdString();
  settings.output = output_->text().trimmed().toStdString();
  model_.setJobSettings(settings);
}

void JobDock::setRegion(RegionKind region) {
  region_->setCurrentIndex(rowOf(region));
}

void JobDock::showSettings() {
  const JobSettings& s = model_.state().job;
  quiet_ = true;
  region_->setCurrentIndex(rowOf(s.region));
  seed_->setValue(int(s.seed));
  steps_->setValue(s.steps);
  tilePatches_->setValue(s.tilePatches);
  sampler_->setCurrentText(QString::fromStdString(s.sampler));
  output_->setText(QString::fromStdString(s.output.string()));
  quiet_ = false;
}

void JobDock::showCondition() {
  const StudioState& s = model_.state();
  quiet_ = true;
  plane_->setRange(0, s.ready() ? std::max(0, s.workspace.grid().planes - 1) : 0);
  plane_->setValue(s.plane);
  quiet_ = false;
  if (s.jobStatus.state != JobState::Idle) return;  // the job's own status stays
  QString text;
  if (s.preparing) {
    text = tr("Preparing the condition (binning %1 for the model)…")
               .arg(QString::fromStdString(s.workspace.dataset()->name));
  } else if (s.ready()) {
    const BinGrid& g = s.workspace.grid();
    text = tr("Ready: %1 × %2 bins of %3 µm, %4 planes")
               .arg(g.width)
               .arg(g.height)
               .arg(g.binUm, 0, 'f', 2)
               .arg(g.planes);
    if (!s.preparedNote.empty()) text += tr(" (%1)").arg(QString::fromStdString(s.preparedNote));
    if (!s.hasStains())
      text +=
          tr(". No stains: painting, generation and attention work; training and evaluation "
             "need DAPI and PolyT.");
  } else if (!s.workspace.dataset() || !s.workspace.model()) {
    text = tr("Open a dataset and a model to generate");
  } else {
    text = tr("The condition could not be prepared: %1")
               .arg(QString::fromStdString(model_.lastError()));
  }
  status_->setText(text);
}

void JobDock::showJob() {
  const JobStatus& j = model_.state().jobStatus;
  const bool running = model_.jobActive();
  run_->setEnabled(!running);
  pause_->setEnabled(running);
  cancel_->setEnabled(running);
  pause_->blockSignals(true);
  pause_->setChecked(j.state == JobState::Paused);
  pause_->blockSignals(false);
  for (QWidget* w : std::initializer_list<QWidget*>{region_, plane_, seed_, steps_, tilePatches_,
                                                    sampler_, output_})
    w->setEnabled(!running);
  if (j.state == JobState::Idle) return;
  const double fraction = j.state == JobState::Finished ? 1.0 : j.progress.fraction();
  progress_->setValue(static_cast<int>(fraction * 1000 + 0.5));
  status_->setText(QString::fromStdString(j.text()));
}

int JobDock::displayMode() const {
  return display_->currentIndex();
}

QString JobDock::statusText() const {
  return status_->text();
}

}  // namespace teramind::ui
