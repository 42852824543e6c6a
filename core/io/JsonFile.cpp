#include "io/JsonFile.h"

#include <fstream>
#include <string>

#include "common/FileError.h"

namespace teramind {

nlohmann::json readJsonFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot be opened for reading");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(file, std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace teramind
