#pragma once

#include <QDockWidget>
#include <QStringList>
#include <string>
#include <vector>

#include "studio/StudioModel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace teramind::ui {

// The model's genes as a checkable list: the checked ones are the studio model's panel, which
// the attention tracks. A preset (GLUT, DOPA, BLOD) checks its genes; the overlay choice shows
// one gene's counts over the section. How the dataset's genes meet the model's is shown: genes
// the data lacks are greyed (their counts are zero) and those the model does not know listed.
class GenePanelDock : public QDockWidget {
  Q_OBJECT

 public:
  GenePanelDock(StudioModel& model, QWidget* parent = nullptr);

  QStringList panel() const;  // checked genes, in channel order
  // Checks exactly these genes (those not offered are ignored); returns how many were found.
  int setPanel(const QStringList& genes);
  // Checks a preset's genes; false (nothing changed) for an unknown preset.
  bool choosePreset(const QString& name);
  QString overlayGene() const;
  void setOverlayGene(const QString& gene);  // empty: no overlay

  QString mappingText() const;

 private:
  void changed(StudioChange change);
  void showGenes();
  void showPanel();
  void showMapping();

  StudioModel& model_;
  QLabel* mapping_ = nullptr;
  QComboBox* presets_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QListWidget* list_ = nullptr;
  QComboBox* overlay_ = nullptr;
  bool quiet_ = false;
};

}  // namespace teramind::ui
