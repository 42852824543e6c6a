#include "sectionview/SectionExport.h"
