// Makes what the studio makes, without a window, for the CLI interop tests: a condition
// document painted in a Workspace (DIR/doc.json, with the tiny model at DIR/tiny.safetensors)
// and a job over the demo block started from it and cancelled at once (DIR/job.zarr), as the
// studio's job dock does with 2 patches a tile and 2 steps.
//
// usage: teramind_studio_job_fixture DIR
#include <cstdio>
#include <exception>

#include "workflow/GenerationRequest.h"
#include "workflow/RegionGeneration.h"
#include "workflow/WorkspaceFixture.h"

int main(int argc, char** argv) {
  using namespace teramind;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    std::filesystem::remove_all(dir);
    auto workspace = test::preparedWorkspace(dir / "tiny.safetensors");
    const auto& model = *workspace->model();
    workspace->condition().apply(test::knockOutInStructure(workspace->atlas(), "Slc17a7"));
    workspace->condition().save(dir / "doc.json");

    RegionRequest request;
    request.kind = RegionKind::DemoBlock;
    const auto section = workspace->paintedSection();
    auto region =
        resolveGenerationRegion(regionChoiceFor(request, &workspace->atlas()), section->grid,
                                model.config().outputSections, workspace->paintContext());
    auto settings = defaultGenerationSettings();
    settings.tilePatches = 2;
    settings.sampling.steps = 2;
    RegionGeneration job(model, *section, region, settings, dir / "job.zarr",
                         workspace->jobDescription());
    JobControl control;
    control.cancel();
    const bool cancelled = job.run(control) == GenerationJob::Outcome::Cancelled;
    std::printf("document: %s\njob: %s (%s)\n", (dir / "doc.json").c_str(),
                (dir / "job.zarr").c_str(), cancelled ? "cancelled" : "finished");
    return cancelled ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
