#include "conditions/ConditionDocument.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "conditions/ConditionEditJsonValue.h"
#include "io/ConditionFile.h"

namespace teramind {
namespace {

using nlohmann::json;

json parseSource(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(std::string("source description is not valid JSON: ") + e.what());
  }
}

json gridToJson(const BinGrid& g) {
  return {{"origin_um", {g.originXUm, g.originYUm}},
          {"bin_um", g.binUm},
          {"width", g.width},
          {"height", g.height},
          {"planes", g.planes},
          {"plane_spacing_um", g.planeSpacingUm}};
}

// Field readers for load(): they throw std::invalid_argument, which load() turns into a
// FileError naming the document.
const json& field(const json& object, const char* name) {
  return jsonField(object, name);
}

double finiteNumber(const json& value, const char* name) {
  if (!value.is_number() || !std::isfinite(value.get<double>()))
    throw std::invalid_argument(std::string("'") + name + "' must be a finite number");
  return value.get<double>();
}

std::int32_t int32(const json& value, const char* name) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max())
    throw std::invalid_argument(std::string("'") + name + "' must be a non-negative integer");
  return std::int32_t(value.get<std::int64_t>());
}

BinGrid gridFromJson(const json& j) {
  const json& origin = field(j, "origin_um");
  if (!origin.is_array() || origin.size() != 2)
    throw std::invalid_argument("'grid.origin_um' must be an array of 2");
  BinGrid g;
  g.originXUm = finiteNumber(origin[0], "grid.origin_um");
  g.originYUm = finiteNumber(origin[1], "grid.origin_um");
  g.binUm = finiteNumber(field(j, "bin_um"), "grid.bin_um");
  g.width = int32(field(j, "width"), "grid.width");
  g.height = int32(field(j, "height"), "grid.height");
  g.planes = int32(field(j, "planes"), "grid.planes");
  g.planeSpacingUm = finiteNumber(field(j, "plane_spacing_um"), "grid.plane_spacing_um");
  return g;
}

AffineTransform placementFromJson(const json& j) {
  if (!j.is_array() || j.size() != 3)
    throw std::invalid_argument("'placement' must be 3 rows of 4 numbers");
  std::array<double, 12> values{};
  for (std::size_t r = 0; r < 3; ++r) {
    if (!j[r].is_array() || j[r].size() != 4)
      throw std::invalid_argument("'placement' must be 3 rows of 4 numbers");
    for (std::size_t c = 0; c < 4; ++c) values[r * 4 + c] = finiteNumber(j[r][c], "placement");
  }
  return AffineTransform::fromRowMajor(values);
}

std::string describeGrid(const BinGrid& g) {
  std::ostringstream s;
  s << g.width << "x" << g.height << "x" << g.planes << " bins of " << g.binUm << " µm";
  return s.str();
}

// FNV-1a over every stored value in key order: cheap, independent of hash-table layout.
std::string fingerprint(const BinnedCondition& condition) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::uint64_t v) {
    for (int byte = 0; byte < 8; ++byte) {
      h ^= (v >> (8 * byte)) & 0xFF;
      h *= 1099511628211ull;
    }
  };
  for (std::size_t gene = 0; gene < condition.geneCount(); ++gene) {
    mix(gene);
    for (const auto& [bin, value] : condition.sortedEntries(gene)) {
      std::uint32_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      mix(BinnedCondition::key(bin));
      mix(bits);
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

// Both the loaded edits and a replay must name genes the condition has.
void checkGenes(const ConditionEdit& edit, const BinnedCondition& condition) {
  if (!condition.geneIndex(edit.gene()))
    throw std::invalid_argument("unknown gene '" + edit.gene() + "'");
  if (const auto* copy = std::get_if<CopyFromGene>(&edit.operation()))
    if (!condition.geneIndex(copy->sourceGene))
      throw std::invalid_argument("unknown copy source gene '" + copy->sourceGene + "'");
}

}  // namespace

ConditionDocument::ConditionDocument(BinnedCondition condition, PaintContext context,
                                     const std::string& sourceJson, std::size_t maxUndo)
    : condition_(std::move(condition)), context_(context), history_(maxUndo) {
  setSourceJson(sourceJson);
}

void ConditionDocument::setSourceJson(const std::string& text) {
  sourceJson_ = parseSource(text).dump();
}

const EditCommand& ConditionDocument::apply(const ConditionEdit& edit) {
  EditCommand command = EditCommand::apply(edit, condition_, context_);
  edits_.push_back(edit);
  history_.push(std::move(command));
  return history_.command(history_.undoCount() - 1);
}

void ConditionDocument::undo() {
  history_.undo(condition_);
  edits_.pop_back();
}

void ConditionDocument::redo() {
  edits_.push_back(history_.redo(condition_).edit());
}

std::filesystem::path ConditionDocument::conditionFileFor(const std::filesystem::path& jsonFile) {
  return jsonFile.parent_path() / (jsonFile.stem().string() + preferredConditionExtension());
}

void ConditionDocument::save(const std::filesystem::path& jsonFile) const {
  if (jsonFile.extension() == preferredConditionExtension())
    throw FileError(jsonFile, std::string("a document file must not end in ") +
                                  preferredConditionExtension() + ": its condition goes there");
  json edits = json::array();
  for (const auto& edit : edits_) edits.push_back(editToJsonValue(edit));
  const auto m = context_.sectionToAtlas.toRowMajor();
  const json document = {
      {"format", kFormat},
      {"version", kVersion},
      {"source", json::parse(sourceJson_)},
      {"placement",
       {{m[0], m[1], m[2], m[3]}, {m[4], m[5], m[6], m[7]}, {m[8], m[9], m[10], m[11]}}},
      {"grid", gridToJson(condition_.grid())},
      {"genes", condition_.geneNames()},
      {"condition_fingerprint", fingerprint(condition_)},
      {"edits", edits}};
  // Serialise first: text that cannot be written (invalid UTF-8 in a gene name) must fail
  // before any file changes.
  std::string text;
  try {
    text = document.dump(2) + "\n";
  } catch (const json::exception& e) {
    throw FileError(jsonFile, std::string("cannot be written as JSON: ") + e.what());
  }
  // Never replace something that is not ours: a document named after its own input data
  // (sec.json beside sec.h5) would otherwise overwrite that input.
  const auto conditionFile = conditionFileFor(jsonFile);
  if (std::filesystem::exists(conditionFile) && !isConditionFile(conditionFile))
    throw FileError(conditionFile,
                    "exists and is not a binned condition; refusing to overwrite it (save the "
                    "document under another name)");
  // Each file is replaced atomically, but not the pair: the fingerprint lets load() notice a
  // condition file that is not the one this JSON was written with (interrupted save, copied by
  // hand).
  writeCondition(conditionFile, condition_);
  writeFileAtomically(jsonFile, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw FileError(jsonFile, "could not be written");
  });
}

ConditionDocument ConditionDocument::load(const std::filesystem::path& jsonFile,
                                          const Atlas* atlas) {
  if (!std::filesystem::exists(jsonFile)) throw FileError(jsonFile, "file does not exist");
  std::ifstream in(jsonFile, std::ios::binary);
  if (!in) throw FileError(jsonFile, "cannot be opened");
  json document;
  try {
    document = json::parse(in);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
    throw FileError(jsonFile, std::string("not valid JSON: ") + e.what());
  }
  PaintContext context;
  context.atlas = atlas;
  BinGrid grid;
  std::vector<std::string> genes;
  std::vector<ConditionEdit> edits;
  std::string source, savedFingerprint;
  try {
    if (!document.is_object() || !document.contains("format") || document["format"] != kFormat)
      throw std::invalid_argument(std::string("not a condition document (no \"format\": \"") +
                                  kFormat + "\")");
    const json& version = field(document, "version");
    if (!version.is_number_integer() || version.get<std::int64_t>() != kVersion)
      throw std::invalid_argument("unsupported document version " + version.dump() +
                                  " (this build reads version " + std::to_string(kVersion) + ")");
    source = field(document, "source").dump();
    context.sectionToAtlas = placementFromJson(field(document, "placement"));
    grid = gridFromJson(field(document, "grid"));
    const json& names = field(document, "genes");
    if (!names.is_array()) throw std::invalid_argument("'genes' must be an array of names");
    for (const auto& name : names) {
      if (!name.is_string()) throw std::invalid_argument("'genes' must be an array of names");
      genes.push_back(name.get<std::string>());
    }
    const json& print = field(document, "condition_fingerprint");
    if (!print.is_string()) throw std::invalid_argument("'condition_fingerprint' must be a string");
    savedFingerprint = print.get<std::string>();
    const json& list = field(document, "edits");
    if (!list.is_array()) throw std::invalid_argument("'edits' must be an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      try {
        edits.push_back(editFromJsonValue(list[i]));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("edit " + std::to_string(i + 1) + ": " + e.what());
      }
    }
  } catch (const std::invalid_argument& e) {
    throw FileError(jsonFile, e.what());
  }

  const auto conditionFile = conditionFileFor(jsonFile);
  BinnedCondition condition;
  try {
    condition = readCondition(conditionFile);
  } catch (const FileError& e) {
    throw FileError(e.file(), e.problem() + " (the condition of " + jsonFile.string() + ")");
  }
  if (!(condition.grid() == grid))
    throw FileError(conditionFile, "does not match its document: grid " +
                                       describeGrid(condition.grid()) + " vs " +
                                       describeGrid(grid) + " in " + jsonFile.string());
  if (condition.geneNames() != genes)
    throw FileError(conditionFile,
                    "does not match its document: the gene lists differ from " + jsonFile.string());
  if (fingerprint(condition) != savedFingerprint)
    throw FileError(conditionFile, "is not the condition " + jsonFile.string() +
                                       " was saved with (its content fingerprint differs)");
  for (std::size_t i = 0; i < edits.size(); ++i) {
    try {
      checkGenes(edits[i], condition);
    } catch (const std::invalid_argument& e) {
      throw FileError(jsonFile, "edit " + std::to_string(i + 1) + ": " + e.what());
    }
  }

  ConditionDocument loaded(std::move(condition), context, source);
  loaded.edits_ = std::move(edits);
  return loaded;
}

BinnedCondition ConditionDocument::replay(const BinnedCondition& source,
                                          const PaintContext& context) const {
  if (!(source.grid() == condition_.grid()))
    throw std::invalid_argument("replay source grid " + describeGrid(source.grid()) +
                                " differs from the document's " + describeGrid(condition_.grid()));
  if (source.geneNames() != condition_.geneNames())
    throw std::invalid_argument("replay source genes differ from the document's");
  BinnedCondition result = source;
  for (const auto& edit : edits_) EditCommand::apply(edit, result, context);
  return result;
}

}  // namespace teramind
