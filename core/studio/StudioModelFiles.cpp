#include "studio/StudioModel.h"

#include <fmt/core.h>

#include "analysis/AttentionTables.h"
#include "common/AtomicFileWrite.h"
#include "io/DatasetReadOptionsJson.h"
#include "workflow/ConditionSource.h"
#include "workflow/GeneratedVolumeExport.h"

// What the studio model reads and writes: exports, condition documents and sessions.
namespace teramind {

// --- exports ---

bool StudioModel::exportVolume(const std::filesystem::path& file) {
  const auto source = !state_.lastOutput.empty() ? state_.lastOutput : state_.jobStatus.output;
  if (source.empty()) {
    report(StudioMessage::Kind::Error, "Nothing to export", "Generate a region first.");
    return false;
  }
  try {
    exportGeneratedVolume({source, file, 0, 4.0 * double(1ll << 30)});
    report(StudioMessage::Kind::Notice, "Exported",
           fmt::format("Exported {} → {}", source.string(), file.string()));
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Export failed", e.what());
    return false;
  }
}

bool StudioModel::exportAttentionCsv(const std::filesystem::path& file) {
  if (!state_.attention) {
    report(StudioMessage::Kind::Error, "Nothing to export", "Compute the attention first.");
    return false;
  }
  try {
    writeTextFileAtomically(
        file, attentionMatrixCsv(state_.attention->genes(),
                                 state_.attention->aggregate().mean(state_.attentionRegion),
                                 attentionOrder()));
    report(StudioMessage::Kind::Notice, "Saved", "Saved " + file.string());
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Export failed", e.what());
    return false;
  }
}

// --- sessions ---

bool StudioModel::openConditionDocument(const std::filesystem::path& file, bool dropEdits) {
  try {
    const auto document = ConditionDocument::load(file, &atlas());
    const auto source = ConditionSource::fromJson(file, document.sourceJson());
    if (refuseDroppingEdits(dropEdits, file.filename().string())) return false;
    const auto same = [](const std::filesystem::path& a, const std::filesystem::path& b) {
      return !a.empty() && !b.empty() &&
             std::filesystem::absolute(a).lexically_normal() ==
                 std::filesystem::absolute(b).lexically_normal();
    };
    const bool newDataset = !same(source.data, state_.workspace.datasetPath()) ||
                            !sameReadOptions(source.read, state_.workspace.readOptions());
    const bool newModel =
        !source.model.empty() && !same(source.model, state_.workspace.modelPath());
    pending_ = PendingRestore{document.edits(), {}, false};
    if (newDataset) openDataset(source.data, true, source.read);
    if (newModel) openModel(source.model, true);
    if (!newDataset && !newModel) datasetOrModelChanged();  // prepared again, then replayed
    report(StudioMessage::Kind::Notice, "Opened",
           fmt::format("Opened {}: {} edit(s) of {}", file.string(), document.edits().size(),
                       source.data.filename().string()));
    return true;
  } catch (const std::exception& e) {
    pending_.reset();
    report(StudioMessage::Kind::Error, "Cannot open the condition document", e.what());
    return false;
  }
}

bool StudioModel::saveSession(const std::filesystem::path& file) {
  try {
    const Workspace& ws = state_.workspace;
    StudioSession s;
    s.atlas = ws.atlas().files().annotation.parent_path();
    s.atlasResolutionUm = ws.atlas().resolutionUm();
    s.dataset = ws.datasetPath();
    s.model = ws.modelPath();
    s.read = ws.readOptions();
    if (state_.selection) s.structure = atlas().ontology().byId(*state_.selection).acronym;
    s.panel = state_.panel;
    s.overlayGene = state_.overlayGene;
    if (state_.camera)
      s.camera = StudioSession::Camera{state_.camera->position, state_.camera->focalPoint,
                                       state_.camera->viewUp, state_.camera->viewAngle};
    if (state_.hasEdits()) {
      std::filesystem::path condition = file;
      condition.replace_extension(".condition.json");
      ws.condition().save(condition);
      s.condition = condition;
    }
    s.job.seed = state_.job.seed;
    s.job.steps = state_.job.steps;
    s.job.tilePatches = state_.job.tilePatches;
    s.job.sampler = state_.job.sampler;
    s.job.plane = state_.plane;
    s.job.region = state_.job.region;
    s.job.allPlanes = state_.job.allPlanes;
    s.job.output = !state_.lastOutput.empty() ? state_.lastOutput : state_.job.output;
    s.attention = state_.attention != nullptr;
    s.save(file);
    if (state_.ready()) savedEdits_ = state_.workspace.condition().edits();
    report(StudioMessage::Kind::Notice, "Saved", "Saved session " + file.string());
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Cannot save the session", e.what());
    return false;
  }
}

bool StudioModel::loadSession(const std::filesystem::path& file, bool dropEdits) {
  try {
    const auto s = StudioSession::load(file);
    if (refuseDroppingEdits(dropEdits, file.filename().string())) return false;
    PendingRestore restore;
    if (!s.condition.empty())
      restore.edits = ConditionDocument::load(s.condition, &atlas()).edits();
    restore.output = s.job.output;
    restore.attention = s.attention;

    JobSettings job;
    job.seed = s.job.seed;
    job.steps = s.job.steps;
    job.tilePatches = s.job.tilePatches;
    job.sampler = s.job.sampler;
    job.region = s.job.region;
    job.allPlanes = s.job.allPlanes;
    setJobSettings(job);
    select(std::nullopt);
    if (!s.structure.empty()) selectAcronym(s.structure);
    if (s.camera)
      setCamera({s.camera->position, s.camera->focalPoint, s.camera->viewUp, s.camera->viewAngle});

    const bool newDataset =
        !s.dataset.empty() && (s.dataset != state_.workspace.datasetPath() ||
                               !sameReadOptions(s.read, state_.workspace.readOptions()));
    const bool newModel = !s.model.empty() && s.model != state_.workspace.modelPath();
    if (newDataset) openDataset(s.dataset, true, s.read);
    if (newModel) openModel(s.model, true);
    // Panel, overlay and plane after the model: a new model resets the panel.
    auto applyView = [this, panel = s.panel, overlay = s.overlayGene, plane = s.job.plane] {
      setPanel(panel);
      setOverlayGene(overlay);
      state_.plane = plane;
      notify(StudioChange::Plane);
    };
    if (newModel) {
      auto id = std::make_shared<int>(-1);
      *id = subscribe([this, id, applyView](StudioChange change) {
        if (change != StudioChange::Model) return;
        applyView();
        const int self = *id;
        runner_.post([this, self, alive = alive_] {
          if (*alive) unsubscribe(self);
        });
      });
    } else {
      applyView();
    }
    if (newDataset || newModel || !state_.ready()) {
      pending_ = std::move(restore);  // replayed once the condition is prepared
    } else {
      // Same data and model: prepared again, so the session's edits replace the current ones.
      pending_ = std::move(restore);
      datasetOrModelChanged();
    }
    report(StudioMessage::Kind::Notice, "Opened", "Opened session " + file.string());
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Cannot open the session", e.what());
    return false;
  }
}

}  // namespace teramind
