#pragma once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace teramind::test {

// ../shared/data, or $TERAMIND_DATA: real public data that CI has and a user's clone may not.
inline std::filesystem::path sharedDataDirectory() {
  if (const char* env = std::getenv("TERAMIND_DATA"); env && *env) return env;
  return TERAMIND_DEFAULT_DATA_DIR;
}

// A fresh directory removed when the test ends.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("teramind-" + std::string(info ? info->name() : "test") + "-" +
             std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace teramind::test

// Skips the test, saying where the data was looked for, when a shared dataset is absent.
#define TERAMIND_REQUIRE_SHARED_DATA(relative)                                                   \
  const std::filesystem::path sharedData = ::teramind::test::sharedDataDirectory() / (relative); \
  if (!std::filesystem::exists(sharedData))                                                      \
  GTEST_SKIP() << "shared data not found at " << sharedData                                      \
               << " (set TERAMIND_DATA to the shared/data directory to run this test)"
