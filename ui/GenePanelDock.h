#pragma once

#include <QDockWidget>
#include <QStringList>
#include <string>
#include <vector>

class QComboBox;
class QLineEdit;
class QListWidget;

namespace teramind::ui {

// The model's genes as a checkable list: the checked ones are the panel the attention dock
// and the paint tools work on. A preset (GLUT, DOPA, BLOD) checks its genes; the overlay
// choice shows one gene's counts over the section.
class GenePanelDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit GenePanelDock(QWidget* parent = nullptr);

  // The genes to offer (the model's panel, in channel order); unchecks everything.
  void setGenes(const std::vector<std::string>& genes);
  QStringList panel() const;  // checked genes, in channel order
  // Checks exactly these genes (those not offered are ignored); returns how many were found.
  int setPanel(const QStringList& genes);
  // Checks a preset's genes; false (nothing changed) for an unknown preset.
  bool choosePreset(const QString& name);
  QString overlayGene() const;
  void setOverlayGene(const QString& gene);  // empty: no overlay

 Q_SIGNALS:
  void panelChanged(const QStringList& genes);
  void overlayGeneChanged(const QString& gene);

 private:
  QComboBox* presets_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QListWidget* list_ = nullptr;
  QComboBox* overlay_ = nullptr;
  bool quiet_ = false;
};

}  // namespace teramind::ui
