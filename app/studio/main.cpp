#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QImage>
#include <QMessageBox>
#include <QSurfaceFormat>
#include <QTimer>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "AtlasScene.h"
#include "MainWindow.h"
#include "SceneMovie.h"
#include "StudioSceneBinding.h"
#include "VtkViewport.h"
#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"
#include "studio/DatasetReadPrompt.h"
#include "studio/SectionViewModel.h"

namespace {

// `--view-um X,Y,W`: the section µm at the view's left and top edges and the width shown.
std::optional<std::array<double, 3>> parseViewUm(const QString& text) {
  const QStringList parts = text.split(QLatin1Char(','));
  if (parts.size() != 3) return std::nullopt;
  std::array<double, 3> v{};
  for (int i = 0; i < 3; ++i) {
    bool ok = false;
    v[std::size_t(i)] = parts[i].trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v[std::size_t(i)])) return std::nullopt;
  }
  if (!(v[2] > 0)) return std::nullopt;
  return v;
}

// The level the first visible image layer is drawn at (-1 when none shows).
int levelShown(const teramind::SectionViewModel& model) {
  const teramind::SectionScene& scene = model.scene();
  for (auto it = scene.layers().rbegin(); it != scene.layers().rend(); ++it)
    if (it->style.visible && it->kind == teramind::SectionLayerKind::Image)
      if (const auto source = scene.source(it->source))
        return teramind::levelForScale(source->info(), model.camera().umPerPixel);
  return -1;
}

// `--section PATH --screenshot FILE`: the section view alone, rendered at `width` × `height`
// once every tile it needs is cached (driven by the event loop: the GUI thread never waits),
// saved as PNG; the window is never shown. Returns through `status` and quits the loop.
void scheduleSectionScreenshot(teramind::ui::MainWindow& window, const QString& file, int width,
                               int height, std::optional<std::array<double, 3>> viewUm,
                               int& status) {
  teramind::SectionViewModel& model = window.sectionModel();
  const std::size_t messagesBefore = model.messages().size();
  model.resize(width, height);
  if (viewUm) model.showRegion((*viewUm)[0], (*viewUm)[1], (*viewUm)[2]);
  auto* poll = new QTimer(&window);
  QElapsedTimer clock;
  clock.start();
  const auto fail = [poll, &status](const std::string& text) {
    poll->stop();
    std::fprintf(stderr, "teramind-studio: error: %s\n", text.c_str());
    status = 1;
    QApplication::quit();
  };
  QObject::connect(poll, &QTimer::timeout, &window, [=, &model, &status]() mutable {
    for (std::size_t i = messagesBefore; i < model.messages().size(); ++i)
      if (model.messages()[i].kind == teramind::StudioMessage::Kind::Error)
        return fail(model.messages()[i].text);
    if (clock.elapsed() > 120000)
      return fail("the section view was not drawn within 120 s (" +
                  std::to_string(model.lastStats().missing.size()) + " tiles missing)");
    if (model.busy() || model.scene().layers().empty()) return;
    const teramind::RgbaImage frame = model.render();  // asks the loader for what it lacks
    if (!model.lastStats().complete()) return;
    poll->stop();
    const QImage image(frame.pixels.data(), frame.width, frame.height, frame.width * 4,
                       QImage::Format_RGBA8888);
    if (image.isNull() || !image.save(file, "PNG")) {
      std::fprintf(stderr, "teramind-studio: error: cannot write %s\n", qPrintable(file));
      status = 1;
    } else {
      std::printf("screenshot: %s (%dx%d)\n", qPrintable(file), image.width(), image.height());
      std::printf("section_view: level %d, %d tiles, um_per_px %g\n", levelShown(model),
                  model.lastStats().tilesDrawn, model.camera().umPerPixel);
    }
    QApplication::quit();
  });
  poll->start(50);
}

// `--movie KIND --movie-out FILE.mp4|DIR`: once the studio has loaded (and the section's
// picture has arrived from its pyramid, up to a minute), the 3D view's movie rendered offscreen;
// the window is never shown. Returns through `status` and quits the loop.
void scheduleMovie(teramind::ui::MainWindow& window, const std::filesystem::path& output,
                   const teramind::render::MovieOptions& options, int& status) {
  auto* poll = new QTimer(&window);
  QElapsedTimer clock;
  clock.start();
  QObject::connect(poll, &QTimer::timeout, &window, [=, &window, &status] {
    if (window.studio().busy() && clock.elapsed() < 120000) return;
    if (window.sceneBinding()->overviewPending() && clock.elapsed() < 60000) return;
    poll->stop();
    try {
      const auto result = teramind::render::recordMovie(window.scene(), output, options);
      std::printf("movie: %s\n", result.summary().c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "teramind-studio: error: %s\n", e.what());
      status = 1;
    }
    QApplication::quit();
  });
  poll->start(100);
}

}  // namespace

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
  QCommandLineOption sectionOption(
      QStringLiteral("section"),
      QStringLiteral("Show PATH in the section view (an OME-Zarr image or job output, a TIFF, a "
                     "dataset); with --screenshot, render the section view alone"),
      QStringLiteral("PATH"));
  QCommandLineOption viewUmOption(
      QStringLiteral("view-um"),
      QStringLiteral("With --section: the section µm at the view's left and top edges and the "
                     "width shown"),
      QStringLiteral("X,Y,W"));
  QCommandLineOption sectionGeneratedOption(
      QStringLiteral("section-generated"),
      QStringLiteral("With --section: also show this job output (OME-Zarr) as the generated "
                     "stains, to compare with the real ones"),
      QStringLiteral("OUT"));
  QCommandLineOption compareOption(
      QStringLiteral("compare"),
      QStringLiteral("With --section: overlay, side-by-side, or swipe[:FRACTION] (real left, "
                     "generated right)"),
      QStringLiteral("MODE"));
  parser.addOptions({sectionOption, viewUmOption, sectionGeneratedOption, compareOption});
  QCommandLineOption saveSessionOption(
      QStringLiteral("save-session"),
      QStringLiteral("With --screenshot: save the session (with its output and attention) first"),
      QStringLiteral("FILE"));
  parser.addOption(saveSessionOption);
  QCommandLineOption movieOption(
      QStringLiteral("movie"),
      QStringLiteral("Render a movie of the 3D view (turntable, or flythrough: a cut sweeping "
                     "across the coronal planes) to --movie-out, then quit"),
      QStringLiteral("KIND"));
  QCommandLineOption movieOutOption(
      QStringLiteral("movie-out"),
      QStringLiteral("With --movie: an .mp4 file, or a folder for PNG frames"),
      QStringLiteral("FILE|DIR"));
  QCommandLineOption movieFramesOption(QStringLiteral("movie-frames"),
                                       QStringLiteral("With --movie: frames (default 120)"),
                                       QStringLiteral("N"), QStringLiteral("120"));
  parser.addOptions({movieOption, movieOutOption, movieFramesOption});
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
  // --section shows its own path: the bundled demo is not opened beside it (its dataset would
  // replace the section view's content when it lands), only a --dataset asked for.
  const bool defaultDataset = !session && !parser.isSet(sectionOption);
  if (!parser.isSet(noDatasetOption) && (defaultDataset || parser.isSet(datasetOption))) {
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
  const bool section = parser.isSet(sectionOption);
  std::optional<std::array<double, 3>> viewUm;
  if (parser.isSet(viewUmOption) && !(viewUm = parseViewUm(parser.value(viewUmOption)))) {
    std::fprintf(stderr, "teramind-studio: error: --view-um %s is not X,Y,W in µm (W > 0)\n",
                 qPrintable(parser.value(viewUmOption)));
    return 1;
  }
  if (section) {
    const std::filesystem::path path = parser.value(sectionOption).toStdString();
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      std::fprintf(stderr, "teramind-studio: error: %s: no such file or folder\n",
                   path.string().c_str());
      return 1;
    }
    window.openSectionPath(path);
    if (parser.isSet(sectionGeneratedOption)) {
      const std::filesystem::path output = parser.value(sectionGeneratedOption).toStdString();
      if (!std::filesystem::exists(output, error)) {
        std::fprintf(stderr, "teramind-studio: error: %s: no such file or folder\n",
                     output.string().c_str());
        return 1;
      }
      window.sectionModel().showOutput(output, false);
    }
    if (parser.isSet(compareOption)) {
      const QString mode = parser.value(compareOption);
      const QStringList parts = mode.split(QLatin1Char(':'));
      bool fractionOk = true;
      const double fraction = parts.size() == 2 ? parts[1].toDouble(&fractionOk) : 0.5;
      if (parts[0] == QLatin1String("overlay") && parts.size() == 1)
        window.sectionModel().setCompareMode(teramind::CompareMode::Overlay);
      else if (parts[0] == QLatin1String("side-by-side") && parts.size() == 1)
        window.sectionModel().setCompareMode(teramind::CompareMode::SideBySide);
      else if (parts[0] == QLatin1String("swipe") && parts.size() <= 2 && fractionOk &&
               fraction >= 0 && fraction <= 1) {
        window.sectionModel().setCompareMode(teramind::CompareMode::Swipe);
        window.sectionModel().setSwipe(fraction);
      } else {
        std::fprintf(stderr,
                     "teramind-studio: error: --compare %s is not overlay, side-by-side or "
                     "swipe[:FRACTION in 0..1]\n",
                     qPrintable(mode));
        return 1;
      }
    }
  } else if (parser.isSet(sectionGeneratedOption) || parser.isSet(compareOption)) {
    std::fprintf(stderr,
                 "teramind-studio: error: --section-generated and --compare need --section\n");
    return 1;
  }
  if (parser.isSet(movieOption)) {
    // The 3D view's movie at --size (1280x720 unless given), the window never shown.
    teramind::render::MovieOptions options;
    try {
      options.kind = teramind::render::parseMovieKind(parser.value(movieOption).toStdString());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "teramind-studio: error: --movie: %s\n", e.what());
      return 1;
    }
    if (!parser.isSet(movieOutOption)) {
      std::fprintf(stderr, "teramind-studio: error: --movie needs --movie-out FILE.mp4|DIR\n");
      return 1;
    }
    bool framesOk = false;
    options.frames = parser.value(movieFramesOption).toInt(&framesOk);
    const QStringList size =
        (parser.isSet(sizeOption) ? parser.value(sizeOption) : QStringLiteral("1280x720"))
            .split(QLatin1Char('x'));
    options.width = size.size() == 2 ? size[0].toInt() : 0;
    options.height = size.size() == 2 ? size[1].toInt() : 0;
    if (!framesOk || options.frames < 1 || options.frames > 100000) {
      std::fprintf(stderr, "teramind-studio: error: --movie-frames %s is not 1 to 100000\n",
                   qPrintable(parser.value(movieFramesOption)));
      return 1;
    }
    if (options.width < 16 || options.height < 16 || options.width > 8192 ||
        options.height > 8192) {
      std::fprintf(stderr, "teramind-studio: error: --size %s is not WxH of 16 to 8192 px\n",
                   qPrintable(parser.value(sizeOption)));
      return 1;
    }
    int status = 0;
    scheduleMovie(window, parser.value(movieOutOption).toStdString(), options, status);
    const int rc = QApplication::exec();
    return status ? status : rc;
  }
  if (scripted && section) {
    // The section view alone, at --size (1280x800 unless given).
    const QStringList size =
        (parser.isSet(sizeOption) ? parser.value(sizeOption) : QStringLiteral("1280x800"))
            .split(QLatin1Char('x'));
    const int w = size.size() == 2 ? size[0].toInt() : 0,
              h = size.size() == 2 ? size[1].toInt() : 0;
    if (w < 64 || h < 64 || w > 8192 || h > 8192) {
      std::fprintf(stderr, "teramind-studio: error: --size %s is not WxH of 64 to 8192 px\n",
                   qPrintable(parser.value(sizeOption)));
      return 1;
    }
    int status = 0;
    scheduleSectionScreenshot(window, parser.value(screenshotOption), w, h, viewUm, status);
    const int rc = QApplication::exec();
    return status ? status : rc;
  }
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
  if (viewUm) window.showSectionExplorer();  // the region is the section view's
  window.show();
  // The region once the section view has its size (its first resize is delivered on show).
  if (viewUm)
    QTimer::singleShot(
        0, &window, [&window, v = *viewUm] { window.sectionModel().showRegion(v[0], v[1], v[2]); });

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
          // The section's picture in the 3D view comes from its pyramid tiles, read on the
          // section view's workers (at most 30 s more).
          if (window.studio().state().hasStains() && !window.scene().hasSection() && *settle < 300)
            return;
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
