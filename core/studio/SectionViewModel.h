#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/TaskRunner.h"
#include "sectionview/SectionCompositor.h"
#include "sectionview/SectionContents.h"
#include "sectionview/SectionExport.h"
#include "sectionview/SectionScene.h"
#include "sectionview/TiffPyramidSource.h"
#include "sectionview/TileCache.h"
#include "sectionview/TileLoader.h"
#include "studio/StudioState.h"

namespace teramind {

class Atlas;
class GeneratedTileSource;
class SectionAttention;
class StudioModel;
struct SpatialDataset;

// What changed, for the section view's widgets.
enum class SectionViewChange {
  Layers,  // added, removed, reordered, restyled
  Camera,  // pan, zoom, resize
  Tiles,   // tiles arrived in the cache: redraw
  Plane,
  Compare,  // mode or swipe position
  Busy,     // opening, building a pyramid, exporting (busyText())
  Message,  // a notice or error (lastMessage())
};

// Where the cursor is: section µm, the atlas point and structure where the section is placed,
// and the value of each visible image layer under it.
struct SectionReadout {
  double xUm = 0, yUm = 0;
  std::optional<std::array<double, 3>> ccfUm;
  std::string structure;  // "Primary somatosensory area, upper limb, layer 5 (SSp-ul5)"; "" outside
  std::vector<std::pair<std::string, double>> values;  // layer name, value (NaN: no data)
  std::string text() const;                            // one status-bar line
};

// The section explorer without a window (napari's ViewerModel for one section): the layer list,
// the camera, the plane, the comparison, the tile cache and its loader, readouts and exports.
// Widgets draw render() and call the actions; mouse and keys map to actions here so every
// gesture is tested without a window. Bound to a StudioModel it follows the studio: the open
// dataset's stains, molecules, outlines and atlas outline; the running job's output, its new
// tiles dropped from the cache as they arrive (the view can follow the job); the attention's
// pathway maps. Alone it shows a path (`teramind-studio --section PATH`).
class SectionViewModel {
 public:
  using Listener = std::function<void(SectionViewChange)>;
  struct Settings {
    std::size_t cacheBytes = std::size_t(512) << 20;  // a setting in the studio
    int loaderThreads = 2;
    TiffPyramidOptions pyramids;
  };

  SectionViewModel(std::shared_ptr<const Atlas> atlas, TaskRunner& runner, Settings settings);
  SectionViewModel(std::shared_ptr<const Atlas> atlas, TaskRunner& runner)
      : SectionViewModel(std::move(atlas), runner, Settings{}) {}
  // Stops the loader's workers and cancels a pyramid build or export under way (cancelBusy), so
  // that a runner joined after returns within about a second.
  ~SectionViewModel();
  SectionViewModel(const SectionViewModel&) = delete;
  SectionViewModel& operator=(const SectionViewModel&) = delete;

  int subscribe(Listener listener);
  void unsubscribe(int id);

  // --- what is shown ---
  // Follows a studio: its dataset, job output and attention (changes handled on the runner's
  // owner thread). Null unbinds; the studio must outlive the binding (or be unbound first).
  // The attention's map is drawn for its first two tracked genes (the studio keeps no pair).
  void bindStudio(StudioModel* studio);
  // Opens a path on its own (an NGFF image, a TIFF, a dataset) on the runner; Busy meanwhile,
  // Layers (and the camera fitted) when done, a Message on failure. It replaces the data shown
  // (a bound studio's dataset until the studio opens another); without a studio, everything.
  // Beside a bound studio a job's output (NgffPyramidSource::isTeramindOutput) is shown as
  // showOutput does instead, over the studio's stains.
  void openPath(const std::filesystem::path& path);
  // Shows a dataset's layers (pyramids made on the runner).
  void showDataset(std::shared_ptr<const SpatialDataset> dataset);
  // A job output (NGFF) as generated layers; `live` while the job runs.
  void showOutput(const std::filesystem::path& output, bool live);
  // Drops cached tiles of live layers that lie on these rectangles (a job's tiles just written).
  void outputTilesChanged(const std::vector<RectUm>& areas);
  // A job's finished tiles (the studio's, which the binding passes on): those not seen before
  // are laid over a live output (shown before the job writes them), their cached tiles
  // dropped, and the view follows the newest (setFollowJob). Empty tiles forget those seen.
  void showGeneratedTiles(const GeneratedTiles& tiles);
  bool busy() const { return busy_ > 0; }
  std::string busyText() const { return busyText_; }
  // Stops what busy() shows, where it can be stopped: an open (a pyramid being built stops
  // within about a second, nothing half made left; whatever the open read is not shown; a
  // "cancelled" notice, no error) and an export (no file written). Opens of a job's output and
  // the attention's maps are short and end on their own. A newer open of the data cancels the
  // one under way by itself.
  void cancelBusy();
  // Whether cancelBusy() has something to stop now (a Cancel button's state).
  bool canCancelBusy() const;
  // For scripts and tests: runs the runner's deliveries until nothing is opening and every tile
  // the current view needs is cached; false on timeout, or (with a message) when tiles of the
  // view failed to read and will not be drawn.
  bool waitUntilDrawn(ThreadTaskRunner* runner, std::chrono::milliseconds timeout);

  // --- the layer list ---
  const SectionScene& scene() const { return scene_; }
  void setStyle(int layer, const LayerStyle& style);
  void setVisible(int layer, bool visible);
  void moveLayer(int layer, int index);
  void removeLayer(int layer);
  // A count image for a gene of the molecules (false, message: no molecules or no such gene).
  bool addGeneCountLayer(const std::string& gene);
  int selectedLayer() const { return selected_; }
  void selectLayer(int layer);

  // --- camera and plane ---
  const SectionCamera& camera() const { return camera_; }
  void resize(int width, int height);  // the viewport; the first size fits the section
  void setCamera(const SectionCamera& camera);
  // Section µm at the view's left edge, top edge, and the width shown (--view-um X,Y,W).
  void showRegion(double xUm, double yUm, double widthUm);
  void fit();  // Home
  void zoomAt(double x, double y, double factor);
  void pan(double dx, double dy);
  int plane() const { return plane_; }
  void setPlane(int plane);  // clamped to the scene's planes
  void stepPlane(int delta);
  // While a bound studio's job runs, the view centres on each tile as it finishes; a tile out
  // of view is also zoomed to, a third of the view wide and at the output's level 0. On by
  // default.
  bool followJob() const { return followJob_; }
  void setFollowJob(bool follow);

  // Mouse and keys as napari and Neuroglancer have them: the wheel zooms at the cursor (120
  // units = one notch = ×1.25), a drag pans, ',' and '.' step planes, Home fits, '+'/'-' zoom
  // at the centre. Returns whether the key was taken.
  void wheel(double x, double y, double angleDelta);
  void drag(double dx, double dy);
  bool key(int key);  // Qt-compatible codes for Home (0x01000010); characters as themselves

  // --- comparison ---
  const CompareSettings& compare() const { return compare_; }
  void setCompareMode(CompareMode mode);
  void setSwipe(double fraction);

  // --- drawing ---
  // The view now, from the cache only: never reads a file or waits; tiles it lacks are asked
  // of the loader (a coarser level stands in meanwhile). Overlays (scale bar, colour bars)
  // drawn when a rasteriser is set.
  RgbaImage render();
  const CompositeStats& lastStats() const { return stats_; }
  // Of the last render's missing tiles, those that failed to read (not read again until their
  // source changes; told once as a Message) and those still loading (the view's corner label).
  std::size_t tilesFailedInView() const { return tilesFailedInView_; }
  std::size_t tilesLoading() const { return stats_.missing.size() - tilesFailedInView_; }
  void setTextRasteriser(TextRasteriser text) { text_ = std::move(text); }
  SectionReadout readout(double x, double y) const;

  // --- cache ---
  std::size_t cacheBytes() const { return cache_.bytes(); }
  std::size_t cachePeakBytes() const { return cache_.peakBytes(); }
  std::size_t cacheCap() const { return cache_.cap(); }
  void setCacheCap(std::size_t bytes);
  std::uint64_t tilesRequested() const { return loader_.tilesRead(); }

  // --- exports ---
  // The region now shown (or `region`) at `pixelUm` per pixel, on the runner; a Message when
  // written (its size) or failed.
  void exportView(const std::filesystem::path& file, double pixelUm,
                  std::optional<RectUm> region = std::nullopt);
  // The same on the caller's thread (scripts, tests), through the view's cache; throws
  // FileError naming the file for a region or pixel size it refuses, and what a source throws.
  SectionExportResult exportViewNow(const std::filesystem::path& file, double pixelUm,
                                    std::optional<RectUm> region = std::nullopt);

  // The real stains over the whole section at most `maxSide` px a side from the cache (the 3D
  // view's and slice views' texture); empty until its tiles are read (asked for here) — views
  // call again on Tiles — so a view never shows a half texture. Its µm extent in `extent`
  // (set even while empty; an empty rectangle when the scene has no real stain).
  RgbaImage sectionOverview(int maxSide, RectUm* extent);

  // The newest notice or error (null when none); every one is kept in messages().
  const StudioMessage* lastMessage() const;
  const std::vector<StudioMessage>& messages() const { return messages_; }
  // The dataset whose layers are shown (opened here or the studio's); null when none.
  const std::shared_ptr<const SpatialDataset>& dataset() const { return dataset_; }

 private:
  // Who put a source or layer in the scene: the data (a dataset or a path opened alone), a
  // job's output, the molecules and outlines of a dataset opened alone (read after its stains,
  // which show first), the attention's maps. Each group is replaced as a whole, listed in this
  // order.
  enum class ContentGroup { Data, Output, Molecules, Attention };

  void notify(SectionViewChange change);
  void report(StudioMessage::Kind kind, std::string title, std::string text);
  void beginBusy(const std::string& text);
  void endBusy();
  // Work on the runner that cancelBusy() stops: its flag, set to cancel (read by the worker).
  using CancelFlag = std::shared_ptr<std::atomic<bool>>;
  CancelFlag startCancellable();
  void finishCancellable(const CancelFlag& flag);
  // Puts `built`'s sources and layers in the scene as `group` (their ids given anew: a cached
  // tile of a dropped source never stands for a new one), after dropping the group's old ones.
  void replaceGroup(ContentGroup group, const SectionScene& built);
  void dropGroup(ContentGroup group);
  void orderLayersByGroup();
  void sceneChanged(bool fitCamera);
  // Whether the camera is where content arriving last fitted it (the user has not moved it).
  bool cameraAsAutoFitted() const;
  std::vector<int> sourcesOf(ContentGroup group) const;
  // Shows a dataset or path opened on the runner: the content built there, the dataset (null
  // for an image alone) and notes for the user, as `group` (Data: the camera fits it). `then`
  // runs on the owner's thread once it is shown. `build` gets the open's cancellation check
  // (for TiffPyramidOptions::cancelled); the open under way before is cancelled. Only an open
  // whose build asks that check is `cancellable` (offered to cancelBusy(): a Cancel button that
  // stops nothing is not shown).
  using OpenBuild = std::function<SectionScene(
      std::shared_ptr<const SpatialDataset>&, std::vector<std::string>&,
      const std::function<void(std::string)>&, const std::function<bool()>& cancelled)>;
  void openInBackground(const std::string& what, OpenBuild build, bool cancellable, bool dropOthers,
                        ContentGroup group = ContentGroup::Data, std::function<void()> then = {});
  // The molecules, outlines and atlas outline of a dataset whose stains are shown (openPath).
  void openMolecules(const std::filesystem::path& path);
  void showOutputSource(const std::filesystem::path& output, bool live, bool fromStudio);
  double minUmPerPixel() const;
  double maxUmPerPixel() const;
  // The pane under view column x: side by side, each half is drawn with a camera of its own
  // width around the view's centre (SectionCompositor); else the whole view. x in the pane.
  struct ViewPane {
    SectionCamera camera;
    double x = 0;
  };
  ViewPane paneAt(double x) const;
  // The studio binding.
  void studioChanged(StudioChange change);
  void followOutput();
  void outputChanged();
  void dropOutput();
  // Opens a path beside a bound studio: a job output to the Output group (the studio's stains
  // kept for comparison), anything else as the data.
  void openPathAsData(const std::filesystem::path& path);
  void showAttention(std::shared_ptr<const SectionAttention> attention);

  std::shared_ptr<const Atlas> atlas_;
  TaskRunner& runner_;
  Settings settings_;
  mutable TileCache cache_;  // readouts look tiles up (marking them used) from const methods
  TileLoader loader_;
  SectionScene scene_;
  SectionCamera camera_;
  bool sized_ = false;        // the camera was fitted to the content or given a region
  bool viewportSet_ = false;  // resize() was called
  bool keepRegion_ = false;   // showRegion() before any content: the content does not refit
  std::optional<SectionCamera> autoFit_;  // where the last automatic fit put the camera
  int plane_ = 0;
  bool followJob_ = true;
  CompareSettings compare_;
  int selected_ = -1;
  int busy_ = 0;
  std::string busyText_;
  std::vector<CancelFlag> cancellable_;  // opens and exports under way
  CancelFlag dataOpenCancel_;            // the newest data open's: a newer open sets it
  CompositeStats stats_;
  std::size_t tilesFailedInView_ = 0;
  TextRasteriser text_;
  std::vector<std::pair<int, Listener>> listeners_;
  int nextListener_ = 0;
  std::map<int, ContentGroup> sourceGroups_, layerGroups_;
  std::shared_ptr<const SpatialDataset> dataset_;
  // The dataset the Data group shows (null: an image opened alone); a bound studio's overview
  // is its own dataset's stains only.
  const SpatialDataset* dataGroupDataset_ = nullptr;
  std::vector<StudioMessage> messages_;
  std::vector<TileKey> overviewMissing_;  // the overview's tiles, asked for with the view's
  // Bumped by each open of its kind: a slower earlier open's result is dropped.
  std::uint64_t dataOpens_ = 0, outputOpens_ = 0, attentionRuns_ = 0;
  // The studio's job output when its dataset was replaced: not shown over the new data.
  std::filesystem::path staleOutput_;
  // Following a studio.
  StudioModel* studio_ = nullptr;
  int studioListener_ = -1;
  const SpatialDataset* datasetAsked_ = nullptr;  // the studio's dataset last shown or opening
  std::filesystem::path outputShown_;  // the output whose layers are shown (or being opened)
  bool outputLive_ = false;
  // Shown by hand (showOutput, openPath of a job output): kept while the studio has no job
  // output or still the one it had then; replaced once the studio's output moves on.
  bool outputByHand_ = false;
  std::filesystem::path studioOutput_;  // the studio's job output last seen
  bool outputProbing_ = false;          // the runner is looking whether its store is there yet
  std::shared_ptr<GeneratedTileSource> liveOutput_;  // its finished tiles not yet in the store
  std::set<std::array<int, 3>> tilesSeen_;           // GeneratedTiles keys already handled
  std::optional<RectUm> newestTile_;                 // where the job's last tile lies
  std::shared_ptr<const SectionAttention> attentionShown_;
  std::shared_ptr<bool> alive_;  // posted callbacks check it on the owner thread
  std::shared_ptr<std::atomic<bool>> repaintPosted_;
};

}  // namespace teramind
