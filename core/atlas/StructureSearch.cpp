#include "atlas/StructureSearch.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>

#include "common/AsciiCase.h"

namespace teramind {
namespace {

// How a query word matched a word of a structure, best first.
enum class WordMatch { Whole = 0, Prefix = 1, Stem = 2, Part = 3, None = 4 };

constexpr std::size_t kMinStemPrefix = 6;
constexpr std::size_t kMaxStemRest = 3;
constexpr std::size_t kMinPartLength = 3;

// Runs of letters and digits, lower case: "Field CA1, stratum oriens" -> field ca1 stratum oriens.
std::vector<std::string> wordsOf(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

WordMatch matchWord(const std::string& query, const std::string& word) {
  if (word == query) return WordMatch::Whole;
  if (word.compare(0, query.size(), query) == 0) return WordMatch::Prefix;
  const std::size_t limit = std::min(query.size(), word.size());
  std::size_t common = 0;
  while (common < limit && query[common] == word[common]) ++common;
  if (common >= kMinStemPrefix && query.size() - common <= kMaxStemRest) return WordMatch::Stem;
  if (query.size() >= kMinPartLength && word.find(query) != std::string::npos)
    return WordMatch::Part;
  return WordMatch::None;
}

struct Ranked {
  int tier = 0;  // 0 exact acronym, 1 exact name, 2 acronym prefix, 3 name words
  WordMatch worst = WordMatch::Whole;
  std::size_t unmatchedWords = 0;
  int graphOrder = 0;
  StructureId id = 0;

  bool operator<(const Ranked& other) const {
    return std::tie(tier, worst, unmatchedWords, graphOrder, id) <
           std::tie(other.tier, other.worst, other.unmatchedWords, other.graphOrder, other.id);
  }
};

}  // namespace

std::vector<StructureId> searchStructures(const AtlasOntology& ontology, std::string_view query,
                                          std::size_t limit) {
  const std::string whole = asciiLower(trimmed(query));
  const std::vector<std::string> queryWords = wordsOf(whole);
  if (whole.empty()) return {};

  std::vector<Ranked> found;
  for (const Structure& s : ontology.structures()) {
    Ranked r;
    r.graphOrder = s.graphOrder;
    r.id = s.id;
    const std::string acronym = asciiLower(s.acronym);
    const std::vector<std::string> nameWords = wordsOf(s.name);
    if (acronym == whole) {
      r.tier = 0;
    } else if (asciiLower(s.name) == whole || (!queryWords.empty() && nameWords == queryWords)) {
      r.tier = 1;
    } else if (acronym.compare(0, whole.size(), whole) == 0) {
      r.tier = 2;
    } else {
      if (queryWords.empty()) continue;  // only punctuation, and no acronym is made of it
      r.tier = 3;
      const std::vector<std::string> acronymWords = wordsOf(acronym);
      std::vector<bool> used(nameWords.size(), false);
      bool all = true;
      for (const std::string& q : queryWords) {
        WordMatch best = WordMatch::None;
        std::size_t bestWord = nameWords.size();
        for (std::size_t w = 0; w < nameWords.size(); ++w) {
          const WordMatch m = matchWord(q, nameWords[w]);
          if (m < best) {
            best = m;
            bestWord = w;
          }
        }
        for (const std::string& a : acronymWords) best = std::min(best, matchWord(q, a));
        if (best == WordMatch::None) {
          all = false;
          break;
        }
        if (bestWord < nameWords.size()) used[bestWord] = true;
        r.worst = std::max(r.worst, best);
      }
      if (!all) continue;
      r.unmatchedWords = static_cast<std::size_t>(std::count(used.begin(), used.end(), false));
    }
    found.push_back(r);
  }
  std::sort(found.begin(), found.end());
  if (limit != 0 && found.size() > limit) found.resize(limit);
  std::vector<StructureId> ids;
  ids.reserve(found.size());
  for (const Ranked& r : found) ids.push_back(r.id);
  return ids;
}

}  // namespace teramind
