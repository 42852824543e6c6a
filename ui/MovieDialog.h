#pragma once

#include <QDialog>
#include <QString>

#include "SceneMovie.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace teramind::render {
class AtlasScene;
}

namespace teramind::ui {

class VtkViewport;

// What View → Record Movie… makes of the 3D view: a turntable or a fly-through across the
// coronal planes, as an MP4 (or another container the file's extension names) or a folder of
// PNG frames.
struct MovieRequest {
  render::MovieKind kind = render::MovieKind::Turntable;
  int frames = 120;
  int width = 1280, height = 720;
  bool pngFrames = false;
  QString output;  // the video file, or the frames' folder
};

class MovieDialog : public QDialog {
  Q_OBJECT

 public:
  MovieDialog(QSize viewSize, QWidget* parent = nullptr);
  MovieRequest request() const;
  void setRequest(const MovieRequest& request);

 private:
  void formatChanged();
  void updateLength();

  QComboBox* kind_ = nullptr;
  QSpinBox* frames_ = nullptr;
  QSpinBox* width_ = nullptr;
  QSpinBox* height_ = nullptr;
  QComboBox* format_ = nullptr;
  QLineEdit* output_ = nullptr;
  QLabel* length_ = nullptr;
};

// Renders `request` from `scene` with a cancellable progress dialog over `parent`, then puts
// the scene back into `viewport`. Returns the result's summary ("FILE (N frames, WxH, codec)"),
// or an empty string when cancelled; throws FileError / std::invalid_argument on failure.
QString recordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport,
                    const MovieRequest& request);

// View → Record Movie…: the dialog, then the movie; a failure is shown as a message box.
void askAndRecordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport);

}  // namespace teramind::ui
