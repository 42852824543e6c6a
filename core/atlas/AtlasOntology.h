#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "atlas/Structure.h"

namespace teramind {

// The structure hierarchy of an atlas: a tree checked on load (one root, no cycles, every
// parent present, ids and acronyms unique, within the limits below).
class AtlasOntology {
 public:
  // Limits on what a file may hold, so bad input gets a FileError instead of exhausting the stack
  // or memory. The Allen ontology has 1,327 structures at most 10 levels below the root, names up
  // to 104 characters and is 600 KB as JSON.
  static constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{64} << 20;
  static constexpr std::size_t kMaxStructures = 100'000;
  static constexpr int kMaxDepth = 64;                 // levels below the root
  static constexpr std::size_t kMaxTextLength = 1024;  // characters of an acronym or name

  // Allen structure-graph JSON (hierarchical, `children`) or the flat structure-tree CSV.
  static AtlasOntology fromFile(const std::filesystem::path& file);
  static AtlasOntology fromJson(const std::filesystem::path& file);
  static AtlasOntology fromCsv(const std::filesystem::path& file);
  // `source` names where the structures came from, for error messages.
  static AtlasOntology fromStructures(std::vector<Structure> structures,
                                      const std::filesystem::path& source);

  std::size_t size() const { return structures_.size(); }
  const std::filesystem::path& source() const { return source_; }
  const Structure& root() const { return structures_[rootIndex_]; }
  const std::vector<Structure>& structures() const { return structures_; }  // in graph order

  bool contains(StructureId id) const { return byId_.count(id) != 0; }
  const Structure* find(StructureId id) const;
  const Structure& byId(StructureId id) const;                     // throws std::out_of_range
  const Structure* findAcronym(const std::string& acronym) const;  // case-insensitive
  const Structure& byAcronym(const std::string& acronym) const;    // throws, with suggestions
  // Case-insensitive substring match on acronym or name; exact acronym matches first.
  std::vector<const Structure*> search(const std::string& text) const;

  const Structure* parent(StructureId id) const;
  std::vector<const Structure*> children(StructureId id) const;
  std::vector<const Structure*> ancestors(StructureId id) const;  // root first, excluding id
  std::vector<StructureId> idPath(StructureId id) const;          // root first, ending with id
  std::vector<StructureId> descendants(StructureId id) const;     // excluding id
  std::vector<StructureId> subtree(StructureId id) const;         // id and its descendants
  bool isDescendantOrSelf(StructureId id, StructureId ancestor) const;
  // "root > grey > CH > ... > CA1"
  std::string acronymPath(StructureId id) const;

 private:
  std::filesystem::path source_;
  std::vector<Structure> structures_;
  std::unordered_map<StructureId, std::size_t> byId_;
  std::unordered_map<std::string, std::size_t> byLowerAcronym_;
  std::vector<std::size_t> parentIndex_;  // index into structures_; the root's is its own
  std::size_t rootIndex_ = 0;
};

}  // namespace teramind
