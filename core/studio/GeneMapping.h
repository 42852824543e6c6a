#pragma once

#include <string>
#include <vector>

namespace teramind {

// How a dataset's genes meet a model's panel: which of the model's genes the data measures,
// which it lacks (their channels stay zero, so the model sees them as absent) and which of its
// genes the model does not know (they cannot change what it generates). The studio lists all
// three so a user sees what a dataset from another panel gives the model.
struct GeneMapping {
  std::vector<std::string> measured;  // in the model's order
  std::vector<std::string> missing;   // model genes absent from the data, in the model's order
  std::vector<std::string> unknown;   // data genes outside the model's panel, sorted
  std::string summary() const;        // "42 of 50 model genes measured; missing: A, B …"
};

GeneMapping mapGenes(const std::vector<std::string>& datasetGenes,
                     const std::vector<std::string>& modelGenes);

}  // namespace teramind
