#include "io/ParquetCodecs.h"

#include <algorithm>

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

namespace teramind::parquet {

namespace {

std::vector<std::uint8_t> inflateGzip(ByteSpan in, std::size_t size) {
  std::vector<std::uint8_t> out(size);
  z_stream stream{};
  // 15 + 32: a gzip or zlib header, detected.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) encodingFail("GZIP: zlib could not start");
  std::size_t inDone = 0;
  std::size_t outDone = 0;
  int status = Z_OK;
  // zlib counts in 32-bit units: feed at most 1 GiB a call.
  constexpr std::size_t kStep = std::size_t(1) << 30;
  for (;;) {
    stream.next_in = const_cast<Bytef*>(in.data + inDone);
    stream.avail_in = uInt(std::min(kStep, in.size - inDone));
    // One spare byte: output beyond the stated size shows as a too-long page.
    std::uint8_t spare = 0;
    const bool full = outDone == size;
    stream.next_out = full ? &spare : out.data() + outDone;
    stream.avail_out = full ? 1 : uInt(std::min(kStep, size - outDone));
    const uInt availIn = stream.avail_in;
    const uInt availOut = stream.avail_out;
    status = inflate(&stream, Z_NO_FLUSH);
    inDone += availIn - stream.avail_in;
    const std::size_t produced = availOut - stream.avail_out;
    if (full && produced > 0) {
      inflateEnd(&stream);
      encodingFail("GZIP page decompresses to more than the " + std::to_string(size) +
                   " bytes its header states");
    }
    outDone += full ? 0 : produced;
    if (status == Z_STREAM_END) break;
    if (status != Z_OK && status != Z_BUF_ERROR) {
      const std::string message = stream.msg ? stream.msg : "error " + std::to_string(status);
      inflateEnd(&stream);
      encodingFail("GZIP data is damaged (" + message + ")");
    }
    if (availIn == stream.avail_in && produced == 0) {
      inflateEnd(&stream);
      encodingFail("GZIP data ends before its stream does");
    }
  }
  inflateEnd(&stream);
  if (outDone != size)
    encodingFail("GZIP page decompresses to " + std::to_string(outDone) +
                 " bytes, its header states " + std::to_string(size));
  return out;
}

// The most a codec's output can exceed its input (as TiffImage's maxExpansion):
//   SNAPPY 32:1 (a 3-byte copy yields at most 64 bytes: 21.3:1, with margin);
//   GZIP 1032:1 (deflate's limit);
//   ZSTD 32768:1 (a 4-byte RLE block decodes to at most 128 KiB).
// A page header claiming more is damaged, and is refused before its output is allocated.
std::uint64_t maxExpansion(Codec codec) {
  switch (codec) {
    case Codec::Snappy:
      return 32;
    case Codec::Gzip:
      return 1032;
    case Codec::Zstd:
      return 32768;
    default:
      return 1;
  }
}

}  // namespace

std::string codecName(std::int32_t codec) {
  switch (static_cast<Codec>(codec)) {
    case Codec::Uncompressed:
      return "UNCOMPRESSED";
    case Codec::Snappy:
      return "SNAPPY";
    case Codec::Gzip:
      return "GZIP";
    case Codec::Lzo:
      return "LZO";
    case Codec::Brotli:
      return "BROTLI";
    case Codec::Lz4:
      return "LZ4";
    case Codec::Zstd:
      return "ZSTD";
    case Codec::Lz4Raw:
      return "LZ4_RAW";
  }
  return "codec " + std::to_string(codec);
}

bool codecSupported(std::int32_t codec) {
  return codec == 0 || codec == 1 || codec == 2 || codec == 6;
}

std::vector<std::uint8_t> decompressPage(Codec codec, ByteSpan in, std::size_t size) {
  const std::uint64_t producible = std::uint64_t(in.size) * maxExpansion(codec) + 64;
  if (codec != Codec::Uncompressed && size > producible)
    encodingFail(codecName(static_cast<std::int32_t>(codec)) + " page of " +
                 std::to_string(in.size) + " bytes cannot decompress to the " +
                 std::to_string(size) + " bytes its header states (at most " +
                 std::to_string(maxExpansion(codec)) + " times its size)");
  switch (codec) {
    case Codec::Uncompressed: {
      if (in.size != size)
        encodingFail("uncompressed page holds " + std::to_string(in.size) +
                     " bytes, its header states " + std::to_string(size));
      return std::vector<std::uint8_t>(in.data, in.data + in.size);
    }
    case Codec::Snappy: {
      std::size_t length = 0;
      const char* data = reinterpret_cast<const char*>(in.data);
      if (snappy_uncompressed_length(data, in.size, &length) != SNAPPY_OK)
        encodingFail("SNAPPY data is damaged (no valid length)");
      if (length != size)
        encodingFail("SNAPPY page decompresses to " + std::to_string(length) +
                     " bytes, its header states " + std::to_string(size));
      std::vector<std::uint8_t> out(size);
      if (snappy_uncompress(data, in.size, reinterpret_cast<char*>(out.data()), &length) !=
              SNAPPY_OK ||
          length != size)
        encodingFail("SNAPPY data is damaged");
      return out;
    }
    case Codec::Gzip:
      return inflateGzip(in, size);
    case Codec::Zstd: {
      const unsigned long long stated = ZSTD_getFrameContentSize(in.data, in.size);
      if (stated == ZSTD_CONTENTSIZE_ERROR)
        encodingFail("ZSTD data is damaged (no valid frame header)");
      if (stated != ZSTD_CONTENTSIZE_UNKNOWN && stated != size)
        encodingFail("ZSTD page decompresses to " + std::to_string(stated) +
                     " bytes, its header states " + std::to_string(size));
      // One spare byte: output beyond the stated size shows as a too-long page.
      std::vector<std::uint8_t> out(size + 1);
      const std::size_t produced = ZSTD_decompress(out.data(), out.size(), in.data, in.size);
      if (ZSTD_isError(produced))
        encodingFail(std::string("ZSTD data is damaged (") + ZSTD_getErrorName(produced) + ")");
      if (produced != size)
        encodingFail("ZSTD page decompresses to " + std::to_string(produced) +
                     " bytes, its header states " + std::to_string(size));
      out.resize(size);
      return out;
    }
    default:
      encodingFail("codec " + codecName(static_cast<std::int32_t>(codec)) + " is not supported");
  }
}

}  // namespace teramind::parquet
