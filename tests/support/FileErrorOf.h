#pragma once

// The message of the FileError a call throws; the test fails when it throws none.

#include <string>

#include <gtest/gtest.h>

#include "common/FileError.h"

namespace teramind::test {

template <typename Call>
std::string errorOf(Call&& call) {
  try {
    call();
  } catch (const FileError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a FileError";
  return {};
}

}  // namespace teramind::test
