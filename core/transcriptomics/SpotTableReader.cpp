#include "transcriptomics/SpotTableReader.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

#include <fmt/core.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "common/NameList.h"
#include "common/TextAffixes.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/SectionCoordinates.h"

namespace teramind {
namespace {

using Reader = DelimitedTextReader;

// The delimiter the name says; nullopt when it says none (sniffed from the header then).
std::optional<Reader::Delimiter> delimiterOfName(const std::filesystem::path& file) {
  std::string name = asciiLower(file.filename().string());
  if (endsWith(name, ".gz")) name.resize(name.size() - 3);
  if (endsWith(name, ".csv")) return Reader::Delimiter::Comma;
  if (endsWith(name, ".tsv") || endsWith(name, ".txt")) return Reader::Delimiter::Tab;
  return std::nullopt;
}

std::vector<std::string> splitAtTabs(const std::string& text) {
  std::vector<std::string> fields;
  std::istringstream in(text);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  return fields;
}

// The reader for `file`, its header read, with the delimiter the name or the header says.
std::unique_ptr<Reader> openTable(const std::filesystem::path& file, const ReadProgress& progress) {
  const auto named = delimiterOfName(file);
  auto in = std::make_unique<Reader>(file, named.value_or(Reader::Delimiter::Comma), progress);
  const auto& header = in->readHeader();
  if (!named && header.size() == 1 && header.front().find('\t') != std::string::npos) {
    in = std::make_unique<Reader>(file, Reader::Delimiter::Tab, progress);
    in->readHeader();
  }
  return in;
}

std::size_t mappedColumn(const Reader& in, const char* key, const std::string& name) {
  if (auto index = in.findColumn(name)) return *index;
  throw FileError(in.file(), fmt::format("line 1 (the header): no column '{}' for the column map's "
                                         "{}={} (its columns: {})",
                                         name, key, name, nameList(in.header())));
}

}  // namespace

TranscriptTable readSpotTable(const std::filesystem::path& file, const SpotTableColumns& columns,
                              double pixelUm, const ReadProgress& progress) {
  if (!std::isfinite(pixelUm) || pixelUm <= 0)
    throw FileError(file, fmt::format("pixel size {} µm is not a positive number", pixelUm));
  const auto in = openTable(file, progress);
  const std::size_t gene = mappedColumn(*in, "gene", columns.gene);
  const std::size_t x = mappedColumn(*in, "x", columns.x);
  const std::size_t y = mappedColumn(*in, "y", columns.y);
  // A plain index and a flag, not std::optional: gcc 12 warns (wrongly) that it may be unset.
  const bool hasZ = !columns.z.empty();
  const std::size_t z = hasZ ? mappedColumn(*in, "z", columns.z) : 0;
  const auto micrometres = [&](std::size_t column) {
    const double value = in->number(column);
    const auto um = sectionUm(value, pixelUm);
    if (!um)
      in->fail(
          fmt::format("column '{}': {} × {} µm = {:.6g} µm lies beyond ±1 m: not a "
                      "section coordinate (is --pixel-um right?)",
                      in->header()[column], in->field(column), pixelUm, value * pixelUm));
    return *um;
  };
  TranscriptTable table;
  while (in->next()) {
    in->requireHeaderWidth();
    std::uint16_t plane = 0;
    if (hasZ) {
      const double value = in->number(z);
      if (!isPlaneIndex(value))
        in->fail(
            fmt::format("column '{}': {} is not a z-plane index (a whole number 0…{}); a "
                        "z in µm is read as one plane by leaving z out of --columns",
                        columns.z, in->field(z), BinnedCondition::kMaxPlanes - 1));
      plane = std::uint16_t(value);
    }
    const std::string_view name = in->field(gene);
    if (name.empty()) in->fail("column '" + columns.gene + "' (the gene) is empty");
    const float xUm = micrometres(x), yUm = micrometres(y);
    table.push(xUm, yUm, plane, table.genes.add(name));
  }
  if (table.size() == 0) throw FileError(file, "holds no molecules (a header and no rows)");
  return table;
}

std::optional<std::string> spotTableLayoutHint(const std::vector<std::string>& given) {
  // The message names the layout proposeSpotTableColumns finds, so the dialog and it agree.
  const std::optional<SpotTableProposal> proposal = proposeSpotTableColumns(given);
  if (!proposal) return std::nullopt;
  if (proposal->layout == "pciSeq")
    return "looks like a pciSeq spot table (Gene, x, y in pixels): read it with --columns "
           "gene=Gene,x=x,y=y --pixel-um <µm per pixel>";
  if (proposal->layout == "proseg")
    return "looks like a proseg transcript table (gene, x, y, z in µm): read it with --columns "
           "gene=gene,x=x,y=y --pixel-um 1 (its z, in µm, is not a plane index)";
  if (proposal->layout == "Baysor")
    return "looks like a Baysor segmentation table (x, y, z, gene): read it with --columns "
           "gene=gene,x=x,y=y --pixel-um <µm per unit of x, y: 1 if they are µm> (its z is "
           "not a plane index)";
  const SpotTableColumns& c = proposal->columns;
  return fmt::format(
      "looks like a spot table ({}, {}, {}): read it with --columns gene={},x={},y={} "
      "--pixel-um <µm per unit of x, y: 1 if they are µm>",
      c.gene, c.x, c.y, c.gene, c.x, c.y);
}

std::optional<SpotTableProposal> proposeSpotTableColumns(const std::vector<std::string>& given) {
  const std::vector<std::string> header =
      given.size() == 1 && given.front().find('\t') != std::string::npos
          ? splitAtTabs(given.front())
          : given;
  const auto has = [&](const char* column) {
    return std::find(header.begin(), header.end(), column) != header.end();
  };
  // The column named like `lower` in any case, as the header spells it.
  const auto spelled = [&](const char* lower) -> std::optional<std::string> {
    for (const auto& h : header)
      if (asciiLower(h) == lower) return h;
    return std::nullopt;
  };
  if (has("Gene") && has("x") && has("y"))
    return SpotTableProposal{"pciSeq", {"Gene", "x", "y", ""}, std::nullopt};
  const bool geneXyz = has("gene") && has("x") && has("y") && has("z");
  if (geneXyz && (has("observed_x") || has("assignment") || has("background")))
    return SpotTableProposal{"proseg", {"gene", "x", "y", ""}, 1.0};
  if (geneXyz &&
      (has("molecule_id") || has("cell") || has("is_noise") || has("assignment_confidence")))
    return SpotTableProposal{"Baysor", {"gene", "x", "y", ""}, std::nullopt};
  const auto g = spelled("gene"), x = spelled("x"), y = spelled("y");
  if (g && x && y) return SpotTableProposal{"spot table", {*g, *x, *y, ""}, std::nullopt};
  return std::nullopt;
}

}  // namespace teramind
