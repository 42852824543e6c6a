// Writes that fail or are killed leave the target as it was and no temporaries behind.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/ConditionFile.h"

#ifdef TERAMIND_HAVE_HDF5
#include <H5public.h>
#endif

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

// One gene, every bin of a 256 × 256 grid a random count: ~780 KB of HDF5 that deflate
// cannot shrink much.
BinnedCondition incompressibleCondition() {
  BinGrid grid;
  grid.width = 256;
  grid.height = 256;
  BinnedCondition condition(grid, {"Slc17a7"});
  std::mt19937 random(21);
  std::uniform_real_distribution<float> count(1.0f, 1000.0f);
  for (int y = 0; y < grid.height; ++y)
    for (int x = 0; x < grid.width; ++x) condition.set(0, {x, y, 0}, count(random));
  return condition;
}

bool onlyFileIs(const std::filesystem::path& dir, const std::string& name) {
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename() != name) return false;
  return true;
}

// What the child of writeConditionInChild did: exited with a code, or died by a signal.
struct ChildEnd {
  bool exited = false;
  int code = -1;
  int signal = 0;
};

constexpr int kCleanError = 2;
constexpr int kWritten = 3;

// Writes `condition` in a child whose files may not exceed `limitBytes` (a disk that is full
// after that many bytes), then calls H5close() as exit() does at the end of `teramind bin`
// (where a handle left open crashed) and leaves by _exit: other libraries' exit handlers can
// hang in a forked child of this multi-threaded test.
[[noreturn]] void leaveChild(int code) {
#ifdef TERAMIND_HAVE_HDF5
  H5close();
#endif
  ::_exit(code);
}

ChildEnd writeConditionInChild(const std::filesystem::path& file, const BinnedCondition& condition,
                               rlim_t limitBytes) {
  const pid_t child = ::fork();
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // a full disk is ENOSPC, not a signal
    const rlimit size{limitBytes, limitBytes};
    ::setrlimit(RLIMIT_FSIZE, &size);
    try {
      writeCondition(file, condition);
    } catch (const FileError&) {
      leaveChild(kCleanError);
    }
    leaveChild(kWritten);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ChildEnd end;
  end.exited = WIFEXITED(status);
  if (end.exited) end.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) end.signal = WTERMSIG(status);
  return end;
}

}  // namespace

TEST(WriteFailureHdf5, ADiskFullWriteIsACleanErrorWithNoCrashAtExit) {
  if (std::string(preferredConditionExtension()) != ".h5") GTEST_SKIP() << "no HDF5 support";
  const auto dir = freshDirectory("hdf5_full");
  const auto target = dir / "condition.h5";
  std::ofstream(target) << "the previous condition";
  const ChildEnd end = writeConditionInChild(target, incompressibleCondition(), 64 * 1024);
  EXPECT_TRUE(end.exited) << "the child died by signal " << end.signal;
  EXPECT_EQ(end.code, kCleanError);
  EXPECT_EQ(contents(target), "the previous condition");
  EXPECT_TRUE(onlyFileIs(dir, "condition.h5")) << "a temporary was left";
}

TEST(WriteFailureHdf5, TheSameWriteWithRoomSucceedsAndReadsBack) {
  if (std::string(preferredConditionExtension()) != ".h5") GTEST_SKIP() << "no HDF5 support";
  const auto dir = freshDirectory("hdf5_room");
  const auto target = dir / "condition.h5";
  const BinnedCondition condition = incompressibleCondition();
  const ChildEnd end = writeConditionInChild(target, condition, 64 * 1024 * 1024);
  EXPECT_TRUE(end.exited) << "the child died by signal " << end.signal;
  EXPECT_EQ(end.code, kWritten);
  const BinnedCondition back = readCondition(target);
  EXPECT_EQ(back.nonZeroCount(), condition.nonZeroCount());
  EXPECT_TRUE(onlyFileIs(dir, "condition.h5"));
}

TEST(WriteFailureHdf5, AnUnwritableDirectoryIsACleanError) {
  if (std::string(preferredConditionExtension()) != ".h5") GTEST_SKIP() << "no HDF5 support";
  if (::geteuid() == 0) GTEST_SKIP() << "root writes anywhere";
  const auto dir = freshDirectory("hdf5_readonly");
  std::filesystem::permissions(
      dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  const ChildEnd end =
      writeConditionInChild(dir / "c.h5", incompressibleCondition(), RLIM_INFINITY);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  EXPECT_TRUE(end.exited) << "the child died by signal " << end.signal;
  EXPECT_EQ(end.code, kCleanError);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

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
