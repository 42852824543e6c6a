#include "sectionview/LayerStyle.h"
