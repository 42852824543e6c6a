#include "analysis/GeneAttentionAggregate.h"

#include <stdexcept>

namespace teramind {

GeneAttentionAggregate::GeneAttentionAggregate(int genes) : genes_(genes) {
  if (genes < 1) throw std::invalid_argument("attention needs at least one gene");
}

void GeneAttentionAggregate::add(const std::string& region, const float* matrix) {
  auto& r = regions_[region];
  const std::size_t n = std::size_t(genes_) * std::size_t(genes_);
  if (r.sum.empty()) r.sum.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) r.sum[i] += matrix[i];
  ++r.count;
}

std::vector<std::string> GeneAttentionAggregate::regions() const {
  std::vector<std::string> out;
  for (const auto& [name, sums] : regions_) out.push_back(name);
  return out;
}

std::int64_t GeneAttentionAggregate::count(const std::string& region) const {
  auto it = regions_.find(region);
  return it == regions_.end() ? 0 : it->second.count;
}

std::vector<double> GeneAttentionAggregate::mean(const std::string& region) const {
  const auto& r = regions_.at(region);
  std::vector<double> out(r.sum.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = r.sum[i] / double(r.count);
  return out;
}

}  // namespace teramind
