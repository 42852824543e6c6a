#include "QtTaskRunner.h"

#include <QMetaObject>

namespace teramind::ui {

void QtTaskRunner::wake() {
  // Safe from any thread: the call is queued to context_'s (the GUI) thread.
  if (context_)
    QMetaObject::invokeMethod(
        context_, [this] { deliver(); }, Qt::QueuedConnection);
}

}  // namespace teramind::ui
