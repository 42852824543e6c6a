#include "io/ThriftCompactReader.h"

#include <cstring>
#include <limits>

#include "io/ParquetBytes.h"

namespace teramind {

namespace {

constexpr int kMaxDepth = 64;

const char* typeName(std::uint8_t type) {
  switch (type) {
    case ThriftCompactReader::Stop:
      return "stop";
    case ThriftCompactReader::BoolTrue:
    case ThriftCompactReader::BoolFalse:
      return "bool";
    case ThriftCompactReader::Byte:
      return "byte";
    case ThriftCompactReader::I16:
      return "i16";
    case ThriftCompactReader::I32:
      return "i32";
    case ThriftCompactReader::I64:
      return "i64";
    case ThriftCompactReader::Double:
      return "double";
    case ThriftCompactReader::Binary:
      return "binary";
    case ThriftCompactReader::List:
      return "list";
    case ThriftCompactReader::Set:
      return "set";
    case ThriftCompactReader::Map:
      return "map";
    case ThriftCompactReader::Struct:
      return "struct";
    default:
      return "unknown";
  }
}

bool isInteger(std::uint8_t type) {
  return type == ThriftCompactReader::Byte || type == ThriftCompactReader::I16 ||
         type == ThriftCompactReader::I32 || type == ThriftCompactReader::I64;
}

}  // namespace

ThriftCompactReader::ThriftCompactReader(const std::uint8_t* data, std::size_t size)
    : data_(data), size_(size) {}

void ThriftCompactReader::fail(const std::string& problem) const {
  throw ThriftError("thrift " + problem + " at byte " + std::to_string(position_));
}

void ThriftCompactReader::need(std::size_t bytes) const {
  if (bytes > size_ - position_)
    fail("data ends early (" + std::to_string(bytes) + " bytes needed)");
}

std::uint8_t ThriftCompactReader::byte() {
  need(1);
  return data_[position_++];
}

std::uint64_t ThriftCompactReader::varint() {
  const auto value = parquet::decodeVarint([this] { return byte(); });
  if (!value) fail("varint longer than 10 bytes");
  return *value;
}

std::int64_t ThriftCompactReader::zigzag() {
  return parquet::zigzagDecode(varint());
}

void ThriftCompactReader::beginStruct() {
  if (depth_ + 1 >= kMaxDepth) fail("structs nested too deeply");
  lastFieldIds_[++depth_] = 0;
}

void ThriftCompactReader::endStruct() {
  if (depth_ > 0) --depth_;
}

bool ThriftCompactReader::nextField(Field& field) {
  const std::uint8_t header = byte();
  const std::uint8_t type = header & 0x0F;
  if (type == Stop) return false;
  if (type > Struct) fail("field of unknown type " + std::to_string(type));
  const int delta = header >> 4;
  std::int64_t id = delta ? lastFieldIds_[depth_] + delta : zigzag();
  if (id < std::numeric_limits<std::int16_t>::min() ||
      id > std::numeric_limits<std::int16_t>::max())
    fail("field id out of range");
  field.id = static_cast<std::int16_t>(id);
  field.type = type;
  lastFieldIds_[depth_] = field.id;
  return true;
}

std::int64_t ThriftCompactReader::readInteger(const Field& field) {
  if (!isInteger(field.type))
    fail("field " + std::to_string(field.id) + " is a " + typeName(field.type) +
         ", expected an integer");
  return readIntegerElement(field.type);
}

std::int64_t ThriftCompactReader::readIntegerElement(std::uint8_t elementType) {
  if (!isInteger(elementType))
    fail(std::string("list element is a ") + typeName(elementType) + ", expected an integer");
  if (elementType == Byte) return static_cast<std::int8_t>(byte());
  return zigzag();
}

std::int32_t ThriftCompactReader::readI32(const Field& field) {
  const std::int64_t v = readInteger(field);
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    fail("field " + std::to_string(field.id) + " does not fit 32 bits");
  return static_cast<std::int32_t>(v);
}

bool ThriftCompactReader::readBool(const Field& field) {
  if (field.type == BoolTrue) return true;
  if (field.type == BoolFalse) return false;
  fail("field " + std::to_string(field.id) + " is a " + typeName(field.type) + ", expected a bool");
}

double ThriftCompactReader::readDouble(const Field& field) {
  if (field.type != Double)
    fail("field " + std::to_string(field.id) + " is a " + typeName(field.type) +
         ", expected a double");
  need(8);
  std::uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | data_[position_ + std::size_t(i)];
  position_ += 8;
  double value = 0;
  static_assert(sizeof value == sizeof bits);
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::string ThriftCompactReader::readBinary(const Field& field, std::size_t maxBytes) {
  if (field.type != Binary)
    fail("field " + std::to_string(field.id) + " is a " + typeName(field.type) +
         ", expected binary");
  return readBinaryElement(Binary, maxBytes);
}

std::string ThriftCompactReader::readBinaryElement(std::uint8_t elementType, std::size_t maxBytes) {
  if (elementType != Binary)
    fail(std::string("list element is a ") + typeName(elementType) + ", expected binary");
  const std::uint64_t length = varint();
  if (length > maxBytes) fail("binary of " + std::to_string(length) + " bytes is too long");
  need(static_cast<std::size_t>(length));
  std::string value(reinterpret_cast<const char*>(data_ + position_),
                    static_cast<std::size_t>(length));
  position_ += static_cast<std::size_t>(length);
  return value;
}

ThriftCompactReader::ListHeader ThriftCompactReader::readListHeader(const Field& field) {
  if (field.type != List && field.type != Set)
    fail("field " + std::to_string(field.id) + " is a " + typeName(field.type) +
         ", expected a list");
  const std::uint8_t header = byte();
  ListHeader list;
  list.elementType = header & 0x0F;
  std::uint64_t size = header >> 4;
  if (size == 15) size = varint();
  if (size > size_ - position_)
    fail("list of " + std::to_string(size) + " elements is longer than its data");
  if (list.elementType == Stop || list.elementType > Struct)
    fail("list of unknown element type " + std::to_string(list.elementType));
  list.size = static_cast<std::size_t>(size);
  return list;
}

void expectStruct(const ThriftCompactReader& t, std::uint8_t type) {
  if (type != ThriftCompactReader::Struct)
    throw ThriftError("thrift value of type " + std::to_string(type) +
                      " where a struct belongs at byte " + std::to_string(t.position()));
}

void ThriftCompactReader::skip(std::uint8_t type) {
  skipValue(type, depth_);
}

void ThriftCompactReader::skipValue(std::uint8_t type, int depth) {
  if (depth >= kMaxDepth) fail("values nested too deeply");
  // An element of a list, set or map: booleans there take one byte each.
  const auto skipElement = [&](std::uint8_t elementType) {
    if (elementType == BoolTrue || elementType == BoolFalse)
      byte();
    else
      skipValue(elementType, depth + 1);
  };
  switch (type) {
    case BoolTrue:
    case BoolFalse:
      return;  // the value is in the field header
    case Byte:
      byte();
      return;
    case I16:
    case I32:
    case I64:
      varint();
      return;
    case Double:
      need(8);
      position_ += 8;
      return;
    case Binary: {
      const std::uint64_t length = varint();
      need(length > size_ ? size_ + 1 : static_cast<std::size_t>(length));
      position_ += static_cast<std::size_t>(length);
      return;
    }
    case List:
    case Set: {
      const std::uint8_t header = byte();
      const std::uint8_t elementType = header & 0x0F;
      std::uint64_t size = header >> 4;
      if (size == 15) size = varint();
      if (size > size_ - position_) fail("list longer than its data");
      for (std::uint64_t i = 0; i < size; ++i) skipElement(elementType);
      return;
    }
    case Map: {
      const std::uint64_t size = varint();
      if (size == 0) return;
      const std::uint8_t types = byte();
      if (size > size_ - position_) fail("map longer than its data");
      for (std::uint64_t i = 0; i < size; ++i) {
        skipElement(std::uint8_t(types >> 4));
        skipElement(std::uint8_t(types & 0x0F));
      }
      return;
    }
    case Struct: {
      // Field ids are not needed when skipping, only the headers' layout.
      if (depth + 1 >= kMaxDepth) fail("structs nested too deeply");
      for (;;) {
        const std::uint8_t header = byte();
        const std::uint8_t fieldType = header & 0x0F;
        if (fieldType == Stop) return;
        if (fieldType > Struct) fail("field of unknown type " + std::to_string(fieldType));
        if ((header >> 4) == 0) zigzag();
        skipValue(fieldType, depth + 1);
      }
    }
    default:
      fail("value of unknown type " + std::to_string(type));
  }
}

}  // namespace teramind
