#include "atlas/AtlasOntology.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <unordered_set>

#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"  // inside fccp's error type
#include <libfccp/csv.h>
#pragma GCC diagnostic pop
#include <nlohmann/json.hpp>

#include "common/FileError.h"

namespace teramind {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::array<std::uint8_t, 3> parseColor(const std::string& hex, StructureId id,
                                       const std::filesystem::path& file) {
  if (hex.size() != 6 ||
      !std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c); }))
    throw FileError(file,
                    "structure " + std::to_string(id) + " has an invalid colour '" + hex + "'");
  const unsigned long rgb = std::stoul(hex, nullptr, 16);
  return {static_cast<std::uint8_t>(rgb >> 16), static_cast<std::uint8_t>(rgb >> 8),
          static_cast<std::uint8_t>(rgb)};
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
  throw FileError(file, "invalid " + what + " '" + text + "'");
}

std::vector<StructureId> parseIdPath(const std::string& text, const std::filesystem::path& file) {
  std::vector<StructureId> path;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t slash = text.find('/', start);
    if (slash == std::string::npos) slash = text.size();
    if (slash > start)
      path.push_back(parseId(text.substr(start, slash - start), "structure path", file));
    start = slash + 1;
  }
  return path;
}

StructureId jsonId(const nlohmann::json& value, const char* field,
                   const std::filesystem::path& file) {
  if (!value.is_number_unsigned() ||
      value.get<std::uint64_t>() > std::numeric_limits<StructureId>::max())
    throw FileError(file, std::string("invalid ") + field + " " + value.dump());
  return value.get<StructureId>();
}

void collectJson(const nlohmann::json& node, std::optional<StructureId> parentFromNesting,
                 const std::filesystem::path& file, std::vector<Structure>& out) {
  Structure s;
  s.id = jsonId(node.at("id"), "structure id", file);
  s.acronym = node.at("acronym").get<std::string>();
  s.name = node.at("name").get<std::string>();
  s.color = parseColor(node.at("color_hex_triplet").get<std::string>(), s.id, file);
  s.graphOrder = node.value("graph_order", 0);
  const auto parent = node.find("parent_structure_id");
  if (parent != node.end() && !parent->is_null()) s.parentId = jsonId(*parent, "parent id", file);
  if (s.parentId != parentFromNesting)
    throw FileError(file, "structure " + std::to_string(s.id) + " (" + s.acronym +
                              ") is nested under a different parent than its parent_structure_id");
  out.push_back(s);
  if (auto children = node.find("children"); children != node.end())
    for (const auto& child : *children) collectJson(child, s.id, file, out);
}

}  // namespace

AtlasOntology AtlasOntology::fromFile(const std::filesystem::path& file) {
  const std::string ext = lower(file.extension().string());
  if (ext == ".json") return fromJson(file);
  if (ext == ".csv") return fromCsv(file);
  throw FileError(file, "unknown ontology format (expected .json or .csv)");
}

AtlasOntology AtlasOntology::fromJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open ontology file");
  std::vector<Structure> structures;
  try {
    nlohmann::json json = nlohmann::json::parse(in);
    // The Allen API wraps the root as {"msg": [root]}.
    if (json.is_object() && json.contains("msg")) json = json["msg"];
    if (json.is_array()) {
      if (json.size() != 1) throw FileError(file, "expected a single root structure");
      json = json[0];
    }
    collectJson(json, std::nullopt, file, structures);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(file, std::string("invalid ontology JSON: ") + e.what());
  }
  return fromStructures(std::move(structures), file);
}

AtlasOntology AtlasOntology::fromCsv(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) throw FileError(file, "cannot open ontology file");
  std::vector<Structure> structures;
  try {
    io::CSVReader<7, io::trim_chars<' ', '\t', '\r'>, io::double_quote_escape<',', '"'>> csv(
        file.string());
    csv.read_header(io::ignore_extra_column, "id", "acronym", "name", "parent_structure_id",
                    "structure_id_path", "color_hex_triplet", "graph_order");
    std::string id, acronym, name, parent, path, color, order;
    while (csv.read_row(id, acronym, name, parent, path, color, order)) {
      const std::string where = " on line " + std::to_string(csv.get_file_line());
      Structure s;
      s.id = parseId(id, "structure id" + where, file);
      s.acronym = acronym;
      s.name = name;
      if (!parent.empty()) s.parentId = parseId(parent, "parent id" + where, file);
      s.idPath = parseIdPath(path, file);
      s.color = parseColor(color, s.id, file);
      s.graphOrder =
          order.empty() ? 0 : static_cast<int>(parseId(order, "graph order" + where, file));
      structures.push_back(std::move(s));
    }
  } catch (const io::error::base& e) {
    throw FileError(file, std::string("invalid ontology CSV: ") + e.what());
  }
  return fromStructures(std::move(structures), file);
}

AtlasOntology AtlasOntology::fromStructures(std::vector<Structure> structures,
                                            const std::filesystem::path& source) {
  if (structures.empty()) throw FileError(source, "ontology holds no structures");
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
  for (auto& s : structures) {
    s.childIds.clear();
    if (s.parentId && !o.byId_.count(*s.parentId))
      throw FileError(source, "structure " + std::to_string(s.id) + " (" + s.acronym +
                                  ") has parent " + std::to_string(*s.parentId) +
                                  ", which is not in the ontology");
  }
  for (const auto& s : structures)
    if (s.parentId) structures[o.byId_.at(*s.parentId)].childIds.push_back(s.id);
  if (roots.size() != 1) {
    // Without a root every structure lies on a cycle of parents (or leads into one).
    throw FileError(source, roots.empty()
                                ? "ontology has no root: the parent links form a cycle"
                                : "ontology has " + std::to_string(roots.size()) + " roots");
  }
  o.rootIndex_ = roots.front();
  // Walk down from the root; a structure not reached sits on a parent cycle.
  std::vector<bool> reached(structures.size(), false);
  std::vector<std::size_t> stack{o.rootIndex_};
  structures[o.rootIndex_].idPath.assign(1, structures[o.rootIndex_].id);
  reached[o.rootIndex_] = true;
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    for (StructureId childId : structures[i].childIds) {
      const std::size_t c = o.byId_.at(childId);
      Structure& child = structures[c];
      std::vector<StructureId> path = structures[i].idPath;
      path.push_back(child.id);
      if (!child.idPath.empty() && child.idPath != path)
        throw FileError(source, "structure " + std::to_string(child.id) + " (" + child.acronym +
                                    ") has a structure_id_path that disagrees with its parents");
      child.idPath = std::move(path);
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
    o.byLowerAcronym_.emplace(lower(acronym), i);
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
  auto it = byLowerAcronym_.find(lower(acronym));
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
  const std::string needle = lower(text);
  std::vector<const Structure*> exact, partial;
  for (const auto& s : structures_) {
    const std::string acronym = lower(s.acronym);
    if (acronym == needle)
      exact.push_back(&s);
    else if (acronym.find(needle) != std::string::npos ||
             lower(s.name).find(needle) != std::string::npos)
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

std::vector<const Structure*> AtlasOntology::ancestors(StructureId id) const {
  const auto& path = byId(id).idPath;
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
  const auto& path = byId(id).idPath;
  return std::find(path.begin(), path.end(), ancestor) != path.end();
}

std::string AtlasOntology::acronymPath(StructureId id) const {
  std::string out;
  for (StructureId step : byId(id).idPath) out += (out.empty() ? "" : " > ") + byId(step).acronym;
  return out;
}

}  // namespace teramind
