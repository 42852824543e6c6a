#include "MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QCompleter>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QToolBar>

#include "AtlasScene.h"
#include "VtkViewport.h"

namespace teramind::ui {

MainWindow::MainWindow(std::shared_ptr<const Atlas> atlas, QWidget* parent)
    : QMainWindow(parent),
      atlas_(std::move(atlas)),
      scene_(std::make_unique<render::AtlasScene>(*atlas_)) {
  setWindowTitle(QStringLiteral("Tera-MIND Studio"));
  viewport_ = new VtkViewport(this);
  viewport_->setRenderer(scene_->renderer());
  setCentralWidget(viewport_);

  auto* toolbar = addToolBar(tr("Structure"));
  toolbar->setObjectName(QStringLiteral("structureToolbar"));
  toolbar->addWidget(new QLabel(tr(" Structure: ")));
  search_ = new QLineEdit(toolbar);
  search_->setPlaceholderText(tr("acronym, e.g. CA1"));
  search_->setClearButtonEnabled(true);
  search_->setMaximumWidth(220);
  QStringList acronyms;
  for (const Structure& s : atlas_->ontology().structures())
    acronyms << QString::fromStdString(s.acronym);
  auto* completer = new QCompleter(acronyms, search_);
  completer->setCaseSensitivity(Qt::CaseInsensitive);
  search_->setCompleter(completer);
  toolbar->addWidget(search_);
  connect(search_, &QLineEdit::returnPressed, this, [this] { selectStructure(search_->text()); });

  selection_ = new QLabel(this);
  datasetLabel_ = new QLabel(this);
  modelLabel_ = new QLabel(this);
  statusBar()->addPermanentWidget(datasetLabel_);
  statusBar()->addPermanentWidget(modelLabel_);
  statusBar()->addPermanentWidget(selection_);
  buildMenus();
  updateStatus();
  resize(1100, 760);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* screenshot = file->addAction(tr("Save &Screenshot…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save screenshot"), QStringLiteral("teramind.png"), tr("PNG images (*.png)"));
    if (!path.isEmpty()) saveScreenshot(path, 2);
  });
  screenshot->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  auto* view = menuBar()->addMenu(tr("&View"));
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
    viewport_->requestRender();
  });
  connect(mip, &QAction::triggered, this, [this] {
    scene_->setBlend(render::VolumeBlend::MaximumIntensity);
    viewport_->requestRender();
  });
  view->addAction(tr("&Reset camera"), QKeySequence(Qt::Key_R), this, [this] {
    scene_->resetCamera();
    viewport_->requestRender();
  });
  view->addAction(tr("Go to &section"), QKeySequence(Qt::Key_S), this, [this] {
    scene_->focusSection();
    viewport_->requestRender();
  });

  auto* modelMenu = menuBar()->addMenu(tr("&Model"));
  modelMenu->addAction(tr("&About the model…"), this, [this] {
    if (!model_) {
      QMessageBox::information(this, tr("Model"), tr("No model is loaded."));
      return;
    }
    const auto& c = model_->config();
    QString text = tr("<b>%1</b>: gm-UNet with the 3D gene-gene block<br>"
                      "%L2 parameters · %3 genes · %4 base channels<br>"
                      "patch %5 px × %6 sections × %7 stains at %8 µm/px<br>"
                      "gene bins %9 px")
                       .arg(QString::fromStdString(c.name))
                       .arg(model_->parameterCount())
                       .arg(c.genes)
                       .arg(c.modelChannels)
                       .arg(c.patchSize)
                       .arg(c.outputSections)
                       .arg(c.stains)
                       .arg(c.pixelUm)
                       .arg(c.binPixels());
    const auto& meta = model_->metadata();
    if (auto it = meta.find("training_command"); it != meta.end())
      text += tr("<br>trained with <tt>%1</tt>")
                  .arg(QString::fromStdString(it->second).toHtmlEscaped());
    QMessageBox::information(this, tr("Model"), text);
  });
}

bool MainWindow::selectStructure(const QString& acronym) {
  const Structure* s = atlas_->ontology().findAcronym(acronym.trimmed().toStdString());
  if (!s) {
    statusBar()->showMessage(tr("Unknown structure '%1'").arg(acronym), 5000);
    return false;
  }
  scene_->selectStructure(s->id);
  search_->setText(QString::fromStdString(s->acronym));
  updateStatus();
  viewport_->requestRender();
  return true;
}

void MainWindow::saveScreenshot(const QString& file, int scale) {
  try {
    render::ScreenshotOptions options;
    options.width = viewport_->width();
    options.height = viewport_->height();
    options.scale = scale;
    render::saveScreenshot(*scene_, file.toStdString(), options);
    viewport_->setRenderer(scene_->renderer());
    statusBar()->showMessage(tr("Saved %1").arg(file), 5000);
  } catch (const std::exception& e) {
    viewport_->setRenderer(scene_->renderer());
    QMessageBox::critical(this, tr("Screenshot failed"), QString::fromStdString(e.what()));
  }
}

void MainWindow::showDataset(std::shared_ptr<const SpatialDataset> dataset) {
  dataset_ = std::move(dataset);
  datasetLabel_->clear();
  scene_->showSection(nullptr);
  if (!dataset_) return;
  QString summary = QString::fromStdString(dataset_->name);
  if (const auto* t = dataset_->transcripts())
    summary += tr(" · %L1 transcripts, %2 genes").arg(t->size()).arg(t->genes.geneCount());
  else if (const auto* c = dataset_->cells())
    summary += tr(" · %L1 cells, %2 genes").arg(c->cellCount()).arg(c->genes.geneCount());
  datasetLabel_->setText(summary);
  if (!dataset_->stains.empty()) {
    try {
      const auto stain = dataset_->readStain(dataset_->stains.front());
      scene_->showSection(&stain, dataset_->placement().sectionToAtlas);
      scene_->focusSection();
    } catch (const std::exception& e) {
      statusBar()->showMessage(tr("Stain image not shown: %1").arg(e.what()), 8000);
    }
  }
  viewport_->requestRender();
}

void MainWindow::setModel(std::shared_ptr<const MorphologyModel> model) {
  model_ = std::move(model);
  modelLabel_->clear();
  if (!model_) return;
  const auto& c = model_->config();
  QString text = tr("model %1 · %2 M parameters · %3 genes")
                     .arg(QString::fromStdString(c.name))
                     .arg(double(model_->parameterCount()) / 1e6, 0, 'f', 1)
                     .arg(c.genes);
  if (model_->trainingStep() > 0) text += tr(" · %1 steps").arg(model_->trainingStep());
  modelLabel_->setText(text);
}

void MainWindow::updateStatus() {
  QString text =
      tr("CCFv3 %1 µm · %2 structures").arg(atlas_->resolutionUm()).arg(atlas_->ontology().size());
  if (auto id = scene_->selectedStructure()) {
    const Structure& s = atlas_->ontology().byId(*id);
    text += tr(" · %1 (%2): %3 mm³")
                .arg(QString::fromStdString(s.name), QString::fromStdString(s.acronym))
                .arg(atlas_->volumeMm3(s.id), 0, 'f', 3);
  }
  selection_->setText(text);
}

}  // namespace teramind::ui
