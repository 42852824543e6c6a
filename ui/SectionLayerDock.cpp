#include "SectionLayerDock.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "sectionview/TranscriptIndex.h"
#include "studio/SectionViewModel.h"

namespace teramind::ui {
namespace {

constexpr int kLayerIdRole = Qt::UserRole;
const char* const kCacheKey = "section/cacheMiB";
constexpr int kDefaultCacheMiB = 512;
// A cap below one view's tiles never finishes drawing it (each tile read pushes out another):
// a 4K view of three layers of 256-px float tiles takes about 40 MiB.
constexpr int kMinCacheMiB = 64;

QString kindText(SectionLayerKind kind) {
  switch (kind) {
    case SectionLayerKind::Image:
      return QObject::tr("image");
    case SectionLayerKind::Points:
      return QObject::tr("points");
    case SectionLayerKind::Shapes:
      return QObject::tr("outlines");
    case SectionLayerKind::AtlasOutline:
      return QObject::tr("atlas");
  }
  return {};
}

}  // namespace

int SectionLayerDock::savedCacheMiB() {
  return std::clamp(QSettings().value(kCacheKey, kDefaultCacheMiB).toInt(), kMinCacheMiB, 1 << 20);
}

SectionLayerDock::SectionLayerDock(SectionViewModel& model, QWidget* parent)
    : QDockWidget(tr("Section Layers"), parent), model_(model) {
  setObjectName(QStringLiteral("section-layer-dock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);

  list_ = new QListWidget(body);
  list_->setObjectName(QStringLiteral("section-layers"));
  list_->setDragDropMode(QAbstractItemView::InternalMove);
  list_->setDefaultDropAction(Qt::MoveAction);
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setToolTip(tr("Layers top first; drag to reorder, tick to show"));
  list_->setMinimumHeight(120);
  up_ = new QPushButton(tr("Up"), body);
  down_ = new QPushButton(tr("Down"), body);
  auto* remove = new QPushButton(tr("Remove"), body);
  auto* order = new QHBoxLayout;
  order->addWidget(up_);
  order->addWidget(down_);
  order->addStretch(1);
  order->addWidget(remove);
  layout->addWidget(list_, 1);
  layout->addLayout(order);

  controls_ = new QGroupBox(tr("Selected layer"), body);
  auto* form = new QFormLayout(controls_);
  opacity_ = new QSlider(Qt::Horizontal, controls_);
  opacity_->setObjectName(QStringLiteral("section-opacity"));
  opacity_->setRange(0, 100);
  form->addRow(tr("Opacity"), opacity_);
  contrastMin_ = new QDoubleSpinBox(controls_);
  contrastMax_ = new QDoubleSpinBox(controls_);
  contrastMin_->setToolTip(tr("Black at this value"));
  contrastMax_->setToolTip(tr("Full colour at this value"));
  for (QDoubleSpinBox* box : {contrastMin_, contrastMax_}) {
    box->setRange(-1e9, 1e9);
    box->setDecimals(2);
    box->setKeyboardTracking(false);
    // The range's widest text (-1000000000.00) would set the dock's width; a 16-bit value is
    // what these show, and more scrolls within the box.
    box->setMinimumWidth(box->fontMetrics().horizontalAdvance(QStringLiteral("65535.00")) + 28);
    box->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  }
  resetContrast_ = new QPushButton(tr("Reset"), controls_);
  resetContrast_->setToolTip(tr("The source's own contrast limits"));
  auto* contrast = new QHBoxLayout;
  contrast->addWidget(contrastMin_);
  contrast->addWidget(contrastMax_);
  contrast->addWidget(resetContrast_);
  form->addRow(tr("Contrast"), contrast);
  gamma_ = new QDoubleSpinBox(controls_);
  gamma_->setRange(0.1, 10);
  gamma_->setSingleStep(0.1);
  gamma_->setKeyboardTracking(false);
  form->addRow(tr("Gamma"), gamma_);
  colormap_ = new QComboBox(controls_);
  for (LayerColormap c : allColormaps())
    colormap_->addItem(QString::fromStdString(colormapName(c)), int(c));
  form->addRow(tr("Colormap"), colormap_);
  blending_ = new QComboBox(controls_);
  blending_->addItem(tr("additive"), int(LayerBlending::Additive));
  blending_->addItem(tr("translucent"), int(LayerBlending::Translucent));
  form->addRow(tr("Blending"), blending_);
  side_ = new QComboBox(controls_);
  side_->addItem(tr("both"), int(CompareSide::Both));
  side_->addItem(tr("left"), int(CompareSide::Left));
  side_->addItem(tr("right"), int(CompareSide::Right));
  side_->setToolTip(tr("Which pane shows the layer in Side by side and Swipe"));
  form->addRow(tr("Pane"), side_);
  colourBar_ = new QCheckBox(tr("Colour bar"), controls_);
  form->addRow(QString(), colourBar_);
  layout->addWidget(controls_);

  auto* genes = new QHBoxLayout;
  gene_ = new QComboBox(body);
  gene_->setObjectName(QStringLiteral("section-gene"));
  gene_->setEditable(true);
  gene_->setInsertPolicy(QComboBox::NoInsert);
  gene_->lineEdit()->setPlaceholderText(tr("gene"));
  gene_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  gene_->setMinimumContentsLength(8);
  auto* addGene = new QPushButton(tr("Add counts"), body);
  addGene->setToolTip(tr("A count image of the gene: its molecules per pixel"));
  genes->addWidget(gene_, 1);
  genes->addWidget(addGene);
  layout->addLayout(genes);

  // Short labels in a row that fits the dock's default column (1440 × 900 window).
  auto* compareRow = new QHBoxLayout;
  compareRow->setSpacing(2);
  compare_ = new QButtonGroup(this);
  compare_->setExclusive(true);
  const std::pair<CompareMode, QString> modes[] = {{CompareMode::Overlay, tr("Overlay")},
                                                   {CompareMode::SideBySide, tr("Side by side")},
                                                   {CompareMode::Swipe, tr("Swipe")}};
  for (const auto& [mode, text] : modes) {
    auto* button = new QPushButton(text, body);
    button->setCheckable(true);
    // The style's minimum button width (75 px in Fusion) is more than these short words need.
    button->setMinimumWidth(button->fontMetrics().horizontalAdvance(text) + 20);
    button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    compare_->addButton(button, int(mode));
    compareRow->addWidget(button);
  }
  layout->addLayout(compareRow);

  auto* view = new QFormLayout;
  followJob_ = new QCheckBox(tr("Follow the running job"), body);
  view->addRow(QString(), followJob_);
  plane_ = new QSpinBox(body);
  plane_->setKeyboardTracking(false);
  view->addRow(tr("Plane"), plane_);
  cache_ = new QSpinBox(body);
  cache_->setRange(kMinCacheMiB, 1 << 20);
  cache_->setSuffix(tr(" MiB"));
  cache_->setKeyboardTracking(false);
  cache_->setValue(savedCacheMiB());
  cache_->setToolTip(tr("The most memory the section view's tiles may take"));
  view->addRow(tr("Tile cache"), cache_);
  cacheUse_ = new QLabel(body);
  cacheUse_->setWordWrap(true);
  view->addRow(QString(), cacheUse_);
  layout->addLayout(view);
  // Scrolled: the dock's many controls must not set the window's minimum height.
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("section-layer-scroll"));
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(body);
  setWidget(scroll);

  connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (!refreshing_ && layerAt(row) >= 0) model_.selectLayer(layerAt(row));
    refreshControls();
  });
  connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
    if (refreshing_) return;
    const int id = item->data(kLayerIdRole).toInt();
    const SectionLayer* layer = model_.scene().layer(id);
    const bool visible = item->checkState() == Qt::Checked;
    if (layer && layer->style.visible != visible) model_.setVisible(id, visible);
  });
  connect(list_->model(), &QAbstractItemModel::rowsMoved, this, [this] { rowsMoved(); });
  connect(up_, &QPushButton::clicked, this, [this] { moveSelected(+1); });
  connect(down_, &QPushButton::clicked, this, [this] { moveSelected(-1); });
  connect(remove, &QPushButton::clicked, this, [this] {
    if (layerAt(list_->currentRow()) >= 0) model_.removeLayer(layerAt(list_->currentRow()));
  });
  connect(opacity_, &QSlider::valueChanged, this, [this] { styleEdited(); });
  for (QDoubleSpinBox* box : {contrastMin_, contrastMax_, gamma_})
    connect(box, &QDoubleSpinBox::valueChanged, this, [this] { styleEdited(); });
  for (QComboBox* box : {colormap_, blending_, side_})
    connect(box, &QComboBox::currentIndexChanged, this, [this] { styleEdited(); });
  connect(colourBar_, &QCheckBox::toggled, this, [this] { styleEdited(); });
  connect(resetContrast_, &QPushButton::clicked, this, [this] {
    const int id = layerAt(list_->currentRow());
    const SectionLayer* layer = model_.scene().layer(id);
    if (!layer) return;
    const auto source = model_.scene().source(layer->source);
    if (!source) return;
    LayerStyle style = layer->style;
    style.contrastMin = source->info().contrastMin;
    style.contrastMax = source->info().contrastMax;
    model_.setStyle(id, style);
  });
  connect(addGene, &QPushButton::clicked, this, [this] { addGeneCounts(); });
  connect(gene_->lineEdit(), &QLineEdit::returnPressed, this, [this] { addGeneCounts(); });
  connect(compare_, &QButtonGroup::idClicked, this,
          [this](int mode) { model_.setCompareMode(CompareMode(mode)); });
  connect(followJob_, &QCheckBox::toggled, this, [this](bool on) {
    if (!refreshing_) model_.setFollowJob(on);
  });
  connect(plane_, &QSpinBox::valueChanged, this, [this](int plane) {
    if (!refreshing_) model_.setPlane(plane);
  });
  connect(cache_, &QSpinBox::valueChanged, this, [this](int mib) {
    QSettings().setValue(kCacheKey, mib);
    model_.setCacheCap(std::size_t(mib) << 20);
    refreshControls();
  });

  // Changes come on the GUI thread, but a Tiles notice may come from the loader: queued then,
  // and dropped if the dock is gone.
  subscription_ = model_.subscribe([this](SectionViewChange change) {
    QMetaObject::invokeMethod(
        this,
        [this, change] {
          if (change == SectionViewChange::Tiles || change == SectionViewChange::Camera)
            cacheUse_->setText(tr("%1 MiB in use, %2 tiles read")
                                   .arg(double(model_.cacheBytes()) / double(1 << 20), 0, 'f', 1)
                                   .arg(model_.tilesRequested()));
          else if (change != SectionViewChange::Message && change != SectionViewChange::Busy)
            refresh();
        },
        Qt::AutoConnection);
  });
  refresh();
}

SectionLayerDock::~SectionLayerDock() {
  model_.unsubscribe(subscription_);
}

int SectionLayerDock::layerAt(int row) const {
  const QListWidgetItem* item = row >= 0 ? list_->item(row) : nullptr;
  return item ? item->data(kLayerIdRole).toInt() : -1;
}

QPushButton* SectionLayerDock::compareButton(int mode) const {
  return qobject_cast<QPushButton*>(compare_->button(mode));
}

void SectionLayerDock::refresh() {
  refreshing_ = true;
  const SectionScene& scene = model_.scene();
  const auto& layers = scene.layers();
  // The list is rebuilt only when the layers or their order changed (keeps a drag's selection).
  bool same = list_->count() == int(layers.size());
  for (int row = 0; same && row < list_->count(); ++row)
    same = layerAt(row) == layers[layers.size() - 1 - std::size_t(row)].id;
  if (!same) {
    list_->clear();
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
      auto* item = new QListWidgetItem(list_);
      item->setData(kLayerIdRole, it->id);
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable |
                     Qt::ItemIsDragEnabled);
    }
  }
  for (int row = 0; row < list_->count(); ++row) {
    const SectionLayer& layer = layers[layers.size() - 1 - std::size_t(row)];
    QListWidgetItem* item = list_->item(row);
    item->setText(QStringLiteral("%1  (%2%3)")
                      .arg(QString::fromStdString(layer.name), kindText(layer.kind),
                           layer.live ? tr(", live") : QString()));
    item->setCheckState(layer.style.visible ? Qt::Checked : Qt::Unchecked);
    if (layer.id == model_.selectedLayer() && list_->currentRow() != row) list_->setCurrentRow(row);
  }
  // Genes for count images: those of the molecules shown.
  QStringList genes;
  for (const SectionLayer& layer : layers)
    if (layer.kind == SectionLayerKind::Points && layer.transcripts) {
      for (const std::string& g : layer.transcripts->geneNames())
        genes << QString::fromStdString(g);
      break;
    }
  if (gene_->count() != genes.size()) {
    const QString typed = gene_->currentText();
    gene_->clear();
    gene_->addItems(genes);
    gene_->setEditText(typed);
  }
  if (QAbstractButton* b = compare_->button(int(model_.compare().mode))) b->setChecked(true);
  followJob_->setChecked(model_.followJob());
  plane_->setRange(0, std::max(0, scene.planes() - 1));
  plane_->setValue(model_.plane());
  refreshing_ = false;
  refreshControls();
}

void SectionLayerDock::refreshControls() {
  const bool wasRefreshing = refreshing_;
  refreshing_ = true;
  const int row = list_->currentRow();
  const SectionLayer* layer = model_.scene().layer(layerAt(row));
  controls_->setEnabled(layer != nullptr);
  up_->setEnabled(layer && row > 0);
  down_->setEnabled(layer && row + 1 < list_->count());
  if (layer) {
    const LayerStyle& s = layer->style;
    const bool image = layer->kind == SectionLayerKind::Image;
    opacity_->setValue(int(std::lround(s.opacity * 100)));
    for (QWidget* w : std::initializer_list<QWidget*>{contrastMin_, contrastMax_, resetContrast_,
                                                      gamma_, colormap_, colourBar_})
      w->setEnabled(image);
    if (const auto source = model_.scene().source(layer->source)) {
      const double step = std::max(0.01, source->info().valueMax / 100);
      contrastMin_->setSingleStep(step);
      contrastMax_->setSingleStep(step);
    }
    contrastMin_->setValue(s.contrastMin);
    contrastMax_->setValue(s.contrastMax);
    gamma_->setValue(s.gamma);
    colormap_->setCurrentIndex(colormap_->findData(int(s.colormap)));
    blending_->setCurrentIndex(blending_->findData(int(s.blending)));
    side_->setCurrentIndex(side_->findData(int(s.side)));
    colourBar_->setChecked(s.colourBar);
  }
  cacheUse_->setText(tr("%1 MiB in use, %2 tiles read")
                         .arg(double(model_.cacheBytes()) / double(1 << 20), 0, 'f', 1)
                         .arg(model_.tilesRequested()));
  refreshing_ = wasRefreshing;
}

void SectionLayerDock::styleEdited() {
  if (refreshing_) return;
  const int id = layerAt(list_->currentRow());
  const SectionLayer* layer = model_.scene().layer(id);
  if (!layer) return;
  LayerStyle style = layer->style;
  style.opacity = opacity_->value() / 100.0;
  style.contrastMin = contrastMin_->value();
  style.contrastMax = contrastMax_->value();
  style.gamma = gamma_->value();
  style.colormap = LayerColormap(colormap_->currentData().toInt());
  style.blending = LayerBlending(blending_->currentData().toInt());
  style.side = CompareSide(side_->currentData().toInt());
  style.colourBar = colourBar_->isChecked();
  model_.setStyle(id, style);
}

void SectionLayerDock::rowsMoved() {
  if (refreshing_) return;
  // The order the user dropped, top first, applied once the drop has finished (the model's
  // Layers notice rebuilds this list, which must not happen inside the view's drop).
  std::vector<int> topFirst;
  for (int row = 0; row < list_->count(); ++row) topFirst.push_back(layerAt(row));
  QMetaObject::invokeMethod(
      this,
      [this, topFirst] {
        const int n = int(topFirst.size());
        for (int i = 0; i < n; ++i) model_.moveLayer(topFirst[std::size_t(i)], n - 1 - i);
      },
      Qt::QueuedConnection);
}

void SectionLayerDock::moveSelected(int delta) {
  const int row = list_->currentRow();
  const int id = layerAt(row);
  if (id < 0) return;
  // Rows run top first, the scene's index bottom first.
  const int index = list_->count() - 1 - row + delta;
  if (index < 0 || index >= list_->count()) return;
  model_.selectLayer(id);
  model_.moveLayer(id, index);
}

void SectionLayerDock::addGeneCounts() {
  const std::string gene = gene_->currentText().trimmed().toStdString();
  if (!gene.empty()) model_.addGeneCountLayer(gene);  // a Message says why not
}

}  // namespace teramind::ui
