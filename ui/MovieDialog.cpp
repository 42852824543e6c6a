#include "MovieDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <stdexcept>

#include "AtlasScene.h"
#include "MovieWriter.h"
#include "VtkViewport.h"

namespace teramind::ui {
namespace {

constexpr int kFramesPerSecond = 30;

// Remembered for the next time the dialog opens in this run.
MovieRequest& lastRequest() {
  static MovieRequest request;
  return request;
}

QString movieBaseName(render::MovieKind kind) {
  return kind == render::MovieKind::FlyThrough ? QStringLiteral("teramind-flythrough")
                                               : QStringLiteral("teramind-turntable");
}

QString sizeText(QSize size) {
  return QStringLiteral("%1 × %2").arg(size.width()).arg(size.height());
}

}  // namespace

QString defaultMoviePath(const QString& sessionFile, render::MovieKind kind) {
  QString folder;
  if (!sessionFile.isEmpty()) {
    folder = QFileInfo(sessionFile).absolutePath();
  } else {
    folder = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) folder = QDir::homePath();
  }
  return QDir(folder).filePath(movieBaseName(kind) + QStringLiteral(".mp4"));
}

MovieDialog::MovieDialog(QSize viewSize, QWidget* parent, const QString& sessionFile)
    : QDialog(parent), sessionFile_(sessionFile) {
  setWindowTitle(tr("Record Movie"));
  auto* form = new QFormLayout(this);
  kind_ = new QComboBox(this);
  kind_->setObjectName(QStringLiteral("movie-kind"));
  kind_->addItem(tr("Turntable (360° about the view's up axis)"));
  kind_->addItem(tr("Fly-through (a cut sweeping front to back)"));
  form->addRow(tr("Movie"), kind_);
  frames_ = new QSpinBox(this);
  frames_->setRange(2, 3600);
  frames_->setValue(120);
  length_ = new QLabel(this);
  auto* framesRow = new QHBoxLayout;
  framesRow->addWidget(frames_);
  framesRow->addWidget(length_, 1);
  form->addRow(tr("Frames"), framesRow);
  size_ = new QComboBox(this);
  size_->setObjectName(QStringLiteral("movie-size"));
  addSize({1280, 720}, tr("1280 × 720 (720p)"));
  size_->setCurrentIndex(addSize({1920, 1080}, tr("1920 × 1080 (1080p)")));
  // Even, as video wants.
  const QSize view(std::max(16, viewSize.width() & ~1), std::max(16, viewSize.height() & ~1));
  addSize(view, tr("%1 (the 3D view's)").arg(sizeText(view)));
  form->addRow(tr("Size"), size_);
  format_ = new QComboBox(this);
  format_->setObjectName(QStringLiteral("movie-format"));
  format_->addItems({tr("MP4 video"), tr("PNG frames (a folder)")});
  form->addRow(tr("Format"), format_);
  auto* outputRow = new QHBoxLayout;
  output_ = new QLineEdit(defaultMoviePath(sessionFile_, render::MovieKind::Turntable), this);
  output_->setObjectName(QStringLiteral("movie-output"));
  // Wide enough to read a folder and the name.
  output_->setMinimumWidth(output_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 48);
  auto* browse = new QPushButton(tr("…"), this);
  outputRow->addWidget(output_, 1);
  outputRow->addWidget(browse);
  form->addRow(tr("Save to"), outputRow);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Record"));
  form->addRow(buttons);

  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(kind_, &QComboBox::currentIndexChanged, this, &MovieDialog::kindChanged);
  connect(format_, &QComboBox::currentIndexChanged, this, &MovieDialog::formatChanged);
  connect(frames_, &QSpinBox::valueChanged, this, &MovieDialog::updateLength);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString path =
        format_->currentIndex() == 1
            ? QFileDialog::getExistingDirectory(this, tr("Folder for the frames"), output_->text())
            : QFileDialog::getSaveFileName(this, tr("Save movie"), output_->text(),
                                           tr("MP4 video (*.mp4)"));
    if (!path.isEmpty()) output_->setText(path);
  });
  updateLength();
}

MovieRequest MovieDialog::request() const {
  MovieRequest r;
  r.kind =
      kind_->currentIndex() == 1 ? render::MovieKind::FlyThrough : render::MovieKind::Turntable;
  r.frames = frames_->value();
  const QSize size = size_->currentData().toSize();
  r.width = size.width();
  r.height = size.height();
  r.pngFrames = format_->currentIndex() == 1;
  r.output = output_->text().trimmed();
  return r;
}

void MovieDialog::setRequest(const MovieRequest& r) {
  kind_->blockSignals(true);
  kind_->setCurrentIndex(r.kind == render::MovieKind::FlyThrough ? 1 : 0);
  kind_->blockSignals(false);
  frames_->setValue(r.frames);
  const QSize size(r.width, r.height);
  int index = size_->findData(size);
  if (index < 0) index = addSize(size, sizeText(size));
  size_->setCurrentIndex(index);
  format_->blockSignals(true);
  format_->setCurrentIndex(r.pngFrames ? 1 : 0);
  format_->blockSignals(false);
  if (!r.output.isEmpty()) output_->setText(r.output);
  updateLength();
}

int MovieDialog::addSize(QSize size, const QString& text) {
  size_->addItem(text, size);
  return size_->count() - 1;
}

// A name the dialog chose follows the movie's kind (teramind-turntable → teramind-flythrough);
// one the user typed is kept.
void MovieDialog::kindChanged() {
  const QString name = output_->text().trimmed();
  const QFileInfo info(name);
  const auto kind =
      kind_->currentIndex() == 1 ? render::MovieKind::FlyThrough : render::MovieKind::Turntable;
  const auto other = kind == render::MovieKind::FlyThrough ? render::MovieKind::Turntable
                                                           : render::MovieKind::FlyThrough;
  const QString was = movieBaseName(other);
  if (!info.fileName().startsWith(was)) return;
  const QString renamed = movieBaseName(kind) + info.fileName().mid(was.size());
  output_->setText(name.left(name.size() - info.fileName().size()) + renamed);
}

// Never replaces a file silently: an existing video, or a folder with files for frames, is
// used only when the user says so.
void MovieDialog::accept() {
  const MovieRequest r = request();
  if (r.output.isEmpty()) return;
  const QFileInfo target(QString::fromStdString(movieOutputPath(r).string()));
  QString question;
  if (!r.pngFrames && target.exists())
    question = tr("%1 exists. Replace it?").arg(target.absoluteFilePath());
  else if (r.pngFrames && target.isDir() &&
           !QDir(target.absoluteFilePath()).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot))
    question = tr("%1 holds files already; frames of the same name will be replaced. Write the "
                  "frames there?")
                   .arg(target.absoluteFilePath());
  if (!question.isEmpty() &&
      QMessageBox::question(this, tr("Replace?"), question, QMessageBox::Yes | QMessageBox::No,
                            QMessageBox::No) != QMessageBox::Yes)
    return;
  QDialog::accept();
}

// A video file name becomes a folder name and back, so the choice and the name agree.
void MovieDialog::formatChanged() {
  QString name = output_->text().trimmed();
  const bool video = render::MovieWriter::isVideoFile(name.toStdString());
  if (format_->currentIndex() == 1 && video)
    name = name.left(name.lastIndexOf(QLatin1Char('.'))) + QStringLiteral("_frames");
  else if (format_->currentIndex() == 0 && !video)
    name += QStringLiteral(".mp4");
  output_->setText(name);
}

void MovieDialog::updateLength() {
  length_->setText(tr("%1 s at %2 frames/s")
                       .arg(double(frames_->value()) / kFramesPerSecond, 0, 'f', 1)
                       .arg(kFramesPerSecond));
}

std::filesystem::path movieOutputPath(const MovieRequest& request) {
  std::filesystem::path output = request.output.toStdString();
  if (output.empty()) return output;
  // The format chosen wins over the name: frames never go into "x.mp4/", nor a video into a
  // folder name.
  if (!request.pngFrames && !render::MovieWriter::isVideoFile(output)) output += ".mp4";
  if (request.pngFrames && render::MovieWriter::isVideoFile(output)) output.replace_extension();
  return output;
}

QString recordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport,
                    const MovieRequest& request) {
  const std::filesystem::path output = movieOutputPath(request);
  if (output.empty()) throw std::invalid_argument("no file to save the movie to");
  render::MovieOptions options;
  options.kind = request.kind;
  options.frames = request.frames;
  options.width = request.width;
  options.height = request.height;
  options.framesPerSecond = kFramesPerSecond;
  QProgressDialog progress(QObject::tr("Recording the movie…"), QObject::tr("Cancel"), 0,
                           request.frames, parent);
  progress.setWindowModality(Qt::WindowModal);
  progress.setMinimumDuration(300);
  const auto reattach = [viewport, &scene] {
    if (viewport) {
      viewport->setRenderer(scene.renderer());
      viewport->requestRender();
    }
  };
  try {
    const render::MovieResult result =
        render::recordMovie(scene, output, options, [&progress](int done, int) {
          progress.setValue(done);  // a modal progress dialog also runs the event loop
          return !progress.wasCanceled();
        });
    reattach();
    return QString::fromStdString(result.summary());
  } catch (const std::runtime_error& e) {
    reattach();
    if (progress.wasCanceled()) return {};
    throw;
  } catch (...) {
    reattach();
    throw;
  }
}

void askAndRecordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport) {
  // The session's file is the window's file path (MainWindow sets it on saving or opening one).
  MovieDialog dialog(viewport ? viewport->size() : QSize(1280, 720), parent,
                     parent ? parent->window()->windowFilePath() : QString());
  if (!lastRequest().output.isEmpty()) dialog.setRequest(lastRequest());
  if (dialog.exec() != QDialog::Accepted) return;
  lastRequest() = dialog.request();
  try {
    const QString summary = recordMovie(parent, scene, viewport, dialog.request());
    if (summary.isEmpty()) return;
    QMessageBox::information(parent, QObject::tr("Movie recorded"), summary);
  } catch (const std::exception& e) {
    QMessageBox::warning(parent, QObject::tr("Cannot record the movie"),
                         QString::fromUtf8(e.what()));
  }
}

}  // namespace teramind::ui
