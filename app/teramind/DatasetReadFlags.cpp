#include "DatasetReadFlags.h"

#include <cmath>
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
          "--pixel-um",
          [&options](double um) {
            if (!std::isfinite(um) || um <= 0)
              throw CLI::ValidationError("--pixel-um",
                                         "must be a positive number of µm per "
                                         "coordinate unit (1 for a table in µm)");
            options.pixelUm = um;
          },
          "µm per coordinate unit of a spot table, or CosMx's pixel size (default 0.18)")
      ->group("Reading");
  command
      .add_option_function<double>(
          "--min-qv",
          [&options](double qv) {
            if (!std::isfinite(qv) || qv < 0)
              throw CLI::ValidationError("--min-qv", "must be a quality value of 0 or more");
            options.minQv = qv;
          },
          "Xenium: keep molecules with qv at least this (default 20, as 10x recommend)")
      ->group("Reading");
  command
      .add_option_function<std::string>(
          "--landmarks", [&options](const std::string& file) { options.landmarks = file; },
          "place the section in the atlas from matching points (CSV, see docs/placement.md)")
      ->check(CLI::ExistingFile)
      ->group("Reading");
}

}  // namespace teramind::cli
