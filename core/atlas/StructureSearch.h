#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "atlas/AtlasOntology.h"

namespace teramind {

// Finds structures by what a user types: acronyms and names, case-insensitively, with the query's
// words in any order ("ca1 field" finds "Field CA1"). Every query word must match a word of the
// name or the acronym (words are runs of letters and digits), as one of, best first:
//   - the whole word ("field");
//   - a prefix of it ("hipp" finds "Hippocampal formation");
//   - the same stem: both share a prefix of at least 6 letters that leaves at most 3 letters of
//     the query word over. The Allen ontology often names regions by Latin adjectives
//     ("Hippocampal formation", "Cerebellar cortex", "Cortical amygdalar area") while people
//     type the noun ("hippocampus", "cerebellum", "amygdala"; "hippocampus" is no word of any
//     Allen name at all); noun and adjective differ only in their
//     last 1–3 letters (-us/-al, -um/-ar, -a/-ar). Requiring 6 shared letters keeps short
//     words from matching unrelated ones ("central"/"centrolateral" share 5), at the price of
//     a few short pairs ("cortex"/"cortical", "septum"/"septal");
//   - a part of it, for query words of 3 letters or more ("cortex" finds "Isocortex"), as the
//     plain substring filter before did.
// Ranked: exact acronym, then exact name, then acronym prefix ("CA" finds CA1, CA2...), then
// name-word matches, the better the worst word's match the earlier; ties go to names with fewer
// words left unmatched (the closer match), then to graph order (the order of the tree).
// An empty or blank query finds nothing. `limit` caps the result (0: no cap).
// About 1300 structures of short names: one query takes about half a millisecond
// (Release), fast enough to filter at every keystroke.
std::vector<StructureId> searchStructures(const AtlasOntology& ontology, std::string_view query,
                                          std::size_t limit = 0);

}  // namespace teramind
