#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace teramind {

// One tensor of a safetensors file: little-endian raw bytes, row-major.
struct StoredTensor {
  std::string dtype;  // safetensors names: "F32", "F16", "BF16", "I64", "I32", "U8", …
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> bytes;

  std::int64_t elementCount() const;
};

// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
// JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}, then the
// data. Tensors are written in name order, 8-byte aligned header as the reference writer does.
struct SafetensorsContent {
  std::map<std::string, StoredTensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Writes atomically (temporary file + rename). Throws FileError.
void writeSafetensors(const std::filesystem::path& path, const SafetensorsContent& content);
// Throws FileError naming the file and the problem: truncated, header not JSON, unknown dtype,
// offsets outside the data, overlapping or not covering it, or a size that disagrees with the
// shape.
SafetensorsContent readSafetensors(const std::filesystem::path& path);
// Header only (names, dtypes, shapes, metadata), without reading the data.
SafetensorsContent readSafetensorsHeader(const std::filesystem::path& path);

int safetensorsDtypeSize(const std::string& dtype);  // 0 for an unknown dtype

}  // namespace teramind
