// The flat structure-tree CSV ontology (id, acronym, name, parent, ...).

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "atlas/AtlasOntology.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file =
      fuzz::writeInputFile("structures.csv", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] {
    const auto ontology = AtlasOntology::fromFile(file);
    // What the studio asks of a loaded ontology: paths up the tree and subtrees.
    ontology.acronymPath(ontology.structures().back().id);
    ontology.subtree(ontology.root().id);
  });
  return 0;
}
