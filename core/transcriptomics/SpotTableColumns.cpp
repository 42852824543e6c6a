#include "transcriptomics/SpotTableColumns.h"

#include <sstream>
#include <stdexcept>

namespace teramind {

SpotTableColumns parseSpotTableColumns(const std::string& text) {
  SpotTableColumns columns;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == item.size())
      throw std::invalid_argument("'" + item + "' is not KEY=COLUMN (keys: gene, x, y, z)");
    const std::string key = item.substr(0, equals), column = item.substr(equals + 1);
    std::string* slot = key == "gene" ? &columns.gene
                        : key == "x"  ? &columns.x
                        : key == "y"  ? &columns.y
                        : key == "z"  ? &columns.z
                                      : nullptr;
    if (slot == nullptr)
      throw std::invalid_argument("unknown key '" + key + "' (keys: gene, x, y, z)");
    if (!slot->empty()) throw std::invalid_argument("key '" + key + "' is given twice");
    *slot = column;
  }
  for (const auto& [key, value] :
       {std::pair{"gene", &columns.gene}, std::pair{"x", &columns.x}, std::pair{"y", &columns.y}})
    if (value->empty())
      throw std::invalid_argument(std::string("the column map lacks '") + key + "=COLUMN'");
  return columns;
}

std::string formatSpotTableColumns(const SpotTableColumns& columns) {
  std::string text = "gene=" + columns.gene + ",x=" + columns.x + ",y=" + columns.y;
  if (!columns.z.empty()) text += ",z=" + columns.z;
  return text;
}

}  // namespace teramind
