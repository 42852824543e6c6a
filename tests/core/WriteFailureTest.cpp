// Writes that fail or are killed leave the target as it was and no temporaries behind.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

using namespace teramind;

namespace {

std::filesystem::path freshDirectory(const std::string& name) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "write_failure" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A process id that no process has: a child that has exited and been reaped.
long deadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::string contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST(WriteFailureTemporaries, ADeadWritersTemporaryGoesALiveOnesStays) {
  const auto dir = freshDirectory("stale");
  const auto dead = dir / (".partial-" + std::to_string(deadPid()) + "-0-panel.csv");
  const auto live = dir / (".partial-" + std::to_string(::getpid()) + "-7-panel.csv");
  const auto parent = dir / (".partial-" + std::to_string(::getppid()) + "-tiff3-mosaic.tif");
  const auto notOurs = dir / ".partial-notes.txt";
  for (const auto& file : {dead, live, parent, notOurs}) std::ofstream(file) << "half";

  writeTextFileAtomically(dir / "panel.csv", "gene\nSlc17a7\n");

  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(parent));
  EXPECT_TRUE(std::filesystem::exists(notOurs));
  EXPECT_EQ(contents(dir / "panel.csv"), "gene\nSlc17a7\n");
}

TEST(WriteFailureTemporaries, TheWriterPidIsReadFromTheName) {
  EXPECT_EQ(temporaryWriterPid(".partial-4242-3-a.h5"), 4242);
  EXPECT_EQ(temporaryWriterPid(".partial-17-tiff0-a.tif"), 17);
  EXPECT_FALSE(temporaryWriterPid(".partial-x-3-a.h5"));
  EXPECT_FALSE(temporaryWriterPid(".partial-123"));
  EXPECT_FALSE(temporaryWriterPid("a.h5"));
  EXPECT_EQ(temporaryPathFor("/out/a.h5", "tiff").parent_path(), "/out");
  EXPECT_EQ(temporaryWriterPid(temporaryPathFor("/out/a.h5", "tiff").filename().string()),
            long(::getpid()));
}

TEST(WriteFailureTemporaries, AFailedWriteLeavesTheTargetAndNoTemporary) {
  const auto dir = freshDirectory("failed");
  writeTextFileAtomically(dir / "a.txt", "before");
  EXPECT_THROW(writeFileAtomically(dir / "a.txt",
                                   [](const std::filesystem::path& temporary) {
                                     std::ofstream(temporary) << "half";
                                     throw FileError(temporary, "disk full");
                                   }),
               FileError);
  EXPECT_EQ(contents(dir / "a.txt"), "before");
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename(), "a.txt");
}
