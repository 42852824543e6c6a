#include "sectionview/SectionContents.h"
