#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSurfaceFormat>
#include <QTimer>
#include <cstdio>
#include <memory>

#include "MainWindow.h"
#include "StudioSceneBinding.h"
#include "VtkViewport.h"
#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"
#include "studio/DatasetReadPrompt.h"

int main(int argc, char** argv) {
  // VTK needs a core profile; it must be the default before the application exists.
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  QSurfaceFormat::setDefaultFormat(format);

  // QGuiApplication takes "-session NAME" (X11 session management) out of argv, which would
  // swallow our --session: the arguments are parsed as they were given.
  QStringList arguments;
  for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
  // --help needs no display (a server, a terminal over ssh).
  for (const QString& a : arguments)
    if (a == QLatin1String("-h") || a == QLatin1String("--help") ||
        a == QLatin1String("--help-all"))
      qputenv("QT_QPA_PLATFORM", "offscreen");
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
  QCommandLineOption sessionOption(QStringLiteral("session"),
                                   QStringLiteral("Studio session to open (JSON)"),
                                   QStringLiteral("FILE"));
  QCommandLineOption sizeOption(QStringLiteral("size"),
                                QStringLiteral("Window size for --screenshot (default 1440x900)"),
                                QStringLiteral("WxH"), QStringLiteral("1440x900"));
  QCommandLineOption attentionOption(
      QStringLiteral("attention"),
      QStringLiteral("With --screenshot: compute the attention first"));
  QCommandLineOption attentionCsvOption(
      QStringLiteral("attention-csv"),
      QStringLiteral("With --attention: also write the dock's matrix (clustered order) as CSV"),
      QStringLiteral("FILE"));
  QCommandLineOption generateOption(
      QStringLiteral("generate"),
      QStringLiteral("With --screenshot: run the job dock's job (the demo block) first"));
  QCommandLineOption saveSessionOption(
      QStringLiteral("save-session"),
      QStringLiteral("With --screenshot: save the session (with its output and attention) first"),
      QStringLiteral("FILE"));
  parser.addOption(saveSessionOption);
  parser.addOptions({atlasOption, resolutionOption, selectOption, screenshotOption, datasetOption,
                     noDatasetOption, modelOption, sessionOption, sizeOption, attentionOption,
                     attentionCsvOption, generateOption});
  parser.process(arguments);

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
  // A session brings its own dataset and model; the bundled demo is opened only without one.
  const bool session = parser.isSet(sessionOption);
  if (!parser.isSet(noDatasetOption) && (!session || parser.isSet(datasetOption))) {
    try {
      const std::filesystem::path path =
          parser.isSet(datasetOption)
              ? std::filesystem::path(parser.value(datasetOption).toStdString())
              : teramind::bundledDemoDataset();
      // A table that needs a column map and pixel size is asked about (ReadOptionsDialog) when
      // someone is there to answer; a scripted run says why it cannot be read.
      if (!parser.isSet(screenshotOption) && teramind::datasetReadPrompt(path))
        window.openDataset(path);
      else
        window.showDataset(
            std::make_shared<const teramind::SpatialDataset>(teramind::loadSpatialDataset(path)),
            path);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "teramind-studio: error: %s\n", e.what());
      if (!parser.isSet(screenshotOption))
        QMessageBox::critical(nullptr, QStringLiteral("Cannot open the dataset"),
                              QString::fromStdString(e.what()));
      return 1;
    }
  }
  if (!session || parser.isSet(modelOption)) try {
      const std::filesystem::path path =
          parser.isSet(modelOption) ? std::filesystem::path(parser.value(modelOption).toStdString())
                                    : teramind::bundledDemoModel();
      window.setModel(
          std::make_shared<const teramind::MorphologyModel>(teramind::MorphologyModel::load(path)),
          path);
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
  if (parser.isSet(sessionOption) && !window.openSession(parser.value(sessionOption))) {
    std::fprintf(stderr, "teramind-studio: error: %s\n", qPrintable(window.lastError()));
    return 1;
  }
  const bool scripted = parser.isSet(screenshotOption);
  if (scripted) {
    const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
    const int w = size.size() == 2 ? size[0].toInt() : 0,
              h = size.size() == 2 ? size[1].toInt() : 0;
    if (w < 320 || h < 240) {
      std::fprintf(stderr, "teramind-studio: error: --size %s is not WxH of at least 320x240\n",
                   qPrintable(parser.value(sizeOption)));
      return 1;
    }
    window.resize(w, h);
  } else {
    window.restoreSettings();
  }
  window.show();

  int status = 0;
  if (scripted) {
    // The scripted view: wait for the prepared condition, optionally compute the attention and
    // run the job dock's job, then grab the whole window.
    const QString file = parser.value(screenshotOption);
    const bool attention = parser.isSet(attentionOption), generate = parser.isSet(generateOption);
    const QString attentionCsv = parser.value(attentionCsvOption);
    const QString saveSession = parser.value(saveSessionOption);
    auto* poll = new QTimer(&window);
    enum class Stage { Preparing, Attention, Generating, Settling };
    auto stage = std::make_shared<Stage>(Stage::Preparing);
    auto settle = std::make_shared<int>(0);
    QObject::connect(poll, &QTimer::timeout, &window, [=, &window, &status] {
      const bool needsCondition = attention || generate;
      switch (*stage) {
        case Stage::Preparing:
          if (window.studio().busy()) return;  // loading, or preparing the condition
          if (needsCondition && !window.conditionReady() && window.model()) return;
          if (attention && window.conditionReady()) window.computeAttention();
          *stage = Stage::Attention;
          return;
        case Stage::Attention:
          if (window.attentionBusy() || window.studio().busy()) return;
          if (attention && !attentionCsv.isEmpty()) {
            if (!window.exportAttentionCsv(attentionCsv)) {
              std::fprintf(stderr, "teramind-studio: error: %s\n", qPrintable(window.lastError()));
              status = 1;
              QApplication::quit();
              return;
            }
            std::printf("attention_csv: %s\n", qPrintable(attentionCsv));
          }
          if (generate && !window.startGeneration()) {
            std::fprintf(stderr, "teramind-studio: error: %s\n", qPrintable(window.lastError()));
            status = 1;
            QApplication::quit();
            return;
          }
          *stage = Stage::Generating;
          return;
        case Stage::Generating:
          if (window.jobActive()) return;
          *stage = Stage::Settling;
          return;
        case Stage::Settling:
          if (++*settle < 5) return;  // a few frames for the last tiles
          break;
      }
      poll->stop();
      if (!saveSession.isEmpty()) {
        if (!window.saveSession(saveSession)) {
          std::fprintf(stderr, "teramind-studio: error: %s\n", qPrintable(window.lastError()));
          status = 1;
        } else {
          std::printf("session: %s\n", qPrintable(saveSession));
        }
      }
      const QImage image = window.grab().toImage();
      if (image.isNull() || !image.save(file)) {
        std::fprintf(stderr, "teramind-studio: error: cannot write %s\n", qPrintable(file));
        status = 1;
      } else {
        std::printf("screenshot: %s (%dx%d)\n", qPrintable(file), image.width(), image.height());
        const teramind::StudioState& state = window.studio().state();
        if (window.sceneBinding()->tilesShown() > 0)
          std::printf("generated_tiles: %d\n", window.sceneBinding()->tilesShown());
        if (generate) std::printf("job: %s\n", state.jobStatus.text().c_str());
        if (state.attention)
          std::printf("attention: %zu genes on plane %d\n", state.attention->genes().size(),
                      state.attentionPlane);
        if (state.hasEdits())
          std::printf("edits: %zu\n", state.workspace.condition().edits().size());
      }
      QApplication::quit();
    });
    poll->start(100);
  }
  const int rc = QApplication::exec();
  return status ? status : rc;
}
