#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/OmeZarrStore.h"
#include "io/SpatialDataset.h"

namespace teramind {

class StainImageSource;

// What a generated output records of its job (teramind-job.json, else the store's "teramind"
// attributes): where its real tissue is.
struct GeneratedJob {
  std::filesystem::path file;    // the job file it was read from
  std::filesystem::path data;    // the dataset the condition was binned from
  std::vector<int> firstPlanes;  // the section plane each plane pair of the store starts at
  std::string region;            // how the job named its region
  bool edited = false;           // a painted condition: the tissue is not what was generated from
  DatasetReadOptions read;       // how the job read `data` (--columns, --pixel-um …)
};

// Throws FileError naming the job file: absent (not a generation job's output), not JSON,
// naming no dataset or no planes.
GeneratedJob readGeneratedJob(const OmeZarrStore& output);

// The real stains behind a generated output: its job's dataset read on the output's own pixel
// grid (the store's origin and pixel size in section µm), the same region and planes, each
// stain box-averaged and rounded to 8 bits exactly as training pairs and generated chunks are.
// Read by window, so a whole-section output never needs the whole mosaic in memory.
class RealStainsOfJob {
 public:
  // Throws FileError naming the file: the job file (see readGeneratedJob), the dataset when it
  // is gone or unreadable, or has no image of a stored stain on a generated plane. A
  // single-plane dataset's one plane stands for every generated section (generation repeats
  // it onto them).
  explicit RealStainsOfJob(const OmeZarrStore& store);
  ~RealStainsOfJob();
  RealStainsOfJob(RealStainsOfJob&&) noexcept;
  RealStainsOfJob& operator=(RealStainsOfJob&&) noexcept;

  const GeneratedJob& job() const { return job_; }
  const OmeZarrLayout& layout() const { return layout_; }
  // The dataset plane that store plane `plane` shows.
  int sectionPlane(int plane) const;
  // The stain image behind store channel `channel`, plane `plane`.
  const std::filesystem::path& imageFile(int channel, int plane) const;

  // The window [x0, x0 + w) × [y0, y0 + h) of the store's level-0 pixel grid, 0…255 (0 where
  // the stain image has no pixel); w·h at most 2²⁶ (std::invalid_argument above).
  std::vector<std::uint8_t> readWindow(int channel, int plane, std::int64_t x0, std::int64_t y0,
                                       int w, int h) const;
  // Where every stain image has pixels, on the store's level-0 pixel grid: [x0, x1) × [y0,
  // y1) px, not clipped to the store (the tissue around an output is real tissue too; empty
  // when the images share none). Outside it the real stains read 0, which is no tissue.
  struct PixelBox {
    std::int64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool empty() const { return x1 <= x0 || y1 <= y0; }
  };
  PixelBox coveredBox() const;
  // The real pixels of the store's chunk (row, col): chunk × chunk values.
  std::vector<std::uint8_t> readTile(int channel, int plane, std::int64_t row,
                                     std::int64_t col) const;

 private:
  const StainImageSource& source(int channel, int plane) const;

  GeneratedJob job_;
  OmeZarrLayout layout_;
  int outputSections_ = 1;
  std::optional<std::filesystem::path> micronToPixel_;
  std::optional<double> stainPixelUm_;  // stains placed by pixel size alone (Xenium)
  std::vector<StainImage> images_;  // [channel · planes + plane]
  mutable std::map<std::filesystem::path, std::unique_ptr<StainImageSource>> opened_;
};

}  // namespace teramind
