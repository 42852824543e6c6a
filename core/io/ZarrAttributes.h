#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ZarrAttributes.h is private to teramind_io (the SpatialData and NGFF readers)"
#endif

#include <filesystem>

#include <nlohmann/json.hpp>

namespace teramind {

// The attributes file of a Zarr group: v3 zarr.json, else v2 .zattrs; empty when it has neither.
std::filesystem::path zarrAttributesFile(const std::filesystem::path& group);

// A group's attributes (v3: zarr.json's "attributes"; v2: the .zattrs object), read with the
// bounds on size and nesting that metadata we did not write needs; {} for an empty path.
// FileError naming the file.
nlohmann::json readZarrAttributes(const std::filesystem::path& file);

// An NGFF attribute ("multiscales", "omero"): attributes.ome.<key> (NGFF 0.5) or
// attributes.<key> (0.4); null when absent.
const nlohmann::json& ngffAttribute(const nlohmann::json& attributes, const char* key);

}  // namespace teramind
