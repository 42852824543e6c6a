// readTiffPixelSize on TIFFs written here by libtiff (OME-XML, ImageJ, resolution tags, none,
// damaged), pixelSizeFromTiffTags on descriptions that no writer would produce, and real OME-TIFFs
// from the shared data when it holds any.
#include "io/TiffPixelSize.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <tiffio.h>

#include "common/FileError.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

struct Tags {
  std::optional<std::string> description;
  std::optional<float> xResolution, yResolution;
  std::optional<std::uint16_t> resolutionUnit;
};

// A 4 × 4 8-bit grayscale TIFF with the given tags, written by libtiff.
void writeTiff(const std::filesystem::path& file, const Tags& tags) {
  TIFF* tiff = TIFFOpen(file.c_str(), "w");
  ASSERT_NE(tiff, nullptr);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, 4);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, 4);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 4);
  if (tags.description) TIFFSetField(tiff, TIFFTAG_IMAGEDESCRIPTION, tags.description->c_str());
  if (tags.xResolution) TIFFSetField(tiff, TIFFTAG_XRESOLUTION, *tags.xResolution);
  if (tags.yResolution) TIFFSetField(tiff, TIFFTAG_YRESOLUTION, *tags.yResolution);
  if (tags.resolutionUnit) TIFFSetField(tiff, TIFFTAG_RESOLUTIONUNIT, *tags.resolutionUnit);
  std::vector<std::uint8_t> pixels(16, 7);
  ASSERT_EQ(TIFFWriteEncodedStrip(tiff, 0, pixels.data(), 16), 16);
  TIFFClose(tiff);
}

std::string omeXml(const std::string& pixelsAttributes,
                   const std::string& pixelsElement = "Pixels") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
         "Creator=\"tifffile.py\"><Image ID=\"Image:0\" Name=\"Pixels of DAPI\"><" +
         pixelsElement + " DimensionOrder=\"XYCZT\" ID=\"Pixels:0\" SizeC=\"1\" SizeT=\"1\" " +
         "SizeX=\"4\" SizeY=\"4\" SizeZ=\"1\" Type=\"uint8\" " + pixelsAttributes +
         "><Channel ID=\"Channel:0:0\" SamplesPerPixel=\"1\"/><TiffData IFD=\"0\" "
         "PlaneCount=\"1\"/></" +
         pixelsElement + "></Image></OME>";
}

struct Read {
  std::optional<TiffPixelSize> size;
  std::string note;
};

Read readWritten(const ScratchDirectory& scratch, const Tags& tags) {
  const auto file = scratch / "image.tif";
  writeTiff(file, tags);
  Read read;
  read.size = readTiffPixelSize(file, &read.note);
  return read;
}

Read fromTags(const TiffResolutionTags& tags) {
  Read read;
  read.size = pixelSizeFromTiffTags(tags, &read.note);
  return read;
}

TEST(TiffPixelSize, OmeXmlInMicrons) {
  ScratchDirectory scratch;
  const Read read =
      readWritten(scratch, {omeXml("PhysicalSizeX=\"0.108\" PhysicalSizeXUnit=\"\xC2\xB5m\" "
                                   "PhysicalSizeY=\"0.108\" PhysicalSizeYUnit=\"\xC2\xB5m\""),
                            std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_DOUBLE_EQ(read.size->umX, 0.108);
  EXPECT_DOUBLE_EQ(read.size->umY, 0.108);
  EXPECT_EQ(read.size->from, "OME-XML PhysicalSizeX/Y");
  EXPECT_EQ(read.note, "");
}

TEST(TiffPixelSize, OmeXmlInNanometres) {
  ScratchDirectory scratch;
  const Read read = readWritten(
      scratch, {omeXml("PhysicalSizeX=\"212.5\" PhysicalSizeXUnit=\"nm\" PhysicalSizeY=\"212.5\" "
                       "PhysicalSizeYUnit=\"nm\""),
                std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_NEAR(read.size->umX, 0.2125, 1e-12);
  EXPECT_NEAR(read.size->umY, 0.2125, 1e-12);
}

TEST(TiffPixelSize, OmeXmlWithoutUnitIsMicrons) {
  ScratchDirectory scratch;
  const Read read = readWritten(scratch, {omeXml("PhysicalSizeX=\"0.5\" PhysicalSizeY=\"0.5\""),
                                          std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_DOUBLE_EQ(read.size->umX, 0.5);
  EXPECT_DOUBLE_EQ(read.size->umY, 0.5);
  EXPECT_EQ(read.note, "");
}

TEST(TiffPixelSize, OmeXmlNonSquarePixelsAndOtherUnits) {
  ScratchDirectory scratch;
  // mm and Ångström (as a character reference), a namespace prefix, single quotes.
  const Read read = readWritten(
      scratch, {omeXml("PhysicalSizeX='0.0002' PhysicalSizeXUnit='mm' PhysicalSizeY='4000' "
                       "PhysicalSizeYUnit='&#xC5;'",
                       "ome:Pixels"),
                std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_NEAR(read.size->umX, 0.2, 1e-12);
  EXPECT_NEAR(read.size->umY, 0.4, 1e-12);
}

TEST(TiffPixelSize, OmeXmlWinsOverResolutionTags) {
  ScratchDirectory scratch;
  // bfconvert-like: the tags repeat the size in cm, here deliberately different.
  const Read read = readWritten(scratch, {omeXml("PhysicalSizeX=\"0.25\" PhysicalSizeY=\"0.25\""),
                                          20000.f, 20000.f, std::uint16_t(RESUNIT_CENTIMETER)});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_DOUBLE_EQ(read.size->umX, 0.25);
  EXPECT_EQ(read.size->from, "OME-XML PhysicalSizeX/Y");
}

TEST(TiffPixelSize, OmeXmlWithOnlyPhysicalSizeXIsSquareWithANote) {
  const Read read = fromTags({omeXml("PhysicalSizeX=\"0.3\""), {}, {}, {}});
  ASSERT_TRUE(read.size);
  EXPECT_DOUBLE_EQ(read.size->umX, 0.3);
  EXPECT_DOUBLE_EQ(read.size->umY, 0.3);
  EXPECT_NE(read.note.find("no PhysicalSizeY"), std::string::npos) << read.note;
}

TEST(TiffPixelSize, ImageJMicronsWithXResolution) {
  ScratchDirectory scratch;
  // As Fiji (and tifffile's imagej=True) write it: ResolutionUnit none, the unit in the text.
  const Read read =
      readWritten(scratch, {std::string("ImageJ=1.54f\nimages=1\nunit=micron\nloop=false\n"),
                            9.2593f, 9.2593f, std::uint16_t(RESUNIT_NONE)});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_NEAR(read.size->umX, 0.108, 1e-6);
  EXPECT_NEAR(read.size->umY, 0.108, 1e-6);
  EXPECT_EQ(read.size->from, "ImageJ unit=micron with XResolution/YResolution");
  EXPECT_EQ(read.note, "");
}

TEST(TiffPixelSize, ImageJEscapedMicroAndNanometres) {
  const Read escaped = fromTags({"ImageJ=1.11a\nunit=\\u00B5m\n", 2.0, 4.0, {}});
  ASSERT_TRUE(escaped.size) << escaped.note;
  EXPECT_DOUBLE_EQ(escaped.size->umX, 0.5);
  EXPECT_DOUBLE_EQ(escaped.size->umY, 0.25);
  const Read nanometres = fromTags({"ImageJ=1.11a\r\nunit=nm\r\n", 0.01, {}, {}});
  ASSERT_TRUE(nanometres.size) << nanometres.note;
  EXPECT_NEAR(nanometres.size->umX, 0.1, 1e-12);
  EXPECT_NEAR(nanometres.size->umY, 0.1, 1e-12);
  // Uncalibrated ImageJ images say nothing.
  EXPECT_FALSE(fromTags({"ImageJ=1.11a\nimages=3\n", 1.0, 1.0, {}}).size);
  EXPECT_FALSE(fromTags({"ImageJ=1.11a\nunit=pixel\n", 1.0, 1.0, {}}).size);
}

TEST(TiffPixelSize, ResolutionUnitCentimetre) {
  ScratchDirectory scratch;
  const Read read =
      readWritten(scratch, {std::nullopt, 20000.f, 40000.f, std::uint16_t(RESUNIT_CENTIMETER)});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_NEAR(read.size->umX, 0.5, 1e-9);
  EXPECT_NEAR(read.size->umY, 0.25, 1e-9);
  EXPECT_EQ(read.size->from, "ResolutionUnit cm with XResolution/YResolution");
}

TEST(TiffPixelSize, ResolutionUnitInchAtMicroscopyScale) {
  // 0.5 µm pixels in dots per inch.
  const Read read = fromTags({"", 50800.0, 50800.0, std::uint16_t(RESUNIT_INCH)});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_NEAR(read.size->umX, 0.5, 1e-12);
}

TEST(TiffPixelSize, SeventyTwoDpiIsIgnoredWithANote) {
  ScratchDirectory scratch;
  const Read read = readWritten(scratch, {std::nullopt, 72.f, 72.f, std::uint16_t(RESUNIT_INCH)});
  EXPECT_FALSE(read.size);
  EXPECT_NE(read.note.find("ResolutionUnit inch with XResolution 72"), std::string::npos)
      << read.note;
  EXPECT_NE(read.note.find("352.778"), std::string::npos) << read.note;
  EXPECT_NE(read.note.find("ignored"), std::string::npos) << read.note;
}

// Figures exported for print carry 300 or 600 dpi (85 or 42 µm), and ImageJ turns a file's dpi
// into unit=inch: neither is a microscope's pixel size. 2400 dpi (10.6 µm, a slide scanner) is.
TEST(TiffPixelSize, PrintDpiAndImageJInchesAreIgnored) {
  for (const double dpi : {300.0, 600.0}) {
    const Read read = fromTags({"", dpi, dpi, std::uint16_t(RESUNIT_INCH)});
    EXPECT_FALSE(read.size) << dpi << " dpi";
    EXPECT_NE(read.note.find("ignored"), std::string::npos) << read.note;
  }
  const Read scanner = fromTags({"", 2400.0, 2400.0, std::uint16_t(RESUNIT_INCH)});
  ASSERT_TRUE(scanner.size) << scanner.note;
  EXPECT_NEAR(scanner.size->umX, 25400.0 / 2400, 1e-9);

  const Read imageJInches = fromTags({"ImageJ=1.54f\nunit=inch\n", 72.0, 72.0, {}});
  EXPECT_FALSE(imageJInches.size);
  EXPECT_NE(imageJInches.note.find("ImageJ unit=\"inch\""), std::string::npos) << imageJInches.note;
  EXPECT_NE(imageJInches.note.find("not a microscope's"), std::string::npos) << imageJInches.note;
  const Read imageJCm = fromTags({"ImageJ=1.54f\nunit=cm\n", 20000.0, 20000.0, {}});
  ASSERT_TRUE(imageJCm.size) << imageJCm.note;
  EXPECT_NEAR(imageJCm.size->umX, 0.5, 1e-12);
}

TEST(TiffPixelSize, NoTagsSayNothing) {
  ScratchDirectory scratch;
  const Read none = readWritten(scratch, {});
  EXPECT_FALSE(none.size);
  EXPECT_EQ(none.note, "");
  // Resolution without a unit (TIFF 6.0 would default it to inch, which programs rarely mean
  // for a microscope), or with ResolutionUnit none, is taken to say nothing.
  const Read noUnit = readWritten(scratch, {std::nullopt, 9.2593f, 9.2593f, std::nullopt});
  EXPECT_FALSE(noUnit.size) << noUnit.size->from;
  const Read unitNone =
      readWritten(scratch, {std::nullopt, 9.2593f, 9.2593f, std::uint16_t(RESUNIT_NONE)});
  EXPECT_FALSE(unitNone.size);
  // A description that is neither OME-XML nor ImageJ's.
  const Read other = readWritten(
      scratch, {std::string("Aperio Image Library v11"), std::nullopt, std::nullopt, std::nullopt});
  EXPECT_FALSE(other.size);
  EXPECT_EQ(other.note, "");
}

TEST(TiffPixelSize, GarbageOmeXmlIsIgnoredWithANote) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<OME><Image><Pixels PhysicalSizeX=\"0.1", "cut or malformed"},
      {"<OME><Image><Pixels PhysicalSizeX=0.1 />", "cut or malformed"},
      {"<OME><Image><Pixels", "cut or malformed"},
      {"<OME><Image/></OME>", "no <Pixels>"},
      {"<OME><BinaryOnly MetadataFile=\"a.companion.ome\"/></OME>", "companion file"},
      {omeXml(""), "states no PhysicalSizeX/Y"},
      {omeXml("PhysicalSizeX=\"abc\" PhysicalSizeY=\"1\""), "not a number"},
      {omeXml("PhysicalSizeX=\"0,108\" PhysicalSizeY=\"0,108\""), "not a number"},
      {omeXml("PhysicalSizeX=\"NaN\" PhysicalSizeY=\"NaN\""), "not a positive size"},
      {omeXml("PhysicalSizeX=\"inf\" PhysicalSizeY=\"1\""), "not a positive size"},
      {omeXml("PhysicalSizeX=\"-0.1\" PhysicalSizeY=\"0.1\""), "not a positive size"},
      {omeXml("PhysicalSizeX=\"0\" PhysicalSizeY=\"0\""), "not a positive size"},
      {omeXml("PhysicalSizeX=\"1e300\" PhysicalSizeY=\"1\""), "outside"},
      {omeXml("PhysicalSizeX=\"2\" PhysicalSizeXUnit=\"m\" PhysicalSizeY=\"2\""), "outside"},
      {omeXml("PhysicalSizeX=\"1e-300\" PhysicalSizeY=\"1\""), "outside"},
      {omeXml("PhysicalSizeX=\"1\" PhysicalSizeXUnit=\"furlong\" PhysicalSizeY=\"1\""),
       "not a length unit"},
      {omeXml("PhysicalSizeX=\"1\" PhysicalSizeXUnit=\"pixel\" PhysicalSizeY=\"1\""),
       "not a physical length"},
      {omeXml("PhysicalSizeX=\"1&bogus;\" PhysicalSizeY=\"1\""), "not a number"},
      {omeXml("PhysicalSizeX=\"1\" PhysicalSizeY=\"" + std::string(100, '1') + "\""),
       "not a number"},
  };
  for (const auto& [description, expected] : cases) {
    const Read read = fromTags({description, {}, {}, {}});
    EXPECT_FALSE(read.size) << description;
    EXPECT_NE(read.note.find(expected), std::string::npos)
        << description << "\nnote: " << read.note;
  }
}

TEST(TiffPixelSize, GarbageImageJIsIgnoredWithANote) {
  const Read unknownUnit = fromTags({"ImageJ=1.11a\nunit=furlong\n", 9.0, 9.0, {}});
  EXPECT_FALSE(unknownUnit.size);
  EXPECT_NE(unknownUnit.note.find("not a length unit"), std::string::npos) << unknownUnit.note;
  const Read noResolution = fromTags({"ImageJ=1.11a\nunit=micron\n", {}, {}, {}});
  EXPECT_FALSE(noResolution.size);
  EXPECT_NE(noResolution.note.find("without XResolution"), std::string::npos);
  const Read zero = fromTags({"ImageJ=1.11a\nunit=micron\n", 0.0, 0.0, {}});
  EXPECT_FALSE(zero.size);
  EXPECT_NE(zero.note.find("not a positive size"), std::string::npos) << zero.note;
}

TEST(TiffPixelSize, IgnoredOmeXmlFallsBackToResolutionTags) {
  ScratchDirectory scratch;
  const Read read = readWritten(scratch, {omeXml("PhysicalSizeX=\"oops\" PhysicalSizeY=\"oops\""),
                                          20000.f, 20000.f, std::uint16_t(RESUNIT_CENTIMETER)});
  ASSERT_TRUE(read.size);
  EXPECT_NEAR(read.size->umX, 0.5, 1e-9);
  EXPECT_EQ(read.size->from, "ResolutionUnit cm with XResolution/YResolution");
  EXPECT_NE(read.note.find("PhysicalSizeX=\"oops\" is not a number"), std::string::npos)
      << read.note;
}

TEST(TiffPixelSize, PixelsTagIsFoundOnlyAsAnElement) {
  // "Pixels" in a name, a PixelsType attribute or an end tag is not the element.
  const std::string xml =
      "<OME><Image Name=\"Pixels\" PixelsType=\"x\"></Pixels ><Image><PixelsX a=\"1\"/>"
      "<Pixels\nPhysicalSizeY = '2'\tPhysicalSizeX= \"3\" /></Image></OME>";
  const Read read = fromTags({xml, {}, {}, {}});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_DOUBLE_EQ(read.size->umX, 3);
  EXPECT_DOUBLE_EQ(read.size->umY, 2);
}

TEST(TiffPixelSize, LongOmeXmlIsScannedWhole) {
  ScratchDirectory scratch;
  // Megabytes of annotations before the <Pixels> element, as slide scanners write.
  std::string annotations;
  for (int i = 0; i < 100000; ++i)
    annotations += "<MapAnnotation ID=\"Annotation:" + std::to_string(i) + "\"/>";
  const std::string xml = "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">" +
                          annotations +
                          "<Image><Pixels PhysicalSizeX=\"0.7\" "
                          "PhysicalSizeY=\"0.7\"/></Image></OME>";
  ASSERT_GT(xml.size(), std::size_t(3) << 20);
  const Read read = readWritten(scratch, {xml, std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(read.size) << read.note;
  EXPECT_DOUBLE_EQ(read.size->umX, 0.7);
}

TEST(TiffPixelSize, NoteIsOptional) {
  EXPECT_FALSE(pixelSizeFromTiffTags({"<OME><Pixels PhysicalSizeX=\"x\"/></OME>", {}, {}, {}}));
  const auto size = pixelSizeFromTiffTags({omeXml("PhysicalSizeX=\"1\""), {}, {}, {}});
  ASSERT_TRUE(size);
  EXPECT_DOUBLE_EQ(size->umY, 1);
}

TEST(TiffPixelSize, NotATiffIsAFileErrorNamingIt) {
  ScratchDirectory scratch;
  const auto text = scratch / "notes.tif";
  std::ofstream(text) << "not a TIFF at all";
  try {
    readTiffPixelSize(text);
    FAIL() << "read a text file as a TIFF";
  } catch (const FileError& error) {
    EXPECT_EQ(error.file(), text);
    EXPECT_NE(std::string(error.what()).find("notes.tif"), std::string::npos);
  }
  EXPECT_THROW(readTiffPixelSize(scratch / "missing.tif"), FileError);
}

// TIFFs written by an independent writer, Debian's python3-tifffile, as microscopy software
// lays them out (tests/tools/write_tifffile_images.py): an OME-TIFF in µm with a SubIFD
// pyramid, one in nm, an ImageJ file in µm, and an ImageJ file at a figure's 300 dpi. (The
// shared data's vendor fixtures hold no OME-TIFF.)
TEST(TiffPixelSize, TifffilesOmeAndImageJFiles) {
  if (std::system("/usr/bin/python3 -c 'import tifffile' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-tifffile (Debian's python3-tifffile) is not installed; skipping";
  ScratchDirectory scratch;
  const std::string command =
      "/usr/bin/python3 " +
      (std::filesystem::path(TERAMIND_TEST_TOOLS_DIR) / "write_tifffile_images.py").string() +
      " '" + scratch.path().string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  std::string note;
  auto size = readTiffPixelSize(scratch / "ome_um.ome.tif", &note);
  ASSERT_TRUE(size) << note;
  EXPECT_DOUBLE_EQ(size->umX, 0.108);
  EXPECT_DOUBLE_EQ(size->umY, 0.216);
  EXPECT_EQ(size->from, "OME-XML PhysicalSizeX/Y");

  size = readTiffPixelSize(scratch / "ome_nm.ome.tif", &note);
  ASSERT_TRUE(size) << note;
  EXPECT_NEAR(size->umX, 0.325, 1e-12);
  EXPECT_NEAR(size->umY, 0.325, 1e-12);

  size = readTiffPixelSize(scratch / "imagej_um.tif", &note);
  ASSERT_TRUE(size) << note;
  EXPECT_DOUBLE_EQ(size->umX, 0.5);
  EXPECT_EQ(size->from, "ImageJ unit=um with XResolution/YResolution");

  size = readTiffPixelSize(scratch / "imagej_inch.tif", &note);
  EXPECT_FALSE(size) << size->umX;
  EXPECT_NE(note.find("84.6667"), std::string::npos) << note;
}

// The real MERSCOPE mosaics state no physical size in their tags (the transform CSV beside them
// does): nothing is read from them, and nothing invented.
TEST(TiffPixelSize, MerscopeMosaicStatesNone) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/merscope_vpt_mouse_liver/images");
  std::string note;
  const auto size = readTiffPixelSize(sharedData / "mosaic_DAPI_z0.tif", &note);
  EXPECT_FALSE(size) << size->from << " " << size->umX;
}

}  // namespace
}  // namespace teramind
