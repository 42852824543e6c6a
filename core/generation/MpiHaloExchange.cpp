#include "generation/MpiHaloExchange.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#ifdef TERAMIND_HAVE_MPI
#include <mpi.h>
#endif

namespace teramind {

MpiHaloExchange::MpiHaloExchange(LockstepScheduler& scheduler, const ColumnStrip& strip)
    : scheduler_(scheduler), strip_(strip) {
#ifndef TERAMIND_HAVE_MPI
  if (strip.parts > 1) throw std::runtime_error("this teramind was built without MPI");
#endif
}

void MpiHaloExchange::operator()(int front) const {
#ifdef TERAMIND_HAVE_MPI
  if (strip_.parts < 2) return;
  const auto rows = scheduler_.rowsStepped(front);
  if (rows.empty()) return;
  const std::size_t n = scheduler_.tileValues();
  const int left = strip_.part > 0 ? strip_.part - 1 : MPI_PROC_NULL;
  const int right = strip_.part + 1 < strip_.parts ? strip_.part + 1 : MPI_PROC_NULL;
  std::vector<float> out(rows.size() * n), in(rows.size() * n);
  // One direction at a time: own column `send` goes to `to`, the ghost column `receive` comes
  // from `from`.
  auto shift = [&](int send, int to, int receive, int from, int tag) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const float* src = scheduler_.tileState(rows[i].first, send, rows[i].second);
      std::copy(src, src + n, out.begin() + std::ptrdiff_t(i * n));
    }
    MPI_Sendrecv(out.data(), static_cast<int>(out.size()), MPI_FLOAT, to, tag, in.data(),
                 static_cast<int>(in.size()), MPI_FLOAT, from, tag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    if (from == MPI_PROC_NULL) return;
    for (std::size_t i = 0; i < rows.size(); ++i)
      std::copy(in.begin() + std::ptrdiff_t(i * n), in.begin() + std::ptrdiff_t((i + 1) * n),
                scheduler_.tileState(rows[i].first, receive, rows[i].second));
  };
  const int cols = strip_.grid.cols();
  shift(strip_.lastOwnedColumn(), right, 0, left, 1);
  shift(strip_.firstOwnedColumn(), left, cols - 1, right, 2);
#else
  (void)front;
#endif
}

}  // namespace teramind
