#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "atlas/AtlasOntology.h"
#include "atlas/StructureSearch.h"
#include "common/ResourceLocator.h"

namespace teramind {
namespace {

// The bundled atlas's two ontology files: the "safe" CSV the studio loads (no commas in names)
// and the Allen structure-graph JSON ("Field CA1, stratum oriens").
class StructureSearch : public ::testing::TestWithParam<const char*> {
 protected:
  static const AtlasOntology& ontology(const std::string& file) {
    static const AtlasOntology csv =
        AtlasOntology::fromFile(bundledAtlasDirectory() / "structure_tree_safe_2017.csv");
    static const AtlasOntology json =
        AtlasOntology::fromFile(bundledAtlasDirectory() / "ara_ontology.json");
    return file == "csv" ? csv : json;
  }
  const AtlasOntology& ontology() const { return ontology(GetParam()); }

  std::vector<std::string> acronyms(std::string_view query, std::size_t limit = 0) const {
    std::vector<std::string> out;
    for (StructureId id : searchStructures(ontology(), query, limit))
      out.push_back(ontology().byId(id).acronym);
    return out;
  }
  static std::ptrdiff_t rankOf(const std::vector<std::string>& found, const std::string& acronym) {
    const auto it = std::find(found.begin(), found.end(), acronym);
    return it == found.end() ? -1 : it - found.begin();
  }
};

TEST_P(StructureSearch, OntologyIsTheFullAllenOne) {
  EXPECT_EQ(ontology().size(), 1327u);
}

// "hippocampus" is no word of any Allen name; the structures are "Hippocampal formation" (HPF),
// "Hippocampal region" (HIP) and the fibre tracts "hippocampal commissures" etc.
TEST_P(StructureSearch, HippocampusFindsTheHippocampalStructuresFirst) {
  const auto found = acronyms("hippocampus");
  ASSERT_GE(found.size(), 2u);
  EXPECT_EQ(found[0], "HPF");
  EXPECT_EQ(found[1], "HIP");
  for (const char* tract : {"hc", "dhc", "vhc", "hf", "HATA"})
    EXPECT_GE(rankOf(found, tract), 2) << tract;
  // The stem is what matches, not any word sharing a few letters.
  EXPECT_EQ(rankOf(found, "RHP"), -1) << "Retrohippocampal does not start with hippocamp";
  EXPECT_LT(found.size(), 12u);
  EXPECT_EQ(acronyms("Hippocampus formation").at(0), "HPF");
}

TEST_P(StructureSearch, ExactAcronymRanksFirstThenAcronymPrefixes) {
  const auto found = acronyms("CA1");
  ASSERT_GE(found.size(), 5u);
  EXPECT_EQ(found[0], "CA1");
  for (const char* layer : {"CA1slm", "CA1so", "CA1sp", "CA1sr"}) {
    EXPECT_GE(rankOf(found, layer), 1) << layer;
    EXPECT_LE(rankOf(found, layer), 4) << layer;
  }
  EXPECT_EQ(acronyms("ca1").at(0), "CA1");
  EXPECT_EQ(acronyms("  Ca1 ").at(0), "CA1");
  // "CA" is Ammon's horn; CA1, CA2, CA3 follow before any name match.
  const auto ca = acronyms("ca");
  ASSERT_GE(ca.size(), 4u);
  EXPECT_EQ(ca[0], "CA");
  const auto firstOther = std::find_if(ca.begin(), ca.end(), [](const std::string& a) {
    return a.size() < 2 || (a.compare(0, 2, "CA") != 0 && a.compare(0, 2, "ca") != 0);
  });
  for (const char* field : {"CA1", "CA2", "CA3"})
    EXPECT_LT(rankOf(ca, field), firstOther - ca.begin()) << field;
  ASSERT_NE(firstOther, ca.end()) << "name words starting with ca follow";
}

TEST_P(StructureSearch, NameWordsMatchInAnyOrder) {
  for (const char* query : {"field ca1", "ca1 field", "FIELD CA1", "Field CA1"}) {
    const auto found = acronyms(query);
    ASSERT_FALSE(found.empty()) << query;
    EXPECT_EQ(found[0], "CA1") << query;
    EXPECT_EQ(rankOf(found, "CA2"), -1) << query;
  }
  const auto oriens = acronyms("oriens ca1");
  ASSERT_FALSE(oriens.empty());
  EXPECT_EQ(oriens[0], "CA1so");
  EXPECT_EQ(acronyms("thalamus").at(0), "TH");
  EXPECT_EQ(acronyms("cerebellum cortex").at(0), "CBX") << "Cerebellar cortex";
}

TEST_P(StructureSearch, WordPrefixesAndPartsMatch) {
  EXPECT_EQ(acronyms("hippo form").at(0), "HPF");
  // "cortex" is a part of "Isocortex", as the plain filter found before.
  EXPECT_GE(rankOf(acronyms("cortex"), "Isocortex"), 1);
  EXPECT_LT(rankOf(acronyms("cortex"), "CTX"), rankOf(acronyms("cortex"), "Isocortex"));
}

TEST_P(StructureSearch, NothingMatchesNonsenseOrBlank) {
  EXPECT_TRUE(searchStructures(ontology(), "zzqx").empty());
  EXPECT_TRUE(searchStructures(ontology(), "field zzqx").empty()) << "every word must match";
  EXPECT_TRUE(searchStructures(ontology(), "").empty());
  EXPECT_TRUE(searchStructures(ontology(), "   ").empty());
  EXPECT_TRUE(searchStructures(ontology(), ",,").empty());
}

TEST_P(StructureSearch, LimitCapsTheRankedList) {
  const auto all = searchStructures(ontology(), "layer");
  ASSERT_GT(all.size(), 100u);
  const auto three = searchStructures(ontology(), "layer", 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_TRUE(std::equal(three.begin(), three.end(), all.begin()));
}

TEST_P(StructureSearch, IsFastOnTheFullOntology) {
  const auto start = std::chrono::steady_clock::now();
  std::size_t total = 0;
  for (int i = 0; i < 20; ++i)
    for (const char* query : {"hippocampus", "ca1 field", "layer", "zzqx", "th"})
      total += searchStructures(ontology(), query).size();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(total, 0u);
  // 100 queries; a filter that runs per keystroke must stay far below a frame (16 ms) each,
  // even in a sanitizer build.
  EXPECT_LT(ms / 100, 16.0) << ms << " ms for 100 queries";
  std::cout << "100 queries over " << ontology().size() << " structures: " << ms << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(BundledAtlas, StructureSearch, ::testing::Values("csv", "json"));

}  // namespace
}  // namespace teramind
