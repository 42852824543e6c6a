#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"
#include "transcriptomics/SpotTableColumns.h"

namespace teramind {

// A generic spot table (pciSeq, Baysor, proseg, ISS pipelines): one molecule per row, read
// through a column map. CSV or TSV, plain or gzip: the delimiter is the name's (.csv → comma;
// .tsv, .txt → tab, with or without .gz), else the header's (tabs and no comma → tab).
//
// x and y are in the table's own unit, `pixelUm` µm each (1 when the table is in µm).
// z, when mapped, is a z-plane index (a whole number 0…4095, as pciSeq's plane and Vizgen's
// global_z), not a height: a table whose z is in µm (Baysor, proseg) is read as one plane by
// leaving z out of the map. Controls are flagged by their names (GeneCatalogue).
//
// Every problem is a FileError naming the file and, for a row, the line and the column: a
// mapped column missing from the header, a coordinate that is not a finite number or lies
// beyond ±1 m once in µm (kMaxSectionUm), a z that is not a plane index, an empty gene. Nothing is
// returned half-read. Memory: the molecules read plus the reader's few blocks.
TranscriptTable readSpotTable(const std::filesystem::path& file, const SpotTableColumns& columns,
                              double pixelUm, const ReadProgress& progress = {});

// For a table read without a column map: when its header is a well-known spot-table layout
// (pciSeq's Gene, x, y; Baysor's x, y, z, gene, …; proseg's gene, x, y, z, observed_x, …; any
// gene, x, y), the sentence saying which layout it looks like and the flags that read it;
// nullopt otherwise. A header read as one comma field holding tabs is split at the tabs.
std::optional<std::string> spotTableLayoutHint(const std::vector<std::string>& header);

// A column map proposed for a header, for a front end to pre-set (the studio's read options
// dialog): the layout spotTableLayoutHint names, its gene/x/y columns as the header spells them
// (z left out: these tables' z is µm, not a plane index), and the pixel size when the layout
// fixes it (proseg writes µm). nullopt when the header has no gene, x and y columns.
struct SpotTableProposal {
  std::string layout;  // "pciSeq", "proseg", "Baysor", "spot table"
  SpotTableColumns columns;
  std::optional<double> pixelUm;
};
std::optional<SpotTableProposal> proposeSpotTableColumns(const std::vector<std::string>& header);

}  // namespace teramind
