// The studio's widgets as views of the StudioModel, under xvfb: what a new user tried and
// found broken — a dataset without stains, re-running a job after undoing edits.
#include <gtest/gtest.h>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>
#include <QTest>

#include "AtlasScene.h"
#include "GenePanelDock.h"
#include "JobDock.h"
#include "MainWindow.h"
#include "common/ResourceLocator.h"
#include "model/PairedSection.h"
#include "support/TestData.h"
#include "workflow/GenerationSampler.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

TEST(StudioModelViews, ADatasetWithoutStainsShowsItsDensityAndTheGeneMapping) {
  const auto csv =
      test::sharedDataDirectory() / "merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "no " << csv << " (set TERAMIND_DATA)";
  auto dataset = std::make_shared<const SpatialDataset>(loadSpatialDataset(csv));
  auto genes = mostExpressedGenes(*dataset, 6, {});
  genes.push_back("NotMeasured1");
  genes.push_back("NotMeasured2");
  auto model = std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 5);
  ui::MainWindow window(bundledAtlas());
  window.resize(1280, 800);
  window.showDataset(dataset, csv);
  window.setModel(model);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_TRUE(QTest::qWaitFor([&] { return window.conditionReady(); }, 60000))
      << window.lastError().toStdString();
  EXPECT_TRUE(window.lastError().isEmpty())
      << "no modal about DAPI: " << window.lastError().toStdString();
  EXPECT_TRUE(window.scene().hasSection()) << "the transcript density is drawn on the section";
  EXPECT_TRUE(window.genePanelDock()->mappingText().contains(
      QStringLiteral("missing (zero): NotMeasured1")))
      << window.genePanelDock()->mappingText().toStdString();
  EXPECT_TRUE(window.jobDock()->statusText().contains(QStringLiteral("No stains")))
      << window.jobDock()->statusText().toStdString();
  EXPECT_TRUE(window.jobDock()->statusText().contains(QStringLiteral("repeated")))
      << window.jobDock()->statusText().toStdString();
  // The gene list is the model's, not the previous model's.
  window.studio().setOverlayGene(genes[0]);
  EXPECT_TRUE(window.scene().hasOverlay("gene"));
}

// The dock's sampler is the CLI's --sampler: its names with their descriptions, bound both ways
// to the model's job settings.
TEST(StudioModelViews, TheJobDocksSamplerIsTheModelsJobSampler) {
  ui::MainWindow window(bundledAtlas());
  auto* sampler = window.jobDock()->findChild<QComboBox*>(QStringLiteral("jobSampler"));
  ASSERT_NE(sampler, nullptr) << "the job dock has a Sampler combo box";
  ASSERT_EQ(sampler->count(), int(samplerNames().size()));
  for (int i = 0; i < sampler->count(); ++i) {
    const std::string name = samplerNames()[std::size_t(i)];
    EXPECT_EQ(sampler->itemText(i).toStdString(), name);
    EXPECT_EQ(sampler->itemData(i, Qt::ToolTipRole).toString().toStdString(),
              samplerFromName(name).description);
  }
  EXPECT_EQ(sampler->currentText(), QStringLiteral("blend")) << "the default, as the CLI's";
  EXPECT_TRUE(sampler->isEnabled());

  sampler->setCurrentText(QStringLiteral("halo"));
  EXPECT_EQ(window.studio().state().job.sampler, "halo") << "the combo sets the model's job";
  EXPECT_EQ(window.studio().jobGenerationSettings().sampling.decoders, PatchDecoders::Collage);
  EXPECT_FALSE(window.studio().jobGenerationSettings().naive);

  JobSettings job = window.studio().state().job;
  job.sampler = "naive";
  ASSERT_TRUE(window.studio().setJobSettings(job));
  EXPECT_EQ(sampler->currentText(), QStringLiteral("naive")) << "the combo shows the model's job";
  EXPECT_TRUE(window.studio().jobGenerationSettings().naive);
}

// Paint, run, undo, run again on the same output: the second job is another job, so it goes
// to a new output, says so in the status bar and shows no error.
// The job as the dock shows it has ended (its last tiles and state delivered).
bool jobEnded(const StudioModel& m) {
  const auto s = m.state().jobStatus.state;
  return s == JobState::Finished || s == JobState::Cancelled || s == JobState::Failed;
}

TEST(StudioModelViews, ReRunningAfterUndoingEditsWritesANewOutputWithoutAnError) {
  test::ScratchDirectory scratch;
  auto demo = std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset()));
  auto genes = mostExpressedGenes(*demo, 8, {"Slc17a7"});
  ui::MainWindow window(bundledAtlas());
  window.showDataset(demo, bundledDemoDataset());
  window.setModel(std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 3));
  window.show();
  ASSERT_TRUE(QTest::qWaitFor([&] { return window.conditionReady(); }, 60000));
  StudioModel& m = window.studio();
  // The default panel is the GLUT preset's genes the model has, and the preset box says so.
  EXPECT_EQ(
      window.genePanelDock()->findChild<QComboBox*>(QStringLiteral("panelPreset"))->currentText(),
      QStringLiteral("GLUT"));
  ASSERT_TRUE(window.selectStructure(QStringLiteral("CTX")));
  ASSERT_TRUE(m.paintSelectedStructure("Slc17a7", KnockOut{}));
  JobSettings job;
  job.region = RegionKind::DemoBlock;
  job.steps = 2;
  job.tilePatches = 2;
  job.output = scratch / "job.zarr";
  m.setJobSettings(job);
  QTest::mouseClick(window.jobDock()->runButton(), Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor([&] { return jobEnded(m); }, 120000));
  ASSERT_EQ(m.state().jobStatus.state, JobState::Finished) << window.lastError().toStdString();
  ASSERT_TRUE(m.undo());
  m.setJobSettings(job);  // the same output again
  QTest::mouseClick(window.jobDock()->runButton(), Qt::LeftButton);
  EXPECT_EQ(m.state().jobStatus.output, scratch / "job-2.zarr");
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("holds another job")))
      << window.statusBar()->currentMessage().toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return jobEnded(m); }, 120000));
  EXPECT_EQ(m.state().jobStatus.state, JobState::Finished);
  EXPECT_TRUE(window.lastError().isEmpty()) << window.lastError().toStdString();
  EXPECT_TRUE(window.jobDock()->statusText().startsWith(QStringLiteral("Finished:")))
      << window.jobDock()->statusText().toStdString();
}

}  // namespace
}  // namespace teramind
