#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSurfaceFormat>
#include <QTimer>
#include <cstdio>
#include <memory>

#include "MainWindow.h"
#include "VtkViewport.h"
#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"

int main(int argc, char** argv) {
  // VTK needs a core profile; it must be the default before the application exists.
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  QSurfaceFormat::setDefaultFormat(format);

  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Tera-MIND Studio"));
  QApplication::setOrganizationName(QStringLiteral("Tera-MIND"));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Tera-MIND Studio: simulate 3D mouse-brain tissue"));
  parser.addHelpOption();
  QCommandLineOption atlasOption(QStringLiteral("atlas"), QStringLiteral("Allen CCFv3 directory"),
                                 QStringLiteral("DIR"));
  QCommandLineOption resolutionOption(QStringLiteral("resolution"),
                                      QStringLiteral("Atlas resolution (µm)"), QStringLiteral("UM"),
                                      QStringLiteral("0"));
  QCommandLineOption selectOption(QStringLiteral("select"),
                                  QStringLiteral("Structure to highlight"),
                                  QStringLiteral("ACRONYM"));
  QCommandLineOption screenshotOption(
      QStringLiteral("screenshot"), QStringLiteral("Save the window as PNG once shown, then quit"),
      QStringLiteral("FILE"));
  QCommandLineOption datasetOption(
      QStringLiteral("dataset"),
      QStringLiteral("Spatial dataset to open (default: the bundled Vizgen demo crop)"),
      QStringLiteral("PATH"));
  QCommandLineOption noDatasetOption(QStringLiteral("no-dataset"),
                                     QStringLiteral("Open the atlas only"));
  QCommandLineOption modelOption(
      QStringLiteral("model"),
      QStringLiteral("Diffusion model checkpoint (default: the bundled demo model)"),
      QStringLiteral("FILE"));
  parser.addOptions({atlasOption, resolutionOption, selectOption, screenshotOption, datasetOption,
                     noDatasetOption, modelOption});
  parser.process(app);

  std::shared_ptr<const teramind::Atlas> atlas;
  try {
    const std::filesystem::path dir =
        parser.isSet(atlasOption) ? std::filesystem::path(parser.value(atlasOption).toStdString())
                                  : teramind::bundledAtlasDirectory();
    atlas = std::make_shared<const teramind::Atlas>(
        teramind::Atlas::load(dir, parser.value(resolutionOption).toInt()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "teramind-studio: error: %s\n", e.what());
    if (!parser.isSet(screenshotOption))
      QMessageBox::critical(nullptr, QStringLiteral("Cannot open the atlas"),
                            QString::fromStdString(e.what()));
    return 1;
  }

  teramind::ui::MainWindow window(atlas);
  if (!parser.isSet(noDatasetOption)) {
    try {
      const std::filesystem::path path =
          parser.isSet(datasetOption)
              ? std::filesystem::path(parser.value(datasetOption).toStdString())
              : teramind::bundledDemoDataset();
      window.showDataset(
          std::make_shared<const teramind::SpatialDataset>(teramind::loadSpatialDataset(path)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "teramind-studio: error: %s\n", e.what());
      if (!parser.isSet(screenshotOption))
        QMessageBox::critical(nullptr, QStringLiteral("Cannot open the dataset"),
                              QString::fromStdString(e.what()));
      return 1;
    }
  }
  try {
    const std::filesystem::path path =
        parser.isSet(modelOption) ? std::filesystem::path(parser.value(modelOption).toStdString())
                                  : teramind::bundledDemoModel();
    window.setModel(
        std::make_shared<const teramind::MorphologyModel>(teramind::MorphologyModel::load(path)));
  } catch (const std::exception& e) {
    // The studio stays useful without a model; generation needs one.
    std::fprintf(stderr, "teramind-studio: warning: no model: %s\n", e.what());
    if (parser.isSet(modelOption) && !parser.isSet(screenshotOption))
      QMessageBox::warning(nullptr, QStringLiteral("Cannot open the model"),
                           QString::fromStdString(e.what()));
  }
  if (parser.isSet(selectOption) && !window.selectStructure(parser.value(selectOption))) {
    std::fprintf(stderr, "teramind-studio: error: unknown structure '%s'\n",
                 qPrintable(parser.value(selectOption)));
    return 1;
  }
  window.show();

  int status = 0;
  if (parser.isSet(screenshotOption)) {
    const QString file = parser.value(screenshotOption);
    QTimer::singleShot(500, &window, [&window, &status, file] {
      const QImage image = window.grab().toImage();
      if (image.isNull() || !image.save(file)) {
        std::fprintf(stderr, "teramind-studio: error: cannot write %s\n", qPrintable(file));
        status = 1;
      } else {
        std::printf("screenshot: %s (%dx%d)\n", qPrintable(file), image.width(), image.height());
      }
      QApplication::quit();
    });
  }
  const int rc = QApplication::exec();
  return status ? status : rc;
}
