#pragma once

#include <QDialog>
#include <QString>
#include <filesystem>

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
  int width = 1920, height = 1080;
  bool pngFrames = false;
  QString output;  // the video file, or the frames' folder
};

// Where a new movie goes: beside the session file when there is one, else in ~/Videos (the
// desktop's videos folder) when it exists, else in the home folder; named
// teramind-turntable.mp4 or teramind-flythrough.mp4.
QString defaultMoviePath(const QString& sessionFile, render::MovieKind kind);

// The sizes offered: 1280 × 720, 1920 × 1080 (the default) and the 3D view's own (made even, as
// video wants). Record asks before replacing a file, or writing frames into a folder that
// holds files.
class MovieDialog : public QDialog {
  Q_OBJECT

 public:
  // `sessionFile`: the open session's file, if any (the movie goes beside it).
  MovieDialog(QSize viewSize, QWidget* parent = nullptr, const QString& sessionFile = {});
  MovieRequest request() const;
  void setRequest(const MovieRequest& request);
  void accept() override;

 private:
  void kindChanged();
  void formatChanged();
  void updateLength();
  int addSize(QSize size, const QString& text);

  QString sessionFile_;
  QComboBox* kind_ = nullptr;
  QSpinBox* frames_ = nullptr;
  QComboBox* size_ = nullptr;
  QComboBox* format_ = nullptr;
  QLineEdit* output_ = nullptr;
  QLabel* length_ = nullptr;
};

// The file (or frames' folder) `request` writes: its output with ".mp4" added for a video
// without a video extension, the extension dropped for frames; empty when no output is named.
std::filesystem::path movieOutputPath(const MovieRequest& request);

// Renders `request` from `scene` with a cancellable progress dialog over `parent`, then puts
// the scene back into `viewport`. Returns the result's summary ("FILE (N frames, WxH, codec)"),
// or an empty string when cancelled; throws FileError / std::invalid_argument on failure.
QString recordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport,
                    const MovieRequest& request);

// View → Record Movie…: the dialog, then the movie; a failure is shown as a message box.
void askAndRecordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport);

}  // namespace teramind::ui
