#include "StudioSceneBinding.h"

#include <QTimer>
#include <algorithm>

#include "AtlasScene.h"
#include "SectionRasters.h"
#include "SliceViewPanel.h"
#include "VtkViewport.h"
#include "atlas/AtlasSlice.h"
#include "studio/SectionViewModel.h"

namespace teramind::ui {
namespace {

constexpr int kOverviewRetryMs = 150;

// The 99th percentile of the positive values: a colour scale that a few hot bins do not flatten.
double robustMaximum(std::vector<float> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](float v) { return !(v > 0); }),
               values.end());
  if (values.empty()) return 1;
  const auto k = std::size_t(0.99 * double(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
  return std::max(1e-6, double(values[k]));
}

// One gene's counts (or all genes' when `gene` is empty) on one plane, [y][x].
std::vector<float> planeCounts(const BinnedCondition& condition, int plane,
                               std::optional<std::size_t> gene) {
  const BinGrid& grid = condition.grid();
  std::vector<float> values(std::size_t(grid.width) * std::size_t(grid.height), 0.0f);
  const auto add = [&](std::size_t g) {
    condition.forEachNonZero(g, [&](const BinIndex& b, float v) {
      if (b.plane == plane)
        values[std::size_t(b.y) * std::size_t(grid.width) + std::size_t(b.x)] += v;
    });
  };
  if (gene)
    add(*gene);
  else
    for (std::size_t g = 0; g < condition.geneCount(); ++g) add(g);
  return values;
}

}  // namespace

StudioSceneBinding::StudioSceneBinding(StudioModel& model, render::AtlasScene& scene,
                                       SliceViewPanel* slices, VtkViewport* viewport,
                                       QObject* parent)
    : QObject(parent), model_(model), scene_(scene), slices_(slices), viewport_(viewport) {
  model_.subscribe([this](StudioChange change) { changed(change); });
  // A larger 3D view may want a finer level of the pyramid than the picture shown.
  connect(viewport_, &VtkViewport::resized, this, [this] {
    if (sectionModel_ && overviewShownSide_ > 0 && overviewSide() > overviewShownSide_) {
      overviewPending_ = true;
      showOverview();
    }
  });
}

StudioSceneBinding::~StudioSceneBinding() {
  // Not unsubscribed: the section model may already be gone; its listener sees this instead.
  *alive_ = false;
}

void StudioSceneBinding::setSectionModel(SectionViewModel* sectionModel) {
  if (sectionModel_ && sectionListener_ >= 0) sectionModel_->unsubscribe(sectionListener_);
  sectionModel_ = sectionModel;
  sectionListener_ = -1;
  if (sectionModel_)
    sectionListener_ = sectionModel_->subscribe([this, alive = alive_](SectionViewChange change) {
      if (*alive) sectionViewChanged(change);
    });
  showSection();
  viewport_->requestRender();
}

int StudioSceneBinding::overviewSide() const {
  const double ratio = viewport_->devicePixelRatioF();
  const int longer = int(std::max(viewport_->width(), viewport_->height()) * ratio);
  int side = 256;
  while (side < longer && side < 2048) side *= 2;
  return side;
}

void StudioSceneBinding::sectionViewChanged(SectionViewChange change) {
  switch (change) {
    case SectionViewChange::Layers:  // the dataset's stains arrived, or their contrast changed
    case SectionViewChange::Plane:
      overviewPending_ = true;
      [[fallthrough]];
    case SectionViewChange::Tiles:
      // Composing the overview costs a frame: tiles arriving in bursts ask for it once per
      // burst, not once per tile.
      if (overviewPending_ && !overviewQueued_) {
        overviewQueued_ = true;
        QTimer::singleShot(kOverviewRetryMs, this, [this] {
          overviewQueued_ = false;
          if (overviewPending_) showOverview();
        });
      }
      break;
    default:
      break;
  }
}

void StudioSceneBinding::showOverview() {
  const SpatialDataset* dataset = model_.state().workspace.dataset();
  if (!sectionModel_ || !dataset || dataset->stains.empty()) {
    overviewPending_ = false;
    return;
  }
  RectUm extent;
  const int side = overviewSide();
  const RgbaImage image = sectionModel_->sectionOverview(side, &extent);
  if (image.width <= 0 || image.height <= 0 || extent.empty()) return;  // tiles still coming
  overviewPending_ = false;
  overviewShownSide_ = side;
  // The picture covers whole pixels from the extent's corner: the longer side exactly, the
  // shorter one perhaps a fraction of a pixel more.
  const double umPerPixel = std::max(extent.width() / image.width, extent.height() / image.height);
  render::SectionRaster picture;
  picture.width = image.width;
  picture.height = image.height;
  picture.rgba = image.pixels;
  picture.xUm = extent.x0;
  picture.yUm = extent.y0;
  picture.widthUm = image.width * umPerPixel;
  picture.heightUm = image.height * umPerPixel;
  // The plane drawn, where the section's planes lie (as the stain picture without a model).
  picture.zUm = sectionModel_->plane() * dataset->placement().planeSpacingUm;
  showPicture(picture);
  viewport_->requestRender();
}

void StudioSceneBinding::showPicture(const render::SectionRaster& picture) {
  const SpatialDataset* dataset = model_.state().workspace.dataset();
  if (!dataset) return;
  const AffineTransform& toAtlas = dataset->placement().sectionToAtlas;
  scene_.showSection(picture, toAtlas);
  slices_->setSection(picture, toAtlas);
  if (!sectionFramed_) {
    sectionFramed_ = true;
    scene_.focusSection(model_.placementState() == SectionPlacementState::Unplaced);
  }
}

void StudioSceneBinding::changed(StudioChange change) {
  switch (change) {
    case StudioChange::Selection:
      showSelection();
      break;
    case StudioChange::Dataset:
      showSection();
      break;
    case StudioChange::Condition:
    case StudioChange::Plane:
      showDensity();
      showOverlay();
      break;
    case StudioChange::GenePanel:
      showOverlay();
      break;
    case StudioChange::Tiles:
      showTiles(false);
      break;
    case StudioChange::Camera:
      if (!storingCamera_ && model_.state().camera) {
        const StudioCamera& c = *model_.state().camera;
        scene_.setCameraPose({c.position, c.focalPoint, c.viewUp, c.viewAngle});
      }
      break;
    default:
      return;
  }
  viewport_->requestRender();
}

void StudioSceneBinding::showSelection() {
  const auto id = model_.state().selection;
  scene_.selectStructure(id);
  slices_->selectStructure(id);
  // Bring the region into the slice views unless the cursor is already in it (a click there).
  if (id) {
    const Atlas& atlas = model_.atlas();
    const auto here = StructureId(atlas.annotation().at(slices_->cursor().voxel()));
    if (!atlas.ontology().contains(here) || !atlas.ontology().isDescendantOrSelf(here, *id))
      if (const auto v = regionCentreVoxel(atlas, *id)) slices_->moveCursor(*v);
  }
}

void StudioSceneBinding::showSection() {
  scene_.showSection(nullptr);
  slices_->setSection({}, {});
  scene_.clearGenerated();
  shown_.clear();
  sectionFramed_ = false;
  overviewShownSide_ = 0;
  overviewPending_ = false;
  const SpatialDataset* dataset = model_.state().workspace.dataset();
  if (!dataset || dataset->stains.empty()) return;  // the density follows once binned
  if (sectionModel_) {
    // From the pyramid, as its tiles arrive: nothing decoded here.
    overviewPending_ = true;
    showOverview();
    return;
  }
  try {
    // The scene draws at most 1024 px a side: a 2048-px overview, read by window, keeps a
    // whole-section mosaic out of memory.
    const auto stain = dataset->readStain(dataset->stains.front(), 2048);
    scene_.showSection(&stain, dataset->placement().sectionToAtlas);
    slices_->setSection(render::stainRaster(stain), dataset->placement().sectionToAtlas);
    scene_.focusSection(model_.placementState() == SectionPlacementState::Unplaced);
    sectionFramed_ = true;
  } catch (const std::exception& e) {
    model_.report(StudioMessage::Kind::Notice, "Stain image not shown", e.what());
  }
}

// A dataset without stains still shows where its molecules are: all genes' counts on the
// current plane, as a grey image on the section plane.
void StudioSceneBinding::showDensity() {
  const StudioState& s = model_.state();
  if (s.hasStains() || !s.ready()) return;
  const auto& condition = s.workspace.condition().condition();
  const BinGrid& grid = condition.grid();
  const auto values = planeCounts(condition, std::min(s.plane, grid.planes - 1), std::nullopt);
  const double top = robustMaximum(values);
  Image3D<std::uint8_t> image(
      {std::int64_t(grid.width), std::int64_t(grid.height), 1},
      PhysicalFrame({grid.originXUm + grid.binUm / 2, grid.originYUm + grid.binUm / 2,
                     s.plane * grid.planeSpacingUm},
                    {grid.binUm, grid.binUm, 1.0}));
  for (std::size_t i = 0; i < values.size(); ++i)
    image.voxels()[i] = std::uint8_t(std::clamp(values[i] / top, 0.0, 1.0) * 255.0 + 0.5);
  const bool first = !scene_.hasSection();
  scene_.showSection(&image, s.workspace.dataset()->placement().sectionToAtlas);
  slices_->setSection(render::stainRaster(image),
                      s.workspace.dataset()->placement().sectionToAtlas);
  if (first) scene_.focusSection(model_.placementState() == SectionPlacementState::Unplaced);
}

void StudioSceneBinding::showOverlay() {
  const StudioState& s = model_.state();
  if (s.overlayGene.empty() || !s.ready()) {
    scene_.setOverlay("gene", {});
    return;
  }
  const auto& condition = s.workspace.condition().condition();
  const auto index = condition.geneIndex(s.overlayGene);
  if (!index) {
    scene_.setOverlay("gene", {});
    return;
  }
  const BinGrid& grid = condition.grid();
  const int plane = std::min(s.plane, grid.planes - 1);
  const auto values = planeCounts(condition, plane, index);
  scene_.setOverlay("gene", render::binValueRaster(values, grid, plane * grid.planeSpacingUm,
                                                   robustMaximum(values)));
}

void StudioSceneBinding::showTiles(bool all) {
  const GeneratedTiles& tiles = model_.state().tiles;
  if (tiles.cores.empty() || all) {
    scene_.clearGenerated();
    shown_.clear();
  }
  for (const auto& [key, core] : tiles.cores) {
    if (shown_.count(key)) continue;
    render::TilePlacement placement;
    placement.pixelUm = tiles.pixelUm;
    placement.xUm = tiles.grid.originXUm + double(key[2]) * tiles.tilePixels * tiles.pixelUm;
    placement.yUm = tiles.grid.originYUm + double(key[1]) * tiles.tilePixels * tiles.pixelUm;
    placement.zUm = key[0] * tiles.grid.planeSpacingUm;
    scene_.setGeneratedTile(
        key[0], key[1], key[2],
        render::generatedTileRaster(core, tiles.tilePixels, tiles.stains, tiles.sections, 0,
                                    static_cast<render::StainDisplay>(display_), placement));
    shown_.insert(key);
  }
}

void StudioSceneBinding::setDisplay(int mode) {
  display_ = mode;
  showTiles(true);
  viewport_->requestRender();
}

void StudioSceneBinding::storeCamera() {
  const auto pose = scene_.cameraPose();
  storingCamera_ = true;
  model_.setCamera({pose.position, pose.focalPoint, pose.viewUp, pose.viewAngle});
  storingCamera_ = false;
}

}  // namespace teramind::ui
