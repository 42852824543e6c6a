#include "sectionview/RasterSource.h"
