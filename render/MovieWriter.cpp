#include "MovieWriter.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <system_error>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include "common/AsciiCase.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind::render {
namespace {

std::string avError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

std::string lowerExtension(const std::filesystem::path& file) {
  return asciiLower(file.extension().string());
}

// libavformat's muxer for an extension we accept.
const char* muxerName(const std::string& extension) {
  if (extension == ".mp4") return "mp4";
  if (extension == ".mov") return "mov";
  if (extension == ".mkv") return "matroska";
  if (extension == ".avi") return "avi";
  return nullptr;
}

}  // namespace

struct MovieWriter::Impl {
  std::filesystem::path target, temporary;
  int sourceWidth = 0, sourceHeight = 0;  // what addFrame takes
  int width = 0, height = 0;              // what is encoded (even)
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  SwsContext* scaler = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  bool fileOpen = false, finished = false;
  int frames = 0;

  ~Impl() {
    if (fileOpen) avio_closep(&format->pb);
    av_packet_free(&packet);
    av_frame_free(&frame);
    sws_freeContext(scaler);
    avcodec_free_context(&codec);
    avformat_free_context(format);
    if (!finished && !temporary.empty()) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
    }
  }

  [[noreturn]] void fail(const std::string& problem) const { throw FileError(target, problem); }

  // Sends `f` (nullptr: end of stream) and writes every packet the encoder has ready.
  void encode(const AVFrame* f) {
    int status = avcodec_send_frame(codec, f);
    if (status < 0) fail("cannot encode a movie frame: " + avError(status));
    for (;;) {
      status = avcodec_receive_packet(codec, packet);
      if (status == AVERROR(EAGAIN) || status == AVERROR_EOF) return;
      if (status < 0) fail("cannot encode a movie frame: " + avError(status));
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      status = av_interleaved_write_frame(format, packet);  // takes the packet's data
      if (status < 0) fail("cannot write the movie: " + avError(status));
    }
  }
};

MovieWriter::MovieWriter(const std::filesystem::path& file, int width, int height,
                         int framesPerSecond, MovieCodec codec)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.target = file;
  if (width < 2 || height < 2 || width > 8192 || height > 8192)
    m.fail("a movie must be 2 to 8192 pixels a side, not " + std::to_string(width) + "x" +
           std::to_string(height));
  if (framesPerSecond < 1 || framesPerSecond > 240)
    m.fail("a movie's frame rate must be 1 to 240 frames a second");
  const char* muxer = muxerName(lowerExtension(file));
  if (!muxer) m.fail("not a movie file name (use .mp4, .mov, .mkv or .avi)");
  const auto folder = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    m.fail("the folder " + folder.string() + " does not exist");
  if (std::filesystem::is_directory(file, ec)) m.fail("is a folder, not a movie file");
  m.sourceWidth = width;
  m.sourceHeight = height;
  // YUV 4:2:0 halves both axes: an odd size loses its last column or row.
  m.width = width & ~1;
  m.height = height & ~1;
  m.temporary = temporaryPathFor(file, "movie");
  // libx264 reports its statistics at the info level: keep the console to warnings.
  if (av_log_get_level() > AV_LOG_WARNING) av_log_set_level(AV_LOG_WARNING);

  int status = avformat_alloc_output_context2(&m.format, nullptr, muxer, m.temporary.c_str());
  if (status < 0 || !m.format) m.fail("cannot start the movie: " + avError(status));
  const AVCodec* encoder =
      codec == MovieCodec::Best ? avcodec_find_encoder_by_name("libx264") : nullptr;
  if (!encoder) encoder = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (!encoder) m.fail("this libavcodec has neither an H.264 nor an MPEG-4 encoder");
  m.codec = avcodec_alloc_context3(encoder);
  m.stream = avformat_new_stream(m.format, nullptr);
  m.frame = av_frame_alloc();
  m.packet = av_packet_alloc();
  if (!m.codec || !m.stream || !m.frame || !m.packet) m.fail("out of memory starting the movie");
  m.codec->width = m.width;
  m.codec->height = m.height;
  m.codec->pix_fmt = AV_PIX_FMT_YUV420P;
  m.codec->time_base = AVRational{1, framesPerSecond};
  m.codec->framerate = AVRational{framesPerSecond, 1};
  m.codec->gop_size = std::max(1, framesPerSecond);
  if (encoder->id == AV_CODEC_ID_H264) {
    av_opt_set(m.codec->priv_data, "preset", "medium", 0);
    av_opt_set(m.codec->priv_data, "crf", "20", 0);  // visually lossless for renders
  } else {
    // MPEG-4 part 2 has no constant quality: about 4 bits a pixel a second is sharp enough.
    m.codec->bit_rate = std::int64_t(m.width) * m.height * framesPerSecond / 8 + 400000;
    m.codec->max_b_frames = 0;
  }
  if (m.format->oformat->flags & AVFMT_GLOBALHEADER) m.codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  status = avcodec_open2(m.codec, encoder, nullptr);
  if (status < 0)
    m.fail(std::string("cannot open the ") + encoder->name + " encoder: " + avError(status));
  status = avcodec_parameters_from_context(m.stream->codecpar, m.codec);
  if (status < 0) m.fail("cannot describe the movie's stream: " + avError(status));
  m.stream->time_base = m.codec->time_base;
  m.stream->avg_frame_rate = m.codec->framerate;

  m.frame->format = m.codec->pix_fmt;
  m.frame->width = m.width;
  m.frame->height = m.height;
  status = av_frame_get_buffer(m.frame, 0);
  if (status < 0) m.fail("out of memory for a movie frame: " + avError(status));
  m.scaler = sws_getContext(m.width, m.height, AV_PIX_FMT_RGB24, m.width, m.height,
                            AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!m.scaler) m.fail("cannot convert RGB frames to YUV 4:2:0");

  removeStaleTemporariesOnce(folder);
  status = avio_open(&m.format->pb, m.temporary.c_str(), AVIO_FLAG_WRITE);
  if (status < 0) m.fail("cannot create the movie file: " + avError(status));
  m.fileOpen = true;
  status = avformat_write_header(m.format, nullptr);
  if (status < 0) m.fail("cannot write the movie's header: " + avError(status));
}

MovieWriter::~MovieWriter() = default;

void MovieWriter::addFrame(const std::uint8_t* rgb, int width, int height, bool bottomRowFirst) {
  auto& m = *impl_;
  if (m.finished) throw std::logic_error("MovieWriter: a frame added after finish()");
  if (width != m.sourceWidth || height != m.sourceHeight)
    throw std::invalid_argument(
        "MovieWriter: a " + std::to_string(width) + "x" + std::to_string(height) + " frame for a " +
        std::to_string(m.sourceWidth) + "x" + std::to_string(m.sourceHeight) + " movie");
  const int rowBytes = 3 * width;
  // Top row first for the encoder: OpenGL's bottom-up rows are read with a negative stride.
  const std::uint8_t* top = bottomRowFirst ? rgb + std::ptrdiff_t(height - 1) * rowBytes : rgb;
  const std::uint8_t* source[4] = {top, nullptr, nullptr, nullptr};
  const int stride[4] = {bottomRowFirst ? -rowBytes : rowBytes, 0, 0, 0};
  int status = av_frame_make_writable(m.frame);
  if (status < 0) m.fail("cannot reuse a movie frame: " + avError(status));
  sws_scale(m.scaler, source, stride, 0, m.height, m.frame->data, m.frame->linesize);
  m.frame->pts = m.frames;
  m.encode(m.frame);
  ++m.frames;
}

void MovieWriter::finish() {
  auto& m = *impl_;
  if (m.finished) return;
  if (m.frames == 0) m.fail("a movie needs at least one frame");
  m.encode(nullptr);  // the frames the encoder still holds (x264 looks ahead)
  int status = av_write_trailer(m.format);
  if (status < 0) m.fail("cannot finish the movie: " + avError(status));
  status = avio_closep(&m.format->pb);
  m.fileOpen = false;
  if (status < 0) m.fail("cannot close the movie: " + avError(status));
  std::error_code ec;
  std::filesystem::rename(m.temporary, m.target, ec);
  if (ec) m.fail("cannot move the finished movie into place: " + ec.message());
  m.finished = true;
}

int MovieWriter::frameCount() const {
  return impl_->frames;
}

std::string MovieWriter::codecName() const {
  return avcodec_get_name(impl_->codec->codec_id);
}

int MovieWriter::storedWidth() const {
  return impl_->width;
}

int MovieWriter::storedHeight() const {
  return impl_->height;
}

bool MovieWriter::isVideoFile(const std::filesystem::path& file) {
  return muxerName(lowerExtension(file)) != nullptr;
}

}  // namespace teramind::render
