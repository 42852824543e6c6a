#pragma once

// An OME-Zarr store as one fuzz input: the files of a small store, in a fixed order, split by
// kPartSeparator. The omezarr_v2 and omezarr_v3 targets lay an input out as these files and
// read it the ways the CLI and the studio (its section explorer too) read a generated store;
// make_fuzz_seeds joins a real store's files in the same order.

#include <string_view>
#include <vector>

namespace teramind::fuzz {

// Zarr v2 (NGFF 0.4): group, attributes, two levels' array headers, chunks (c/z/y/x keys).
inline const std::vector<std::string_view> kOmeZarrV2Files = {
    ".zgroup", ".zattrs", "0/.zarray", "0/0/0/0/0", "0/0/0/0/1", "1/.zarray", "1/0/0/0/0"};

// Zarr v3 (NGFF 0.5, sharded): group, two levels' array headers, a shard of each level and a
// chunk still pending for a shard not yet assembled.
inline const std::vector<std::string_view> kOmeZarrV3Files = {
    "zarr.json",   "0/zarr.json", "0/c/0/0/0/0",
    "1/zarr.json", "1/c/0/0/0/0", "0/.pending/0.0.0.1/0.2"};

// Lays `input` out as `files` of a store (an empty part: a file that does not exist) and reads
// its metadata, a chunk, its seams and an export of level 0; aborts on an unclean refusal.
void readOmeZarrStoreInput(std::string_view input, const std::vector<std::string_view>& files);

}  // namespace teramind::fuzz
