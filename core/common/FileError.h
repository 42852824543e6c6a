#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace teramind {

// An input or output file that cannot be used: the message always names the file.
class FileError : public std::runtime_error {
 public:
  FileError(const std::filesystem::path& file, const std::string& problem)
      : std::runtime_error(file.string() + ": " + problem), file_(file), problem_(problem) {}

  const std::filesystem::path& file() const { return file_; }
  const std::string& problem() const { return problem_; }

 private:
  std::filesystem::path file_;
  std::string problem_;
};

}  // namespace teramind
