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

// Limits (issue 21, findings 2 and 3). Each input is built here; the parse runs in this process,
// so a stack overflow or runaway allocation would take the test down.

// A chain root > S1 > S2 > ... as Allen structure-graph JSON: every level one object nested in
// its parent's "children".
std::string jsonChain(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i)
    text += "{\"id\": " + std::to_string(i + 1) + ", \"acronym\": \"S" + std::to_string(i) +
            "\", \"name\": \"S" + std::to_string(i) + "\", \"color_hex_triplet\": \"FF0000\"" +
            ", \"graph_order\": " + std::to_string(i) +
            ", \"parent_structure_id\": " + (i ? std::to_string(i) : "null") + ", \"children\": [";
  for (int i = 0; i < levels; ++i) text += "]}";
  return text;
}

// The same chain as the structure-tree CSV, without structure_id_path (which would make the file
// itself quadratic).
std::string csvChain(int levels) {
  std::string rows;
  for (int i = 0; i < levels; ++i)
    rows += std::to_string(i + 1) + ",,S" + std::to_string(i) + ",S" + std::to_string(i) +
            ",,1,3,1," + (i ? std::to_string(i) : "") + ",," + "1," + std::to_string(i) +
            ",,FF0000\n";
  return rows;
}

std::filesystem::path writeJson(const ScratchDirectory& dir, const std::string& text) {
  const auto file = dir / "ontology.json";
  std::ofstream(file) << text;
  return file;
}

TEST(OntologyLimits, JsonNested19000DeepIsRefusedWithoutCrashing) {
  ScratchDirectory dir;
  expectOntologyError(writeJson(dir, jsonChain(19'000)),
                      "nested more than 64 levels below the root (inside structure 65 (S64))");
}

TEST(OntologyLimits, DeeplyNestedUnknownFieldIsRefused) {
  // Not structures: 19,000 arrays inside a field that is otherwise skipped.
  ScratchDirectory dir;
  const std::string deep = std::string(19'000, '[') + std::string(19'000, ']');
  expectOntologyError(writeJson(dir, R"({"id": 997, "acronym": "root", "name": "root",
      "color_hex_triplet": "FFFFFF", "extra": )" +
                                         deep + "}"),
                      "JSON nested more than 138 levels deep inside structure 997 (root)");
}

TEST(OntologyLimits, CsvChainOf30000IsRefusedByTheDepthLimit) {
  // Before the fix this loaded, copying every ancestor path into each child: 2.3 GB.
  ScratchDirectory dir;
  expectOntologyError(writeCsv(dir, csvChain(30'000)),
                      "structure 66 (S65) lies more than 64 levels below the root");
}

TEST(OntologyLimits, ChainAtTheDepthLimitLoadsFromCsvAndJson) {
  ScratchDirectory dir;
  const int levels = AtlasOntology::kMaxDepth + 1;  // the root and 64 below it
  for (const auto& file : {writeCsv(dir, csvChain(levels)), writeJson(dir, jsonChain(levels))}) {
    SCOPED_TRACE(file.string());
    const auto o = AtlasOntology::fromFile(file);
    ASSERT_EQ(o.size(), static_cast<std::size_t>(levels));
    const Structure& deepest = o.byId(static_cast<StructureId>(levels));
    EXPECT_EQ(deepest.depth, AtlasOntology::kMaxDepth);
    const auto path = o.idPath(deepest.id);
    ASSERT_EQ(path.size(), static_cast<std::size_t>(levels));
    for (std::size_t i = 0; i < path.size(); ++i) EXPECT_EQ(path[i], i + 1);
    EXPECT_EQ(o.ancestors(deepest.id).size(), path.size() - 1);
    EXPECT_TRUE(o.isDescendantOrSelf(deepest.id, 1));
    EXPECT_FALSE(o.isDescendantOrSelf(1, deepest.id));
    EXPECT_EQ(o.acronymPath(3), "S0 > S1 > S2");
    EXPECT_EQ(o.subtree(1).size(), o.size());
  }
  expectOntologyError(writeCsv(dir, csvChain(levels + 1)), "lies more than 64 levels");
  expectOntologyError(writeJson(dir, jsonChain(levels + 1)), "nested more than 64 levels");
}

TEST(OntologyLimits, StructureCountFileSizeAndTextLength) {
  ScratchDirectory dir;
  // A root with 100,000 children: one structure over the limit, refused while reading.
  std::string rows = "1,,root,root,,1,3,1,,0,1,0,,FFFFFF\n";
  for (int i = 2; i <= 100'001; ++i)
    rows += std::to_string(i) + ",,n,a" + std::to_string(i) + ",,1,3,1,1,1,1," + std::to_string(i) +
            ",,FF0000\n";
  expectOntologyError(writeCsv(dir, rows), "more than 100000 structures (line 100002)");

  // Sparse files just over 64 MiB: refused before a byte is parsed.
  for (const char* name : {"huge.json", "huge.csv"}) {
    const auto huge = dir / name;
    std::ofstream(huge) << "{";
    std::filesystem::resize_file(huge, AtlasOntology::kMaxFileBytes + 1);
    expectOntologyError(huge, "ontology file is 67108865 bytes; at most 67108864 are read");
  }

  const std::string longName(AtlasOntology::kMaxTextLength + 1, 'x');
  expectOntologyError(writeCsv(dir, "997,,root," + longName + ",,1,3,1,,0,1,0,,FFFFFF\n"),
                      "acronym on line 2 is 1025 characters long; at most 1024 are allowed");
  expectOntologyError(
      writeJson(dir, R"({"id": 997, "acronym": "root", "color_hex_triplet": "FFFFFF", "name": ")" +
                         longName + "\"}"),
      "structure 997 (root): \"name\" is 1025 characters long");
}

TEST(OntologyLimits, CsvPathThatDisagreesWithParentsNamesTheLine) {
  ScratchDirectory dir;
  expectOntologyError(writeCsv(dir,
                               "997,,root,root,,1,3,1,,0,1,0,/997/,FFFFFF\n"
                               "8,,grey,grey,,1,3,1,997,1,1,1,/997/8/,FF0000\n"
                               "9,,A,A,,1,3,1,8,1,1,2,/997/9/,FF0000\n"),
                      "structure 9 (A) on line 4 has a structure_id_path that disagrees");
}

// The JSON reader takes any key order and the Allen API's {"msg": [root]} wrapper, and refuses
// structures it cannot place.
TEST(OntologyJson, KeyOrderAndWrapper) {
  ScratchDirectory dir;
  const auto o = AtlasOntology::fromFile(writeJson(dir, R"({"success": true, "id": 0, "msg": [
      {"children": [{"color_hex_triplet": "FF0000", "parent_structure_id": 997, "id": 8,
                     "name": "Grey", "acronym": "grey", "st_level": null, "flag": false,
                     "weight": 1.5, "sets": [{"id": 1}]}],
       "id": 997, "acronym": "root", "name": "root", "color_hex_triplet": "FFFFFF",
       "parent_structure_id": null}]})"));
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o.root().id, 997u);
  ASSERT_TRUE(o.byAcronym("grey").parentId.has_value());
  EXPECT_EQ(*o.byAcronym("grey").parentId, 997u);
  EXPECT_EQ(o.byAcronym("grey").color, (std::array<std::uint8_t, 3>{255, 0, 0}));
  EXPECT_EQ(o.acronymPath(8), "root > grey");
}

TEST(OntologyJson, BadStructuresAreNamed) {
  ScratchDirectory dir;
  const std::string root =
      R"("id": 997, "acronym": "root", "name": "root", "color_hex_triplet": "FFFFFF")";
  expectOntologyError(writeJson(dir, "{" + root + R"(, "children": [{"id": 8, "acronym": "grey",
      "name": "grey", "color_hex_triplet": "FF0000", "parent_structure_id": 5}]})"),
                      "structure 8 (grey) is nested under a different parent");
  expectOntologyError(writeJson(dir, "{" + root + R"(, "children": [{"id": 8, "name": "g",
      "color_hex_triplet": "FF0000", "parent_structure_id": 997}]})"),
                      "structure 8 has no \"acronym\"");
  expectOntologyError(writeJson(dir, "{" + root + R"(, "children": 3})"),
                      "structure 997 (root): \"children\" is not a list of structures (3)");
  expectOntologyError(writeJson(dir, "{" + root + R"(, "children": [7]})"),
                      "the children of structure 997 (root) hold 7, not a structure");
  expectOntologyError(writeJson(dir, "{" + root + R"(, "id": 998})"), "repeats the field \"id\"");
  expectOntologyError(writeJson(dir, "{" + root + R"(, "graph_order": 1e300})"),
                      "\"graph_order\" has an invalid value (1e300)");
  expectOntologyError(writeJson(dir, "[{" + root + "}, {" + root + "}]"),
                      "expected a single root structure");
  expectOntologyError(writeJson(dir, R"({"msg": []})"), "expected a single root structure");
  expectOntologyError(writeJson(dir, "42"), "holds 42, not a structure");
  // Lists where structures belong (found by UBSan: this read an empty vector).
  expectOntologyError(writeJson(dir, std::string(200'000, '[')), "the root list holds a list");
  expectOntologyError(writeJson(dir, "{" + root + R"(, "children": [[]]})"),
                      "the children of structure 997 (root) hold a list, not a structure");
  expectOntologyError(writeJson(dir, "{" + root + "} trailing"), "invalid ontology JSON");
}

}  // namespace
}  // namespace teramind
