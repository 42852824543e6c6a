#include "transcriptomics/GeneCatalogue.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <string_view>

#include "common/AsciiCase.h"

namespace teramind {

bool GeneCatalogue::isControlName(const std::string& name) {
  // Vizgen Blank-*, 10x NegControl*/Unassigned*/Deprecated*/Intergenic*, NanoString
  // NegPrb*/SystemControl*/FalseCode* (CosMx 6K panels' false-code probes).
  static constexpr std::array<std::string_view, 8> kPrefixes = {
      "blank",      "negcontrol",    "negprb",     "unassigned",
      "deprecated", "systemcontrol", "intergenic", "falsecode"};
  const std::string lower = asciiLower(name);
  return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                     [&](std::string_view p) { return lower.rfind(p, 0) == 0; });
}

std::size_t GeneCatalogue::slotOf(std::string_view name) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = std::hash<std::string_view>{}(name)&mask;; slot = (slot + 1) & mask)
    if (slots_[slot] == kEmptySlot || names_[slots_[slot]] == name) return slot;
}

void GeneCatalogue::grow() {
  slots_.assign(std::max<std::size_t>(64, slots_.size() * 2), kEmptySlot);
  for (std::uint32_t i = 0; i < names_.size(); ++i) slots_[slotOf(names_[i])] = i;
}

std::uint32_t GeneCatalogue::add(std::string_view name) {
  if (slots_.empty()) grow();
  std::size_t slot = slotOf(name);
  if (slots_[slot] != kEmptySlot) return slots_[slot];
  const auto index = std::uint32_t(names_.size());
  names_.emplace_back(name);
  const bool control = isControlName(names_.back());
  control_.push_back(control ? 1 : 0);
  controlCount_ += control ? 1 : 0;
  if (2 * names_.size() > slots_.size()) {  // keep the table at most half full
    grow();
  } else {
    slots_[slot] = index;
  }
  return index;
}

std::optional<std::uint32_t> GeneCatalogue::find(std::string_view name) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint32_t index = slots_[slotOf(name)];
  if (index == kEmptySlot) return std::nullopt;
  return index;
}

std::vector<std::string> GeneCatalogue::geneNames() const {
  std::vector<std::string> genes;
  genes.reserve(geneCount());
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (!control_[i]) genes.push_back(names_[i]);
  return genes;
}

}  // namespace teramind
