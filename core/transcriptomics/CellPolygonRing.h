#pragma once

#include <utility>
#include <vector>

namespace teramind {

// The one policy for a CellPolygon's ring (transcriptomics/TextFormatReaders.h): stored open,
// its first vertex not repeated at the end. Xenium's boundary tables, WKB and GeoJSON close
// their rings by repeating the first vertex; every outline reader drops that vertex here, so
// the same outline has the same vertices whatever file it came from.
inline void openRing(std::vector<std::pair<double, double>>& ring) {
  if (ring.size() > 1 && ring.front() == ring.back()) ring.pop_back();
}

}  // namespace teramind
