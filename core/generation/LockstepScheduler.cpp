#include "generation/LockstepScheduler.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/core.h>

namespace teramind {

LockstepScheduler::LockstepScheduler(const TileGrid& grid, TileDenoiser& denoiser,
                                     LockstepOptions options)
    : grid_(grid),
      denoiser_(denoiser),
      options_(options),
      shape_(denoiser.shape()),
      steps_(denoiser.steps()) {
  if (steps_ < 1) throw std::invalid_argument("generation needs at least one step");
  if (shape_.haloPixels > shape_.corePixels)
    throw std::invalid_argument("the halo must not be wider than a tile");
  options_.workers = std::max(1, options_.workers);
}

int LockstepScheduler::frontCount() const {
  return grid_.rows() + 2 * steps_;
}

std::int64_t LockstepScheduler::activeInRows(int first, int last) const {
  std::int64_t n = 0;
  for (int r = std::max(first, 0); r <= std::min(last, grid_.rows() - 1); ++r)
    for (int c = 0; c < grid_.cols(); ++c) n += grid_.active(r, c) ? 1 : 0;
  return n;
}

std::int64_t LockstepScheduler::tileStepsTotal() const {
  std::int64_t ghosts = 0;
  for (int r = 0; r < grid_.rows(); ++r)
    for (int c = 0; c < grid_.cols(); ++c) ghosts += (ghost(c) && grid_.active(r, c)) ? 1 : 0;
  return (grid_.activeCount() - ghosts) * steps_;
}

std::int64_t LockstepScheduler::tileStepsDone() const {
  std::int64_t done = 0;
  for (int r = 0; r < grid_.rows() && r < nextFront_; ++r) {
    const int k = std::min(steps_, (nextFront_ - 1 - r) / 2);
    if (k > 0) done += activeInRows(r, r) * k;
  }
  // Ghost columns are stepped elsewhere.
  for (int c : {0, grid_.cols() - 1})
    if (ghost(c))
      for (int r = 0; r < grid_.rows() && r < nextFront_; ++r)
        if (grid_.active(r, c)) done -= std::min(steps_, std::max(0, (nextFront_ - 1 - r) / 2));
  return done;
}

LockstepScheduler::RowState* LockstepScheduler::row(int r) {
  const int i = r - firstRow_;
  return i >= 0 && i < static_cast<int>(rows_.size()) ? &rows_[std::size_t(i)] : nullptr;
}

float* LockstepScheduler::tileState(int r, int c, int step) {
  auto* state = row(r);
  if (!state || state->step[step % 2] != step || c < 0 || c >= grid_.cols())
    throw std::logic_error(
        fmt::format("lock-step: tile ({}, {}) at step {} is not in memory", r, c, step));
  return state->slot[step % 2].data() + std::size_t(c) * shape_.coreValues();
}

std::vector<std::pair<int, int>> LockstepScheduler::rowsStepped(int front) const {
  std::vector<std::pair<int, int>> out;
  for (int k = 1; k <= steps_; ++k)
    if (front - 2 * k >= 0 && front - 2 * k < grid_.rows()) out.emplace_back(front - 2 * k, k);
  return out;
}

const float* LockstepScheduler::readableState(int r, int c, int step) const {
  if (r < 0 || r >= grid_.rows() || c < 0 || c >= grid_.cols() || !grid_.active(r, c))
    return nullptr;
  const int i = r - firstRow_;
  if (i < 0 || i >= static_cast<int>(rows_.size()))
    throw std::logic_error(fmt::format("lock-step: row {} is not in memory", r));
  const auto& state = rows_[std::size_t(i)];
  const int s = step % 2;
  if (state.step[s] != step)
    throw std::logic_error(
        fmt::format("lock-step: row {} holds step {}, step {} was asked", r, state.step[s], step));
  return state.slot[s].data() + std::size_t(c) * shape_.coreValues();
}

void LockstepScheduler::assembleHalo(int r, int c, int step, float* padded) const {
  const int T = shape_.corePixels, h = shape_.haloPixels, W = shape_.paddedPixels();
  const float* tiles[3][3];
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx)
      tiles[dy + 1][dx + 1] =
          (options_.naive && (dy || dx)) ? nullptr : readableState(r + dy, c + dx, step);
  // Column segments of a padded row: [−h, 0) from the left, [0, T) own, [T, T + h) right.
  const int segStart[3] = {0, h, h + T}, segLength[3] = {h, T, h}, srcX[3] = {T - h, 0, 0};
  for (int ch = 0; ch < shape_.channels; ++ch)
    for (int py = 0; py < W; ++py) {
      const int y = py - h, dy = y < 0 ? -1 : (y >= T ? 1 : 0), sy = y - dy * T;
      float* out = padded + (std::size_t(ch) * W + py) * W;
      for (int s = 0; s < 3; ++s) {
        const float* src = tiles[dy + 1][s];
        if (!segLength[s]) continue;
        if (!src)
          std::fill(out + segStart[s], out + segStart[s] + segLength[s], options_.absentFill);
        else
          std::memcpy(out + segStart[s], src + (std::size_t(ch) * T + sy) * T + srcX[s],
                      sizeof(float) * std::size_t(segLength[s]));
      }
    }
}

bool LockstepScheduler::runFront(const FrontCallbacks& callbacks) {
  const auto& cancelled = callbacks.cancelled;
  if (finished()) return true;
  const int f = nextFront_;
  const std::size_t rowValues = std::size_t(grid_.cols()) * shape_.coreValues();

  // Step 0 (x_T) of row f.
  if (f < grid_.rows()) {
    if (f != firstRow_ + static_cast<int>(rows_.size()))
      throw std::logic_error("lock-step: rows must start in order");
    RowState state;
    state.slot[0].assign(rowValues, 0.0f);
    state.step[0] = 0;
    for (int c = 0; c < grid_.cols(); ++c)
      if (grid_.active(f, c))
        denoiser_.initialState(grid_.global(f, c),
                               state.slot[0].data() + std::size_t(c) * shape_.coreValues());
    rows_.push_back(std::move(state));
  }

  // Step k of row f − 2k, for every k ≥ 1 whose row exists.
  struct Pending {
    int r, c, k;
  };
  std::vector<Pending> pending;
  for (int k = 1; k <= steps_; ++k) {
    const int r = f - 2 * k;
    if (r < 0 || r >= grid_.rows()) continue;
    auto* state = row(r);
    const int s = k % 2;
    if (state->slot[s].empty()) state->slot[s].assign(rowValues, 0.0f);
    for (int c = 0; c < grid_.cols(); ++c)
      if (grid_.active(r, c) && !ghost(c)) pending.push_back({r, c, k});
  }

  const int batch = std::max(1, denoiser_.preferredBatch());
  const std::size_t batches = (pending.size() + std::size_t(batch) - 1) / std::size_t(batch);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failureMutex, previewMutex;
  const bool previews = static_cast<bool>(callbacks.preview);
  const std::size_t attentionValues =
      callbacks.attention ? denoiser_.attentionValues() : std::size_t(0);
  auto work = [&] {
    std::vector<float> padded(std::size_t(batch) * shape_.paddedValues());
    std::vector<float> preview(previews ? std::size_t(batch) * shape_.coreValues() : 0);
    std::vector<float> one;
    std::vector<float> attention(std::size_t(batch) * attentionValues);
    std::vector<TileStepTask> tasks;
    try {
      for (std::size_t b = next++; b < batches && !stop; b = next++) {
        if (cancelled && cancelled()) {
          stop = true;
          break;
        }
        tasks.clear();
        const std::size_t end = std::min(pending.size(), (b + 1) * std::size_t(batch));
        for (std::size_t i = b * std::size_t(batch); i < end; ++i) {
          const auto& p = pending[i];
          float* in = padded.data() + tasks.size() * shape_.paddedValues();
          assembleHalo(p.r, p.c, p.k - 1, in);
          float* out = rows_[std::size_t(p.r - firstRow_)].slot[p.k % 2].data() +
                       std::size_t(p.c) * shape_.coreValues();
          float* x0 = previews ? preview.data() + tasks.size() * shape_.coreValues() : nullptr;
          float* att = attentionValues && p.k == callbacks.attentionStep
                           ? attention.data() + tasks.size() * attentionValues
                           : nullptr;
          tasks.push_back({grid_.global(p.r, p.c), p.k, in, out, x0, att});
        }
        denoiser_.step(tasks);
        if (previews || attentionValues) {
          std::lock_guard<std::mutex> lock(previewMutex);
          for (const auto& t : tasks) {
            if (t.preview) {
              one.assign(t.preview, t.preview + shape_.coreValues());
              callbacks.preview(t.tile, t.step, one);
            }
            if (t.attention) {
              one.assign(t.attention, t.attention + attentionValues);
              callbacks.attention(t.tile, one);
            }
          }
        }
        if (callbacks.stepped) callbacks.stepped(tasks.size());
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failureMutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };
  const int threads =
      static_cast<int>(std::min<std::size_t>(std::size_t(options_.workers), batches));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  if (failure || stop) {
    // Only slots nobody reads again were written; forget the row this front started.
    if (f < grid_.rows()) rows_.pop_back();
    if (failure) std::rethrow_exception(failure);
    return false;
  }

  for (int k = 1; k <= steps_; ++k) {
    const int r = f - 2 * k;
    if (r >= 0 && r < grid_.rows()) row(r)->step[k % 2] = k;
  }
  if (callbacks.exchange) callbacks.exchange(f);
  // The row that took its last step is finished.
  const int done = f - 2 * steps_;
  if (done >= 0 && done < grid_.rows() && callbacks.tileFinished) {
    const auto& slot = row(done)->slot[steps_ % 2];
    std::vector<float> core(shape_.coreValues());
    for (int c = 0; c < grid_.cols(); ++c)
      if (grid_.active(done, c) && !ghost(c)) {
        const float* src = slot.data() + std::size_t(c) * shape_.coreValues();
        std::copy(src, src + core.size(), core.begin());
        callbacks.tileFinished(grid_.global(done, c), core);
      }
  }
  // Row r is read for the last time when row r + 1 takes its last step (front r + 1 + 2S).
  while (!rows_.empty() && firstRow_ + 1 + 2 * steps_ <= f) {
    rows_.pop_front();
    ++firstRow_;
  }
  ++nextFront_;
  return true;
}

std::size_t LockstepScheduler::residentBytes() const {
  std::size_t bytes = 0;
  for (const auto& r : rows_)
    bytes += (r.slot[0].capacity() + r.slot[1].capacity()) * sizeof(float);
  return bytes;
}

SafetensorsContent LockstepScheduler::snapshot() const {
  SafetensorsContent out;
  auto& m = out.metadata;
  m["front"] = std::to_string(nextFront_);
  m["first_row"] = std::to_string(firstRow_);
  m["resident_rows"] = std::to_string(rows_.size());
  m["shape"] = fmt::format("{} {} {} {} {} {}", grid_.rows(), grid_.cols(), steps_, shape_.channels,
                           shape_.corePixels, shape_.haloPixels);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const int r = firstRow_ + static_cast<int>(i);
    for (int s = 0; s < 2; ++s) {
      const auto& slot = rows_[i].slot[s];
      m[fmt::format("row.{}.slot{}.step", r, s)] = std::to_string(rows_[i].step[s]);
      if (slot.empty()) continue;
      StoredTensor t{
          "F32", {grid_.cols(), shape_.channels, shape_.corePixels, shape_.corePixels}, {}};
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(slot.data());
      t.bytes.assign(bytes, bytes + slot.size() * sizeof(float));
      out.tensors[fmt::format("row.{}.slot{}", r, s)] = std::move(t);
    }
  }
  return out;
}

void LockstepScheduler::restore(const SafetensorsContent& snapshot) {
  const auto& m = snapshot.metadata;
  auto get = [&](const std::string& key) -> const std::string& {
    auto it = m.find(key);
    if (it == m.end()) throw std::runtime_error(fmt::format("the snapshot lacks '{}'", key));
    return it->second;
  };
  const auto expected = fmt::format("{} {} {} {} {} {}", grid_.rows(), grid_.cols(), steps_,
                                    shape_.channels, shape_.corePixels, shape_.haloPixels);
  if (get("shape") != expected)
    throw std::runtime_error(fmt::format(
        "the snapshot is of another job (rows cols steps channels tile halo: {}, this job: {})",
        get("shape"), expected));
  nextFront_ = std::stoi(get("front"));
  firstRow_ = std::stoi(get("first_row"));
  const int resident = std::stoi(get("resident_rows"));
  rows_.clear();
  const std::size_t rowValues = std::size_t(grid_.cols()) * shape_.coreValues();
  for (int i = 0; i < resident; ++i) {
    const int r = firstRow_ + i;
    RowState state;
    for (int s = 0; s < 2; ++s) {
      state.step[s] = std::stoi(get(fmt::format("row.{}.slot{}.step", r, s)));
      auto it = snapshot.tensors.find(fmt::format("row.{}.slot{}", r, s));
      if (it == snapshot.tensors.end()) continue;
      if (it->second.dtype != "F32" || it->second.bytes.size() != rowValues * sizeof(float))
        throw std::runtime_error(
            fmt::format("the snapshot's row {} slot {} has the wrong size", r, s));
      state.slot[s].resize(rowValues);
      std::memcpy(state.slot[s].data(), it->second.bytes.data(), it->second.bytes.size());
    }
    rows_.push_back(std::move(state));
  }
}

}  // namespace teramind
