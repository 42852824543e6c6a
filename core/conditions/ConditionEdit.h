#pragma once

#include <cstddef>
#include <string>

#include "conditions/PaintOperation.h"
#include "conditions/Selection.h"

namespace teramind {

// One paint action: which gene, which bins, what to do to them. A plain, always-valid value:
// the constructor rejects bad parameters, so an edit that exists can be stored, sent and
// replayed. Whether the gene exists is only known against a condition, at apply time.
class ConditionEdit {
 public:
  // Throws std::invalid_argument for an empty gene name or a bad selection or operation.
  ConditionEdit(std::string gene, Selection selection, PaintOperation operation);

  const std::string& gene() const { return gene_; }
  const Selection& selection() const { return selection_; }
  const PaintOperation& operation() const { return operation_; }

  // Heap and inline bytes this edit holds (for undo-memory accounting).
  std::size_t memoryBytes() const;

  bool operator==(const ConditionEdit& o) const {
    return gene_ == o.gene_ && selection_ == o.selection_ && operation_ == o.operation_;
  }
  bool operator!=(const ConditionEdit& o) const { return !(*this == o); }

 private:
  std::string gene_;
  Selection selection_;
  PaintOperation operation_;
};

}  // namespace teramind
