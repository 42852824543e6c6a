#pragma once

#include <QDialog>

#include "studio/DatasetReadPrompt.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace teramind::ui {

// Asks how to read a dataset whose files do not say it (studio/DatasetReadPrompt.h decides
// when and what): a spot table's gene, x, y and z columns chosen from its header, its pixel
// size, Xenium's min qv, CosMx's pixel size. Pre-set from the prompt's proposal; OK is enabled
// only when readOptionsProblem() finds nothing, and the problem is shown under the fields.
class ReadOptionsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit ReadOptionsDialog(DatasetReadPrompt prompt, QWidget* parent = nullptr);
  // The options as the fields give them (those not shown are the proposal's).
  DatasetReadOptions options() const;

 private:
  QComboBox* columnChoice(const std::string& chosen, bool optional);
  void check();

  DatasetReadPrompt prompt_;
  QComboBox *gene_ = nullptr, *x_ = nullptr, *y_ = nullptr, *z_ = nullptr;
  QLineEdit *pixelUm_ = nullptr, *minQv_ = nullptr;
  QLabel* problem_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace teramind::ui
