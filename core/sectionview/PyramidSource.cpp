#include "sectionview/PyramidSource.h"
