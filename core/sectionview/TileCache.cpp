#include "sectionview/TileCache.h"
