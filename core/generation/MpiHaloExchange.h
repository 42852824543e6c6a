#pragma once

#include "generation/ColumnDecomposition.h"
#include "generation/LockstepScheduler.h"

namespace teramind {

// After each front, sends this strip's edge columns (the rows the front stepped) to the
// neighbouring ranks and receives theirs into its ghost columns. Needs an MPI build and a
// session of size() == strip.parts whose rank is strip.part.
class MpiHaloExchange {
 public:
  MpiHaloExchange(LockstepScheduler& scheduler, const ColumnStrip& strip);
  void operator()(int front) const;

 private:
  LockstepScheduler& scheduler_;
  ColumnStrip strip_;
};

}  // namespace teramind
