#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "atlas/AtlasOntology.h"
#include "common/FileError.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

class AllenOntology : public ::testing::Test {
 protected:
  void SetUp() override {
    TERAMIND_REQUIRE_SHARED_DATA("allen_ccf_v3");
    dir_ = sharedData;
  }
  std::filesystem::path dir_;
};

TEST_F(AllenOntology, CsvHas1327StructuresUnderRoot997) {
  const auto ontology = AtlasOntology::fromCsv(dir_ / "structure_tree_safe_2017.csv");
  EXPECT_EQ(ontology.size(), 1327u);
  EXPECT_EQ(ontology.root().id, 997u);
  EXPECT_EQ(ontology.root().acronym, "root");
  EXPECT_EQ(ontology.subtree(997).size(), 1327u);
}

std::string withoutCommas(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  return s;
}

std::string lowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The two releases differ only in spelling: the "safe" CSV drops commas ("Frontal pole, layer 1",
// "CUL4, 5") and writes five mammillary acronyms as "Mm…" where the JSON has "MM…".
TEST_F(AllenOntology, JsonAndCsvAgreeOnEveryStructure) {
  const auto csv = AtlasOntology::fromCsv(dir_ / "structure_tree_safe_2017.csv");
  const auto json = AtlasOntology::fromJson(dir_ / "ara_ontology.json");
  ASSERT_EQ(json.size(), csv.size());
  std::set<std::string> caseOnly;
  for (const Structure& a : csv.structures()) {
    const Structure* b = json.find(a.id);
    ASSERT_NE(b, nullptr) << "id " << a.id << " missing from JSON";
    const std::string jsonAcronym = withoutCommas(b->acronym);
    if (a.acronym != jsonAcronym) caseOnly.insert(jsonAcronym);
    EXPECT_EQ(lowerCase(a.acronym), lowerCase(jsonAcronym)) << a.id;
    EXPECT_EQ(a.name, withoutCommas(b->name)) << a.id;
    EXPECT_EQ(a.parentId, b->parentId) << a.id;
    EXPECT_EQ(a.color, b->color) << a.id;
    EXPECT_EQ(a.graphOrder, b->graphOrder) << a.id;
    EXPECT_EQ(a.depth, b->depth) << a.id;
    EXPECT_EQ(csv.idPath(a.id), json.idPath(a.id)) << a.id;
    EXPECT_EQ(a.childIds, b->childIds) << a.id;
  }
  EXPECT_EQ(caseOnly, (std::set<std::string>{"MMme", "MMl", "MMm", "MMp", "MMd"}));
}

TEST_F(AllenOntology, HierarchyQueries) {
  const auto o = AtlasOntology::fromCsv(dir_ / "structure_tree_safe_2017.csv");
  const Structure& ca1 = o.byAcronym("ca1");  // case-insensitive
  EXPECT_EQ(ca1.id, 382u);
  EXPECT_EQ(ca1.name, "Field CA1");
  EXPECT_EQ(o.acronymPath(382), "root > grey > CH > CTX > CTXpl > HPF > HIP > CA > CA1");
  EXPECT_EQ(o.parent(382)->acronym, "CA");
  const auto ancestors = o.ancestors(382);
  ASSERT_EQ(ancestors.size(), 8u);
  EXPECT_EQ(ancestors.front()->id, 997u);
  EXPECT_EQ(ancestors.back()->acronym, "CA");
  EXPECT_TRUE(o.isDescendantOrSelf(382, 1080));  // HIP
  EXPECT_FALSE(o.isDescendantOrSelf(1080, 382));
  EXPECT_EQ((std::array<std::uint8_t, 3>{0x7E, 0xD0, 0x4B}), ca1.color);
  for (StructureId child : o.byAcronym("CA").childIds)
    EXPECT_EQ(*o.byId(child).parentId, o.byAcronym("CA").id);
  const auto hip = o.subtree(o.byAcronym("HIP").id);
  EXPECT_EQ(hip.front(), o.byAcronym("HIP").id);
  EXPECT_EQ(o.descendants(o.byAcronym("HIP").id).size(), hip.size() - 1);
  // Exact case wins where Allen acronyms differ only in case.
  EXPECT_EQ(o.byAcronym("CM").id, 599u);
  EXPECT_EQ(o.byAcronym("cm").id, 967u);
}

TEST_F(AllenOntology, SearchMatchesAcronymOrNameSubstring) {
  const auto o = AtlasOntology::fromJson(dir_ / "ara_ontology.json");
  const auto hits = o.search("HIPPOCAMPAL");
  ASSERT_FALSE(hits.empty());
  for (const Structure* s : hits) {
    std::string name = s->name;
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    EXPECT_NE(name.find("hippocampal"), std::string::npos) << name;
  }
  const auto ca = o.search("CA1");
  ASSERT_FALSE(ca.empty());
  EXPECT_EQ(ca.front()->acronym, "CA1");  // the exact acronym first
}

TEST_F(AllenOntology, UnknownAcronymSuggestsNeighbours) {
  const auto o = AtlasOntology::fromCsv(dir_ / "structure_tree_safe_2017.csv");
  try {
    o.byAcronym("CA9");
    FAIL();
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("unknown structure acronym 'CA9'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("structure_tree_safe_2017.csv"), std::string::npos);
  }
  EXPECT_THROW(o.byId(123456789), std::out_of_range);
}

// Bad ontology files.

const char* kHeader =
    "id,atlas_id,name,acronym,st_level,ontology_id,hemisphere_id,weight,parent_structure_id,depth,"
    "graph_id,graph_order,structure_id_path,color_hex_triplet\n";

std::filesystem::path writeCsv(const ScratchDirectory& dir, const std::string& rows) {
  const auto file = dir / "ontology.csv";
  std::ofstream(file) << kHeader << rows;
  return file;
}

void expectOntologyError(const std::filesystem::path& file, const std::string& fragment) {
  try {
    AtlasOntology::fromFile(file);
    FAIL() << "expected an error for " << file;
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), file);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(OntologyBadInput, CycleIsRejected) {
  ScratchDirectory dir;
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,,FFFFFF\n"
                               "1,,A,A,,1,3,1,2,1,1,1,,FF0000\n"
                               "2,,B,B,,1,3,1,1,1,1,2,,00FF00\n"),
                      "cycle");
}

TEST(OntologyBadInput, MissingParentIsRejected) {
  ScratchDirectory dir;
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,/997/,FFFFFF\n"
                               "5,,Orphan,ORP,,1,3,1,4242,1,1,1,/997/4242/5/,FF0000\n"),
                      "parent 4242, which is not in the ontology");
}

TEST(OntologyBadInput, DuplicateIdsRootsAndBadFields) {
  ScratchDirectory dir;
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,,FFFFFF\n"
                               "997,,again,again,,1,3,1,,0,1,1,,FFFFFF\n"),
                      "duplicate structure id 997");
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,,FFFFFF\n"
                               "998,,root2,root2,,1,3,1,,0,1,1,,FFFFFF\n"),
                      "2 roots");
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,,FFFFFF\n"
                               "x1,,A,A,,1,3,1,997,1,1,1,,FF0000\n"),
                      "invalid structure id on line 3");
  expectOntologyError(writeCsv(dir, "997,,root,root,,1,3,1,,0,1,0,,GGGGGG\n"), "invalid colour");
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,,FFFFFF\n"
                               "1,,A,cm,,1,3,1,997,1,1,1,,FF0000\n"
                               "2,,B,CM,,1,3,1,997,1,1,2,,FF0000\n"
                               "3,,C,cm,,1,3,1,997,1,1,3,,FF0000\n"),
                      "duplicate acronym 'cm'");
  const auto negative = dir / "negative.json";
  std::ofstream(negative)
      << R"({"id": -1, "acronym": "root", "name": "root", "color_hex_triplet": "FFFFFF"})";
  expectOntologyError(negative, "invalid structure id -1");
  expectOntologyError(writeCsv(dir, ""), "no structures");
  const auto noColumns = dir / "columns.csv";
  std::ofstream(noColumns) << "id,name\n1,x\n";
  expectOntologyError(noColumns, "invalid ontology CSV");
  const auto json = dir / "broken.json";
  std::ofstream(json) << "{\"id\": 997, \"acronym\": \"root\",";
  expectOntologyError(json, "invalid ontology JSON");
  expectOntologyError(dir / "absent.json", "cannot open");
}

}  // namespace
}  // namespace teramind
