#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "generation/TileDenoiser.h"
#include "generation/TileGrid.h"
#include "io/SafetensorsFile.h"

namespace teramind {

struct LockstepOptions {
  bool naive = false;  // independent tiles: halos read as zero (the baseline to compare with)
  int workers = 1;     // threads stepping the tiles of one front
  // Domain decomposition: the grid's first/last column is a ghost, stepped by the process
  // next door and copied in after every front (FrontCallbacks::exchange); it is read as a
  // halo, never stepped or finished here.
  bool ghostFirstColumn = false, ghostLastColumn = false;
  // What the halo of an absent neighbour (off the grid or inactive; every neighbour when naive)
  // holds: 0, or −1 as the official inference pads (SamplingOptions::absentNeighbourFill).
  float absentFill = 0.0f;
};

// What a LockstepScheduler front reports and asks.
struct LockstepCallbacks {
  // Tiles finishing on the front, in column order.
  std::function<void(TileIndex, const std::vector<float>& core)> tileFinished;
  std::function<bool()> cancelled;           // asked between batches (may block to pause)
  std::function<void(std::size_t)> stepped;  // tile steps just done (any thread)
  // When set, every step's x₀ prediction of a tile (step, values), from the stepping thread
  // (calls are serialised).
  std::function<void(TileIndex, int, const std::vector<float>&)> preview;
  // When set, the attention capture of every tile at step `attentionStep` (calls are
  // serialised).
  int attentionStep = 0;
  std::function<void(TileIndex, const std::vector<float>&)> attention;
  // After a front: fill the ghost columns of the rows it stepped (rowsStepped).
  std::function<void(int front)> exchange;
};

// Advances every active tile of a grid through all DDIM steps so that each tile's step k
// reads its 8 neighbours' step k−1 states — exactly the whole-region lock-step of the
// official inference — while holding only a band of rows in memory. Row r takes step k on
// "front" r + 2k: everything a front reads was written on an earlier front, and each row
// keeps two versions, so memory grows with the grid's width and the step count, never with
// its height. Fronts are the unit of progress, cancellation and checkpoints.
class LockstepScheduler {
 public:
  using TileFinished = std::function<void(TileIndex, const std::vector<float>& core)>;

  LockstepScheduler(const TileGrid& grid, TileDenoiser& denoiser, LockstepOptions options);

  int frontCount() const;  // rows + 2 · steps
  int steps() const { return steps_; }
  int nextFront() const { return nextFront_; }
  bool finished() const { return nextFront_ >= frontCount(); }
  std::int64_t tileStepsTotal() const;  // active tiles × steps
  std::int64_t tileStepsDone() const;   // after the fronts run so far

  using FrontCallbacks = LockstepCallbacks;

  // Runs the next front. When `cancelled` turns true the front is abandoned and false is
  // returned; the scheduler is then as before the front (a snapshot taken now is valid, and
  // running the front again redoes it).
  bool runFront(const FrontCallbacks& callbacks = {});

  // The band in memory after the fronts run so far, and back: a job resumed from a snapshot
  // continues bit for bit as if it had never stopped.
  SafetensorsContent snapshot() const;
  void restore(const SafetensorsContent& snapshot);

  // The (row, step) pairs a front steps, and a tile's state at a step while its row is in
  // memory (for halo exchange).
  std::vector<std::pair<int, int>> rowsStepped(int front) const;
  float* tileState(int localRow, int localCol, int step);
  const TileGrid& grid() const { return grid_; }
  std::size_t tileValues() const { return shape_.coreValues(); }

  // Bytes of tile states held now (the band).
  std::size_t residentBytes() const;

 private:
  struct RowState {
    int step[2] = {-1, -1};
    std::vector<float> slot[2];  // [col][channel][y][x], slot k % 2 holds step k
  };
  RowState* row(int r);
  const float* readableState(int r, int c, int step) const;
  bool ghost(int c) const {
    return (options_.ghostFirstColumn && c == 0) ||
           (options_.ghostLastColumn && c == grid_.cols() - 1);
  }
  void assembleHalo(int r, int c, int step, float* padded) const;
  std::int64_t activeInRows(int first, int last) const;

  TileGrid grid_;
  TileDenoiser& denoiser_;
  LockstepOptions options_;
  TileDenoiser::Shape shape_;
  int steps_;
  int nextFront_ = 0;
  int firstRow_ = 0;  // row index of rows_.front()
  std::deque<RowState> rows_;
};

}  // namespace teramind
