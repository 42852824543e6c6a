#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/BoundedJson.h is private to teramind_io (the Zarr and OME-Zarr readers)"
#endif

#include <filesystem>
#include <istream>
#include <string>

#include <nlohmann/json.hpp>

namespace teramind {

// JSON read from a file we did not write (Zarr headers, attributes): parsed with a bound on
// nesting, since nlohmann's recursive parser would otherwise overflow the stack on "[[[[…".
// FileError naming `file`: "JSON nested deeper than N levels", or "not JSON: …". The caller
// bounds the byte size first.
nlohmann::json parseBoundedJson(std::istream& in, const std::filesystem::path& file, int maxDepth);

// A JSON value for a message: its text, cut to 60 characters.
std::string shownJson(const nlohmann::json& value);

}  // namespace teramind
