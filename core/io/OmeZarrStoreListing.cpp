// What a store holds on disk, found by listing its folders: never by trying every index a
// (possibly damaged, possibly huge) declared shape allows (issue 21).

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "io/ZarrShard.h"

namespace teramind {
namespace {

// A chunk or shard index as a name: decimal digits, no sign or leading zero (the key our
// paths spell), below `end`; none otherwise.
std::optional<std::int64_t> indexNamed(const std::string& name, std::int64_t end) {
  if (name.empty() || name.size() > 18 || (name.size() > 1 && name[0] == '0')) return {};
  std::int64_t v = 0;
  for (const char ch : name) {
    if (ch < '0' || ch > '9') return {};
    v = v * 10 + (ch - '0');
  }
  if (v >= end) return {};
  return v;
}

// Indices joined by `separator` ("1.0.3.4"), each below its end; none when the name is not.
std::optional<std::vector<std::int64_t>> indicesNamed(const std::string& name, char separator,
                                                      const std::vector<std::int64_t>& ends) {
  std::vector<std::int64_t> indices;
  std::size_t start = 0;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const auto stop = i + 1 < ends.size() ? name.find(separator, start) : name.size();
    if (stop == std::string::npos) return {};
    const auto v = indexNamed(name.substr(start, stop - start), ends[i]);
    if (!v) return {};
    indices.push_back(*v);
    start = stop + 1;
  }
  return indices;
}

struct Listed {
  std::string name;
  bool folder = false;
};

// A folder's entries; none when it does not exist. An error listing it names it.
std::vector<Listed> listFolder(const std::filesystem::path& dir) {
  std::vector<Listed> entries;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory)
      return entries;
    throw FileError(dir, "cannot list the folder: " + ec.message());
  }
  while (it != std::filesystem::directory_iterator()) {
    std::error_code typeError;
    entries.push_back({it->path().filename().string(), it->is_directory(typeError)});
    it.increment(ec);
    if (ec) throw FileError(dir, "cannot list the folder: " + ec.message());
  }
  return entries;
}

}  // namespace

std::vector<std::pair<int, int>> OmeZarrStore::planesOnDisk(int level) const {
  const auto& L = layout_;
  const auto dir = path_ / std::to_string(level);
  const auto channels = std::int64_t(L.channels.size()), planes = std::int64_t(L.planes);
  std::set<std::pair<int, int>> found;
  if (L.format == OmeZarrFormat::V2 && separator_ == '.') {  // level/c.z.row.col
    for (const auto& e : listFolder(dir))
      if (const auto k =
              indicesNamed(e.name, '.', {channels, planes, L.chunkRows(level), L.chunkCols(level)});
          k && !e.folder)
        found.insert({int((*k)[0]), int((*k)[1])});
    return {found.begin(), found.end()};
  }
  // V2: level/c/z/row/col; V3: level/c/c/z/shardRow/shardCol.
  const auto top = L.format == OmeZarrFormat::V2 ? dir : dir / "c";
  for (const auto& c : listFolder(top)) {
    const auto channel = indexNamed(c.name, channels);
    if (!channel || !c.folder) continue;
    for (const auto& z : listFolder(top / c.name))
      if (const auto plane = indexNamed(z.name, planes); plane && z.folder)
        found.insert({int(*channel), int(*plane)});
  }
  if (L.format == OmeZarrFormat::V3Sharded)  // level/.pending/c.z.shardRow.shardCol/
    for (const auto& p : listFolder(dir / ".pending"))
      if (const auto k =
              indicesNamed(p.name, '.', {channels, planes, L.shardRows(level), L.shardCols(level)});
          k && p.folder)
        found.insert({int((*k)[0]), int((*k)[1])});
  return {found.begin(), found.end()};
}

std::vector<std::pair<std::int64_t, std::int64_t>> OmeZarrStore::shardFilesOnDisk(int level,
                                                                                  int channel,
                                                                                  int plane) const {
  std::vector<std::pair<std::int64_t, std::int64_t>> shards;
  const auto dir =
      path_ / std::to_string(level) / "c" / std::to_string(channel) / std::to_string(plane);
  for (const auto& r : listFolder(dir)) {
    const auto row = indexNamed(r.name, layout_.shardRows(level));
    if (!row || !r.folder) continue;
    for (const auto& q : listFolder(dir / r.name))
      if (const auto col = indexNamed(q.name, layout_.shardCols(level)); col && !q.folder)
        shards.push_back({*row, *col});
  }
  std::sort(shards.begin(), shards.end());
  return shards;
}

std::vector<std::pair<std::int64_t, std::int64_t>> OmeZarrStore::pendingShardsOnDisk(
    int level, int channel, int plane) const {
  std::vector<std::pair<std::int64_t, std::int64_t>> shards;
  const auto& L = layout_;
  for (const auto& p : listFolder(path_ / std::to_string(level) / ".pending"))
    if (const auto k = indicesNamed(p.name, '.',
                                    {std::int64_t(L.channels.size()), std::int64_t(L.planes),
                                     L.shardRows(level), L.shardCols(level)});
        k && p.folder && (*k)[0] == channel && (*k)[1] == plane)
      shards.push_back({(*k)[2], (*k)[3]});
  std::sort(shards.begin(), shards.end());
  return shards;
}

std::vector<std::pair<std::int64_t, std::int64_t>> OmeZarrStore::chunksOnDisk(int level,
                                                                              int channel,
                                                                              int plane) const {
  const auto& L = layout_;
  const auto rows = L.chunkRows(level), cols = L.chunkCols(level);
  const auto dir = path_ / std::to_string(level);
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
  if (L.format == OmeZarrFormat::V2 && separator_ == '.') {
    for (const auto& e : listFolder(dir))
      if (const auto k = indicesNamed(
              e.name, '.', {std::int64_t(L.channels.size()), std::int64_t(L.planes), rows, cols});
          k && !e.folder && (*k)[0] == channel && (*k)[1] == plane)
        chunks.push_back({(*k)[2], (*k)[3]});
  } else if (L.format == OmeZarrFormat::V2) {
    const auto planeDir = dir / std::to_string(channel) / std::to_string(plane);
    for (const auto& r : listFolder(planeDir)) {
      const auto row = indexNamed(r.name, rows);
      if (!row || !r.folder) continue;
      for (const auto& q : listFolder(planeDir / r.name))
        if (const auto col = indexNamed(q.name, cols); col && !q.folder)
          chunks.push_back({*row, *col});
    }
  } else {
    const std::int64_t k = L.shardChunks();
    for (const auto& [sr, sc] : shardFilesOnDisk(level, channel, plane)) {
      const auto shard = openShard(shardPath(level, channel, plane, sr, sc));
      if (!shard) continue;  // removed since listed
      for (std::int64_t i = 0; i < k * k; ++i) {
        const auto r = sr * k + i / k, q = sc * k + i % k;
        if (r < rows && q < cols && shard->has(std::size_t(i))) chunks.push_back({r, q});
      }
    }
    for (const auto& [sr, sc] : pendingShardsOnDisk(level, channel, plane))
      for (const auto& e : listFolder(pendingDirectory(level, channel, plane, sr, sc)))
        if (const auto rc = indicesNamed(e.name, '.', {rows, cols});
            rc && !e.folder && (*rc)[0] / k == sr && (*rc)[1] / k == sc)
          chunks.push_back({(*rc)[0], (*rc)[1]});
  }
  std::sort(chunks.begin(), chunks.end());
  chunks.erase(std::unique(chunks.begin(), chunks.end()), chunks.end());
  return chunks;
}

}  // namespace teramind
