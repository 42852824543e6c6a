#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "ConditionsTestSupport.h"

#include "atlas/Atlas.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "conditions/ConditionDocument.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

const std::vector<std::string> kGenes = {"Gad1", "Slc17a7", "Pvalb", "Sst", "Vip"};

// 200 × 150 bins × 2 planes, five genes, about 8 % of bins non-zero with log-normal counts.
BinnedCondition syntheticCondition() {
  const BinGrid g = test::conditionsTestGrid();
  BinnedCondition c(g, kGenes);
  std::mt19937 rng(20240611);
  std::bernoulli_distribution present(0.08);
  std::lognormal_distribution<float> count(1.0f, 0.8f);
  for (std::size_t gene = 0; gene < kGenes.size(); ++gene)
    for (std::int32_t p = 0; p < g.planes; ++p)
      for (std::int32_t y = 0; y < g.height; ++y)
        for (std::int32_t x = 0; x < g.width; ++x)
          if (present(rng)) c.set(gene, {x, y, p}, count(rng));
  return c;
}

// A random stroke or lasso with a random operation, as a user might paint.
ConditionEdit randomEdit(std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  const std::string gene = kGenes[rng() % kGenes.size()];
  Selection selection;
  if (u(rng) < 0.85) {
    BrushStroke s;
    s.shape = u(rng) < 0.5 ? BrushStroke::Shape::Disk : BrushStroke::Shape::Sphere;
    s.edge = u(rng) < 0.5 ? BrushStroke::Edge::Hard : BrushStroke::Edge::Soft;
    s.hardness = u(rng);
    s.radiusUm = 30 + 370 * u(rng);
    const std::int32_t plane = std::int32_t(rng() % 2);
    double x = -1200 + 10400 * u(rng), y = 300 + 7900 * u(rng);
    const int centres = 1 + int(rng() % 5);
    for (int i = 0; i < centres; ++i) {
      s.centres.push_back(
          {x, y, s.shape == BrushStroke::Shape::Sphere ? std::int32_t(rng() % 2) : plane});
      x += 400 * (u(rng) - 0.5);
      y += 400 * (u(rng) - 0.5);
    }
    selection = s;
  } else {
    PolygonSelection p;
    p.plane = std::int32_t(rng() % 2);
    const double cx = -1000 + 10000 * u(rng), cy = 500 + 7500 * u(rng);
    const int n = 3 + int(rng() % 4);
    for (int i = 0; i < n; ++i)
      p.verticesUm.push_back({cx + 600 * (u(rng) - 0.5), cy + 600 * (u(rng) - 0.5)});
    selection = p;
  }
  PaintOperation operation;
  switch (rng() % 5) {
    case 0:
      operation = SetValue{20 * u(rng)};
      break;
    case 1:
      operation = AddValue{5 * u(rng)};
      break;
    case 2:
      operation = ScaleValue{3 * u(rng)};
      break;
    case 3:
      operation = KnockOut{};
      break;
    default:
      operation = CopyFromGene{kGenes[rng() % kGenes.size()], std::int32_t(rng() % 11) - 5,
                               std::int32_t(rng() % 11) - 5, std::int32_t(rng() % 3) - 1};
  }
  return ConditionEdit(gene, selection, operation);
}

TEST(ConditionsUndo, ThousandRandomStrokesUndoAndRedoBitForBit) {
  const BinnedCondition original = syntheticCondition();
  BinnedCondition condition = original;
  UndoHistory history;
  std::mt19937 rng(99);
  std::size_t touched = 0, changed = 0, changeBytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    history.push(EditCommand::apply(randomEdit(rng), condition, {}));
    const EditCommand& command = history.command(history.size() - 1);
    // Undo memory follows the stroke: 16 bytes per changed bin plus the command and its edit.
    const std::size_t fixed =
        sizeof(EditCommand) - sizeof(ConditionEdit) + command.edit().memoryBytes();
    ASSERT_EQ(command.memoryBytes(), fixed + sizeof(BinChange) * command.changes().size());
    ASSERT_LE(command.changes().size(), command.touchedBins());
    ASSERT_LE(command.memoryBytes(), 16 * command.touchedBins() + 512) << "stroke " << i;
    touched += command.touchedBins();
    changed += command.changes().size();
    changeBytes += command.memoryBytes();
  }
  const BinnedCondition painted = condition;
  EXPECT_NE(painted, original);
  EXPECT_EQ(history.undoCount(), 1000u);
  EXPECT_EQ(history.memoryBytes(), changeBytes);
  while (history.canUndo()) history.undo(condition);
  EXPECT_EQ(condition, original);  // absent bins are absent again, values bit for bit
  EXPECT_EQ(condition.nonZeroCount(), original.nonZeroCount());
  EXPECT_TRUE(history.canRedo());
  while (history.canRedo()) history.redo(condition);
  EXPECT_EQ(condition, painted);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ measured ] 1000 strokes: " << touched << " bins touched, " << changed
            << " changed, undo memory " << changeBytes
            << " bytes = " << double(changeBytes) / double(touched) << " B/touched bin, "
            << double(changeBytes) / double(changed) << " B/changed bin; paint+undo+redo "
            << seconds << " s\n";
  EXPECT_LT(seconds, 5.0);
}

TEST(ConditionsUndo, NewEditAfterUndoDropsTheRedoBranch) {
  BinnedCondition condition = syntheticCondition();
  UndoHistory history;
  std::mt19937 rng(5);
  std::vector<BinnedCondition> states{condition};
  for (int i = 0; i < 3; ++i) {
    history.push(EditCommand::apply(randomEdit(rng), condition, {}));
    states.push_back(condition);
  }
  history.undo(condition);
  history.undo(condition);
  EXPECT_EQ(condition, states[1]);
  EXPECT_EQ(history.redoCount(), 2u);
  history.push(EditCommand::apply(randomEdit(rng), condition, {}));
  EXPECT_FALSE(history.canRedo());
  EXPECT_EQ(history.size(), 2u);
  std::size_t sum = 0;
  for (std::size_t i = 0; i < history.size(); ++i) sum += history.command(i).memoryBytes();
  EXPECT_EQ(history.memoryBytes(), sum);
  history.undo(condition);
  history.undo(condition);
  EXPECT_EQ(condition, states[0]);
  EXPECT_FALSE(history.canUndo());
  EXPECT_THROW(history.undo(condition), std::logic_error);
}

TEST(ConditionsUndo, CappedHistoryForgetsTheOldestCommands) {
  BinnedCondition condition = syntheticCondition();
  UndoHistory history(5);
  std::mt19937 rng(11);
  std::vector<BinnedCondition> states{condition};
  for (int i = 0; i < 8; ++i) {
    history.push(EditCommand::apply(randomEdit(rng), condition, {}));
    states.push_back(condition);
  }
  EXPECT_EQ(history.size(), 5u);
  std::size_t sum = 0;
  for (std::size_t i = 0; i < history.size(); ++i) sum += history.command(i).memoryBytes();
  EXPECT_EQ(history.memoryBytes(), sum);
  while (history.canUndo()) history.undo(condition);
  EXPECT_EQ(condition, states[3]);
  history.clear();
  EXPECT_EQ(history.memoryBytes(), 0u);
}

using test::coronalPlacement;

class ConditionsDocumentTest : public test::BundledAtlasTest {
 protected:
  static std::string read(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void write(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file) << text;
  }
  // The problem load() reports, or "" when it loads.
  static std::string loadError(const std::filesystem::path& file) {
    try {
      ConditionDocument::load(file);
    } catch (const FileError& e) {
      return e.what();
    }
    return "";
  }
};
TEST_F(ConditionsDocumentTest, PaintSaveLoadAndReplayGiveTheSameConditionBitForBit) {
  const BinnedCondition source = syntheticCondition();
  const PaintContext context{atlas_, coronalPlacement()};
  ConditionDocument doc(
      source, context,
      R"({"dataset": "synthetic/section_07.gef", "bin_size": 50, "panel": ["Gad1"]})");
  std::mt19937 rng(3);
  for (int i = 0; i < 40; ++i) doc.apply(randomEdit(rng));
  const StructureId ca1 = atlas_->ontology().byAcronym("CA1").id;
  doc.apply(ConditionEdit("Sst", AtlasRegionSelection{ca1, std::nullopt}, ScaleValue{4.0}));
  for (int i = 0; i < 10; ++i) doc.apply(randomEdit(rng));
  for (int i = 0; i < 5; ++i) doc.undo();
  doc.redo();
  doc.redo();
  ASSERT_EQ(doc.edits().size(), 48u);
  EXPECT_TRUE(doc.canRedo());  // the redo branch is not part of the saved state

  ScratchDirectory dir;
  doc.save(dir / "painted.json");
  EXPECT_TRUE(std::filesystem::exists(ConditionDocument::conditionFileFor(dir / "painted.json")));
  const auto loaded = ConditionDocument::load(dir / "painted.json", atlas_);
  EXPECT_EQ(loaded.condition(), doc.condition());
  EXPECT_EQ(loaded.edits(), doc.edits());
  EXPECT_EQ(loaded.sourceJson(), doc.sourceJson());
  EXPECT_EQ(loaded.context().sectionToAtlas.toRowMajor(), context.sectionToAtlas.toRowMajor());
  EXPECT_FALSE(loaded.canUndo());
  EXPECT_EQ(loaded.replay(source), doc.condition());
  EXPECT_EQ(doc.replay(source, context), doc.condition());
  // Without the atlas the CA1 edit cannot be replayed.
  EXPECT_THROW(loaded.replay(source, PaintContext{nullptr, coronalPlacement()}),
               std::invalid_argument);
  // Saving the loaded document again gives the same JSON text.
  loaded.save(dir / "again.json");
  EXPECT_EQ(read(dir / "again.json"), read(dir / "painted.json"));
}

TEST_F(ConditionsDocumentTest, BadFilesGiveClearErrors) {
  ScratchDirectory dir;
  ConditionDocument doc(syntheticCondition());
  BrushStroke s;
  s.centres = {{2000, 3000, 0}};
  s.radiusUm = 300;
  doc.apply(ConditionEdit("Gad1", s, SetValue{2.5}));
  doc.save(dir / "doc.json");
  const std::string good = read(dir / "doc.json");
  ASSERT_EQ(loadError(dir / "doc.json"), "");

  EXPECT_NE(loadError(dir / "missing.json").find("missing.json: file does not exist"),
            std::string::npos);
  write(dir / "doc.json", good.substr(0, good.size() / 2));
  EXPECT_NE(loadError(dir / "doc.json").find("not valid JSON"), std::string::npos);
  write(dir / "doc.json", R"({"hello": 1})");
  EXPECT_NE(loadError(dir / "doc.json").find("not a condition document"), std::string::npos);

  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  write(dir / "doc.json", replaced("\"version\": 1", "\"version\": 99"));
  EXPECT_NE(loadError(dir / "doc.json").find("unsupported document version 99"), std::string::npos);
  write(dir / "doc.json", replaced("\"value\": 2.5", "\"value\": -2.5"));
  EXPECT_NE(loadError(dir / "doc.json").find("edit 1: set value must not be negative"),
            std::string::npos)
      << loadError(dir / "doc.json");
  write(dir / "doc.json", replaced("\"value\": 2.5", "\"value\": null"));
  EXPECT_NE(loadError(dir / "doc.json").find("edit 1: 'value' must be a number"),
            std::string::npos);
  write(dir / "doc.json", replaced("\"gene\": \"Gad1\"", "\"gene\": \"Nope\""));
  EXPECT_NE(loadError(dir / "doc.json").find("edit 1: unknown gene 'Nope'"), std::string::npos);

  write(dir / "doc.json", good);
  std::filesystem::remove(ConditionDocument::conditionFileFor(dir / "doc.json"));
  const std::string missingVdb = loadError(dir / "doc.json");
  EXPECT_NE(missingVdb.find(ConditionDocument::conditionFileFor(dir / "doc.json").string() +
                            ": file does not exist"),
            std::string::npos)
      << missingVdb;

  // A condition file from another save is noticed even though grid and genes agree.
  doc.apply(ConditionEdit("Vip", s, AddValue{1.0}));
  doc.save(dir / "other.json");
  std::filesystem::copy_file(ConditionDocument::conditionFileFor(dir / "other.json"),
                             ConditionDocument::conditionFileFor(dir / "doc.json"));
  EXPECT_NE(loadError(dir / "doc.json").find("fingerprint"), std::string::npos);

  EXPECT_THROW(doc.save(ConditionDocument::conditionFileFor(dir / "doc.json")), FileError);
  EXPECT_THROW(doc.save(dir / "no_such_dir" / "doc.json"), FileError);
}

std::string saveError(const ConditionDocument& doc, const std::filesystem::path& file) {
  try {
    doc.save(file);
  } catch (const FileError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a FileError";
  return {};
}

TEST_F(ConditionsDocumentTest, SaveNeverOverwritesAFileThatIsNotItsCondition) {
  ConditionDocument doc(syntheticCondition());
  ScratchDirectory dir;
  // A document named after its input data: the condition file would be the data itself.
  const auto data = ConditionDocument::conditionFileFor(dir / "section.json");
  std::ofstream(data) << "input data, not a condition";
  const std::string e = saveError(doc, dir / "section.json");
  EXPECT_NE(e.find("refusing to overwrite"), std::string::npos) << e;
  std::ifstream in(data);
  std::string kept((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(kept, "input data, not a condition");
  EXPECT_FALSE(std::filesystem::exists(dir / "section.json"));
}

TEST_F(ConditionsDocumentTest, MisuseIsRejected) {
  ConditionDocument doc(syntheticCondition());
  EXPECT_THROW(doc.setSourceJson("{bad"), std::invalid_argument);
  EXPECT_THROW(ConditionDocument(syntheticCondition(), {}, "[1,"), std::invalid_argument);
  EXPECT_THROW(doc.undo(), std::logic_error);
  BrushStroke s;
  s.centres = {{2000, 3000, 0}};
  s.radiusUm = 300;
  const BinnedCondition before = doc.condition();
  EXPECT_THROW(doc.apply(ConditionEdit("NotAGene", s, KnockOut{})), std::invalid_argument);
  EXPECT_EQ(doc.condition(), before);
  EXPECT_TRUE(doc.edits().empty());
  EXPECT_FALSE(doc.canUndo());
  BinGrid other = before.grid();
  other.width = 100;
  EXPECT_THROW(doc.replay(BinnedCondition(other, kGenes)), std::invalid_argument);
  EXPECT_THROW(doc.replay(BinnedCondition(before.grid(), {"Gad1"})), std::invalid_argument);
}

}  // namespace
}  // namespace teramind
