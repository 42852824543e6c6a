#include "sectionview/SectionCamera.h"
