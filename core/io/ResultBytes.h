#pragma once

// Writing and reading the bytes a reader's result travels in from an isolated child to this
// process (io/VolumeBytes, io/ConditionBytes). The child ran a library that may corrupt memory:
// every read here is bounded by what is left, and a shortfall is a FileError naming the file
// the result came from and the offset in the result.

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <type_traits>

#include "common/FileError.h"

namespace teramind {

class ResultBytesWriter {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_arithmetic_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void putString(const std::string& text) {
    put(std::uint64_t(text.size()));
    bytes_ += text;
  }
  void putRaw(const void* data, std::size_t size) {
    bytes_.append(static_cast<const char*>(data), size);
  }
  void reserve(std::size_t size) { bytes_.reserve(size); }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class ResultBytesReader {
 public:
  ResultBytesReader(const std::string& bytes, const std::filesystem::path& file)
      : bytes_(bytes), file_(file) {}

  std::size_t left() const { return bytes_.size() - offset_; }
  std::size_t offset() const { return offset_; }

  [[noreturn]] void fail(const std::string& problem) const {
    throw FileError(file_, "the result of its separate read is damaged: " + problem +
                               " (result offset " + std::to_string(offset_) + " of " +
                               std::to_string(bytes_.size()) + ")");
  }
  void need(std::uint64_t size, const char* what) const {
    if (size > left())
      fail(std::string(what) + " needs " + std::to_string(size) + " bytes where " +
           std::to_string(left()) + " are left");
  }
  template <typename T>
  T get(const char* what) {
    static_assert(std::is_arithmetic_v<T>);
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof value);
    offset_ += sizeof value;
    return value;
  }
  std::string getString(const char* what, std::uint64_t maxLength) {
    const auto length = get<std::uint64_t>(what);
    if (length > maxLength)
      fail(std::string(what) + " of " + std::to_string(length) + " bytes (at most " +
           std::to_string(maxLength) + ")");
    need(length, what);
    std::string text = bytes_.substr(offset_, std::size_t(length));
    offset_ += std::size_t(length);
    return text;
  }
  void getRaw(void* data, std::uint64_t size, const char* what) {
    need(size, what);
    std::memcpy(data, bytes_.data() + offset_, std::size_t(size));
    offset_ += std::size_t(size);
  }
  void requireEnd() const {
    if (left() != 0) fail(std::to_string(left()) + " bytes follow its end");
  }

 private:
  const std::string& bytes_;
  std::filesystem::path file_;
  std::size_t offset_ = 0;
};

}  // namespace teramind
