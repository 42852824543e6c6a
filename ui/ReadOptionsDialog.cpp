#include "ReadOptionsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>

#include <limits>
#include <optional>

namespace teramind::ui {
namespace {

QString text(const std::string& s) {
  return QString::fromStdString(s);
}

// A number field's value; unset when empty. An entry that is not a number reads as NaN, which
// readOptionsProblem() refuses with its sentence.
std::optional<double> numberOf(const QLineEdit* field) {
  const QString entry = field->text().trimmed();
  if (entry.isEmpty()) return std::nullopt;
  bool ok = false;
  const double value = QLocale::c().toDouble(entry, &ok);
  return ok ? value : std::numeric_limits<double>::quiet_NaN();
}

QString numberText(const std::optional<double>& value) {
  return value ? QString::number(*value, 'g', QLocale::FloatingPointShortest) : QString();
}

}  // namespace

ReadOptionsDialog::ReadOptionsDialog(DatasetReadPrompt prompt, QWidget* parent)
    : QDialog(parent), prompt_(std::move(prompt)) {
  setWindowTitle(tr("Read Options"));
  auto* form = new QFormLayout(this);
  auto* reason = new QLabel(text(prompt_.reason), this);
  reason->setWordWrap(true);
  reason->setObjectName(QStringLiteral("reason"));
  form->addRow(reason);
  if (prompt_.asksColumns) {
    if (!prompt_.layout.empty())
      form->addRow(new QLabel(
          tr("Columns pre-set for a %1 table: check them.").arg(text(prompt_.layout)), this));
    const SpotTableColumns proposed = prompt_.proposal.columns.value_or(SpotTableColumns{});
    gene_ = columnChoice(proposed.gene, false);
    x_ = columnChoice(proposed.x, false);
    y_ = columnChoice(proposed.y, false);
    z_ = columnChoice(proposed.z, true);
    form->addRow(tr("Gene column"), gene_);
    form->addRow(tr("x column"), x_);
    form->addRow(tr("y column"), y_);
    form->addRow(tr("z plane column"), z_);
  }
  if (prompt_.asksPixelUm) {
    pixelUm_ = new QLineEdit(numberText(prompt_.proposal.pixelUm), this);
    pixelUm_->setObjectName(QStringLiteral("pixelUm"));
    pixelUm_->setPlaceholderText(prompt_.pixelUmRequired ? tr("µm per unit of x and y (1: µm)")
                                                         : tr("0.18 (CosMx's usual size)"));
    form->addRow(tr("Pixel size (µm)"), pixelUm_);
    connect(pixelUm_, &QLineEdit::textChanged, this, &ReadOptionsDialog::check);
  }
  if (prompt_.asksMinQv) {
    minQv_ = new QLineEdit(numberText(prompt_.proposal.minQv), this);
    minQv_->setObjectName(QStringLiteral("minQv"));
    minQv_->setPlaceholderText(tr("20 (as 10x recommend)"));
    form->addRow(tr("Min qv"), minQv_);
    connect(minQv_, &QLineEdit::textChanged, this, &ReadOptionsDialog::check);
  }
  problem_ = new QLabel(this);
  problem_->setObjectName(QStringLiteral("problem"));
  problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
  problem_->setWordWrap(true);
  form->addRow(problem_);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Open"));
  form->addRow(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  setMinimumWidth(460);
  check();
}

QComboBox* ReadOptionsDialog::columnChoice(const std::string& chosen, bool optional) {
  auto* box = new QComboBox(this);
  box->addItem(optional ? tr("(none: one plane)") : tr("(choose)"), QString());
  for (const auto& column : prompt_.header) box->addItem(text(column), text(column));
  const int at = box->findData(text(chosen));
  box->setCurrentIndex(at < 0 ? 0 : at);
  connect(box, &QComboBox::currentIndexChanged, this, &ReadOptionsDialog::check);
  return box;
}

DatasetReadOptions ReadOptionsDialog::options() const {
  DatasetReadOptions options = prompt_.proposal;
  if (gene_) {
    const auto column = [](const QComboBox* box) {
      return box->currentData().toString().toStdString();
    };
    options.columns = SpotTableColumns{column(gene_), column(x_), column(y_), column(z_)};
  }
  if (pixelUm_) options.pixelUm = numberOf(pixelUm_);
  if (minQv_) options.minQv = numberOf(minQv_);
  return options;
}

void ReadOptionsDialog::check() {
  const auto problem = readOptionsProblem(prompt_, options());
  problem_->setText(problem ? text(*problem) : QString());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(!problem);
}

}  // namespace teramind::ui
