#include "workflow/GeneratedFidelity.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/core.h>

#include "analysis/KolmogorovSmirnov.h"
#include "analysis/NucleusCounter.h"
#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "workflow/RealStainsOfJob.h"

namespace teramind {
namespace {

bool isDapi(const std::string& name) {
  return asciiLower(name) == "dapi";
}

// Copies a chunk × chunk tile into a plane at tile (row, col), cropped at the plane's edge.
void placeTile(GreyImage& plane, const std::vector<std::uint8_t>& tile, int chunk, std::int64_t row,
               std::int64_t col) {
  for (int y = 0; y < chunk; ++y) {
    const std::int64_t py = row * chunk + y;
    if (py >= plane.height) break;
    for (int x = 0; x < chunk; ++x) {
      const std::int64_t px = col * chunk + x;
      if (px >= plane.width) break;
      plane.pixels[std::size_t(py) * std::size_t(plane.width) + std::size_t(px)] =
          tile[std::size_t(y) * chunk + x];
    }
  }
}

GreyImage crop(const GreyImage& image, const RealStainsOfJob::PixelBox& box) {
  GreyImage out{int(box.x1 - box.x0), int(box.y1 - box.y0), {}};
  out.pixels.reserve(std::size_t(out.width) * std::size_t(out.height));
  for (std::int64_t y = box.y0; y < box.y1; ++y)
    for (std::int64_t x = box.x0; x < box.x1; ++x)
      out.pixels.push_back(
          image.pixels[std::size_t(y) * std::size_t(image.width) + std::size_t(x)]);
  return out;
}

// Keeps the tiles whose window, moved by (dx, dy) px, the real stains cover whole: past their
// edge they read 0, an edge no tissue has.
StoreTileFilter coveredTiles(const RealStainsOfJob::PixelBox& box, std::int64_t T, std::int64_t dx,
                             std::int64_t dy) {
  return [box, T, dx, dy](std::int64_t r, std::int64_t q) {
    const std::int64_t x = q * T + dx, y = r * T + dy;
    return x >= box.x0 && y >= box.y0 && x + T <= box.x1 && y + T <= box.y1;
  };
}

}  // namespace

StoreTileFilter tilesInsideRealStains(const RealStainsOfJob& real) {
  return coveredTiles(real.coveredBox(), real.layout().chunk, 0, 0);
}

StoreSeams measureRealStainSeams(const OmeZarrStore& store, const RealStainsOfJob& real) {
  return measureSeamsOnStoreGrid(
      store,
      [&](int ch, int z, std::int64_t r, std::int64_t q) -> std::vector<float> {
        const auto bytes = real.readTile(ch, z, r, q);
        return {bytes.begin(), bytes.end()};
      },
      tilesInsideRealStains(real));
}

RealSeamSpread measureRealStainSeamSpread(const OmeZarrStore& store, const RealStainsOfJob& real,
                                          const StoreSeams& unshifted, int shifts) {
  const auto& L = store.layout();
  RealSeamSpread spread;
  spread.shifts = std::max(1, shifts);
  for (const auto& name : L.channels) spread.channels.push_back({name, 1e300, 0, 0});
  const auto onDisk = store.chunksOnDisk(0, 0, 0);
  const auto box = real.coveredBox();
  const auto countInside = [&](std::int64_t dx, std::int64_t dy) {
    const auto keep = coveredTiles(box, L.chunk, dx, dy);
    return std::count_if(onDisk.begin(), onDisk.end(),
                         [&](const auto& t) { return keep(t.first, t.second); });
  };
  for (int k = 0; k < spread.shifts; ++k) {
    const std::int64_t d = std::int64_t(k) * L.chunk / spread.shifts;
    // Down and right, or up and left where that keeps more tiles on the stains (an output at
    // the stains' bottom edge moves up into tissue, not past it).
    const std::int64_t dx = countInside(-d, 0) > countInside(d, 0) ? -d : d;
    const std::int64_t dy = countInside(0, -d) > countInside(0, d) ? -d : d;
    const auto seams =
        k == 0 ? unshifted
               : measureSeamsOnStoreGrid(
                     store,
                     [&](int ch, int z, std::int64_t r, std::int64_t q) -> std::vector<float> {
                       const auto bytes = real.readWindow(ch, z, q * L.chunk + dx, r * L.chunk + dy,
                                                          L.chunk, L.chunk);
                       return {bytes.begin(), bytes.end()};
                     },
                     coveredTiles(box, L.chunk, dx, dy));
    for (std::size_t ch = 0; ch < L.channels.size(); ++ch) {
      const double ratio = seams.channels[ch].ratio;
      if (ratio <= 0) continue;  // unknown: no border or no interior energy at this shift
      auto& c = spread.channels[ch];
      c.min = std::min(c.min, ratio);
      c.max = std::max(c.max, ratio);
      c.mean += ratio;
      ++c.shifts;
    }
  }
  for (auto& c : spread.channels) {
    if (c.shifts)
      c.mean /= c.shifts;
    else
      c.min = 0;
  }
  return spread;
}

GeneratedFidelity measureGeneratedFidelity(const OmeZarrStore& store, const RealStainsOfJob& real,
                                           std::int64_t maxPlanePixels) {
  const auto& L = store.layout();
  if (L.height * L.width > maxPlanePixels)
    throw FileError(store.path(),
                    fmt::format("{} x {} px per plane, above the {} px a fidelity measurement "
                                "reads whole; measure a smaller region",
                                L.width, L.height, maxPlanePixels));
  auto covered = real.coveredBox();
  covered.x0 = std::max<std::int64_t>(covered.x0, 0);
  covered.y0 = std::max<std::int64_t>(covered.y0, 0);
  covered.x1 = std::min(covered.x1, L.width);
  covered.y1 = std::min(covered.y1, L.height);
  if (covered.empty()) throw FileError(store.path(), "the job's real stains cover none of it");
  GeneratedFidelity result;
  result.planes = L.planes;
  result.nucleusMinAreaPx = nucleusMinAreaPx(L.pixelUm);
  // Generated and real over the same tiles: those the real stains cover whole.
  result.seamsGenerated = measureStoreSeams(store, tilesInsideRealStains(real));
  result.seamsReal = measureRealStainSeams(store, real);
  result.seamsRealShifted = measureRealStainSeamSpread(store, real, result.seamsReal);
  result.comparedPx = {covered.x1 - covered.x0, covered.y1 - covered.y0};
  std::vector<double> areasReal, areasGenerated;
  for (std::size_t ch = 0; ch < L.channels.size(); ++ch) {
    GeneratedFidelity::Stain stain;
    stain.name = L.channels[ch];
    stain.seamGenerated = result.seamsGenerated.channels[ch].ratio;
    stain.seamReal = result.seamsReal.channels[ch].ratio;
    const bool dapi = isDapi(stain.name) && !result.hasDapi;
    result.hasDapi = result.hasDapi || dapi;
    for (int z = 0; z < L.planes; ++z) {
      GreyImage realPlane{int(L.width), int(L.height),
                          std::vector<float>(std::size_t(L.width) * std::size_t(L.height), 0.f)};
      GreyImage generatedPlane = realPlane;
      // Which compared pixels lie in a generated tile: blank tiles in both would count as a
      // perfect match.
      const std::int64_t comparedW = covered.x1 - covered.x0;
      std::vector<unsigned char> inTiles(std::size_t(comparedW * (covered.y1 - covered.y0)), 0);
      for (const auto& [r, q] : store.chunksOnDisk(0, int(ch), z)) {
        placeTile(generatedPlane, store.readChunk(0, int(ch), z, r, q), L.chunk, r, q);
        placeTile(realPlane, real.readTile(int(ch), z, r, q), L.chunk, r, q);
        for (std::int64_t y = std::max(r * L.chunk, covered.y0);
             y < std::min((r + 1) * L.chunk, covered.y1); ++y)
          for (std::int64_t x = std::max(q * L.chunk, covered.x0);
               x < std::min((q + 1) * L.chunk, covered.x1); ++x)
            inTiles[std::size_t((y - covered.y0) * comparedW + (x - covered.x0))] = 1;
        ++result.tilesGenerated;
      }
      result.tiles += L.chunkRows(0) * L.chunkCols(0);
      // Only where the real stains have tissue: past their edge they read 0.
      realPlane = crop(realPlane, covered);
      generatedPlane = crop(generatedPlane, covered);
      stain.psnr += psnr(realPlane, generatedPlane, 255.0, inTiles) / L.planes;
      stain.ssim += ssim(realPlane, generatedPlane, 255.0, inTiles) / L.planes;
      if (dapi) {
        const auto counted = countNuclei(realPlane, result.nucleusMinAreaPx);
        const auto made = countNuclei(generatedPlane, result.nucleusMinAreaPx);
        result.nucleiReal += counted.nuclei;
        result.nucleiGenerated += made.nuclei;
        areasReal.insert(areasReal.end(), counted.areasPx.begin(), counted.areasPx.end());
        areasGenerated.insert(areasGenerated.end(), made.areasPx.begin(), made.areasPx.end());
      }
      if (z == 0) result.firstPlane.emplace_back(std::move(realPlane), std::move(generatedPlane));
    }
    result.stains.push_back(stain);
  }
  result.nucleusAreaKs = kolmogorovSmirnovStatistic(areasReal, areasGenerated);
  return result;
}

}  // namespace teramind
