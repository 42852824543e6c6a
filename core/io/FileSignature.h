#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/FileSignature.h is private to teramind_io"
#endif

#include <array>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace teramind {

// Whether `file` opens with Parquet's magic "PAR1" (its name is not trusted either way).
inline bool hasParquetSignature(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  return in && std::string_view(magic.data(), magic.size()) == "PAR1";
}

}  // namespace teramind
