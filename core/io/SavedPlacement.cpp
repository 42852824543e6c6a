#include "io/SavedPlacement.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/LandmarkFile.h"

namespace teramind {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSidecarFormat = "teramind-section-placement";
// A placement file is a few hundred bytes; anything far larger is not one.
constexpr std::uintmax_t kMaxPlacementFileBytes = std::uintmax_t(1) << 20;

nlohmann::ordered_json readJson(const fs::path& file) {
  std::error_code error;
  const auto bytes = fs::file_size(file, error);
  if (error) throw FileError(file, "cannot be read: " + error.message());
  if (bytes > kMaxPlacementFileBytes) throw FileError(file, "is too large for a placement file");
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot be opened for reading");
  try {
    return nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(file, std::string("not valid JSON: ") + e.what());
  }
}

constexpr const char* kFitNotePrefix = "fitted from ";

std::string fitNote(const std::vector<Landmark>& landmarks, const LandmarkFit& fit,
                    const fs::path& file) {
  return fmt::format("{}{} landmarks in {} (RMS {:.1f} um, max {:.1f} um)", kFitNotePrefix,
                     landmarks.size(), file.filename().string(), fit.rmsUm, fit.maxUm);
}

// Updates `p` (a section_to_atlas object, possibly the user's) in place: keys it already has
// keep their order, a note the user wrote stays and the tool's goes to fit_note.
void writePlacementJson(nlohmann::ordered_json& p, const std::vector<Landmark>& landmarks,
                        const LandmarkFit& fit, const fs::path& landmarksFile) {
  if (!p.is_object()) p = nlohmann::ordered_json::object();
  const auto m = cleanRowMajor(fit.sectionToAtlas);
  p["matrix_3x4"] = std::vector<double>(m.begin(), m.end());
  const std::string note = fitNote(landmarks, fit, landmarksFile);
  const auto old = p.find("note");
  const bool usersNote = old != p.end() && old->is_string() && !old->get<std::string>().empty() &&
                         old->get<std::string>().rfind(kFitNotePrefix, 0) != 0;
  if (usersNote)
    p["fit_note"] = note;
  else {
    p["note"] = note;
    p.erase("fit_note");
  }
  p["landmarks"] = landmarksFile.filename().string();
  p["landmark_rms_um"] = fit.rmsUm;
  p["landmark_max_um"] = fit.maxUm;
}

AffineTransform placementFromSidecar(const fs::path& sidecar, std::string& note) {
  const auto j = readJson(sidecar);
  try {
    if (!j.is_object() || j.value("format", "") != kSidecarFormat)
      throw FileError(sidecar, std::string("not a ") + kSidecarFormat + " file");
    if (j.value("version", 0) != 1)
      throw FileError(sidecar,
                      "unsupported placement version " + std::to_string(j.value("version", 0)));
    const auto& p = j.at("section_to_atlas");
    const auto m = p.at("matrix_3x4").get<std::vector<double>>();
    if (m.size() != 12) throw FileError(sidecar, "section_to_atlas.matrix_3x4 needs 12 numbers");
    std::array<double, 12> values{};
    for (std::size_t i = 0; i < 12; ++i) {
      if (!std::isfinite(m[i]))
        throw FileError(sidecar, "section_to_atlas.matrix_3x4 has a value that is not finite");
      values[i] = m[i];
    }
    const AffineTransform placement = AffineTransform::fromRowMajor(values);
    try {
      placement.inverse();
    } catch (const std::invalid_argument&) {
      throw FileError(sidecar, "section_to_atlas.matrix_3x4 is singular: it places nothing");
    }
    note = p.value("note", "");
    return placement;
  } catch (const nlohmann::json::exception& e) {
    throw FileError(sidecar, std::string("malformed placement: ") + e.what());
  }
}

}  // namespace

std::array<double, 12> cleanRowMajor(const AffineTransform& transform) {
  auto m = transform.toRowMajor();
  for (double& v : m)
    if (std::abs(v) < 1e-9) v = 0;
  return m;
}

std::optional<SectionExtentUm> sectionExtentOf(const SpatialDataset& dataset) {
  const std::vector<float>* x = nullptr;
  const std::vector<float>* y = nullptr;
  if (const auto* t = dataset.transcripts(); t && t->size() > 0) x = &t->x, y = &t->y;
  if (const auto* c = dataset.cells(); c && c->cellCount() > 0) x = &c->x, y = &c->y;
  if (!x || x->empty()) return std::nullopt;
  const auto [x0, x1] = std::minmax_element(x->begin(), x->end());
  const auto [y0, y1] = std::minmax_element(y->begin(), y->end());
  return SectionExtentUm{*x0, *x1, *y0, *y1};
}

SectionPlacement& placementOf(SpatialDataset& dataset) {
  if (auto* t = std::get_if<TranscriptTable>(&dataset.data)) return t->placement;
  return std::get<CellTable>(dataset.data).placement;
}

PlacementFiles placementFilesOf(const SpatialDataset& dataset) {
  const fs::path& source = dataset.source;
  if (dataset.format == SpatialFormat::DatasetManifest)
    return {source, source.parent_path() / "section_landmarks.csv", true};
  // Folder formats opened through one of their files (a Xenium transcripts.parquet, a CosMx
  // tx_file, a STARmap expression file) read their folder: it is the same data either way, so
  // one sidecar in it. (A STARmap file's own sidecar names would also match its "expr" pattern.)
  const bool folder = fs::is_directory(source) || dataset.format == SpatialFormat::StarmapPair ||
                      dataset.format == SpatialFormat::XeniumOutput ||
                      dataset.format == SpatialFormat::CosmxOutput;
  if (folder) {
    const fs::path root = fs::is_directory(source) ? source : source.parent_path();
    return {root / "teramind_placement.json", root / "teramind_landmarks.csv", false};
  }
  const std::string name = source.filename().string();
  return {source.parent_path() / (name + ".placement.json"),
          source.parent_path() / (name + ".landmarks.csv"), false};
}

PlacementFiles savePlacement(const SpatialDataset& dataset, const std::vector<Landmark>& landmarks,
                             const LandmarkFit& fit) {
  const PlacementFiles files = placementFilesOf(dataset);
  // The landmarks first: a placement never names a landmarks file that is not there.
  writeLandmarks(files.landmarks, landmarks, fit);
  nlohmann::ordered_json j;
  if (files.inManifest) {
    j = readJson(files.placement);
    if (!j.is_object()) throw FileError(files.placement, "not a dataset manifest");
  } else {
    j["format"] = kSidecarFormat;
    j["version"] = 1;
  }
  writePlacementJson(j["section_to_atlas"], landmarks, fit, files.landmarks);
  writeTextFileAtomically(files.placement, j.dump(2) + "\n");
  return files;
}

std::optional<fs::path> savedLandmarksFile(const SpatialDataset& dataset) {
  const PlacementFiles files = placementFilesOf(dataset);
  if (!fs::is_regular_file(files.placement)) return std::nullopt;
  try {
    const auto j = readJson(files.placement);
    const auto& p = j.at("section_to_atlas");
    if (!p.contains("landmarks")) return std::nullopt;
    const fs::path file = files.placement.parent_path() / p.at("landmarks").get<std::string>();
    if (fs::is_regular_file(file)) return file;
  } catch (const std::exception&) {
    // A manifest placed by hand (no landmarks) or a damaged sidecar: nothing to reopen.
  }
  return std::nullopt;
}

void applySavedPlacement(SpatialDataset& dataset, const DatasetReadOptions& options) {
  SectionPlacement& placement = placementOf(dataset);
  const PlacementFiles files = placementFilesOf(dataset);
  if (files.inManifest && placement.placed) {
    // The user's own note stays in the manifest; what placed the section is the tool's fit.
    const auto j = readJson(files.placement);
    const auto p = j.find("section_to_atlas");
    if (p != j.end() && p->is_object() && p->contains("fit_note") && (*p)["fit_note"].is_string())
      dataset.placementNote = (*p)["fit_note"].get<std::string>();
  }
  // --landmarks replaces the sidecar: a damaged one does not stand in its way.
  if (!options.landmarks && !files.inManifest && fs::exists(files.placement)) {
    placement.sectionToAtlas = placementFromSidecar(files.placement, dataset.placementNote);
    placement.placed = true;
    if (dataset.placementNote.empty())
      dataset.placementNote = "saved in " + files.placement.filename().string();
  }
  if (options.landmarks) {
    const auto landmarks = readLandmarks(*options.landmarks);
    try {
      const LandmarkFit fit = fitLandmarks(landmarks);
      placement.sectionToAtlas = fit.sectionToAtlas;
      placement.placed = true;
      dataset.placementNote = fitNote(landmarks, fit, *options.landmarks);
    } catch (const std::invalid_argument& e) {
      throw FileError(*options.landmarks, e.what());
    }
  }
}

}  // namespace teramind
