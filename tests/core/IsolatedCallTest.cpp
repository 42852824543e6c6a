#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>
#include <vector>

#include "common/FileError.h"
#include "common/IsolatedCall.h"
#include "support/Sanitizers.h"

using namespace teramind;
using namespace std::chrono_literals;
using Outcome = IsolatedCallResult::Outcome;

namespace {}  // namespace

TEST(IsolatedCall, ASucceedingFunctionSucceeds) {
  const auto result = runIsolated([] {
    volatile int x = 6 * 7;
    (void)x;
  });
  EXPECT_EQ(result.outcome, Outcome::Succeeded) << result.describe();
}

TEST(IsolatedCall, AThrowingFunctionFailsWithItsMessage) {
  const auto result = runIsolated([] { throw std::runtime_error("bad header at offset 12"); });
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_EQ(result.message, "bad header at offset 12");
}

TEST(IsolatedCall, ASegfaultIsReportedAndThisProcessLives) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer handles SIGSEGV itself";
  const auto result = runIsolated([] { std::raise(SIGSEGV); });
  EXPECT_EQ(result.outcome, Outcome::Crashed);
  EXPECT_EQ(result.signal, SIGSEGV);
  EXPECT_NE(result.describe().find("SIGSEGV"), std::string::npos) << result.describe();
}

TEST(IsolatedCall, AnAbortIsReported) {
  const auto result = runIsolated([] { std::abort(); });
  EXPECT_EQ(result.outcome, Outcome::Crashed);
  EXPECT_EQ(result.signal, SIGABRT);
}

TEST(IsolatedCall, ALoopIsKilledAtTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const auto result = runIsolated(
      [] {
        for (volatile long i = 0;; ++i) {
        }
      },
      {300ms, 0});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.outcome, Outcome::TimedOut);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
}

TEST(IsolatedCall, TheMemoryLimitTurnsAHugeAllocationIntoAFailure) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer needs more address space than this";
  const auto result = runIsolated(
      [] {
        std::vector<char> huge(std::size_t(4) << 30, 1);
        (void)huge;
      },
      {10s, std::size_t(1) << 30});
  EXPECT_EQ(result.outcome, Outcome::Failed) << result.describe();
  EXPECT_NE(result.message.find("memory"), std::string::npos) << result.message;
}

TEST(IsolatedCall, AnExitWithoutAMessageIsAFailure) {
  const auto result = runIsolated([] { ::_exit(3); });
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_NE(result.message.find("status 3"), std::string::npos) << result.message;
}

TEST(IsolatedCall, AFileReadThatCrashesIsAFileErrorNamingTheFile) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer handles SIGSEGV itself";
  try {
    requireIsolatedReadSucceeds("/data/broken.h5", [] { std::raise(SIGSEGV); });
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), "/data/broken.h5");
    EXPECT_NE(e.problem().find("crashed"), std::string::npos) << e.what();
  }
}

TEST(IsolatedCall, AFileErrorOfTheChildComesBackOnce) {
  try {
    requireIsolatedReadSucceeds("/data/broken.h5", [] {
      throw FileError("/data/broken.h5", "dataset X declares 10^12 elements");
    });
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()), "/data/broken.h5: dataset X declares 10^12 elements");
  }
  EXPECT_NO_THROW(requireIsolatedReadSucceeds("/data/good.h5", [] {}));
}

TEST(IsolatedCall, AResultComesBackWhole) {
  std::string expected(3 << 20, '\0');  // larger than any pipe buffer
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = char(i * 131 % 251);
  const auto result = runIsolatedForBytes([&] { return expected; }, {}, expected.size());
  ASSERT_EQ(result.outcome, Outcome::Succeeded) << result.describe();
  EXPECT_TRUE(result.payload == expected) << result.payload.size() << " bytes came back";
}

TEST(IsolatedCall, AnEmptyResultComesBack) {
  const auto result = runIsolatedForBytes([] { return std::string(); }, {}, 0);
  EXPECT_EQ(result.outcome, Outcome::Succeeded) << result.describe();
  EXPECT_TRUE(result.payload.empty());
}

TEST(IsolatedCall, AResultBeyondTheLimitFails) {
  const auto result =
      runIsolatedForBytes([] { return std::string(10 << 20, 'x'); }, {}, (10 << 20) - 1);
  EXPECT_EQ(result.outcome, Outcome::Failed) << result.describe();
  EXPECT_NE(result.message.find("allowed"), std::string::npos) << result.message;
  EXPECT_TRUE(result.payload.empty());
}

TEST(IsolatedCall, AThrowingResultFunctionFailsWithItsMessageAndNoResult) {
  const auto result = runIsolatedForBytes(
      []() -> std::string { throw std::runtime_error("tile 3: bad block"); }, {}, 1 << 20);
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_EQ(result.message, "tile 3: bad block");
  EXPECT_TRUE(result.payload.empty());
}
