#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace teramind {

// The features measured by an experiment, in the order first seen. Blank / negative-control
// barcodes are kept (their counts estimate the false-positive rate) but flagged, and every
// consumer that means "genes" skips them.
class GeneCatalogue {
 public:
  // Vizgen "Blank-*", Xenium "NegControl*"/"BLANK_*"/"Unassigned*", CosMx "NegPrb*", ...
  static bool isControlName(const std::string& name);

  // Index of `name`, added if new.
  std::uint32_t add(const std::string& name);
  std::optional<std::uint32_t> find(const std::string& name) const;

  std::size_t size() const { return names_.size(); }
  const std::string& name(std::uint32_t index) const { return names_.at(index); }
  bool isControl(std::uint32_t index) const { return control_.at(index) != 0; }
  std::size_t geneCount() const { return size() - controlCount_; }
  std::size_t controlCount() const { return controlCount_; }
  // Feature names without the controls, in catalogue order.
  std::vector<std::string> geneNames() const;

  bool operator==(const GeneCatalogue& other) const { return names_ == other.names_; }

 private:
  std::vector<std::string> names_;
  std::vector<std::uint8_t> control_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::size_t controlCount_ = 0;
};

}  // namespace teramind
