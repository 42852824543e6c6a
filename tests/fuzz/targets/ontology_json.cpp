// The Allen structure-graph JSON ontology (hierarchical, `children`).

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "atlas/AtlasOntology.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file =
      fuzz::writeInputFile("ontology.json", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] {
    const auto ontology = AtlasOntology::fromFile(file);
    // What the studio asks of a loaded ontology: paths up the tree and subtrees.
    ontology.acronymPath(ontology.structures().back().id);
    ontology.subtree(ontology.root().id);
  });
  return 0;
}
