#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/DatasetReadOptions.h"
#include "io/SpatialDataset.h"

namespace teramind {

// What the studio asks before opening a dataset whose files do not say how to read them: a
// spot table's column map and pixel size (the CLI's --columns, --pixel-um), Xenium's min qv,
// CosMx's pixel size. A front end shows the fields asked for, pre-set from `proposal`, and
// opens the dataset again with what the user confirms.
struct DatasetReadPrompt {
  SpatialFormat format = SpatialFormat::SpotTable;
  std::string reason;               // why it asks (the detector's sentence), or what it reads
  std::vector<std::string> header;  // a table's column names, the choices of the column map
  DatasetReadOptions proposal;      // the options given, completed from the header's layout
  std::string layout;               // the layout the header looks like ("pciSeq"); empty: none
  bool asksColumns = false, asksPixelUm = false, asksMinQv = false;
  bool pixelUmRequired = false;  // a spot table's: no default (CosMx's is 0.18)
};

// The prompt when `path` cannot be opened with `given` but can with a column map and a pixel
// size: a table the detector does not recognise (three or more columns), or one with a column
// map and no pixel size. nullopt when it opens as it is, or fails for a reason no option fixes
// (then opening says why). Reads only the header.
std::optional<DatasetReadPrompt> datasetReadPrompt(const std::filesystem::path& path,
                                                   const DatasetReadOptions& given = {});

// Every option `path` takes, for asking before opening (File → Open Data with Read Options…):
// as datasetReadPrompt for a table, min qv for a Xenium output, the pixel size for a CosMx
// export, none for the rest. Throws FileError as detectSpatialFormat does.
DatasetReadPrompt datasetReadChoices(const std::filesystem::path& path,
                                     const DatasetReadOptions& given = {});

// What is wrong with `options` for the prompt's fields, as one sentence for the dialog (a column
// of the map missing or not in the header, one column mapped twice, no pixel size where one is
// required, a pixel size that is not positive); nullopt when they can be used.
std::optional<std::string> readOptionsProblem(const DatasetReadPrompt& prompt,
                                              const DatasetReadOptions& options);

}  // namespace teramind
