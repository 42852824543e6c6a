#include "support/ImageComparison.h"

#include <cmath>
#include <cstdlib>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>
#include <vtkPNGWriter.h>
#include <vtkSmartPointer.h>

namespace teramind::test {
namespace {

vtkSmartPointer<vtkImageData> readPng(const std::filesystem::path& file) {
  vtkNew<vtkPNGReader> reader;
  if (!reader->CanReadFile(file.c_str())) return nullptr;
  reader->SetFileName(file.c_str());
  reader->Update();
  vtkSmartPointer<vtkImageData> image = reader->GetOutput();
  return image;
}

}  // namespace

ImageDifference compareWithBaseline(const std::filesystem::path& rendered,
                                    const std::string& baselineName) {
  const std::filesystem::path baseline =
      std::filesystem::path(TERAMIND_BASELINE_DIR) / baselineName;
  const std::filesystem::path outDir = TERAMIND_TEST_OUTPUT_DIR;
  std::filesystem::create_directories(outDir);
  ImageDifference d;
  if (const char* update = std::getenv("TERAMIND_UPDATE_BASELINES");
      update && std::string(update) == "1") {
    std::filesystem::copy_file(rendered, baseline,
                               std::filesystem::copy_options::overwrite_existing);
  }
  const auto actual = readPng(rendered);
  const auto expected = readPng(baseline);
  const auto keep = outDir / baselineName;
  std::filesystem::copy_file(rendered, keep, std::filesystem::copy_options::overwrite_existing);
  if (!actual) {
    d.message = "cannot read rendered image " + rendered.string();
    return d;
  }
  if (!expected) {
    d.message = "no baseline " + baseline.string() + "; the rendered image is at " + keep.string();
    return d;
  }
  int da[3], de[3];
  actual->GetDimensions(da);
  expected->GetDimensions(de);
  const int ca = actual->GetNumberOfScalarComponents(),
            ce = expected->GetNumberOfScalarComponents();
  if (da[0] != de[0] || da[1] != de[1] || ca != ce) {
    d.message = "size differs from the baseline; the rendered image is at " + keep.string();
    return d;
  }
  d.comparable = true;
  vtkNew<vtkImageData> diff;
  diff->SetDimensions(da[0], da[1], 1);
  diff->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  const auto* a = static_cast<const unsigned char*>(actual->GetScalarPointer());
  const auto* e = static_cast<const unsigned char*>(expected->GetScalarPointer());
  auto* out = static_cast<unsigned char*>(diff->GetScalarPointer());
  const long pixels = static_cast<long>(da[0]) * da[1];
  double total = 0;
  long differing = 0;
  for (long p = 0; p < pixels; ++p) {
    int worst = 0;
    for (int c = 0; c < ca; ++c) {
      const int delta = std::abs(int(a[p * ca + c]) - int(e[p * ce + c]));
      total += delta;
      worst = std::max(worst, delta);
    }
    if (worst > 32) ++differing;
    const auto shade = static_cast<unsigned char>(std::min(255, worst * 4));
    out[p * 3] = shade;
    out[p * 3 + 1] = out[p * 3 + 2] = 0;
  }
  d.meanAbsolute = total / (pixels * ca);
  d.differingFraction = static_cast<double>(differing) / pixels;
  if (!matchesBaseline(d)) {
    const auto diffPath =
        outDir / (std::filesystem::path(baselineName).stem().string() + ".diff.png");
    vtkNew<vtkPNGWriter> writer;
    writer->SetFileName(diffPath.c_str());
    writer->SetInputData(diff);
    writer->Write();
    d.message = "differs from " + baseline.string() + " (mean " + std::to_string(d.meanAbsolute) +
                ", " + std::to_string(100 * d.differingFraction) + "% pixels); rendered image " +
                keep.string() + ", diff " + diffPath.string();
  }
  return d;
}

}  // namespace teramind::test
