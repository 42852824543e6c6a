#include "sectionview/SectionScene.h"
