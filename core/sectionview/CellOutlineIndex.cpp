#include "sectionview/CellOutlineIndex.h"
