#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/JsonFile.h is private to teramind_io (the dataset manifest and Xenium readers)"
#endif

#include <filesystem>

#include <nlohmann/json.hpp>

namespace teramind {

// A small JSON file read whole (a dataset manifest, Xenium's experiment.xenium). FileError
// naming the file: "cannot be opened for reading", or "not valid JSON: …".
nlohmann::json readJsonFile(const std::filesystem::path& file);

}  // namespace teramind
