#pragma once

namespace teramind {

// MPI for the generation engine, initialised only here (Debian's VTK links libmpi without
// initialising it) and only when the process was started by mpirun/srun; otherwise, or when
// the engine was built without MPI, a session of one process.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  static bool builtWithMpi();
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool anyProcess(bool mine) const;
  int minimum(int mine) const;
  double sum(double mine) const;
  void barrier() const;

 private:
  bool initialised_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace teramind
