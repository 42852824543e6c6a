#include "sectionview/TranscriptIndex.h"
