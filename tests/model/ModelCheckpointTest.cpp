// safetensors read/write, model checkpoints, saved paired sections, and training resumed
// bit-identically.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "ModelTestSupport.h"
#include "common/FileError.h"
#include "io/SafetensorsFile.h"
#include "model/ModelTrainer.h"
#include "model/MorphologyModel.h"
#include "model/MorphologyModelImpl.h"
#include "model/PairedSectionFile.h"

namespace teramind {
namespace {

std::filesystem::path tempFile(const std::string& name) {
  auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "model";
  std::filesystem::create_directories(dir);
  return dir / name;
}

std::vector<std::uint8_t> fileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void writeBytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const FileError& e) {
    return e.what();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Safetensors, RoundTripKeepsTensorsAndMetadata) {
  SafetensorsContent c;
  StoredTensor a{"F32", {2, 3}, {}};
  for (int i = 0; i < 6; ++i) {
    float v = i * 0.5f - 1;
    auto* b = reinterpret_cast<std::uint8_t*>(&v);
    a.bytes.insert(a.bytes.end(), b, b + 4);
  }
  c.tensors["layer.weight"] = a;
  c.tensors["count"] = StoredTensor{"I64", {}, std::vector<std::uint8_t>(8, 0)};
  c.tensors["count"].bytes[0] = 42;
  c.tensors["empty"] = StoredTensor{"U8", {0, 4}, {}};
  c.metadata["note"] = "µm and \"quotes\"";
  const auto file = tempFile("roundtrip.safetensors");
  writeSafetensors(file, c);
  const auto back = readSafetensors(file);
  EXPECT_EQ(back.metadata, c.metadata);
  ASSERT_EQ(back.tensors.size(), 3u);
  EXPECT_EQ(back.tensors.at("layer.weight").bytes, a.bytes);
  EXPECT_EQ(back.tensors.at("layer.weight").shape, a.shape);
  EXPECT_EQ(back.tensors.at("count").bytes[0], 42);
  // The format: 8-byte little-endian header length, JSON header padded to 8 bytes.
  const auto bytes = fileBytes(file);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[std::size_t(i)];
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes[8], '{');
  EXPECT_EQ(bytes.size(), 8 + n + 24 + 8);
}

TEST(Safetensors, RejectsDamagedFilesNamingTheProblem) {
  SafetensorsContent c;
  c.tensors["w"] = StoredTensor{"F32", {4}, std::vector<std::uint8_t>(16, 1)};
  const auto file = tempFile("good.safetensors");
  writeSafetensors(file, c);
  const auto good = fileBytes(file);
  const auto bad = tempFile("bad.safetensors");

  auto truncated = good;
  truncated.resize(good.size() - 3);
  writeBytes(bad, truncated);
  EXPECT_NE(errorOf([&] { readSafetensors(bad); }).find("outside the 13 data bytes"),
            std::string::npos);

  writeBytes(bad, {1, 2, 3});
  EXPECT_NE(errorOf([&] { readSafetensors(bad); }).find("8-byte"), std::string::npos);

  auto hugeHeader = good;
  hugeHeader[6] = 0x7f;
  writeBytes(bad, hugeHeader);
  EXPECT_NE(errorOf([&] { readSafetensors(bad); }).find("exceeds"), std::string::npos);

  std::string text(good.begin() + 8, good.end() - 16);
  auto replace = [&](const std::string& from, const std::string& to) {
    auto t = text;
    t.replace(t.find(from), from.size(), to);
    std::vector<std::uint8_t> out(8, 0);
    for (int i = 0; i < 8; ++i)
      out[std::size_t(i)] = std::uint8_t(std::uint64_t(t.size()) >> (8 * i));
    out.insert(out.end(), t.begin(), t.end());
    out.insert(out.end(), good.end() - 16, good.end());
    writeBytes(bad, out);
    return errorOf([&] { readSafetensors(bad); });
  };
  EXPECT_NE(replace("F32", "Q99").find("unknown dtype Q99"), std::string::npos);
  EXPECT_NE(replace("[4]", "[5]").find("16 bytes for 5 elements of F32"), std::string::npos);
  EXPECT_NE(replace("{", "[").find("not JSON"), std::string::npos);
  EXPECT_NE(errorOf([&] { readSafetensors(tempFile("missing.safetensors")); }).find("cannot open"),
            std::string::npos);
}

TEST(ModelCheckpoint, SaveAndLoadAreBitIdentical) {
  auto c = namedModelConfig("tiny");
  std::vector<std::string> genes;
  for (int g = 0; g < c.genes; ++g) genes.push_back("G" + std::to_string(g));
  MorphologyModel model(c, genes, 5);
  model.metadata()["step"] = "17";
  const auto file = tempFile("tiny.safetensors");
  model.save(file);
  const auto back = MorphologyModel::load(file);
  EXPECT_EQ(back.genes(), genes);
  EXPECT_TRUE(sameArchitecture(back.config(), c));
  EXPECT_EQ(back.trainingStep(), 17);
  auto a = model.impl().net->named_parameters(), b = back.impl().net->named_parameters();
  for (auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  // Fresh models are deterministic for a seed.
  MorphologyModel again(c, genes, 5);
  for (auto& p : again.impl().net->named_parameters())
    EXPECT_TRUE(torch::equal(p.value(), a[p.key()]));
}

TEST(ModelCheckpoint, LoadingRejectsAMismatchNamingTheTensor) {
  auto c = namedModelConfig("tiny");
  std::vector<std::string> genes(std::size_t(c.genes), "x");
  for (int g = 0; g < c.genes; ++g) genes[std::size_t(g)] += std::to_string(g);
  MorphologyModel model(c, genes, 0);
  const auto file = tempFile("mismatch.safetensors");
  model.save(file);
  auto content = readSafetensors(file);
  auto& t = content.tensors.at("out.2.weight");
  t.shape[0] = 1;
  t.bytes.resize(t.bytes.size() / 2);
  writeSafetensors(file, content);
  const auto shapeError = errorOf([&] { MorphologyModel::load(file); });
  EXPECT_NE(shapeError.find("'out.2.weight' has shape [1, 4, 1, 3, 3]"), std::string::npos)
      << shapeError;

  content = readSafetensors(tempFile("tiny.safetensors"));
  content.tensors.erase("middle_block.1.attn.k.weight");
  writeSafetensors(file, content);
  EXPECT_NE(errorOf([&] {
              MorphologyModel::load(file);
            }).find("'middle_block.1.attn.k.weight' is missing"),
            std::string::npos);

  content = readSafetensors(tempFile("tiny.safetensors"));
  content.tensors["extra.weight"] = StoredTensor{"F32", {1}, std::vector<std::uint8_t>(4, 0)};
  writeSafetensors(file, content);
  EXPECT_NE(errorOf([&] { MorphologyModel::load(file); }).find("'extra.weight' does not belong"),
            std::string::npos);

  content.metadata.erase("config");
  writeSafetensors(file, content);
  EXPECT_NE(errorOf([&] { MorphologyModel::load(file); }).find("no model configuration"),
            std::string::npos);
}

TEST(ModelTraining, ResumedRunIsBitIdenticalToAnUninterruptedOne) {
  auto c = namedModelConfig("tiny");
  auto data = test::syntheticSection(c, 8, 8);
  auto train = [&](const std::string& name, std::int64_t firstStop) {
    TrainingOptions o;
    o.steps = 4;
    o.batch = 2;
    o.learningRate = 1e-3;
    o.learningRateDecaySteps = 2;  // decays over steps 2–3, after the interruption
    o.finalLearningRate = 1e-4;
    o.emaDecay = 0.9;
    o.seed = 3;
    o.checkpointEvery = 0;
    o.holdoutFraction = 0.25;
    o.statePath = tempFile(name + ".state.safetensors");
    o.modelPath = tempFile(name + ".safetensors");
    std::filesystem::remove(o.statePath);
    if (firstStop > 0) {  // an interrupted run: stops at firstStop, leaving its state file
      auto interrupted = o;
      interrupted.steps = firstStop;
      interrupted.learningRateDecaySteps = 0;  // the decay starts after firstStop anyway
      ModelTrainer first(MorphologyModel(c, data->genes, 9), data, interrupted);
      first.run({});
      EXPECT_EQ(first.step(), firstStop);
    }
    ModelTrainer trainer(MorphologyModel(c, data->genes, 9), data, o);
    EXPECT_EQ(trainer.resumeIfPossible(), firstStop);
    trainer.run({});
    EXPECT_EQ(trainer.step(), 4);
    return trainer.emaModel();
  };
  const auto whole = train("uninterrupted", 0);
  const auto resumed = train("resumed", 1);
  auto a = whole.impl().net->named_parameters(), b = resumed.impl().net->named_parameters();
  for (auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  // And training moved the weights.
  MorphologyModel fresh(c, data->genes, 9);
  bool moved = false;
  for (auto& p : fresh.impl().net->named_parameters())
    moved |= !torch::equal(p.value(), a[p.key()]);
  EXPECT_TRUE(moved);
}

TEST(ModelTraining, LearningRateIsConstantThenCosineDecays) {
  TrainingOptions o;
  o.steps = 10;
  o.learningRate = 4e-4;
  o.finalLearningRate = 2e-5;
  EXPECT_EQ(learningRateAt(o, 9), 4e-4);  // no decay asked for
  o.learningRateDecaySteps = 4;
  for (int step = 0; step <= 6; ++step) EXPECT_EQ(learningRateAt(o, step), 4e-4) << step;
  EXPECT_NEAR(learningRateAt(o, 8), (4e-4 + 2e-5) / 2, 1e-12);  // half way: the cosine's middle
  EXPECT_LT(learningRateAt(o, 9), learningRateAt(o, 8));
  EXPECT_GT(learningRateAt(o, 9), 2e-5);
  EXPECT_NEAR(learningRateAt(o, 10), 2e-5, 1e-12);
  // An explicit start: the same decay, then the final rate for the steps added after it.
  auto extended = o;
  extended.steps = 20;
  extended.learningRateDecayStart = 6;
  for (int step = 0; step <= 10; ++step)
    EXPECT_EQ(learningRateAt(extended, step), learningRateAt(o, step)) << step;
  EXPECT_NEAR(learningRateAt(extended, 15), 2e-5, 1e-12);

  auto c = namedModelConfig("tiny");
  auto data = test::syntheticSection(c, 8, 8);
  o.learningRateDecaySteps = 11;
  EXPECT_NE(
      errorOf([&] { ModelTrainer(MorphologyModel(c, data->genes, 0), data, o); }).find("decay"),
      std::string::npos);
}

TEST(ModelTraining, ResumeRefusesAnotherSeed) {
  auto c = namedModelConfig("tiny");
  auto data = test::syntheticSection(c, 8, 8);
  TrainingOptions o;
  o.steps = 1;
  o.batch = 1;
  o.seed = 1;
  o.statePath = tempFile("seed.state.safetensors");
  std::filesystem::remove(o.statePath);
  ModelTrainer(MorphologyModel(c, data->genes, 0), data, o).run({});
  o.seed = 2;
  ModelTrainer other(MorphologyModel(c, data->genes, 0), data, o);
  EXPECT_NE(errorOf([&] { other.resumeIfPossible(); }).find("seed 1, not 2"), std::string::npos);
}

TEST(PairedSectionFile, SavedSectionLoadsIdenticallyAndInAnotherGeneOrder) {
  const auto config = namedModelConfig("tiny");
  auto section = test::syntheticSection(config, 5, 4);
  section->grid.originXUm = 12.5;
  section->grid.planeSpacingUm = 1.5;
  const auto file = tempFile("section.safetensors");
  savePairedSection(file, *section, "synthetic");
  ASSERT_TRUE(isPairedSectionFile(file));
  EXPECT_EQ(pairedSectionGenes(file), section->genes);
  const auto loaded = loadPairedSection(file);
  EXPECT_EQ(loaded.grid, section->grid);
  EXPECT_EQ(loaded.binPixels, section->binPixels);
  EXPECT_EQ(loaded.genes, section->genes);
  EXPECT_EQ(loaded.stainNames, section->stainNames);
  EXPECT_EQ(loaded.stains, section->stains);
  EXPECT_EQ(loaded.counts, section->counts);

  // The model's order, not the file's: gene 1 first.
  std::vector<std::string> genes = section->genes;
  std::swap(genes[0], genes[1]);
  const auto reordered = openPairedSection(file, config, genes);
  for (int by = 0; by < 4; ++by)
    for (int bx = 0; bx < 5; ++bx) {
      EXPECT_EQ(reordered.count(0, 1, by, bx), section->count(1, 1, by, bx));
      EXPECT_EQ(reordered.count(1, 1, by, bx), section->count(0, 1, by, bx));
      EXPECT_EQ(reordered.count(2, 0, by, bx), section->count(2, 0, by, bx));
    }
}

TEST(PairedSectionFile, RejectsOtherFilesGenesAndBinSizesNamingTheFile) {
  const auto config = namedModelConfig("tiny");
  const auto file = tempFile("section_checked.safetensors");
  savePairedSection(file, *test::syntheticSection(config, 4, 4), "synthetic");

  auto genes = test::syntheticSection(config, 4, 4)->genes;
  genes.back() = "Gfap";
  EXPECT_NE(errorOf([&] {
              openPairedSection(file, config, genes);
            }).find("section_checked.safetensors: the paired section has no gene 'Gfap'"),
            std::string::npos);

  auto coarse = config;
  coarse.patchSize *= 2;  // bins of twice the pixels
  EXPECT_NE(
      errorOf([&] { openPairedSection(file, coarse, genes); }).find("was prepared for bins of"),
      std::string::npos);

  const auto model = tempFile("not_a_section.safetensors");
  MorphologyModel(config, genes, 1).save(model);
  EXPECT_FALSE(isPairedSectionFile(model));
  EXPECT_NE(errorOf([&] { loadPairedSection(model); }).find("not a paired section"),
            std::string::npos);

  // Metadata that promises more pixels than the tensor holds.
  auto content = readSafetensors(file);
  content.metadata["bin_pixels"] = "9";
  writeSafetensors(model, content);
  EXPECT_NE(errorOf([&] { loadPairedSection(model); }).find("tensor 'stains' is F32"),
            std::string::npos);
}

}  // namespace
}  // namespace teramind
