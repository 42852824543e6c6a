#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace teramind {

// Mean gene × gene attention matrices per region (a section, an atlas structure, an ROI …),
// streamed: each patch's matrix is added to the running sums of the regions it lies in, so
// memory grows with the number of regions, never with the area covered.
class GeneAttentionAggregate {
 public:
  explicit GeneAttentionAggregate(int genes);

  int genes() const { return genes_; }
  // `matrix`: genes × genes, [query][key].
  void add(const std::string& region, const float* matrix);
  std::vector<std::string> regions() const;
  std::int64_t count(const std::string& region) const;  // 0 for an unknown region
  // The mean matrix (genes × genes); throws std::out_of_range for an unknown region.
  std::vector<double> mean(const std::string& region) const;

 private:
  struct Sums {
    std::vector<double> sum;
    std::int64_t count = 0;
  };
  int genes_;
  std::map<std::string, Sums> regions_;
};

}  // namespace teramind
