#include "synthetic/SyntheticTissue.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "synthetic/SyntheticRandom.h"

namespace teramind::synthetic {
namespace {

constexpr double kPi = 3.141592653589793;

// Purposes of the random streams, so no two uses share one.
enum StreamPurpose : std::uint64_t {
  kSiteStream = 1,
  kFieldStream = 5,
  kTypeStream = 10,
  kProfileStream = 11,
  kBackgroundStream = 4,
};

// A smooth field in [0, 1] over the section (a few long plane waves): regions where one cell
// type dominates and where cells are sparser, as in tissue, instead of a uniform scatter.
class SmoothField {
 public:
  SmoothField(std::uint64_t seed, std::uint64_t id) {
    Random random(streamKey({seed, kFieldStream, id}));
    for (auto& wave : waves_) {
      const double angle = random.uniform(0, 2 * kPi);
      const double wavelengthUm = random.uniform(250, 900);
      wave = {std::cos(angle) * 2 * kPi / wavelengthUm, std::sin(angle) * 2 * kPi / wavelengthUm,
              random.uniform(0, 2 * kPi)};
    }
  }
  double operator()(double xUm, double yUm) const {
    double sum = 0;
    for (const auto& wave : waves_) sum += std::sin(wave[0] * xUm + wave[1] * yUm + wave[2]);
    // Four unit sines sum with a standard deviation of about 1.4: spread over [0, 1].
    return std::clamp(0.5 + sum / 5.6, 0.0, 1.0);
  }

 private:
  std::array<std::array<double, 3>, 4> waves_{};
};

struct CellType {
  double nucleusRadiusUm, cytoplasmRatio, transcriptScale, dapiScale;
};

std::vector<double> cumulativeOf(const std::vector<double>& weights) {
  std::vector<double> cumulative(weights.size());
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) cumulative[i] = sum += weights[i];
  return cumulative;
}

}  // namespace

int drawFromCumulative(const std::vector<double>& cumulative, double u) {
  const double target = u * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return int(
      std::min<std::ptrdiff_t>(it - cumulative.begin(), std::ptrdiff_t(cumulative.size()) - 1));
}

SyntheticTissue buildSyntheticTissue(const SyntheticSectionSpec& spec) {
  if (spec.widthUm <= 0 || spec.heightUm <= 0 || spec.pixelUm <= 0 || spec.cellSpacingUm <= 0 ||
      spec.genes < 1 || spec.cellTypes < 1 || spec.planes < 1 || spec.fovUm <= 0)
    throw std::invalid_argument(
        "synthetic section: extent, pixel, spacing, genes, cell types, "
        "planes and field of view must be positive");
  SyntheticTissue tissue;
  const std::uint64_t seed = spec.seed;

  // Cell types: size, RNA content and DAPI brightness differ (neuron-like to glia-like).
  std::vector<CellType> types(std::size_t(spec.cellTypes));
  double meanTranscriptScale = 0;
  for (std::size_t t = 0; t < types.size(); ++t) {
    Random random(streamKey({seed, kTypeStream, t}));
    types[t] = {random.uniform(2.6, 4.4), random.uniform(1.5, 1.95), random.uniform(0.5, 1.6),
                random.uniform(0.8, 1.25)};
    meanTranscriptScale += types[t].transcriptScale / double(types.size());
  }
  tissue.maxCellRadiusUm = 4.4 * 1.2 * 1.95 * 1.1;  // largest nucleus × eccentricity × ratio

  // Expression: Zipf-like abundance over genes, tilted per type, with a few strong markers.
  std::vector<double> abundance(std::size_t(spec.genes));
  for (std::size_t g = 0; g < abundance.size(); ++g)
    abundance[g] = 1.0 / std::pow(double(g + 1), 1.05);
  tissue.backgroundGeneCumulative = cumulativeOf(abundance);
  for (std::size_t t = 0; t < types.size(); ++t) {
    Random random(streamKey({seed, kProfileStream, t}));
    std::vector<double> weights(abundance);
    for (double& w : weights) w *= std::exp(0.8 * random.normal());
    for (int marker = 0; marker < 8 && spec.genes > 12; ++marker)
      weights[10 + random.below(std::uint32_t(spec.genes - 10))] *= 12;
    tissue.typeGeneCumulative.push_back(cumulativeOf(weights));
  }

  // A jittered hexagonal lattice, thinned and typed by smooth fields, kept clear of the edges
  // so that every molecule of a cell lies inside the section.
  const SmoothField density(seed, 0), region(seed, 1);
  const double margin = tissue.maxCellRadiusUm + 0.5;
  const double pitchX = spec.cellSpacingUm, pitchY = spec.cellSpacingUm * 0.8660254037844386;
  const double usableW = spec.widthUm - 2 * margin, usableH = spec.heightUm - 2 * margin;
  const std::int64_t siteColumns = usableW > pitchX ? std::int64_t(usableW / pitchX - 0.5) : 0;
  const std::int64_t siteRows = usableH > pitchY ? std::int64_t(usableH / pitchY) : 0;
  if (double(siteColumns) * double(siteRows) > 4e9)
    throw std::invalid_argument("synthetic section: too many cells");
  tissue.fovColumns = int(std::ceil(spec.widthUm / spec.fovUm));
  tissue.fovRows = int(std::ceil(spec.heightUm / spec.fovUm));
  const std::size_t fovCount = std::size_t(tissue.fovColumns) * std::size_t(tissue.fovRows);

  std::vector<SyntheticCell> unsorted;
  const double meanTranscripts = spec.transcriptsPerCell / meanTranscriptScale;
  for (std::int64_t j = 0; j < siteRows; ++j)
    for (std::int64_t i = 0; i < siteColumns; ++i) {
      Random random(streamKey({seed, kSiteStream, std::uint64_t(j * siteColumns + i)}));
      SyntheticCell cell;
      const double x = margin + (double(i) + 0.5 + 0.5 * double(j & 1)) * pitchX +
                       random.uniform(-0.3, 0.3) * pitchX;
      const double y = margin + (double(j) + 0.5) * pitchY + random.uniform(-0.3, 0.3) * pitchY;
      const double keep = random.uniform();
      if (keep > 0.6 + 0.4 * density(x, y)) continue;
      const std::size_t dominant =
          std::min(types.size() - 1, std::size_t(region(x, y) * double(types.size())));
      const std::size_t t =
          random.uniform() < 0.55 ? dominant : random.below(std::uint32_t(types.size()));
      const CellType& type = types[t];
      const double radius = type.nucleusRadiusUm * random.uniform(0.85, 1.1);
      const double elongation = random.uniform(1.0, 1.2);
      const double angle = random.uniform(0, kPi);
      cell.xUm = float(x);
      cell.yUm = float(y);
      cell.nucleusAUm = float(radius * elongation);
      cell.nucleusBUm = float(radius / elongation);
      cell.cosAngle = float(std::cos(angle));
      cell.sinAngle = float(std::sin(angle));
      cell.cytoplasmUm = float(radius * type.cytoplasmRatio * random.uniform(0.95, 1.1));
      cell.zPlane = float(random.uniform(-0.3, double(spec.planes) - 0.7));
      const double lognormal = std::exp(0.35 * random.normal() - 0.06125);
      cell.transcripts = std::uint32_t(
          std::max(3.0, std::round(meanTranscripts * type.transcriptScale * lognormal)));
      cell.dapiGain = float(7000 * type.dapiScale * random.uniform(0.85, 1.15));
      cell.polyTGain = float(2200 * std::sqrt(cell.transcripts / spec.transcriptsPerCell) *
                             random.uniform(0.9, 1.1));
      cell.type = std::uint16_t(t);
      const int fovColumn = std::min(tissue.fovColumns - 1, int(x / spec.fovUm));
      const int fovRow = std::min(tissue.fovRows - 1, int(y / spec.fovUm));
      cell.fov = std::uint32_t(fovRow * tissue.fovColumns + fovColumn);
      unsorted.push_back(cell);
    }
  if (unsorted.size() >= std::size_t(UINT32_MAX))
    throw std::invalid_argument("synthetic section: too many cells");

  // Grouped by field of view (a stable counting sort), as MERSCOPE writes its molecules.
  tissue.fovFirstCell.assign(fovCount + 1, 0);
  for (const auto& cell : unsorted) ++tissue.fovFirstCell[cell.fov + 1];
  for (std::size_t f = 0; f < fovCount; ++f) tissue.fovFirstCell[f + 1] += tissue.fovFirstCell[f];
  tissue.cells.resize(unsorted.size());
  std::vector<std::uint32_t> next(tissue.fovFirstCell.begin(), tissue.fovFirstCell.end() - 1);
  for (const auto& cell : unsorted) tissue.cells[next[cell.fov]++] = cell;
  for (const auto& cell : tissue.cells) tissue.cellTranscripts += cell.transcripts;

  // Molecules outside cells, evenly over the section, counted per field of view.
  const double backgroundPerUm2 = spec.backgroundFraction / (1 - spec.backgroundFraction) *
                                  double(tissue.cellTranscripts) / (spec.widthUm * spec.heightUm);
  tissue.fovBackground.resize(fovCount);
  for (std::size_t f = 0; f < fovCount; ++f) {
    const double x0 = double(f % std::size_t(tissue.fovColumns)) * spec.fovUm;
    const double y0 = double(f / std::size_t(tissue.fovColumns)) * spec.fovUm;
    const double area =
        std::min(spec.fovUm, spec.widthUm - x0) * std::min(spec.fovUm, spec.heightUm - y0);
    Random random(streamKey({seed, kBackgroundStream, f}));
    tissue.fovBackground[f] = std::uint32_t(random.poisson(backgroundPerUm2 * area));
    tissue.backgroundTranscripts += tissue.fovBackground[f];
  }
  return tissue;
}

CellGrid::CellGrid(const std::vector<SyntheticCell>& cells, double bucketUm, double widthUm,
                   double heightUm)
    : bucketUm_(bucketUm),
      columns_(std::max(1, int(std::ceil(widthUm / bucketUm)))),
      rows_(std::max(1, int(std::ceil(heightUm / bucketUm)))) {
  const std::size_t buckets = std::size_t(columns_) * std::size_t(rows_);
  first_.assign(buckets + 1, 0);
  auto bucketOf = [&](const SyntheticCell& cell) {
    return std::size_t(clampRow(int(cell.yUm / bucketUm_))) * std::size_t(columns_) +
           std::size_t(clampColumn(int(cell.xUm / bucketUm_)));
  };
  for (const auto& cell : cells) ++first_[bucketOf(cell) + 1];
  for (std::size_t b = 0; b < buckets; ++b) first_[b + 1] += first_[b];
  cellIndex_.resize(cells.size());
  std::vector<std::uint32_t> next(first_.begin(), first_.end() - 1);
  for (std::size_t i = 0; i < cells.size(); ++i)
    cellIndex_[next[bucketOf(cells[i])]++] = std::uint32_t(i);
}

}  // namespace teramind::synthetic
