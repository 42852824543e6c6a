#pragma once

#include "sectionview/SectionCompositor.h"

namespace teramind::ui {

// The section view's overlay labels (scale bar, colour bars) drawn by Qt's font engine: the
// text in the application font, `pixelHeight` tall, as coverage. Safe on worker threads (it
// paints on a QImage), so exports on the task runner label their bars too.
TextMask rasteriseText(const std::string& text, int pixelHeight);
TextRasteriser qtTextRasteriser();

}  // namespace teramind::ui
