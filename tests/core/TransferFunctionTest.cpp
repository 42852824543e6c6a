#include <fstream>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "support/TestData.h"
#include "volume/TransferFunction.h"

namespace teramind {
namespace {

TEST(TransferFunction, InterpolatesOpacityAndColourBetweenPoints) {
  const auto tf = TransferFunction::tissue();
  EXPECT_DOUBLE_EQ(tf.opacityAt(0.1), 0.0);
  EXPECT_NEAR(tf.opacityAt(0.3), 0.0075, 1e-12);  // halfway from 0.15 (0) to 0.45 (0.015)
  EXPECT_DOUBLE_EQ(tf.opacityAt(1.0), 0.12);
  EXPECT_DOUBLE_EQ(tf.opacityAt(7.0), 0.12);  // clamped
  const auto rgb = tf.colourAt(0.15);
  EXPECT_NEAR(rgb[0], 0.275, 1e-12);
  EXPECT_NEAR(rgb[2], 0.225, 1e-12);
}

TEST(TransferFunction, EditingKeepsPointsOrderedAndEndsFixed) {
  auto tf = TransferFunction::maximumIntensity();  // opacity (0,0) (0.1,0) (1,1)
  const int added = tf.addOpacityPoint(0.5, 1.7);
  EXPECT_EQ(added, 2);
  EXPECT_DOUBLE_EQ(tf.opacityPoints()[2].opacity, 1.0);  // clamped
  tf.moveOpacityPoint(2, 0.05, 0.4);                     // cannot pass its left neighbour at 0.1
  EXPECT_DOUBLE_EQ(tf.opacityPoints()[2].value, 0.1);
  EXPECT_DOUBLE_EQ(tf.opacityPoints()[2].opacity, 0.4);
  tf.moveOpacityPoint(0, 0.3, 0.2);  // the first point keeps value 0
  EXPECT_DOUBLE_EQ(tf.opacityPoints()[0].value, 0.0);
  EXPECT_DOUBLE_EQ(tf.opacityPoints()[0].opacity, 0.2);
  EXPECT_EQ(tf.addOpacityPoint(1.0, 0.5), 3);  // at the end value: before the end point
  EXPECT_DOUBLE_EQ(tf.opacityPoints().back().opacity, 1.0);
  EXPECT_FALSE(tf.removeOpacityPoint(0));
  EXPECT_FALSE(tf.removeOpacityPoint(int(tf.opacityPoints().size()) - 1));
  EXPECT_TRUE(tf.removeOpacityPoint(1));
  EXPECT_THROW(tf.moveOpacityPoint(9, 0, 0), std::out_of_range);
  const int c = tf.addColourPoint(0.6, {0.2, 0.4, 2.0});
  EXPECT_EQ(tf.colourPoints()[std::size_t(c)].rgb, (std::array<double, 3>{0.2, 0.4, 1.0}));
  tf.setColour(0, {1, 0, 0});
  EXPECT_DOUBLE_EQ(tf.colourAt(0)[0], 1.0);
  EXPECT_TRUE(tf.removeColourPoint(c));
}

TEST(TransferFunction, RejectsPointsOutOfOrderOrRange) {
  using TF = TransferFunction;
  EXPECT_THROW(TF("x", TF::Blend::Composite, {{0, 0}}, {{0, {0, 0, 0}}, {1, {1, 1, 1}}}),
               std::invalid_argument);
  EXPECT_THROW(TF("x", TF::Blend::Composite, {{0, 0}, {0.6, 0}, {0.5, 0}, {1, 1}},
                  {{0, {0, 0, 0}}, {1, {1, 1, 1}}}),
               std::invalid_argument);
  EXPECT_THROW(TF("x", TF::Blend::Composite, {{0, 0}, {1, 1.5}}, {{0, {0, 0, 0}}, {1, {1, 1, 1}}}),
               std::invalid_argument);
  EXPECT_THROW(TF("x", TF::Blend::Composite, {{0.1, 0}, {1, 1}}, {{0, {0, 0, 0}}, {1, {1, 1, 1}}}),
               std::invalid_argument);
}

TEST(TransferFunction, JsonRoundTripAndBrokenFilesNameTheFile) {
  test::ScratchDirectory dir;
  auto tf = TransferFunction::tissue();
  tf.setName("edited");
  tf.addOpacityPoint(0.7, 0.05);
  tf.setBlend(TransferFunction::Blend::MaximumIntensity);
  tf.save(dir / "edited.json");
  EXPECT_EQ(TransferFunction::load(dir / "edited.json"), tf);

  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const auto expectError = [](const std::filesystem::path& file, const std::string& problem) {
    try {
      TransferFunction::load(file);
      ADD_FAILURE() << file << " was accepted";
    } catch (const FileError& e) {
      EXPECT_EQ(e.file(), file);
      EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
    }
  };
  expectError(write("truncated.json", "{\"name\": \"x\", \"blend\""), "not a valid");
  expectError(write("blend.json", R"({"name":"x","blend":"sum","opacity":[[0,0],[1,1]],
      "colour":[[0,0,0,0],[1,1,1,1]]})"),
              "blend must be");
  expectError(write("order.json", R"({"name":"x","blend":"composite","opacity":[[0,0],[1,1]],
      "colour":[[0,0,0,0],[0.5,1,1]]})"),
              "[value, red, green, blue]");
  expectError(dir / "missing.json", "cannot open");
}

TEST(TransferFunction, BundledPresetsLoadAndIncludeTheDefaults) {
  const auto presets =
      loadTransferFunctionPresets(resourceDirectory() / "presets" / "transfer_functions");
  ASSERT_GE(presets.size(), 4u);
  const auto named = [&](const std::string& name) {
    for (const auto& p : presets)
      if (p.name() == name) return p;
    throw std::runtime_error("no preset " + name);
  };
  EXPECT_EQ(named("tissue"), TransferFunction::tissue());
  EXPECT_EQ(named("maximum intensity"), TransferFunction::maximumIntensity());
  EXPECT_EQ(named("fire").blend(), TransferFunction::Blend::Composite);
}

}  // namespace
}  // namespace teramind
