#pragma once

namespace teramind {

// bench_studio --section PATH [--cache-mib N]: the section explorer's figures (issue 20), see
// SectionViewBench.cpp. Returns the process's exit status.
int runSectionViewBench(int argc, char** argv);

}  // namespace teramind
