#include "sectionview/NgffPyramidSource.h"
