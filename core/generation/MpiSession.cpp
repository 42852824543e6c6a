#include "generation/MpiSession.h"

#include <cstdlib>
#include <initializer_list>

#ifdef TERAMIND_HAVE_MPI
#include <mpi.h>
#endif

namespace teramind {

namespace {
bool startedByMpiLauncher() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"})
    if (std::getenv(v)) return true;
  return false;
}
}  // namespace

bool MpiSession::builtWithMpi() {
#ifdef TERAMIND_HAVE_MPI
  return true;
#else
  return false;
#endif
}

MpiSession::MpiSession() {
#ifdef TERAMIND_HAVE_MPI
  if (!startedByMpiLauncher()) return;
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    MPI_Init(nullptr, nullptr);
    initialised_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  (void)startedByMpiLauncher;
#endif
}

MpiSession::~MpiSession() {
#ifdef TERAMIND_HAVE_MPI
  if (initialised_) MPI_Finalize();
#endif
}

#ifdef TERAMIND_HAVE_MPI
namespace {
template <typename T>
T allReduce(T mine, MPI_Datatype type, MPI_Op op) {
  T out = mine;
  MPI_Allreduce(&mine, &out, 1, type, op, MPI_COMM_WORLD);
  return out;
}
}  // namespace
#endif

bool MpiSession::anyProcess(bool mine) const {
#ifdef TERAMIND_HAVE_MPI
  if (size_ > 1) return allReduce(mine ? 1 : 0, MPI_INT, MPI_LOR) != 0;
#endif
  return mine;
}

int MpiSession::minimum(int mine) const {
#ifdef TERAMIND_HAVE_MPI
  if (size_ > 1) return allReduce(mine, MPI_INT, MPI_MIN);
#endif
  return mine;
}

double MpiSession::sum(double mine) const {
#ifdef TERAMIND_HAVE_MPI
  if (size_ > 1) return allReduce(mine, MPI_DOUBLE, MPI_SUM);
#endif
  return mine;
}

void MpiSession::barrier() const {
#ifdef TERAMIND_HAVE_MPI
  if (size_ > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

}  // namespace teramind
