#include "conditions/Selection.h"

namespace teramind {
namespace {

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

void validate(const Selection& selection) {
  std::visit([](const auto& s) { s.validate(); }, selection);
}

std::vector<SelectedBin> selectBins(const Selection& selection, const BinGrid& grid,
                                    const PaintContext& context) {
  return std::visit(
      Overloaded{[&](const AtlasRegionSelection& s) { return s.select(grid, context); },
                 [&](const auto& s) { return s.select(grid); }},
      selection);
}

}  // namespace teramind
