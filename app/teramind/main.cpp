#include <cstdio>
#include <exception>
#include <string>

#include <fmt/core.h>

#include "Commands.h"

int main(int argc, char** argv) {
  CLI::App app{"teramind — Tera-MIND engine: atlas, transcriptomics, diffusion generation"};
  app.require_subcommand(1);
  teramind::cli::addInfoCommand(app);
  teramind::cli::addBinCommand(app);
  teramind::cli::addPaintCommands(app);
  teramind::cli::addAtlasCommand(app);
  teramind::cli::addVersionCommand(app);
  std::string commandLine = "teramind";
  for (int i = 1; i < argc; ++i) commandLine += std::string(" ") + argv[i];
  teramind::cli::addModelCommands(app, commandLine);
  teramind::cli::addEvaluateCommand(app);
  teramind::cli::addGenerateCommands(app);
  teramind::cli::addExportCommand(app);
  teramind::cli::addFidelityCommand(app);
  teramind::cli::addAttentionCommand(app);
  teramind::cli::addSynthSectionCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "teramind: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
