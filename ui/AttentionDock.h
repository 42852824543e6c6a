#pragma once

#include <QDockWidget>
#include <QStringList>
#include <memory>

#include "workflow/SectionAttention.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace teramind::ui {

class AttentionHeatmap;

// The gene-gene block's attention for the section: the mean gene × gene matrix of a region
// (the section or an atlas structure under it) as a clustered heatmap, of all genes or of the
// panel. Hover for values; a click on a pair draws its pathway map over the section.
class AttentionDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit AttentionDock(QWidget* parent = nullptr);

  void setResult(std::shared_ptr<const SectionAttention> result);
  const SectionAttention* result() const { return result_.get(); }
  // Restricts the matrix to these genes (empty: all of the model's genes).
  void setPanel(const QStringList& genes);
  bool chooseRegion(const QString& region);
  void setPanelOnly(bool panelOnly);
  QString region() const;
  AttentionHeatmap* heatmap() const { return heatmap_; }
  QPushButton* computeButton() const { return compute_; }
  void setStatus(const QString& text);
  // The shown matrix as CSV: gene names as header, in display order.
  std::string matrixCsv() const;

 Q_SIGNALS:
  void computeRequested();
  void regionChosen(const QString& region);
  void panelOnlyToggled(bool panelOnly);
  void exportRequested();
  void pairClicked(int query, int key);

 private:
  void refresh();

  std::shared_ptr<const SectionAttention> result_;
  QStringList panel_;
  QComboBox* region_ = nullptr;
  QCheckBox* panelOnly_ = nullptr;
  QPushButton* compute_ = nullptr;
  QPushButton* export_ = nullptr;
  AttentionHeatmap* heatmap_ = nullptr;
  QLabel* status_ = nullptr;
  std::vector<std::size_t> shownOrder_;
};

}  // namespace teramind::ui
