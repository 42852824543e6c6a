#include "QtTextRasteriser.h"

#include <QFont>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace teramind::ui {
namespace {

// Labels are a few words; a longer text is cut rather than given an unbounded image.
constexpr int kMaxTextWidth = 4096;
constexpr int kMaxTextHeight = 512;

}  // namespace

TextMask rasteriseText(const std::string& text, int pixelHeight) {
  TextMask mask;
  if (text.empty() || pixelHeight <= 0) return mask;
  pixelHeight = std::min(pixelHeight, kMaxTextHeight);
  const QString label = QString::fromStdString(text);
  QFont font;
  // The largest pixel size whose line (ascent + descent) fits the height asked for.
  int size = pixelHeight;
  font.setPixelSize(size);
  while (size > 1 && QFontMetrics(font).height() > pixelHeight) font.setPixelSize(--size);
  const QFontMetrics metrics(font);
  const int width = std::clamp(metrics.horizontalAdvance(label) + 1, 1, kMaxTextWidth);
  QImage image(width, pixelHeight, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::transparent);
  {
    QPainter painter(&image);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.setFont(font);
    painter.setPen(Qt::white);
    const int top = (pixelHeight - metrics.height()) / 2;
    painter.drawText(0, top + metrics.ascent(), label);
  }
  mask.width = width;
  mask.height = pixelHeight;
  mask.coverage.resize(std::size_t(width) * std::size_t(pixelHeight));
  for (int y = 0; y < pixelHeight; ++y) {
    const auto* row = reinterpret_cast<const QRgb*>(image.constScanLine(y));
    for (int x = 0; x < width; ++x)
      mask.coverage[std::size_t(y) * std::size_t(width) + std::size_t(x)] =
          std::uint8_t(qAlpha(row[x]));
  }
  return mask;
}

TextRasteriser qtTextRasteriser() {
  // Every repaint draws the same few labels (the scale bar's, the colour bars'): each is set in
  // type once. Exports call from their worker thread, hence the lock.
  struct Cache {
    std::mutex mutex;
    std::map<std::pair<std::string, int>, TextMask> masks;
  };
  auto cache = std::make_shared<Cache>();
  return [cache](const std::string& text, int pixelHeight) {
    const auto key = std::make_pair(text, pixelHeight);
    {
      std::lock_guard lock(cache->mutex);
      if (const auto found = cache->masks.find(key); found != cache->masks.end())
        return found->second;
    }
    TextMask mask = rasteriseText(text, pixelHeight);
    std::lock_guard lock(cache->mutex);
    if (cache->masks.size() >= 256) cache->masks.clear();  // labels come and go with the view
    cache->masks.emplace(key, mask);
    return mask;
  };
}

}  // namespace teramind::ui
