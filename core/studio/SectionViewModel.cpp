#include "studio/SectionViewModel.h"
