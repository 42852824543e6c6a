#pragma once

#include <QDockWidget>
#include <filesystem>
#include <vector>

#include "volume/TransferFunction.h"

class QComboBox;
class QPushButton;

namespace teramind::ui {

class TransferFunctionEditor;

// The template's look: a preset (bundled ones and the user's own) and the editor for its
// opacity and colours; changes apply at once. Saved presets go to the user's preset folder.
class VolumeDock : public QDockWidget {
  Q_OBJECT

 public:
  VolumeDock(std::filesystem::path userPresets, QWidget* parent = nullptr);

  // (Re)loads the bundled and user presets; a broken file is reported through problem(), so
  // connect that first.
  void loadPresets();
  QStringList presetNames() const;
  bool choosePreset(const QString& name);
  void showTransferFunction(const TransferFunction& tf);
  // Saves the current function under `name` in the user folder; returns the file.
  std::filesystem::path savePreset(const QString& name);
  TransferFunctionEditor* editor() const { return editor_; }
  void setHistogram(std::vector<double> counts);

 Q_SIGNALS:
  void transferFunctionChanged(const TransferFunction& tf);
  void problem(const QString& message);

 private:
  std::filesystem::path userPresets_;
  std::vector<TransferFunction> presets_;
  QComboBox* presetBox_ = nullptr;
  TransferFunctionEditor* editor_ = nullptr;
  QPushButton* saveButton_ = nullptr;
};

}  // namespace teramind::ui
