#include "synthetic/SyntheticTranscripts.h"

#include <cmath>

#include <fmt/format.h>

#include "common/AtomicFileWrite.h"
#include "synthetic/GzipChunkStream.h"
#include "synthetic/SyntheticRandom.h"

namespace teramind::synthetic {
namespace {

constexpr std::uint64_t kCellMoleculeStream = 2;
constexpr std::uint64_t kBackgroundMoleculeStream = 6;
constexpr std::size_t kChunkBytes = std::size_t(4) << 20;

void appendInteger(std::string& out, std::int64_t value) {
  const fmt::format_int text(value);
  out.append(text.data(), text.size());
}

// Fixed-point text through integers: faster than floating-point formatting and the same
// bytes on every platform.
void appendFixed(std::string& out, double value, int decimals) {
  static constexpr std::int64_t kScale[] = {1, 10, 100, 1000, 10000};
  const std::int64_t scale = kScale[decimals];
  std::int64_t scaled = std::llround(value * double(scale));
  if (scaled < 0) {
    out.push_back('-');
    scaled = -scaled;
  }
  appendInteger(out, scaled / scale);
  out.push_back('.');
  std::int64_t fraction = scaled % scale;
  char digits[8];
  for (int d = decimals - 1; d >= 0; --d, fraction /= 10) digits[d] = char('0' + fraction % 10);
  out.append(digits, std::size_t(decimals));
}

// Everything one row needs beside the molecule itself.
struct RowWriter {
  const SyntheticSectionSpec& spec;
  std::vector<std::string> barcodeText;  // "barcode_id,"
  std::vector<std::string> geneText;     // ",gene,transcript_id,"
  std::string out;
  std::int64_t fovRow = 0;  // the unnamed index restarts in each field of view, as MERSCOPE's

  void row(int gene, double xUm, double yUm, int plane, std::uint32_t fov, double fovX0Um,
           double fovY0Um, std::int64_t cellId) {
    appendInteger(out, fovRow++);
    out.push_back(',');
    out += barcodeText[std::size_t(gene)];
    appendFixed(out, spec.originXUm + xUm, 3);
    out.push_back(',');
    appendFixed(out, spec.originYUm + yUm, 3);
    out.push_back(',');
    appendInteger(out, plane);
    out.append(".0,");
    appendFixed(out, (xUm - fovX0Um) / spec.pixelUm, 2);  // x, y: camera px within the fov
    out.push_back(',');
    appendFixed(out, (yUm - fovY0Um) / spec.pixelUm, 2);
    out.push_back(',');
    appendInteger(out, fov);
    out += geneText[std::size_t(gene)];
    appendInteger(out, cellId);
    out.push_back('\n');
  }
};

}  // namespace

TranscriptCounts writeSyntheticTranscripts(const SyntheticSectionSpec& spec,
                                           const SyntheticTissue& tissue,
                                           const std::vector<std::string>& geneNames,
                                           const std::filesystem::path& file,
                                           const std::function<void(std::int64_t)>& progress) {
  TranscriptCounts counts;
  counts.perGene.assign(geneNames.size(), 0);
  RowWriter rows{spec, {}, {}, {}};
  for (std::size_t g = 0; g < geneNames.size(); ++g) {
    rows.barcodeText.push_back(std::to_string(g) + ",");
    const bool blank = int(g) >= spec.genes;
    // Ensembl-style transcript ids for genes (distinct, stable); MERSCOPE writes -1 for blanks.
    rows.geneText.push_back(
        "," + geneNames[g] + "," +
        (blank ? std::string("-1") : fmt::format("ENSMUST{:011d}", 335 + 7919 * (g + 1))) + ",");
  }
  const int blanks = spec.blankBarcodes;
  auto drawGene = [&](Random& random, const std::vector<double>& cumulative, double blankShare) {
    if (blanks > 0 && random.uniform() < blankShare)
      return spec.genes + int(random.below(std::uint32_t(blanks)));
    return drawFromCumulative(cumulative, random.uniform());
  };

  writeFileAtomically(file, [&](const std::filesystem::path& temporary) {
    GzipChunkStream gz(temporary, 1);
    rows.out.reserve(kChunkBytes + 4096);
    rows.out = merscopeTranscriptHeader() + "\n";
    std::vector<double> planeCumulative(std::size_t(spec.planes));
    auto flushIfFull = [&] {
      if (rows.out.size() < kChunkBytes) return;
      gz.write(std::move(rows.out));
      rows.out = std::string();
      rows.out.reserve(kChunkBytes + 4096);
      if (progress) progress(counts.rows);
    };

    const std::size_t fovCount = tissue.fovBackground.size();
    for (std::size_t f = 0; f < fovCount; ++f) {
      rows.fovRow = 0;
      const double fovX0 = double(f % std::size_t(tissue.fovColumns)) * spec.fovUm;
      const double fovY0 = double(f / std::size_t(tissue.fovColumns)) * spec.fovUm;
      for (std::uint32_t c = tissue.fovFirstCell[f]; c < tissue.fovFirstCell[f + 1]; ++c) {
        const SyntheticCell& cell = tissue.cells[c];
        Random random(streamKey({spec.seed, kCellMoleculeStream, c}));
        double sum = 0;
        for (int k = 0; k < spec.planes; ++k) {
          const double d = double(k) - double(cell.zPlane);
          planeCumulative[std::size_t(k)] = sum += std::exp(-0.5 * d * d);
        }
        const auto& profile = tissue.typeGeneCumulative[cell.type];
        for (std::uint32_t n = 0; n < cell.transcripts; ++n) {
          const int gene = drawGene(random, profile, spec.blankFraction);
          double dx, dy;
          if (random.uniform() < 0.45) {
            // Nuclear: a truncated normal inside the nucleus ellipse.
            double u = 0, v = 0;
            for (int attempt = 0; attempt < 8; ++attempt) {
              u = 0.45 * random.normal();
              v = 0.45 * random.normal();
              if (u * u + v * v <= 1) break;
              u = v = 0;
            }
            u *= cell.nucleusAUm;
            v *= cell.nucleusBUm;
            dx = u * cell.cosAngle - v * cell.sinAngle;
            dy = u * cell.sinAngle + v * cell.cosAngle;
          } else {
            // Cytoplasmic: uniform over the cell's disc.
            const double r = double(cell.cytoplasmUm) * std::sqrt(random.uniform());
            const double angle = random.uniform(0, 6.283185307179586);
            dx = r * std::cos(angle);
            dy = r * std::sin(angle);
          }
          const int plane = drawFromCumulative(planeCumulative, random.uniform());
          rows.row(gene, cell.xUm + dx, cell.yUm + dy, plane, cell.fov, fovX0, fovY0, c);
          ++counts.perGene[std::size_t(gene)];
          if (gene >= spec.genes) ++counts.blanks;
          ++counts.rows;
          flushIfFull();
        }
      }
      // Molecules outside cells: anywhere in the field of view, any plane.
      Random random(streamKey({spec.seed, kBackgroundMoleculeStream, f}));
      const double w = std::min(spec.fovUm, spec.widthUm - fovX0);
      const double h = std::min(spec.fovUm, spec.heightUm - fovY0);
      for (std::uint32_t n = 0; n < tissue.fovBackground[f]; ++n) {
        const int gene = drawGene(random, tissue.backgroundGeneCumulative, 5 * spec.blankFraction);
        const double x = fovX0 + w * random.uniform(), y = fovY0 + h * random.uniform();
        const int plane = int(random.below(std::uint32_t(spec.planes)));
        rows.row(gene, x, y, plane, std::uint32_t(f), fovX0, fovY0, -1);
        ++counts.perGene[std::size_t(gene)];
        if (gene >= spec.genes) ++counts.blanks;
        ++counts.background;
        ++counts.rows;
        flushIfFull();
      }
    }
    gz.write(std::move(rows.out));
    gz.finish();
  });
  if (progress) progress(counts.rows);
  return counts;
}

}  // namespace teramind::synthetic
