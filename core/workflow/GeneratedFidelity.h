#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/ImageSimilarity.h"
#include "analysis/StoreSeams.h"

namespace teramind {

class OmeZarrStore;
class RealStainsOfJob;

// The output's tiles that the real stains cover whole (a tile running past their edge would
// read 0 there: an edge no tissue has).
StoreTileFilter tilesInsideRealStains(const RealStainsOfJob& real);

// The seam metric on the real stains cut on the output's own tile grid: the same chunks the
// output holds, those the stains cover whole, read from the job's dataset instead (the
// reference for measureStoreSeams, about 1 for tissue without borders). Memory: two rows of
// tiles.
StoreSeams measureRealStainSeams(const OmeZarrStore& store, const RealStainsOfJob& real);

// How much the reference itself varies on this much tissue: the real-stain seam ratio with the
// tile grid moved by d px along each axis for d = k · chunk / shifts, k = 0 … shifts − 1 (the
// same tiles, read from the stains displaced; k = 0 is measureRealStainSeams), down/right or
// up/left, whichever keeps more tiles on the stains; tiles the moved window takes past the
// stains' edge are left out. Real tissue has no borders, so the spread is what chance alone
// gives on a region this size.
struct RealSeamSpread {
  struct Channel {
    std::string name;
    double min = 0, mean = 0, max = 0;
    int shifts = 0;  // shifts whose ratio is known (tiles with both border and interior pairs)
  };
  std::vector<Channel> channels;  // in the store's order
  int shifts = 0;
};
// `unshifted` is measureRealStainSeams' result: the shift k = 0, not measured again.
RealSeamSpread measureRealStainSeamSpread(const OmeZarrStore& store, const RealStainsOfJob& real,
                                          const StoreSeams& unshifted, int shifts = 8);

// How a generated output compares with the real tissue of the same region and planes.
struct GeneratedFidelity {
  struct Stain {
    std::string name;
    double psnr = 0, ssim = 0;  // 0…255 range, mean over planes
    double seamGenerated = 0, seamReal = 0;
  };
  std::vector<Stain> stains;  // in the store's order
  int planes = 0;
  // Width and height compared: the output's pixels that the real stains cover (PSNR, SSIM,
  // nuclei and the image leave out what lies past the stains' edge).
  std::pair<std::int64_t, std::int64_t> comparedPx;
  std::int64_t tilesGenerated = 0, tiles = 0;  // chunks on disk of every stain and plane, of all
  // Nuclei on DAPI (when the store has it), every plane together.
  bool hasDapi = false;
  int nucleusMinAreaPx = 0;
  int nucleiReal = 0, nucleiGenerated = 0;
  double nucleusAreaKs = 0;  // two-sample KS statistic of the nucleus areas, real vs generated
  StoreSeams seamsGenerated, seamsReal;
  RealSeamSpread seamsRealShifted;
  // Plane 0 of every stain, (real, generated), for a side-by-side image.
  std::vector<std::pair<GreyImage, GreyImage>> firstPlane;
};

// Reads every plane of the output and of its real stains whole (one plane of one stain at a
// time), tile by tile on the output's grid, over the pixels the real stains cover: PSNR and SSIM
// over the tiles the job generated (tiles without transcripts are left out, not counted as a
// match), nuclei on the planes with those tiles blank in both. Throws FileError when a plane
// has more than `maxPlanePixels` pixels or the stains cover none of it, for a damaged chunk
// or an unreadable stain.
GeneratedFidelity measureGeneratedFidelity(const OmeZarrStore& store, const RealStainsOfJob& real,
                                           std::int64_t maxPlanePixels = std::int64_t(1) << 24);

}  // namespace teramind
