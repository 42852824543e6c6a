#include "sectionview/AtlasLabelSource.h"
