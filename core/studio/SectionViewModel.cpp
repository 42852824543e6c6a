#include "studio/SectionViewModel.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/core.h>

#include "atlas/Atlas.h"
#include "io/SpatialDataset.h"
#include "sectionview/TranscriptIndex.h"
#include "studio/GeneratedTileSource.h"
#include "studio/StudioModel.h"

// The section view's model: listeners, the layer list, camera, plane and keys, comparison,
// drawing and the cache. Opening content is in SectionViewModelContent.cpp, following a studio
// in SectionViewModelStudio.cpp, readouts and exports in SectionViewModelReadout.cpp.
namespace teramind {

namespace {
constexpr int kHomeKey = 0x01000010;  // Qt::Key_Home
constexpr double kWheelNotch = 120;   // angle delta of one wheel notch
constexpr double kNotchZoom = 1.25;
}  // namespace

SectionViewModel::SectionViewModel(std::shared_ptr<const Atlas> atlas, TaskRunner& runner,
                                   Settings settings)
    : atlas_(std::move(atlas)),
      runner_(runner),
      settings_(std::move(settings)),
      cache_(settings_.cacheBytes),
      loader_(cache_, std::max(1, settings_.loaderThreads)),
      alive_(std::make_shared<bool>(true)),
      repaintPosted_(std::make_shared<std::atomic<bool>>(false)) {
  // Called on a loader worker after each tile: one repaint is posted however many arrive
  // before the owner gets to it. The lambda holds copies, never `this` outside the owner.
  loader_.setArrived([runner = &runner_, posted = repaintPosted_, alive = alive_, this] {
    if (posted->exchange(true)) return;
    runner->post([posted, alive, this] {
      posted->store(false);
      if (*alive) notify(SectionViewChange::Tiles);
    });
  });
  // A source's first tile that cannot be read is said once (its file named), not per frame.
  loader_.setFailed([runner = &runner_, alive = alive_, this](int, const std::string& error) {
    runner->post([alive, this, error] {
      if (*alive) report(StudioMessage::Kind::Error, "Tiles not read", error);
    });
  });
}

SectionViewModel::~SectionViewModel() {
  for (const auto& flag : cancellable_) flag->store(true);
  *alive_ = false;
  if (studio_ && studioListener_ >= 0) studio_->unsubscribe(studioListener_);
  loader_.setArrived({});
  loader_.setFailed({});
}

int SectionViewModel::subscribe(Listener listener) {
  listeners_.emplace_back(nextListener_, std::move(listener));
  return nextListener_++;
}

void SectionViewModel::unsubscribe(int id) {
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const auto& l) { return l.first == id; }),
                   listeners_.end());
}

void SectionViewModel::notify(SectionViewChange change) {
  // A listener may subscribe or unsubscribe while being told.
  const auto listeners = listeners_;
  for (const auto& [id, listener] : listeners) listener(change);
}

void SectionViewModel::report(StudioMessage::Kind kind, std::string title, std::string text) {
  messages_.push_back({kind, std::move(title), std::move(text)});
  if (messages_.size() > 100) messages_.erase(messages_.begin());
  notify(SectionViewChange::Message);
}

const StudioMessage* SectionViewModel::lastMessage() const {
  return messages_.empty() ? nullptr : &messages_.back();
}

void SectionViewModel::beginBusy(const std::string& text) {
  ++busy_;
  busyText_ = text;
  notify(SectionViewChange::Busy);
}

void SectionViewModel::endBusy() {
  busy_ = std::max(0, busy_ - 1);
  if (busy_ == 0) busyText_.clear();
  notify(SectionViewChange::Busy);
}

SectionViewModel::CancelFlag SectionViewModel::startCancellable() {
  cancellable_.push_back(std::make_shared<std::atomic<bool>>(false));
  return cancellable_.back();
}

void SectionViewModel::finishCancellable(const CancelFlag& flag) {
  cancellable_.erase(std::remove(cancellable_.begin(), cancellable_.end(), flag),
                     cancellable_.end());
}

void SectionViewModel::cancelBusy() {
  bool stopped = false;
  for (const auto& flag : cancellable_) stopped = !flag->exchange(true) || stopped;
  if (!stopped) return;
  busyText_ = "Cancelling…";
  notify(SectionViewChange::Busy);
}

bool SectionViewModel::canCancelBusy() const {
  return std::any_of(cancellable_.begin(), cancellable_.end(),
                     [](const CancelFlag& flag) { return !flag->load(); });
}

// --- the layer list ---

void SectionViewModel::setStyle(int layer, const LayerStyle& style) {
  SectionLayer* l = scene_.layer(layer);
  if (!l) return;
  l->style = style;
  l->style.opacity = std::clamp(style.opacity, 0.0, 1.0);
  if (!(l->style.gamma > 0)) l->style.gamma = 1;
  notify(SectionViewChange::Layers);
}

void SectionViewModel::setVisible(int layer, bool visible) {
  SectionLayer* l = scene_.layer(layer);
  if (!l || l->style.visible == visible) return;
  l->style.visible = visible;
  notify(SectionViewChange::Layers);
}

void SectionViewModel::moveLayer(int layer, int index) {
  if (!scene_.layer(layer)) return;
  scene_.moveLayer(layer, index);
  notify(SectionViewChange::Layers);
}

void SectionViewModel::removeLayer(int layer) {
  const SectionLayer* l = scene_.layer(layer);
  if (!l) return;
  const int source = l->source;
  scene_.removeLayer(layer);
  layerGroups_.erase(layer);
  if (selected_ == layer) selected_ = -1;
  // A source no layer draws any more is closed, its tiles dropped from the cache.
  const auto& layers = scene_.layers();
  if (source >= 0 && std::none_of(layers.begin(), layers.end(),
                                  [source](const SectionLayer& o) { return o.source == source; })) {
    scene_.removeSource(source);
    loader_.removeSource(source);
    sourceGroups_.erase(source);
  }
  notify(SectionViewChange::Layers);
}

bool SectionViewModel::addGeneCountLayer(const std::string& gene) {
  const auto& layers = scene_.layers();
  const auto points = std::find_if(layers.begin(), layers.end(), [](const SectionLayer& l) {
    return l.kind == SectionLayerKind::Points && l.transcripts;
  });
  if (points == layers.end()) {
    report(StudioMessage::Kind::Error, "No count image",
           "the section shows no molecules to count " + gene + " in");
    return false;
  }
  const ContentGroup group =
      layerGroups_.count(points->id) ? layerGroups_.at(points->id) : ContentGroup::Data;
  const SectionLayer pointsLayer = *points;  // addGeneCountLayer adds to the list it points in
  const std::set<int> before = [&] {
    std::set<int> ids;
    for (const auto& [id, source] : scene_.sources()) ids.insert(id);
    return ids;
  }();
  // Exact name first, else any case ("slc17a7" finds Slc17a7); the scene is untouched when none.
  const int id = teramind::addGeneCountLayer(scene_, pointsLayer, gene);
  if (id < 0) {
    report(StudioMessage::Kind::Error, "No count image",
           "the molecules hold no gene named \"" + gene + "\"");
    return false;
  }
  layerGroups_[id] = group;
  for (const auto& [sourceId, source] : scene_.sources())
    if (!before.count(sourceId)) {
      sourceGroups_[sourceId] = group;
      loader_.addSource(sourceId, source);
    }
  orderLayersByGroup();
  selected_ = id;
  notify(SectionViewChange::Layers);
  return true;
}

void SectionViewModel::selectLayer(int layer) {
  selected_ = scene_.layer(layer) ? layer : -1;
  notify(SectionViewChange::Layers);
}

// --- camera and plane ---

double SectionViewModel::minUmPerPixel() const {
  // Close up to an eighth of the finest image pixel (a nucleus fills the view).
  double finest = 0;
  for (const auto& [id, source] : scene_.sources()) {
    const auto& levels = source->info().levels;
    if (!levels.empty() && levels[0].pixelUm > 0)
      finest = finest > 0 ? std::min(finest, levels[0].pixelUm) : levels[0].pixelUm;
  }
  return (finest > 0 ? finest : 1.0) / 8;
}

double SectionViewModel::maxUmPerPixel() const {
  // Out until the whole section is 64 px across.
  const RectUm extent = scene_.extent();
  const double side = extent.empty() ? 0 : std::max(extent.width(), extent.height());
  return std::max(minUmPerPixel() * 2, side / 64);
}

void SectionViewModel::resize(int width, int height) {
  camera_.width = std::max(1, width);
  camera_.height = std::max(1, height);
  viewportSet_ = true;
  if (!sized_ && !keepRegion_ && !scene_.extent().empty()) {
    camera_.fit(scene_.extent());
    sized_ = true;
    autoFit_ = camera_;
  }
  notify(SectionViewChange::Camera);
}

bool SectionViewModel::cameraAsAutoFitted() const {
  if (!autoFit_) return !sized_;
  const SectionCamera& a = *autoFit_;
  return a.centreXUm == camera_.centreXUm && a.centreYUm == camera_.centreYUm &&
         a.umPerPixel == camera_.umPerPixel && a.width == camera_.width &&
         a.height == camera_.height;
}

void SectionViewModel::setCamera(const SectionCamera& camera) {
  camera_ = camera;
  camera_.width = std::max(1, camera.width);
  camera_.height = std::max(1, camera.height);
  if (!(camera_.umPerPixel > 0) || !std::isfinite(camera_.umPerPixel)) camera_.umPerPixel = 1;
  sized_ = true;
  keepRegion_ = scene_.extent().empty();  // as showRegion: content arriving later keeps it
  notify(SectionViewChange::Camera);
}

void SectionViewModel::showRegion(double xUm, double yUm, double widthUm) {
  if (!(widthUm > 0) || !std::isfinite(xUm) || !std::isfinite(yUm)) return;
  camera_.umPerPixel = widthUm / camera_.width;
  camera_.centreXUm = xUm + widthUm / 2;
  camera_.centreYUm = yUm + camera_.umPerPixel * camera_.height / 2;
  sized_ = true;
  keepRegion_ = scene_.extent().empty();  // asked before the content came: kept when it does
  notify(SectionViewChange::Camera);
}

void SectionViewModel::fit() {
  keepRegion_ = false;
  const RectUm extent = scene_.extent();
  if (extent.empty()) return;
  if (compare_.mode == CompareMode::SideBySide) {
    // Each pane shows the whole section: fitted at a pane's width, one camera for both.
    SectionCamera pane = camera_;
    pane.width = std::max(1, camera_.width / 2);
    pane.fit(extent);
    camera_.centreXUm = pane.centreXUm;
    camera_.centreYUm = pane.centreYUm;
    camera_.umPerPixel = pane.umPerPixel;
  } else {
    camera_.fit(extent);
  }
  notify(SectionViewChange::Camera);
}

SectionViewModel::ViewPane SectionViewModel::paneAt(double x) const {
  ViewPane pane{camera_, x};
  if (compare_.mode != CompareMode::SideBySide) return pane;
  // As composeSectionColumns splits the view.
  const int half = camera_.width / 2;
  if (x < half) {
    pane.camera.width = std::max(1, half);
  } else {
    pane.camera.width = std::max(1, camera_.width - half);
    pane.x = x - half;
  }
  return pane;
}

void SectionViewModel::zoomAt(double x, double y, double factor) {
  if (!(factor > 0) || !std::isfinite(factor)) return;
  // The point under the cursor stays put in its pane; the panes share one centre and scale.
  ViewPane pane = paneAt(x);
  pane.camera.zoomAt(pane.x, y, factor, minUmPerPixel(), maxUmPerPixel());
  camera_.centreXUm = pane.camera.centreXUm;
  camera_.centreYUm = pane.camera.centreYUm;
  camera_.umPerPixel = pane.camera.umPerPixel;
  notify(SectionViewChange::Camera);
}

void SectionViewModel::pan(double dx, double dy) {
  camera_.pan(dx, dy);
  notify(SectionViewChange::Camera);
}

void SectionViewModel::setPlane(int plane) {
  const int clamped = std::clamp(plane, 0, std::max(0, scene_.planes() - 1));
  if (clamped == plane_) return;
  plane_ = clamped;
  notify(SectionViewChange::Plane);
}

void SectionViewModel::stepPlane(int delta) {
  setPlane(plane_ + delta);
}

void SectionViewModel::setFollowJob(bool follow) {
  followJob_ = follow;
  if (follow) followOutput();
}

void SectionViewModel::wheel(double x, double y, double angleDelta) {
  zoomAt(x, y, std::pow(kNotchZoom, angleDelta / kWheelNotch));
}

void SectionViewModel::drag(double dx, double dy) {
  pan(dx, dy);
}

bool SectionViewModel::key(int key) {
  switch (key) {
    case ',':
      stepPlane(-1);
      return true;
    case '.':
      stepPlane(1);
      return true;
    case kHomeKey:
      fit();
      return true;
    case '+':
    case '=':
    case '-': {
      // At the view's centre, which is each pane's centre too.
      camera_.zoomAt(camera_.width / 2.0, camera_.height / 2.0,
                     key == '-' ? 1 / kNotchZoom : kNotchZoom, minUmPerPixel(), maxUmPerPixel());
      notify(SectionViewChange::Camera);
      return true;
    }
    default:
      return false;
  }
}

// --- comparison ---

void SectionViewModel::setCompareMode(CompareMode mode) {
  compare_.mode = mode;
  notify(SectionViewChange::Compare);
}

void SectionViewModel::setSwipe(double fraction) {
  compare_.swipe = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.5;
  notify(SectionViewChange::Compare);
}

// --- drawing ---

RgbaImage SectionViewModel::render() {
  stats_ = {};
  RgbaImage image = composeSection(scene_, camera_, plane_, compare_, cache_, &stats_);
  // The view's tiles first; the overview's (the 3D view's texture) after them.
  std::vector<TileKey> wanted = stats_.missing;
  wanted.insert(wanted.end(), overviewMissing_.begin(), overviewMissing_.end());
  loader_.request(wanted);
  // Tiles that failed are not read again: not "loading" (told once as a Message). They stay in
  // stats_.missing, so that a frame with them is never taken as complete.
  std::vector<TileKey> loading = stats_.missing;
  tilesFailedInView_ = loader_.removeFailed(loading);
  drawScaleBar(image, 0, image.width, image.height, camera_.umPerPixel, text_);
  drawColourBars(image, 0, image.width, image.height, scene_, text_);
  // Which plane ',' and '.' stepped to, when there are several (as exports draw it).
  drawPlaneLabel(image, 0, image.width, image.height, scene_, plane_, text_, camera_.umPerPixel);
  return image;
}

void SectionViewModel::setCacheCap(std::size_t bytes) {
  cache_.setCap(bytes);
}

bool SectionViewModel::waitUntilDrawn(ThreadTaskRunner* runner, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  int stuck = 0;  // rounds in which the loader had nothing to read for tiles still missing
  for (;;) {
    if (runner) runner->deliver();
    render();
    if (!busy() && stats_.complete() && loader_.idle()) {
      if (runner) runner->deliver();  // the last Tiles repaint
      return true;
    }
    // Tiles that failed are not read again: waiting longer would not draw them.
    stuck = !busy() && tilesFailedInView_ > 0 && loader_.idle() ? stuck + 1 : 0;
    if (stuck >= 3) {
      report(StudioMessage::Kind::Error, "Tiles not drawn",
             fmt::format("{} tiles of the view could not be read: {}", tilesFailedInView_,
                         loader_.lastError()));
      return false;
    }
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace teramind
