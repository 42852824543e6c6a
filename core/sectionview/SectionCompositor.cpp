#include "sectionview/SectionCompositor.h"
