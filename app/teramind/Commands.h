#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace teramind::cli {

// Each adds one subcommand (with its options and callback) to the `teramind` app.
void addInfoCommand(CLI::App& app);
void addBinCommand(CLI::App& app);
void addPaintCommands(CLI::App& app);  // paint, replay
void addAtlasCommand(CLI::App& app);
void addVersionCommand(CLI::App& app);
// model info, train; `commandLine` is recorded in trained checkpoints.
void addModelCommands(CLI::App& app, const std::string& commandLine);
void addEvaluateCommand(CLI::App& app);      // model evaluate (after addModelCommands)
void addGenerateCommands(CLI::App& app);     // generate, seams
void addAttentionCommand(CLI::App& app);     // attention, attention compare
void addExportCommand(CLI::App& app);        // export (OME-Zarr level → NRRD/NIfTI/TIFF)
void addFidelityCommand(CLI::App& app);      // fidelity (a generated OME-Zarr vs its real stains)
void addSynthSectionCommand(CLI::App& app);  // synth-section (synthetic MERSCOPE region)

}  // namespace teramind::cli
