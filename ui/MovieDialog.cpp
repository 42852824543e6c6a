#include "MovieDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSpinBox>
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

}  // namespace

MovieDialog::MovieDialog(QSize viewSize, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Record Movie"));
  auto* form = new QFormLayout(this);
  kind_ = new QComboBox(this);
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
  width_ = new QSpinBox(this);
  height_ = new QSpinBox(this);
  for (QSpinBox* s : {width_, height_}) {
    s->setRange(16, 8192);
    s->setSuffix(tr(" px"));
  }
  // Even, as video wants: the view's own size by default.
  width_->setValue(std::max(16, viewSize.width() & ~1));
  height_->setValue(std::max(16, viewSize.height() & ~1));
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(width_);
  sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
  sizeRow->addWidget(height_);
  form->addRow(tr("Size"), sizeRow);
  format_ = new QComboBox(this);
  format_->addItems({tr("MP4 video"), tr("PNG frames (a folder)")});
  form->addRow(tr("Format"), format_);
  auto* outputRow = new QHBoxLayout;
  output_ = new QLineEdit(QStringLiteral("teramind.mp4"), this);
  auto* browse = new QPushButton(tr("…"), this);
  outputRow->addWidget(output_, 1);
  outputRow->addWidget(browse);
  form->addRow(tr("Save to"), outputRow);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Record"));
  form->addRow(buttons);

  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
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
  r.width = width_->value();
  r.height = height_->value();
  r.pngFrames = format_->currentIndex() == 1;
  r.output = output_->text().trimmed();
  return r;
}

void MovieDialog::setRequest(const MovieRequest& r) {
  kind_->setCurrentIndex(r.kind == render::MovieKind::FlyThrough ? 1 : 0);
  frames_->setValue(r.frames);
  width_->setValue(r.width);
  height_->setValue(r.height);
  format_->blockSignals(true);
  format_->setCurrentIndex(r.pngFrames ? 1 : 0);
  format_->blockSignals(false);
  if (!r.output.isEmpty()) output_->setText(r.output);
  updateLength();
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

QString recordMovie(QWidget* parent, render::AtlasScene& scene, VtkViewport* viewport,
                    const MovieRequest& request) {
  std::filesystem::path output = request.output.toStdString();
  if (output.empty()) throw std::invalid_argument("no file to save the movie to");
  // The format chosen wins over the name: frames never go into "x.mp4/", nor a video into a
  // folder name.
  if (!request.pngFrames && !render::MovieWriter::isVideoFile(output)) output += ".mp4";
  if (request.pngFrames && render::MovieWriter::isVideoFile(output)) output.replace_extension();
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
  MovieDialog dialog(viewport ? viewport->size() : QSize(1280, 720), parent);
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
