#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ThriftCompactReader.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: Thrift's compact protocol, which Parquet's footer and page
// headers are written in. Reads from bytes already in memory; every read is bounds-checked and
// a damaged or hostile input ends in ThriftError (with the byte offset), never in a crash, a
// loop or an allocation larger than the input.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace teramind {

class ThriftError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ThriftCompactReader {
 public:
  enum Type : std::uint8_t {
    Stop = 0,
    BoolTrue = 1,
    BoolFalse = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12
  };
  struct Field {
    std::int16_t id = 0;
    std::uint8_t type = Stop;
  };
  struct ListHeader {
    std::uint8_t elementType = Stop;
    std::size_t size = 0;
  };

  ThriftCompactReader(const std::uint8_t* data, std::size_t size);

  // Fields of the struct being read: call beginStruct(), then nextField() until it returns
  // false (the struct's stop byte), reading or skipping each field; then endStruct().
  void beginStruct();
  bool nextField(Field& field);
  void endStruct();

  // Values. The integer readers accept any integer wire type that fits; `field` is the field
  // being read (for booleans, whose value is in the field header, and for type checks).
  std::int64_t readInteger(const Field& field);
  std::int32_t readI32(const Field& field);
  bool readBool(const Field& field);
  double readDouble(const Field& field);
  // At most `maxBytes`; more is an error.
  std::string readBinary(const Field& field, std::size_t maxBytes);
  // A list's header; its size is at most the bytes left (each element takes one at least).
  ListHeader readListHeader(const Field& field);
  // List elements of integer or binary type.
  std::int64_t readIntegerElement(std::uint8_t elementType);
  std::string readBinaryElement(std::uint8_t elementType, std::size_t maxBytes);

  // Skips a value of any type (nested structs, lists and maps included, to a bounded depth).
  void skip(std::uint8_t type);

  std::size_t position() const { return position_; }

 private:
  std::uint8_t byte();
  std::uint64_t varint();
  std::int64_t zigzag();
  void need(std::size_t bytes) const;
  void skipValue(std::uint8_t type, int depth);
  [[noreturn]] void fail(const std::string& problem) const;

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
  // The last field id of each open struct: compact field headers give ids as deltas.
  std::int16_t lastFieldIds_[64] = {};
  int depth_ = 0;
};

// Reads a struct's fields with `onField`, which returns false for fields it does not read
// (those are skipped).
template <typename OnField>
void readStruct(ThriftCompactReader& t, OnField onField) {
  t.beginStruct();
  ThriftCompactReader::Field f;
  while (t.nextField(f))
    if (!onField(f)) t.skip(f.type);
  t.endStruct();
}

// ThriftError unless `type` (a field's or list element's) is a struct.
void expectStruct(const ThriftCompactReader& t, std::uint8_t type);

}  // namespace teramind
