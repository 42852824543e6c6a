#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace teramind {

// The features measured by an experiment, in the order first seen. Blank / negative-control
// barcodes are kept (their counts estimate the false-positive rate) but flagged, and every
// consumer that means "genes" skips them.
class GeneCatalogue {
 public:
  // Vizgen "Blank-*", Xenium "NegControl*"/"BLANK_*"/"Unassigned*", CosMx "NegPrb*", ...
  static bool isControlName(const std::string& name);

  // Index of `name`, added if new. Looked up by view: no string is built for a known name.
  std::uint32_t add(std::string_view name);
  std::optional<std::uint32_t> find(std::string_view name) const;

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
  // Open addressing over indices into names_ (C++17 maps cannot be searched by a view).
  static constexpr std::uint32_t kEmptySlot = 0xFFFFFFFFu;
  std::size_t slotOf(std::string_view name) const;  // the slot holding it, or the empty one
  void grow();
  std::vector<std::uint32_t> slots_;
  std::size_t controlCount_ = 0;
};

}  // namespace teramind
