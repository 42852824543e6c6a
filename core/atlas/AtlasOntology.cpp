#include "atlas/AtlasOntology.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"  // inside fccp's error type
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include "atlas/OntologyJsonReader.h"
#include "common/AsciiCase.h"
#include "common/FileError.h"

namespace teramind {
namespace {

std::array<std::uint8_t, 3> parseColor(const std::string& hex, StructureId id,
                                       const std::filesystem::path& file) {
  if (const auto color = parseHexColor(hex)) return *color;
  throw FileError(file, "structure " + std::to_string(id) + " has an invalid colour '" +
                            hex.substr(0, 40) + "'");
}

StructureId parseId(const std::string& text, const std::string& what,
                    const std::filesystem::path& file) {
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size() && value >= 0 && value <= std::numeric_limits<StructureId>::max())
      return static_cast<StructureId>(value);
  } catch (const std::exception&) {
  }
  throw FileError(file, "invalid " + what + " '" + text.substr(0, 40) + "'");
}

// A CSV row's structure_id_path, "/997/8/567/", checked against the tree once it is built.
struct DeclaredPath {
  StructureId id = 0;
  unsigned line = 0;
  std::vector<StructureId> ids;  // at most kMaxDepth + 1, so all of them cost linear memory
};

std::vector<StructureId> parseIdPath(const std::string& text, const std::string& where,
                                     const std::filesystem::path& file) {
  std::vector<StructureId> path;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t slash = text.find('/', start);
    if (slash == std::string::npos) slash = text.size();
    if (slash > start) {
      if (path.size() > static_cast<std::size_t>(AtlasOntology::kMaxDepth))
        throw FileError(file, "structure_id_path" + where + " is longer than " +
                                  std::to_string(AtlasOntology::kMaxDepth + 1) + " ids");
      path.push_back(parseId(text.substr(start, slash - start), "structure path" + where, file));
    }
    start = slash + 1;
  }
  return path;
}

void checkFileSize(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot open ontology file: " + error.message());
  if (size > AtlasOntology::kMaxFileBytes)
    throw FileError(file, "ontology file is " + std::to_string(size) + " bytes; at most " +
                              std::to_string(AtlasOntology::kMaxFileBytes) + " are read");
}

void checkTextLength(const std::string& text, const char* what, const std::string& where,
                     const std::filesystem::path& file) {
  if (text.size() > AtlasOntology::kMaxTextLength)
    throw FileError(file, std::string(what) + where + " is " + std::to_string(text.size()) +
                              " characters long; at most " +
                              std::to_string(AtlasOntology::kMaxTextLength) + " are allowed");
}

}  // namespace

AtlasOntology AtlasOntology::fromFile(const std::filesystem::path& file) {
  const std::string ext = asciiLower(file.extension().string());
  if (ext == ".json") return fromJson(file);
  if (ext == ".csv") return fromCsv(file);
  throw FileError(file, "unknown ontology format (expected .json or .csv)");
}

AtlasOntology AtlasOntology::fromJson(const std::filesystem::path& file) {
  return fromStructures(readOntologyJson(file), file);
}

AtlasOntology AtlasOntology::fromCsv(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) throw FileError(file, "cannot open ontology file");
  checkFileSize(file);
  std::vector<Structure> structures;
  std::vector<DeclaredPath> declaredPaths;
  try {
    io::CSVReader<7, io::trim_chars<' ', '\t', '\r'>, io::double_quote_escape<',', '"'>> csv(
        file.string());
    csv.read_header(io::ignore_extra_column, "id", "acronym", "name", "parent_structure_id",
                    "structure_id_path", "color_hex_triplet", "graph_order");
    std::string id, acronym, name, parent, path, color, order;
    while (csv.read_row(id, acronym, name, parent, path, color, order)) {
      const std::string where = " on line " + std::to_string(csv.get_file_line());
      if (structures.size() == kMaxStructures)
        throw FileError(file, "ontology holds more than " + std::to_string(kMaxStructures) +
                                  " structures (line " + std::to_string(csv.get_file_line()) + ")");
      checkTextLength(acronym, "acronym", where, file);
      checkTextLength(name, "name", where, file);
      Structure s;
      s.id = parseId(id, "structure id" + where, file);
      s.acronym = acronym;
      s.name = name;
      if (!parent.empty()) s.parentId = parseId(parent, "parent id" + where, file);
      if (auto ids = parseIdPath(path, where, file); !ids.empty())
        declaredPaths.push_back({s.id, csv.get_file_line(), std::move(ids)});
      s.color = parseColor(color, s.id, file);
      if (!order.empty()) {
        const StructureId graphOrder = parseId(order, "graph order" + where, file);
        if (graphOrder > static_cast<StructureId>(std::numeric_limits<int>::max()))
          throw FileError(file, "invalid graph order" + where + " '" + order + "'");
        s.graphOrder = static_cast<int>(graphOrder);
      }
      structures.push_back(std::move(s));
    }
  } catch (const io::error::base& e) {
    throw FileError(file, std::string("invalid ontology CSV: ") + e.what());
  }
  AtlasOntology ontology = fromStructures(std::move(structures), file);
  for (const DeclaredPath& declared : declaredPaths)
    if (declared.ids != ontology.idPath(declared.id)) {
      const Structure& s = ontology.byId(declared.id);
      throw FileError(file, "structure " + std::to_string(s.id) + " (" + s.acronym + ") on line " +
                                std::to_string(declared.line) +
                                " has a structure_id_path that disagrees with its parents");
    }
  return ontology;
}

AtlasOntology AtlasOntology::fromStructures(std::vector<Structure> structures,
                                            const std::filesystem::path& source) {
  if (structures.empty()) throw FileError(source, "ontology holds no structures");
  if (structures.size() > kMaxStructures)
    throw FileError(source, "ontology holds " + std::to_string(structures.size()) +
                                " structures; at most " + std::to_string(kMaxStructures) +
                                " are allowed");
  std::stable_sort(
      structures.begin(), structures.end(),
      [](const Structure& a, const Structure& b) { return a.graphOrder < b.graphOrder; });
  AtlasOntology o;
  o.source_ = source;
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < structures.size(); ++i) {
    const Structure& s = structures[i];
    if (!o.byId_.emplace(s.id, i).second)
      throw FileError(source, "duplicate structure id " + std::to_string(s.id));
    if (!s.parentId) roots.push_back(i);
  }
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  o.parentIndex_.assign(structures.size(), kNone);
  for (std::size_t i = 0; i < structures.size(); ++i) {
    Structure& s = structures[i];
    s.childIds.clear();
    if (!s.parentId) continue;
    const auto parent = o.byId_.find(*s.parentId);
    if (parent == o.byId_.end())
      throw FileError(source, "structure " + std::to_string(s.id) + " (" + s.acronym +
                                  ") has parent " + std::to_string(*s.parentId) +
                                  ", which is not in the ontology");
    o.parentIndex_[i] = parent->second;
  }
  for (std::size_t i = 0; i < structures.size(); ++i)
    if (o.parentIndex_[i] != kNone)
      structures[o.parentIndex_[i]].childIds.push_back(structures[i].id);
  if (roots.size() != 1) {
    // Without a root every structure lies on a cycle of parents (or leads into one).
    throw FileError(source, roots.empty()
                                ? "ontology has no root: the parent links form a cycle"
                                : "ontology has " + std::to_string(roots.size()) + " roots");
  }
  o.rootIndex_ = roots.front();
  o.parentIndex_[o.rootIndex_] = o.rootIndex_;
  // Walk down from the root, giving each structure its depth: one step per structure, so a long
  // chain costs linear time. A structure not reached sits on a parent cycle.
  std::vector<bool> reached(structures.size(), false);
  std::vector<std::size_t> stack{o.rootIndex_};
  structures[o.rootIndex_].depth = 0;
  reached[o.rootIndex_] = true;
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    for (StructureId childId : structures[i].childIds) {
      const std::size_t c = o.byId_.at(childId);
      Structure& child = structures[c];
      child.depth = structures[i].depth + 1;
      if (child.depth > kMaxDepth)
        throw FileError(source, "structure " + std::to_string(child.id) + " (" + child.acronym +
                                    ") lies more than " + std::to_string(kMaxDepth) +
                                    " levels below the root; deeper ontologies are refused");
      reached[c] = true;
      stack.push_back(c);
    }
  }
  for (std::size_t i = 0; i < structures.size(); ++i)
    if (!reached[i])
      throw FileError(source, "structure " + std::to_string(structures[i].id) + " (" +
                                  structures[i].acronym + ") is on a cycle of parent links");
  std::unordered_set<std::string> acronyms;
  for (std::size_t i = 0; i < structures.size(); ++i) {
    const std::string& acronym = structures[i].acronym;
    if (!acronyms.insert(acronym).second)
      throw FileError(source, "duplicate acronym '" + acronym + "'");
    o.byLowerAcronym_.emplace(asciiLower(acronym), i);
  }
  o.structures_ = std::move(structures);
  return o;
}

const Structure* AtlasOntology::find(StructureId id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : &structures_[it->second];
}

const Structure& AtlasOntology::byId(StructureId id) const {
  if (const Structure* s = find(id)) return *s;
  throw std::out_of_range("unknown structure id " + std::to_string(id) + " in " + source_.string());
}

const Structure* AtlasOntology::findAcronym(const std::string& acronym) const {
  // Exact case wins: Allen has pairs like CM/cm and IPF/ipf.
  for (const auto& s : structures_)
    if (s.acronym == acronym) return &s;
  auto it = byLowerAcronym_.find(asciiLower(acronym));
  return it == byLowerAcronym_.end() ? nullptr : &structures_[it->second];
}

const Structure& AtlasOntology::byAcronym(const std::string& acronym) const {
  if (const Structure* s = findAcronym(acronym)) return *s;
  std::string message = "unknown structure acronym '" + acronym + "' in " + source_.string();
  const auto similar = search(acronym);
  if (!similar.empty()) {
    message += "; did you mean";
    for (std::size_t i = 0; i < std::min<std::size_t>(similar.size(), 5); ++i)
      message += (i ? ", " : " ") + similar[i]->acronym;
    message += "?";
  }
  throw std::out_of_range(message);
}

std::vector<const Structure*> AtlasOntology::search(const std::string& text) const {
  const std::string needle = asciiLower(text);
  std::vector<const Structure*> exact, partial;
  for (const auto& s : structures_) {
    const std::string acronym = asciiLower(s.acronym);
    if (acronym == needle)
      exact.push_back(&s);
    else if (acronym.find(needle) != std::string::npos ||
             asciiLower(s.name).find(needle) != std::string::npos)
      partial.push_back(&s);
  }
  exact.insert(exact.end(), partial.begin(), partial.end());
  return exact;
}

const Structure* AtlasOntology::parent(StructureId id) const {
  const auto& s = byId(id);
  return s.parentId ? find(*s.parentId) : nullptr;
}

std::vector<const Structure*> AtlasOntology::children(StructureId id) const {
  std::vector<const Structure*> out;
  for (StructureId child : byId(id).childIds) out.push_back(&byId(child));
  return out;
}

std::vector<StructureId> AtlasOntology::idPath(StructureId id) const {
  std::size_t i = static_cast<std::size_t>(&byId(id) - structures_.data());  // byId throws
  std::vector<StructureId> path(static_cast<std::size_t>(structures_[i].depth) + 1);
  for (auto step = path.rbegin(); step != path.rend(); ++step, i = parentIndex_[i])
    *step = structures_[i].id;
  return path;
}

std::vector<const Structure*> AtlasOntology::ancestors(StructureId id) const {
  const auto path = idPath(id);
  std::vector<const Structure*> out;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) out.push_back(&byId(path[i]));
  return out;
}

std::vector<StructureId> AtlasOntology::subtree(StructureId id) const {
  std::vector<StructureId> out{byId(id).id};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (StructureId child : byId(out[i]).childIds) out.push_back(child);
  return out;
}

std::vector<StructureId> AtlasOntology::descendants(StructureId id) const {
  auto out = subtree(id);
  out.erase(out.begin());
  return out;
}

bool AtlasOntology::isDescendantOrSelf(StructureId id, StructureId ancestor) const {
  const auto path = idPath(id);
  return std::find(path.begin(), path.end(), ancestor) != path.end();
}

std::string AtlasOntology::acronymPath(StructureId id) const {
  std::string out;
  for (StructureId step : idPath(id)) out += (out.empty() ? "" : " > ") + byId(step).acronym;
  return out;
}

}  // namespace teramind
