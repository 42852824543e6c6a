#pragma once

#include <QDockWidget>
#include <string>
#include <vector>

#include "conditions/PaintOperation.h"
#include "studio/StudioModel.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QCheckBox;
class QListWidget;

namespace teramind::ui {

// Paint tools for the condition: which gene, what to do (knock out, scale, set, add) and
// where — the selected atlas structure, or brush strokes on the section in the view — and the
// model's one undo history, where a click goes back or forward to any step. The edits live in
// the StudioModel; this dock only describes them.
class PaintDock : public QDockWidget {
  Q_OBJECT

 public:
  PaintDock(StudioModel& model, QWidget* parent = nullptr);

  std::string gene() const;
  bool setGene(const QString& gene);
  // Throws std::invalid_argument for a value the operation rejects.
  PaintOperation operation() const;
  // 0 knock-out, 1 scale, 2 set, 3 add.
  void setOperation(int index, double value = 0);
  double brushRadiusUm() const;
  bool softBrush() const;
  bool brushActive() const;
  void setBrushActive(bool on);
  QPushButton* applyToStructureButton() const { return applyStructure_; }
  QListWidget* history() const { return history_; }

 Q_SIGNALS:
  void brushToggled(bool on);

 private:
  void changed(StudioChange change);
  void showGenes();
  void showStructure();
  void showHistory();

  StudioModel& model_;
  QListWidget* history_ = nullptr;
  QComboBox* gene_ = nullptr;
  QComboBox* operation_ = nullptr;
  QDoubleSpinBox* value_ = nullptr;
  QDoubleSpinBox* radius_ = nullptr;
  QCheckBox* soft_ = nullptr;
  QPushButton* applyStructure_ = nullptr;
  QPushButton* brush_ = nullptr;
  QLabel* structure_ = nullptr;
};

}  // namespace teramind::ui
