#include "io/ConditionBytes.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include "io/ResultBytes.h"

namespace teramind {
namespace {

constexpr std::uint32_t kMagic = 0x4E44434D;  // "MCDN"
constexpr std::uint64_t kMaxGeneName = 1 << 16;
constexpr std::uint64_t kEntryBytes = sizeof(std::uint64_t) + sizeof(float);

}  // namespace

std::string encodeCondition(const BinnedCondition& condition) {
  ResultBytesWriter out;
  out.reserve(64 + condition.nonZeroCount() * kEntryBytes + condition.geneCount() * 32);
  out.put(kMagic);
  const BinGrid& g = condition.grid();
  out.put(g.originXUm);
  out.put(g.originYUm);
  out.put(g.binUm);
  out.put(g.width);
  out.put(g.height);
  out.put(g.planes);
  out.put(g.planeSpacingUm);
  out.put(std::uint32_t(condition.geneCount()));
  for (const auto& name : condition.geneNames()) out.putString(name);
  for (std::size_t gene = 0; gene < condition.geneCount(); ++gene) {
    const auto entries = condition.sortedEntries(gene);
    out.put(std::uint64_t(entries.size()));
    for (const auto& [bin, value] : entries) {
      out.put(BinnedCondition::key(bin));
      out.put(value);
    }
  }
  return out.take();
}

BinnedCondition decodeCondition(const std::string& bytes, const std::filesystem::path& file,
                                std::uint64_t maxEntries) {
  ResultBytesReader in(bytes, file);
  if (in.get<std::uint32_t>("the magic number") != kMagic) in.fail("it is not a binned condition");
  BinGrid g;
  g.originXUm = in.get<double>("the grid");
  g.originYUm = in.get<double>("the grid");
  g.binUm = in.get<double>("the grid");
  g.width = in.get<std::int32_t>("the grid");
  g.height = in.get<std::int32_t>("the grid");
  g.planes = in.get<std::int32_t>("the grid");
  g.planeSpacingUm = in.get<double>("the grid");
  const auto genes = in.get<std::uint32_t>("the gene count");
  // Each gene takes at least its name's length and its entry count: 16 bytes.
  in.need(std::uint64_t(genes) * 16, "the genes");
  std::vector<std::string> names;
  names.reserve(genes);
  for (std::uint32_t gene = 0; gene < genes; ++gene)
    names.push_back(in.getString("a gene name", kMaxGeneName));
  BinnedCondition condition;
  try {
    condition = BinnedCondition(g, std::move(names));
  } catch (const std::invalid_argument& e) {
    in.fail(e.what());
  }
  std::uint64_t total = 0;
  for (std::uint32_t gene = 0; gene < genes; ++gene) {
    const auto count = in.get<std::uint64_t>("a gene's entry count");
    in.need(count * kEntryBytes, "a gene's entries");  // count ≤ bytes left / 12: no overflow
    total += count;
    if (total > maxEntries)
      in.fail("more than the " + std::to_string(maxEntries) + " non-zero bins allowed");
    std::vector<std::pair<std::uint64_t, float>> entries(static_cast<std::size_t>(count));
    for (auto& [key, value] : entries) {
      key = in.get<std::uint64_t>("an entry");
      value = in.get<float>("an entry");
    }
    try {
      condition.fillChannel(gene, entries);
    } catch (const std::exception& e) {
      in.fail("gene '" + condition.geneName(gene) + "': " + e.what());
    }
  }
  in.requireEnd();
  return condition;
}

}  // namespace teramind
