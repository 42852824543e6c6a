#pragma once

#include <filesystem>
#include <string>

#include "io/OmeZarrStore.h"

namespace teramind {

// An OME-Zarr image's metadata, NGFF 0.4 on Zarr v2 or NGFF 0.5 on Zarr v3 with sharding: the
// group and every level's array header, written, and read back with every field checked before
// any arithmetic on it. OmeZarrStore keeps the chunks and shards; this, what describes them.

// Throws FileError for a layout out of bounds (sides, chunk, shard, levels, chunks per plane).
void writeOmeZarrMetadata(const std::filesystem::path& path, const OmeZarrLayout& layout,
                          const std::string& attributes);

struct OmeZarrMetadata {
  OmeZarrLayout layout;
  char separator = '/';  // v2 chunk keys: '/' or the older '.'
};
// Throws FileError naming the file and the field.
OmeZarrMetadata readOmeZarrMetadata(const std::filesystem::path& path);

// The "teramind" attributes object as JSON text ("{}" when absent).
std::string readOmeZarrAttributes(const std::filesystem::path& path, OmeZarrFormat format);

}  // namespace teramind
