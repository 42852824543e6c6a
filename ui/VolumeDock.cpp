#include "VolumeDock.h"

#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "TransferFunctionEditor.h"
#include "common/ResourceLocator.h"

namespace teramind::ui {

VolumeDock::VolumeDock(std::filesystem::path userPresets, QWidget* parent)
    : QDockWidget(tr("Volume rendering"), parent), userPresets_(std::move(userPresets)) {
  setObjectName(QStringLiteral("volumeDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Preset"), body));
  presetBox_ = new QComboBox(body);
  row->addWidget(presetBox_, 1);
  saveButton_ = new QPushButton(tr("Save as…"), body);
  row->addWidget(saveButton_);
  layout->addLayout(row);
  editor_ = new TransferFunctionEditor(body);
  layout->addWidget(editor_, 1);
  setWidget(body);

  connect(presetBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (i < 0 || std::size_t(i) >= presets_.size()) return;
    editor_->setTransferFunction(presets_[std::size_t(i)]);
    Q_EMIT transferFunctionChanged(presets_[std::size_t(i)]);
  });
  connect(editor_, &TransferFunctionEditor::changed, this, &VolumeDock::transferFunctionChanged);
  connect(saveButton_, &QPushButton::clicked, this, [this] {
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Save transfer-function preset"), tr("Preset name"), QLineEdit::Normal,
        QString::fromStdString(editor_->transferFunction().name()), &ok);
    if (ok && !name.trimmed().isEmpty()) savePreset(name.trimmed());
  });
}

void VolumeDock::loadPresets() {
  presets_.clear();
  try {
    presets_ = loadTransferFunctionPresets(resourceDirectory() / "presets" / "transfer_functions");
  } catch (const std::exception& e) {
    Q_EMIT problem(QString::fromStdString(e.what()));
  }
  if (presets_.empty())
    presets_ = {TransferFunction::tissue(), TransferFunction::maximumIntensity()};
  if (std::filesystem::is_directory(userPresets_)) {
    try {
      for (auto& tf : loadTransferFunctionPresets(userPresets_)) {
        const auto same = std::find_if(presets_.begin(), presets_.end(),
                                       [&](const auto& p) { return p.name() == tf.name(); });
        if (same != presets_.end())
          *same = std::move(tf);
        else
          presets_.push_back(std::move(tf));
      }
    } catch (const std::exception& e) {
      Q_EMIT problem(QString::fromStdString(e.what()));
    }
  }
  const QSignalBlocker block(presetBox_);
  presetBox_->clear();
  for (const auto& p : presets_) presetBox_->addItem(QString::fromStdString(p.name()));
  presetBox_->setCurrentIndex(-1);
}

QStringList VolumeDock::presetNames() const {
  QStringList names;
  for (const auto& p : presets_) names << QString::fromStdString(p.name());
  return names;
}

bool VolumeDock::choosePreset(const QString& name) {
  const int i = presetBox_->findText(name);
  if (i < 0) return false;
  presetBox_->setCurrentIndex(i);
  return true;
}

void VolumeDock::showTransferFunction(const TransferFunction& tf) {
  editor_->setTransferFunction(tf);
  const QSignalBlocker block(presetBox_);
  presetBox_->setCurrentIndex(presetBox_->findText(QString::fromStdString(tf.name())));
}

std::filesystem::path VolumeDock::savePreset(const QString& name) {
  TransferFunction tf = editor_->transferFunction();
  tf.setName(name.toStdString());
  std::string file;
  for (QChar c : name.toLower())
    file += (c.isLetterOrNumber() && c.unicode() < 128) ? char(c.unicode()) : '-';
  const auto path = userPresets_ / (file + ".json");
  try {
    std::filesystem::create_directories(userPresets_);
    tf.save(path);
  } catch (const std::exception& e) {
    Q_EMIT problem(QString::fromStdString(e.what()));
    return {};
  }
  loadPresets();
  showTransferFunction(tf);
  return path;
}

void VolumeDock::setHistogram(std::vector<double> counts) {
  editor_->setHistogram(std::move(counts));
}

}  // namespace teramind::ui
