#pragma once

#include <filesystem>

#include <nlohmann/json_fwd.hpp>

#include "io/DatasetReadOptions.h"

namespace teramind {

// Whether any read option is given (a document or session records them only then).
bool hasReadOptions(const DatasetReadOptions& options);

// Whether two sets of options read a dataset the same, as recorded (a landmarks path compared
// absolute): what a session or document read back is compared with what is open.
bool sameReadOptions(const DatasetReadOptions& a, const DatasetReadOptions& b);

// The options given, as a JSON object: {"columns": "gene=…,x=…,y=…", "pixel_um": 0.108,
// "min_qv": 20, "landmarks": "/abs/pairs.csv"}; options not given are left out. The keys are
// those of a job description (workflow/JobFingerprint.h) and the CLI's flags.
nlohmann::json readOptionsToJson(const DatasetReadOptions& options);
// The inverse. A relative landmarks path is taken from `base` (the folder of the file that
// holds the object). Throws std::invalid_argument naming the bad key: not an object, a column
// map that does not parse, a pixel size or qv that is not a finite number in range.
DatasetReadOptions readOptionsFromJson(const nlohmann::json& object,
                                       const std::filesystem::path& base = {});

}  // namespace teramind
