#include "studio/LandmarkTool.h"

#include <stdexcept>

#include "common/FileError.h"
#include "io/LandmarkFile.h"

namespace teramind {
namespace {
constexpr std::size_t kMaxUndoSteps = 1000;

bool samePairs(const std::vector<Landmark>& a, const std::vector<Landmark>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].sectionXUm != b[i].sectionXUm ||
        a[i].sectionYUm != b[i].sectionYUm || a[i].atlasUm != b[i].atlasUm)
      return false;
  return true;
}
}  // namespace

LandmarkTool::LandmarkTool() {
  refit();
}

bool LandmarkTool::clickSection(double xUm, double yUm) {
  pendingSection_ = std::make_pair(xUm, yUm);
  if (pendingAtlas_) return completePair();
  changed();
  return false;
}

bool LandmarkTool::clickAtlas(const Vec3& atlasUm) {
  pendingAtlas_ = atlasUm;
  if (pendingSection_) return completePair();
  changed();
  return false;
}

void LandmarkTool::cancelPending() {
  pendingSection_.reset();
  pendingAtlas_.reset();
  changed();
}

bool LandmarkTool::completePair() {
  Landmark l{freeName(), pendingSection_->first, pendingSection_->second, *pendingAtlas_};
  pendingSection_.reset();
  pendingAtlas_.reset();
  if (add(std::move(l))) return true;
  if (listener_) listener_();  // the pending markers went; lastError says why no pair came
  return false;
}

std::string LandmarkTool::freeName() const {
  for (std::size_t n = landmarks_.size() + 1;; ++n) {
    const std::string name = "L" + std::to_string(n);
    bool used = false;
    for (const Landmark& l : landmarks_) used = used || l.name == name;
    if (!used) return name;
  }
}

bool LandmarkTool::add(Landmark landmark) {
  if (landmark.name.empty()) landmark.name = freeName();
  for (const Landmark& l : landmarks_)
    if (l.name == landmark.name) return fail("a landmark is already named '" + l.name + "'");
  if (landmarks_.size() >= kMaxLandmarks)
    return fail("at most " + std::to_string(kMaxLandmarks) + " landmarks");
  auto after = landmarks_;
  const std::string what = "add " + landmark.name;
  after.push_back(std::move(landmark));
  apply(std::move(after), what);
  return true;
}

bool LandmarkTool::moveSectionPoint(std::size_t index, double xUm, double yUm) {
  if (index >= landmarks_.size()) return fail("no landmark " + std::to_string(index + 1));
  auto after = landmarks_;
  after[index].sectionXUm = xUm;
  after[index].sectionYUm = yUm;
  apply(std::move(after), "move " + landmarks_[index].name + " on the section");
  return true;
}

bool LandmarkTool::moveAtlasPoint(std::size_t index, const Vec3& atlasUm) {
  if (index >= landmarks_.size()) return fail("no landmark " + std::to_string(index + 1));
  auto after = landmarks_;
  after[index].atlasUm = atlasUm;
  apply(std::move(after), "move " + landmarks_[index].name + " in the atlas");
  return true;
}

bool LandmarkTool::remove(std::size_t index) {
  if (index >= landmarks_.size()) return fail("no landmark " + std::to_string(index + 1));
  auto after = landmarks_;
  after.erase(after.begin() + std::ptrdiff_t(index));
  apply(std::move(after), "delete " + landmarks_[index].name);
  return true;
}

void LandmarkTool::replaceAll(std::vector<Landmark> landmarks, const std::string& what) {
  apply(std::move(landmarks), what);
}

bool LandmarkTool::open(const std::filesystem::path& csv) {
  try {
    replaceAll(readLandmarks(csv), "open " + csv.filename().string());
    return true;
  } catch (const FileError& e) {
    return fail(e.what());
  }
}

bool LandmarkTool::openSaved(const std::filesystem::path& csv) {
  try {
    landmarks_ = readLandmarks(csv);
  } catch (const FileError& e) {
    return fail(e.what());
  }
  undo_.clear();
  redo_.clear();
  savedLandmarks_ = landmarks_;
  changed();
  return true;
}

bool LandmarkTool::undo() {
  if (undo_.empty()) return fail("nothing to undo");
  Step step = std::move(undo_.back());
  undo_.pop_back();
  landmarks_ = step.before;
  redo_.push_back(std::move(step));
  changed();
  return true;
}

bool LandmarkTool::redo() {
  if (redo_.empty()) return fail("nothing to redo");
  Step step = std::move(redo_.back());
  redo_.pop_back();
  landmarks_ = step.after;
  undo_.push_back(std::move(step));
  changed();
  return true;
}

bool LandmarkTool::save(const SpatialDataset& dataset) {
  if (!fit_) return fail("nothing to save: " + fitProblem_);
  try {
    savedTo_ = savePlacement(dataset, landmarks_, *fit_);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  savedLandmarks_ = landmarks_;
  changed();
  return true;
}

bool LandmarkTool::hasUnsavedChanges() const {
  return !samePairs(landmarks_, savedLandmarks_);
}

void LandmarkTool::markSaved() {
  savedLandmarks_ = landmarks_;
  changed();
}

void LandmarkTool::setSectionExtent(std::optional<SectionExtentUm> extent) {
  sectionExtent_ = extent;
  changed();
}

void LandmarkTool::apply(std::vector<Landmark> after, std::string what) {
  // The pairs are a few dozen: a whole copy per step is simpler than inverse commands.
  undo_.push_back({landmarks_, after, std::move(what)});
  if (undo_.size() > kMaxUndoSteps) undo_.erase(undo_.begin());
  redo_.clear();
  landmarks_ = std::move(after);
  changed();
}

void LandmarkTool::changed() {
  lastError_.clear();
  refit();
  if (listener_) listener_();
}

void LandmarkTool::refit() {
  try {
    fit_ = fitLandmarks(landmarks_, sectionExtent_);
    fitProblem_.clear();
  } catch (const std::invalid_argument& e) {
    fit_.reset();
    fitProblem_ = e.what();
  }
}

bool LandmarkTool::fail(std::string message) {
  lastError_ = std::move(message);
  return false;
}

}  // namespace teramind
