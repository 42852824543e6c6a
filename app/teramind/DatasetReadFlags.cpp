#include "DatasetReadFlags.h"

#include <stdexcept>

#include "transcriptomics/SpotTableColumns.h"

namespace teramind::cli {

void addDatasetReadFlags(CLI::App& command, DatasetReadOptions& options) {
  command
      .add_option_function<std::string>(
          "--columns",
          [&options](const std::string& text) {
            try {
              options.columns = parseSpotTableColumns(text);
            } catch (const std::invalid_argument& e) {
              throw CLI::ValidationError("--columns", e.what());
            }
          },
          "read DATA as a spot table with this column map: gene=NAME,x=NAME,y=NAME[,z=NAME]")
      ->group("Reading");
  command
      .add_option_function<double>(
          "--pixel-um", [&options](double um) { options.pixelUm = um; },
          "µm per coordinate unit of a spot table, or CosMx's pixel size (default 0.18)")
      ->check(CLI::PositiveNumber)
      ->group("Reading");
  command
      .add_option_function<double>(
          "--min-qv", [&options](double qv) { options.minQv = qv; },
          "Xenium: keep molecules with qv at least this (default 20, as 10x recommend)")
      ->check(CLI::NonNegativeNumber)
      ->group("Reading");
  command
      .add_option_function<std::string>(
          "--landmarks", [&options](const std::string& file) { options.landmarks = file; },
          "place the section in the atlas from matching points (CSV, see docs/placement.md)")
      ->check(CLI::ExistingFile)
      ->group("Reading");
}

}  // namespace teramind::cli
