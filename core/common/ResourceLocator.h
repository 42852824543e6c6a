#pragma once

#include <filesystem>

namespace teramind {

// Finds the bundled resources (demo atlas, presets): $TERAMIND_RESOURCES, then the installed
// share/teramind/resources beside the executable, then the source tree the binary was built from.
std::filesystem::path resourceDirectory();

// The bundled 100 µm CCFv3 atlas inside resourceDirectory().
std::filesystem::path bundledAtlasDirectory();

}  // namespace teramind
