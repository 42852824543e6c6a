#include "sectionview/TileLoader.h"
