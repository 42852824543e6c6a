// Prints reading and binning throughput and memory for a synthetic MERSCOPE-like section:
//   bench_transcriptomics [millions of transcripts = 5] [genes = 500]
// Figures go to docs/measurements.md with the command that produced them.
#include <sys/resource.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/ConditionFile.h"
#include "transcriptomics/ConditionBinner.h"
#include "transcriptomics/TextFormatReaders.h"

namespace {

double peakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace teramind;
  const double millions = argc > 1 ? std::stod(argv[1]) : 5.0;
  const int genes = argc > 2 ? std::stoi(argv[2]) : 500;
  const auto n = std::uint64_t(millions * 1e6);
  const auto file = std::filesystem::temp_directory_path() / "teramind_bench_transcripts.csv.gz";

  // A 5 × 5 mm section, 7 planes, genes with a Zipf-like abundance.
  auto start = std::chrono::steady_clock::now();
  {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> pos(0, 5000);
    std::uniform_int_distribution<int> plane(0, 6);
    std::vector<double> weights(static_cast<std::size_t>(genes));
    for (int g = 0; g < genes; ++g) weights[std::size_t(g)] = 1.0 / (g + 1);
    std::discrete_distribution<int> gene(weights.begin(), weights.end());
    gzFile gz = gzopen(file.c_str(), "wb1");
    gzputs(gz, "gene,global_x,global_y,global_z\n");
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string line =
          fmt::format("G{},{:.3f},{:.3f},{}\n", gene(rng), pos(rng), pos(rng), plane(rng));
      gzwrite(gz, line.data(), unsigned(line.size()));
    }
    gzclose(gz);
  }
  fmt::print("synthetic: {} transcripts, {} genes, {:.1f} MB gzip, written in {:.1f} s\n", n, genes,
             double(std::filesystem::file_size(file)) / 1e6, secondsSince(start));

  const double rssBefore = peakRssMiB();
  start = std::chrono::steady_clock::now();
  const TranscriptTable table = readVizgenTranscripts(file);
  const double readSeconds = secondsSince(start);
  fmt::print(
      "read: {:.2f} s, {:.2f} M transcripts/s, table {:.1f} MiB ({:.1f} B/transcript), "
      "peak RSS {:.0f} MiB\n",
      readSeconds, double(n) / readSeconds / 1e6,
      double(n) * (2 * sizeof(float) + sizeof(std::uint16_t) + sizeof(std::uint32_t)) / 1048576.0,
      double(2 * sizeof(float) + sizeof(std::uint16_t) + sizeof(std::uint32_t)), peakRssMiB());

  BinningOptions options;  // 16 px of 0.108 µm
  start = std::chrono::steady_clock::now();
  const BinningResult binned = binTranscripts(table, options);
  const double binSeconds = secondsSince(start);
  const BinGrid& g = binned.condition.grid();
  fmt::print(
      "bin: {:.2f} s, grid {} x {} x {} bins of {:.3f} um, {} non-zero gene-bins "
      "({:.4f} of dense), peak RSS {:.0f} MiB (dense would be {:.0f} MiB)\n",
      binSeconds, g.width, g.height, g.planes, g.binUm, binned.condition.nonZeroCount(),
      double(binned.condition.nonZeroCount()) / (double(g.binCount()) * genes), peakRssMiB(),
      double(g.binCount()) * genes * 4 / 1048576.0);

  bool identical = true;
  for (const char* extension : {".h5", ".vdb"}) {
    const auto out = std::filesystem::temp_directory_path() /
                     (std::string("teramind_bench_condition") + extension);
    try {
      start = std::chrono::steady_clock::now();
      writeCondition(out, binned.condition);
      fmt::print("write {}: {:.2f} s, {:.1f} MB, peak RSS {:.0f} MiB\n", extension,
                 secondsSince(start), double(std::filesystem::file_size(out)) / 1e6, peakRssMiB());
      start = std::chrono::steady_clock::now();
      const bool same = readCondition(out) == binned.condition;
      identical = identical && same;
      fmt::print("read {}: {:.2f} s, identical: {}, peak RSS {:.0f} MiB\n", extension,
                 secondsSince(start), same ? "yes" : "NO", peakRssMiB());
      std::filesystem::remove(out);
    } catch (const FileError& e) {
      fmt::print("write {}: refused: {}\n", extension, e.problem());
    }
  }
  fmt::print("rss_before_read_mib: {:.0f}\n", rssBefore);
  std::filesystem::remove(file);
  return identical ? 0 : 1;
}
