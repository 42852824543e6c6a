// Writes that fail or are killed leave the target as it was and no temporaries behind.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "common/IsolatedCall.h"
#include "io/ConditionFile.h"
#include "io/VolumeFile.h"
#include "support/Sanitizers.h"

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

// --- a damaged .vdb: a clean error, without gigabytes or seconds first ---

namespace {

// A 48 × 40 × 32 uint16 ball, written by our own writer.
std::filesystem::path writeBallVdb(const std::filesystem::path& dir) {
  Image3D<std::uint16_t> ball({48, 40, 32});
  for (std::int64_t k = 0; k < 32; ++k)
    for (std::int64_t j = 0; j < 40; ++j)
      for (std::int64_t i = 0; i < 48; ++i) {
        const double d =
            (i - 24.0) * (i - 24.0) + (j - 20.0) * (j - 20.0) + (k - 16.0) * (k - 16.0);
        if (d < 15.0 * 15.0) ball(i, j, k) = std::uint16_t(1000 + i * 7 + j * 3 + k);
      }
  const auto file = dir / "ball.vdb";
  writeVolume(file, AnyVolume(ball));
  return file;
}

std::string readBytes(const std::filesystem::path& file) {
  return contents(file);
}

void writeBytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

TEST(WriteFailureVdb, AnIntactVolumeReadsBack) {
  const auto dir = freshDirectory("vdb_intact");
  const auto file = writeBallVdb(dir);
  const auto image = readVolumeAs<std::uint16_t>(file);
  EXPECT_EQ(image.dims(), (Size3{48, 40, 32}));
  EXPECT_EQ(image(24, 20, 16), 1000 + 24 * 7 + 20 * 3 + 16);
}

namespace {

enum class DamagedRead { Read, CleanError, OutOfMemory, Crashed, Slow };

// Writes `intact` with one byte changed as `damaged`, for every byte of the header and
// metadata and every 97th after, each set to values that make sizes and counts absurd, and
// calls `read(offset)` on each copy.
void forEachDamagedCopy(const std::string& intact, const std::filesystem::path& damaged,
                        const std::function<void(std::size_t offset)>& read) {
  for (std::size_t offset = 0; offset < intact.size(); offset += offset < 600 ? 1 : 97)
    for (const char value : {char(0xFF), char(0x7F)}) {
      if (intact[offset] == value) continue;
      std::string bytes = intact;
      bytes[offset] = value;
      writeBytes(damaged, bytes);
      read(offset);
    }
}

// Reads `file` in a child limited to 1 GiB of address space and 20 s. Under AddressSanitizer
// no address-space limit: its shadow mappings alone exceed one (huge allocations then end in
// its own report instead, counted as crashes).
DamagedRead readDamagedVolume(const std::filesystem::path& file, std::string& problem) {
  const auto result = runIsolated(
      [&] {
        try {
          (void)readVolume(file);
        } catch (const FileError& e) {
          if (e.file() != file) throw std::runtime_error("the error names another file");
          throw;
        }
      },
      {std::chrono::seconds(20), kAddressSanitizer ? 0 : std::size_t(1) << 30});
  problem = result.describe();
  // Slow means past the child's 20 s timeout: a hang, not a speed target (under ASan on a
  // loaded machine a clean refusal can take a few seconds).
  switch (result.outcome) {
    case IsolatedCallResult::Outcome::Succeeded:
      return DamagedRead::Read;
    case IsolatedCallResult::Outcome::Failed:
      // The 1 GiB limit turns a huge allocation into bad_alloc, which the reader reports.
      return result.message.find("alloc") != std::string::npos ||
                     result.message.find("memory") != std::string::npos
                 ? DamagedRead::OutOfMemory
                 : DamagedRead::CleanError;
    default:
      return result.outcome == IsolatedCallResult::Outcome::TimedOut ? DamagedRead::Slow
                                                                     : DamagedRead::Crashed;
  }
}

}  // namespace

TEST(WriteFailureVdb, HugeDeclaredDimensionsAreRefusedBeforeAllocating) {
  const auto dir = freshDirectory("vdb_dims");
  std::string bytes = readBytes(writeBallVdb(dir));
  // Metadata "teramind_dims": name, type name "vec3i", size 12, then x, y, z as int32.
  const std::size_t at = bytes.find("teramind_dims");
  ASSERT_NE(at, std::string::npos);
  const std::size_t z = at + 13 + 4 + 5 + 4 + 8;
  ASSERT_EQ(bytes.substr(at + 13 + 4, 5), "vec3i");
  const std::int32_t planes = 2'000'000;  // 48 × 40 × 2·10⁶ uint16: 7.7 GB dense
  std::memcpy(&bytes[z], &planes, 4);
  const auto damaged = dir / "deep.vdb";
  writeBytes(damaged, bytes);
  std::string problem;
  EXPECT_EQ(readDamagedVolume(damaged, problem), DamagedRead::CleanError) << problem;
  EXPECT_NE(problem.find("2000000"), std::string::npos) << problem;
}

TEST(WriteFailureVdb, DamagedBytesGiveAFileErrorWithinAGigabyteAndSeconds) {
  const auto dir = freshDirectory("vdb_damaged");
  const std::string intact = readBytes(writeBallVdb(dir));
  const auto damaged = dir / "damaged.vdb";
  std::map<DamagedRead, int> counts;
  std::string firstProblem;
  forEachDamagedCopy(intact, damaged, [&](std::size_t offset) {
    std::string problem;
    const DamagedRead read = readDamagedVolume(damaged, problem);
    ++counts[read];
    if (read != DamagedRead::Read && read != DamagedRead::CleanError &&
        read != DamagedRead::Crashed)
      firstProblem += "offset " + std::to_string(offset) + ": " + problem + "\n";
  });
  std::printf("damaged reads: %d read, %d clean errors, %d over 1 GiB, %d crashed, %d over 20 s\n",
              counts[DamagedRead::Read], counts[DamagedRead::CleanError],
              counts[DamagedRead::OutOfMemory], counts[DamagedRead::Crashed],
              counts[DamagedRead::Slow]);
  EXPECT_GT(counts[DamagedRead::CleanError], 0);
  // Before the layout check 116 of these reads asked for more than 1 GiB (damaged metadata
  // lengths and counts); the 23 left are inside OpenVDB's tree and compressed-block reads
  // (offsets 344-395 and in the leaves), still a clean bad_alloc FileError under the limit.
  EXPECT_LE(counts[DamagedRead::OutOfMemory], 23) << firstProblem;
  EXPECT_EQ(counts[DamagedRead::Slow], 0) << firstProblem;
  // OpenVDB itself corrupts its heap on some damaged trees (double free): not fixable here,
  // so the studio reads .vdb files through a probe in a child (IsolatedCall).
}

// The same damaged files through the production read, in this process: readVolume has OpenVDB
// read each only in a child, which sends the volume back as bytes (io/ThirdPartyReadIsolation.h),
// so OpenVDB's crashes, the allocations its damaged headers ask for and the heap it silently
// corrupts on some damaged trees stay there (a probe-then-read-again once aborted this process
// at exit). None of the 23 reads that ask for more than 1 GiB above
// grows this process, and none of the crashes ends it.
TEST(WriteFailureVdb, DamagedBytesThroughTheProductionReadNeitherCrashNorGrowThisProcess) {
  const auto dir = freshDirectory("vdb_damaged_production");
  const std::string intact = readBytes(writeBallVdb(dir));
  const auto damaged = dir / "damaged.vdb";
  const auto maxResidentKiB = [] {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
  };
  const long before = maxResidentKiB();
  int read = 0, refused = 0, crashedInChild = 0, outOfMemoryInChild = 0;
  std::string otherErrors;
  forEachDamagedCopy(intact, damaged, [&](std::size_t offset) {
    try {
      (void)readVolume(damaged);
      ++read;
    } catch (const FileError& e) {
      ++refused;
      if (e.file() != damaged) otherErrors += std::string("names another file: ") + e.what();
      if (e.problem().find("crashed") != std::string::npos && ++crashedInChild <= 3)
        std::printf("offset %zu: %s\n", offset, e.what());
      if (e.problem().find("address space allowed") != std::string::npos) ++outOfMemoryInChild;
    } catch (const std::exception& e) {
      otherErrors += "offset " + std::to_string(offset) + ": " + e.what() + "\n";
    }
  });
  const long grownMiB = (maxResidentKiB() - before) / 1024;
  std::printf(
      "damaged reads in-process: %d read, %d FileErrors (%d crashed and %d out of memory in the "
      "child), this process grew %ld MiB\n",
      read, refused, crashedInChild, outOfMemoryInChild, grownMiB);
  EXPECT_TRUE(otherErrors.empty()) << otherErrors;
  EXPECT_GT(refused, 0);
  EXPECT_LT(grownMiB, 1024);
}
