#include "sectionview/TiffPyramidSource.h"
