// OME-Zarr headers and shard indexes from a hostile or damaged disk (issue 21, findings 4–6):
// stores written by our own writer, one field mutated, must be refused with a FileError naming
// the .zarray / zarr.json / shard and the field, before any arithmetic on it; `export` must
// then write nothing; walks over a store (seams, export, damaged shards) must be bounded by
// the files on disk, not by the chunk grid a header declares.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "analysis/StoreSeams.h"
#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "io/ZarrShard.h"
#include "workflow/GeneratedVolumeExport.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path freshDir(const std::string& name) {
  auto dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "zarr_validation" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

std::vector<std::uint8_t> pattern(int seed, int chunk = 8) {
  std::vector<std::uint8_t> p(std::size_t(chunk) * std::size_t(chunk));
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = std::uint8_t((i * 7 + std::size_t(seed) * 31) % 251);
  return p;
}

bool isV3(OmeZarrFormat f) {
  return f == OmeZarrFormat::V3Sharded;
}

// 2 stains × 2 planes of 40 × 56 px in chunks of 8 (shards of 16), three chunks written (two
// side by side) and the pyramid built: what a small generation job leaves.
fs::path writtenStore(const std::string& name, OmeZarrFormat format) {
  const auto dir = freshDir(name);
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 2;
  L.height = 40;
  L.width = 56;
  L.chunk = 8;
  L.shard = 16;
  L.format = format;
  L.levels = OmeZarrLayout::levelsToFit(L.height, L.width, L.chunk);
  const auto store = OmeZarrStore::create(dir, L);
  store.writeChunk(0, 0, 0, 0, 0, pattern(1));
  store.writeChunk(0, 0, 0, 0, 1, pattern(2));
  store.writeChunk(0, 1, 1, 3, 4, pattern(3));
  store.buildPyramid();
  return dir;
}

fs::path arrayFile(const fs::path& dir, int level, OmeZarrFormat format) {
  return dir / std::to_string(level) / (isV3(format) ? "zarr.json" : ".zarray");
}

void rewriteJson(const fs::path& file, const std::function<void(json&)>& change) {
  json j;
  {
    std::ifstream in(file);
    j = json::parse(in);
  }
  change(j);
  std::ofstream(file) << j.dump();
}

// Opening, seams and export each refuse the store with a FileError naming `file` and holding
// `problem`; export leaves no output.
void expectRefusedEverywhere(const fs::path& dir, const fs::path& file,
                             const std::string& problem) {
  SCOPED_TRACE(dir.filename().string());
  const auto check = [&](const std::function<void()>& run, const char* what) {
    try {
      run();
      ADD_FAILURE() << what << " accepted " << dir;
    } catch (const FileError& e) {
      EXPECT_EQ(e.file(), file) << what << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << what << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << " threw something else than FileError: " << e.what();
    }
  };
  check([&] { OmeZarrStore::open(dir); }, "open");
  check([&] { measureStoreSeams(OmeZarrStore::open(dir)); }, "seams");
  const auto out = dir.parent_path() / (dir.stem().string() + ".nrrd");
  fs::remove(out);
  check([&] { exportGeneratedVolume({dir, out}); }, "export");
  EXPECT_FALSE(fs::exists(out)) << "export wrote " << out;
}

class OmeZarrValidation : public testing::TestWithParam<OmeZarrFormat> {
 protected:
  std::string tag(const std::string& name) const {
    return name + (isV3(GetParam()) ? "_v3.zarr" : "_v2.zarr");
  }
  // Level 0's header with its inner chunk side set to `side` (v3: the sharding codec's chunk
  // shape; v2: chunks).
  void expectChunkSideRefused(const std::string& name, const json& side,
                              const std::string& problem) {
    const auto dir = writtenStore(tag(name), GetParam());
    const auto file = arrayFile(dir, 0, GetParam());
    rewriteJson(file, [&](json& a) {
      auto& c = isV3(GetParam()) ? a["codecs"][0]["configuration"]["chunk_shape"] : a["chunks"];
      c[2] = side;
      c[3] = side;
    });
    expectRefusedEverywhere(dir, file, problem);
  }
};

TEST_P(OmeZarrValidation, TheUnmutatedStoreIsReadExportedAndMeasured) {
  const auto dir = writtenStore(tag("valid"), GetParam());
  const auto store = OmeZarrStore::open(dir);
  EXPECT_EQ(store.planesOnDisk(0), (std::vector<std::pair<int, int>>{{0, 0}, {1, 1}}));
  EXPECT_EQ(store.chunksOnDisk(0, 0, 0),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 0}, {0, 1}}));
  EXPECT_EQ(store.chunksOnDisk(0, 1, 1),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{3, 4}}));
  const auto seams = measureStoreSeams(store);
  EXPECT_EQ(seams.borderPairs, 8) << "one border of 8 px pairs between (0,0) and (0,1)";
  const auto out = dir.parent_path() / (dir.stem().string() + ".nrrd");
  fs::remove(out);
  const auto v = exportGeneratedVolume({dir, out});
  EXPECT_EQ(v.width, 56);
  EXPECT_TRUE(fs::exists(out));
}

// Finding 4: a chunk side of 0 (or 2³², which wrapped to 0) divided by zero.
TEST_P(OmeZarrValidation, ChunkSideZeroOrTwoToThe32IsRefused) {
  expectChunkSideRefused("chunk0", 0, "outside [2, ");
  expectChunkSideRefused("chunk2to32", std::int64_t(1) << 32, "outside [2, ");
}

// Finding 5: a negative side exported zeros; 10⁹ gave an error without the file.
TEST_P(OmeZarrValidation, NegativeOrHugeChunkSideIsRefusedNamingTheFile) {
  expectChunkSideRefused("chunk_negative", -8, "outside [2, ");
  expectChunkSideRefused("chunk1e9", 1000000000, "outside [2, ");
  expectChunkSideRefused("chunk_uint64", json(std::uint64_t(18446744073709551615u)),
                         "outside [2, ");
}

TEST_P(OmeZarrValidation, AStringOrFloatWhereANumberBelongsIsAFieldError) {
  expectChunkSideRefused("chunk_string", "8", "is not an integer");
  expectChunkSideRefused("chunk_float", 8.5, "is not an integer");
  const auto dir = writtenStore(tag("shape_string"), GetParam());
  const auto file = arrayFile(dir, 0, GetParam());
  rewriteJson(file, [](json& a) { a["shape"][2] = "40"; });
  expectRefusedEverywhere(dir, file, "shape[2] (height): \"40\" is not an integer");
  const auto dir2 = writtenStore(tag("format_string"), GetParam());
  const auto file2 = arrayFile(dir2, 0, GetParam());
  rewriteJson(file2, [](json& a) { a["zarr_format"] = "2"; });
  expectRefusedEverywhere(dir2, file2, "zarr_format: \"2\" is not an integer");
  const auto dir3 = writtenStore(tag("shape_object"), GetParam());
  const auto file3 = arrayFile(dir3, 1, GetParam());
  rewriteJson(file3, [](json& a) { a["shape"] = json::object(); });
  expectRefusedEverywhere(dir3, file3, "shape: {} is not [c, z, y, x]");
}

TEST_P(OmeZarrValidation, UnknownTypesAndCompressorsAreRefused) {
  const auto v3 = isV3(GetParam());
  const auto mutate = [&](const std::string& name, const std::function<void(json&)>& change,
                          const std::string& problem) {
    const auto dir = writtenStore(tag(name), GetParam());
    const auto file = arrayFile(dir, 0, GetParam());
    rewriteJson(file, change);
    expectRefusedEverywhere(dir, file, problem);
  };
  if (v3) {
    mutate(
        "dtype", [](json& a) { a["data_type"] = "float64"; }, "data_type is not uint8");
    mutate(
        "codec", [](json& a) { a["codecs"][0]["configuration"]["codecs"][1]["name"] = "gzip"; },
        "codecs[0].configuration.codecs: ");
    mutate(
        "shuffle",
        [](json& a) {
          a["codecs"][0]["configuration"]["codecs"][1]["configuration"]["shuffle"] = 7;
        },
        "codecs[0].configuration.codecs[1].configuration.shuffle: 7 is not a string");
    mutate(
        "clevel",
        [](json& a) {
          a["codecs"][0]["configuration"]["codecs"][1]["configuration"]["clevel"] = 99;
        },
        "clevel: 99 is outside [0, 9]");
    mutate(
        "endian",
        [](json& a) {
          a["codecs"][0]["configuration"]["codecs"][0]["configuration"]["endian"] = "middle";
        },
        "endian: \"middle\" is not supported");
    mutate(
        "index_codecs",
        [](json& a) { a["codecs"][0]["configuration"]["index_codecs"] = json::array(); },
        "index_codecs: [] (the shard index");
    mutate(
        "key_encoding", [](json& a) { a["chunk_key_encoding"]["name"] = "v2"; },
        "chunk_key_encoding.name: \"v2\" is not supported");
    mutate(
        "fill", [](json& a) { a["fill_value"] = "NaN"; }, "fill_value: \"NaN\"");
  } else {
    mutate(
        "dtype", [](json& a) { a["dtype"] = "<f8"; }, "dtype: \"<f8\" is not supported");
    mutate(
        "compressor", [](json& a) { a["compressor"]["id"] = "lz4"; },
        "compressor.id: \"lz4\" is not supported (only blosc)");
    mutate(
        "no_compressor", [](json& a) { a["compressor"] = nullptr; }, "compressor: null");
    mutate(
        "cname", [](json& a) { a["compressor"]["cname"] = "brotli"; },
        "compressor.cname: \"brotli\" is not supported");
    mutate(
        "clevel", [](json& a) { a["compressor"]["clevel"] = "5"; },
        "compressor.clevel: \"5\" is not an integer");
    mutate(
        "order", [](json& a) { a["order"] = "F"; }, "order: \"F\" is not supported");
    mutate(
        "filters",
        [](json& a) {
          a["filters"] = json::array({{{"id", "delta"}}});
        },
        "filters: ");
    mutate(
        "separator", [](json& a) { a["dimension_separator"] = 4; },
        "dimension_separator: 4 is not a string");
    mutate(
        "fill", [](json& a) { a["fill_value"] = 3; }, "fill_value: not 0");
  }
}

// The NGFF multiscales in .zattrs / the group's zarr.json: checked the same way.
TEST_P(OmeZarrValidation, MultiscalesAreCheckedFieldByField) {
  const auto v3 = isV3(GetParam());
  const auto mutate = [&](const std::string& name, const std::function<void(json&)>& change,
                          const std::string& problem) {
    const auto dir = writtenStore(tag(name), GetParam());
    const auto file = dir / (v3 ? "zarr.json" : ".zattrs");
    rewriteJson(file, [&](json& g) { change(v3 ? g["attributes"]["ome"] : g); });
    expectRefusedEverywhere(dir, file, problem);
  };
  mutate(
      "scale_negative",
      [](json& g) {
        g["multiscales"][0]["datasets"][0]["coordinateTransformations"][0]["scale"][3] = -0.5;
      },
      "scale[3]: -0.5 is not a positive finite number");
  mutate(
      "scale_string",
      [](json& g) {
        g["multiscales"][0]["datasets"][1]["coordinateTransformations"][0]["scale"][2] = "x";
      },
      "datasets[1].coordinateTransformations[0].scale[2]: \"x\" is not a number");
  mutate(
      "path", [](json& g) { g["multiscales"][0]["datasets"][1]["path"] = "../0"; },
      "datasets[1].path: \"../0\", not \"1\"");
  mutate(
      "datasets", [](json& g) { g["multiscales"][0]["datasets"] = json::array(); },
      "multiscales[0].datasets: 0 entries");
  mutate(
      "labels", [](json& g) { g["omero"]["channels"][0]["label"] = 5; },
      "omero.channels[0].label: 5 is not a string");
  mutate(
      "axes", [](json& g) { g["multiscales"][0]["axes"][2]["name"] = "x"; }, "axes[2].name");
}

TEST_P(OmeZarrValidation, DeeplyNestedOrHugeHeadersAreRefusedUnread) {
  const auto dir = writtenStore(tag("deep"), GetParam());
  const auto file = arrayFile(dir, 0, GetParam());
  std::ofstream(file) << std::string(200000, '[') << std::string(200000, ']');
  expectRefusedEverywhere(dir, file, "JSON nested deeper than");
  const auto dir2 = writtenStore(tag("huge_header"), GetParam());
  const auto file2 = arrayFile(dir2, 0, GetParam());
  fs::resize_file(file2, std::uintmax_t(1) << 30);  // sparse: 1 GiB of zero bytes
  expectRefusedEverywhere(dir2, file2, "more than the");
}

// Finding 6: a header declaring a plane of 262144 × 262144 px (2²⁴ chunks of 64) × 400
// planes, 6.7 × 10⁹ chunk positions, with three chunks written: seams, export and the
// damaged-shard scan look only at what is on disk (trying every position took hours).
TEST_P(OmeZarrValidation, AHugeDeclaredShapeWithFewChunksIsWalkedByItsFiles) {
  const auto dir = freshDir(tag("huge_shape"));
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 400;
  L.height = L.width = 262144;
  L.chunk = 64;
  L.shard = 64 * 16;
  L.format = GetParam();
  L.levels = OmeZarrLayout::levelsToFit(L.height, L.width, L.chunk);
  {
    const auto store = OmeZarrStore::create(dir, L);
    store.writeChunk(0, 1, 399, 4000, 4000, pattern(1, 64));
    store.writeChunk(0, 1, 399, 4000, 4001, pattern(2, 64));
    store.writeChunk(0, 0, 7, 2, 3, pattern(3, 64));
    store.finishShard(0, 0, 7, 0, 0);  // v3: one shard finished, the others pending
  }
  const auto store = OmeZarrStore::open(dir);
  EXPECT_EQ(store.planesOnDisk(0), (std::vector<std::pair<int, int>>{{0, 7}, {1, 399}}));
  const auto seams = measureStoreSeams(store);
  EXPECT_EQ(seams.borderPairs, 64);
  EXPECT_EQ(seams.channels.at(0).borderPairs, 0);
  EXPECT_TRUE(store.damagedShards().empty());
  const auto out = dir.parent_path() / (dir.stem().string() + ".nrrd");
  fs::remove(out);
  // Level 0 is far above the memory limit; the top level was never built: both refused.
  EXPECT_THROW(exportGeneratedVolume({dir, out}), FileError);
  try {
    exportGeneratedVolume({dir, out, L.levels - 1});
    ADD_FAILURE() << "a level holding no chunk was exported as zeros";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("holds no generated chunk"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
}

// Names that are not chunk keys inside the image are not chunks (nor are they errors).
TEST_P(OmeZarrValidation, StrayFilesInTheStoreAreNotChunks) {
  const auto dir = writtenStore(tag("stray"), GetParam());
  const auto planeDir = isV3(GetParam()) ? dir / "0" / "c" / "0" / "0" : dir / "0" / "0" / "0";
  fs::create_directories(planeDir / "00");
  std::ofstream(planeDir / "00" / "1") << "x";
  fs::create_directories(planeDir / "-1");
  std::ofstream(planeDir / "-1" / "0") << "x";
  fs::create_directories(planeDir / "99999999999999999999");
  std::ofstream(planeDir / ".partial-12-3") << "x";
  std::ofstream(dir / "0" / "notes.txt") << "x";
  const auto store = OmeZarrStore::open(dir);
  EXPECT_EQ(store.chunksOnDisk(0, 0, 0),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 0}, {0, 1}}));
  EXPECT_EQ(measureStoreSeams(store).borderPairs, 8);
}

std::string layoutName(const testing::TestParamInfo<OmeZarrFormat>& format) {
  return isV3(format.param) ? "V3" : "V2";
}
INSTANTIATE_TEST_SUITE_P(BothLayouts, OmeZarrValidation,
                         testing::Values(OmeZarrFormat::V2, OmeZarrFormat::V3Sharded), layoutName);

// Shard indexes (v3): the checksum, the range of each entry, both-or-neither empty, and an
// inner chunk's size are checked when a shard is opened, before anything is allocated for it.
fs::path shardOf(const fs::path& dir) {
  return dir / "0" / "c" / "0" / "0" / "0" / "0";
}

// The shard's index entry `i` set to (offset, nbytes), its checksum made right again.
void setIndexEntry(const fs::path& shard, std::size_t i, std::uint64_t offset, std::uint64_t nbytes,
                   std::size_t chunkCount) {
  std::vector<std::uint8_t> bytes;
  {
    std::ifstream in(shard, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t start = bytes.size() - ZarrShard::indexBytes(chunkCount);
  for (int b = 0; b < 8; ++b) {
    bytes[start + 16 * i + std::size_t(b)] = std::uint8_t(offset >> (8 * b));
    bytes[start + 16 * i + 8 + std::size_t(b)] = std::uint8_t(nbytes >> (8 * b));
  }
  const auto crc = crc32c(bytes.data() + start, 16 * chunkCount);
  for (int b = 0; b < 4; ++b)
    bytes[bytes.size() - 4 + std::size_t(b)] = std::uint8_t(crc >> (8 * b));
  std::ofstream(shard, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void expectShardRefused(const fs::path& dir, const std::string& problem) {
  const auto shard = shardOf(dir);
  const auto store = OmeZarrStore::open(dir);
  const auto damaged = store.damagedShards();
  ASSERT_EQ(damaged.size(), 1u) << dir;
  EXPECT_EQ(damaged[0].file, shard);
  EXPECT_NE(damaged[0].problem.find(problem), std::string::npos) << damaged[0].problem;
  try {
    measureStoreSeams(store);
    ADD_FAILURE() << "seams read " << shard;
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), shard) << e.what();
  }
  const auto out = dir.parent_path() / (dir.stem().string() + ".nrrd");
  fs::remove(out);
  EXPECT_THROW(exportGeneratedVolume({dir, out}), FileError);
  EXPECT_FALSE(fs::exists(out));
}

TEST(OmeZarrValidationShards, GarbageTruncatedOrInconsistentIndexesAreNamed) {
  const std::size_t n = 4;  // 2 × 2 chunks a shard
  {
    const auto dir = writtenStore("shard_garbage.zarr", OmeZarrFormat::V3Sharded);
    const auto size = fs::file_size(shardOf(dir));
    std::ofstream out(shardOf(dir), std::ios::binary | std::ios::trunc);
    for (std::uintmax_t i = 0; i < size; ++i) out.put(char((i * 131 + 7) & 0xFF));
    out.close();
    expectShardRefused(dir, "the index checksum");
  }
  {
    const auto dir = writtenStore("shard_truncated.zarr", OmeZarrFormat::V3Sharded);
    fs::resize_file(shardOf(dir), 20);
    expectShardRefused(dir, "shard cut short: 20 bytes");
  }
  {
    const auto dir = writtenStore("shard_half_empty.zarr", OmeZarrFormat::V3Sharded);
    setIndexEntry(shardOf(dir), 0, ZarrShard::kEmpty, 5, n);
    expectShardRefused(dir, "2^64 - 1 for both");
  }
  {
    const auto dir = writtenStore("shard_past_end.zarr", OmeZarrFormat::V3Sharded);
    setIndexEntry(shardOf(dir), 1, 100000, 10, n);
    expectShardRefused(dir, "lies past");
  }
  {
    const auto dir = writtenStore("shard_huge_chunk.zarr", OmeZarrFormat::V3Sharded);
    setIndexEntry(shardOf(dir), 1, 0, std::uint64_t(1) << 40, n);
    expectShardRefused(dir, "more than the");
  }
}

// A v2 chunk file far larger than a compressed chunk can be is refused before it is read.
TEST(OmeZarrValidationShards, AnOversizedV2ChunkFileIsRefusedUnread) {
  const auto dir = writtenStore("chunk_oversized.zarr", OmeZarrFormat::V2);
  const auto chunk = dir / "0" / "0" / "0" / "0" / "1";
  fs::resize_file(chunk, std::uintmax_t(1) << 30);
  try {
    measureStoreSeams(OmeZarrStore::open(dir));
    ADD_FAILURE() << "an oversized chunk was read";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), chunk) << e.what();
    EXPECT_NE(std::string(e.what()).find("more than the"), std::string::npos) << e.what();
  }
  const auto out = dir.parent_path() / "chunk_oversized.nrrd";
  fs::remove(out);
  EXPECT_THROW(exportGeneratedVolume({dir, out}), FileError);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace teramind
