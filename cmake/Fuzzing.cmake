# The fuzz build (TERAMIND_FUZZ, the `fuzz` preset): clang with libFuzzer, ASan and UBSan.
# Every object of ours gets the sanitizers and libFuzzer's coverage hooks
# (-fsanitize=fuzzer-no-link); only the fuzz_<name> executables link libFuzzer's main
# (tests/fuzz/CMakeLists.txt). Third-party libraries stay as Debian ships them.

if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "TERAMIND_FUZZ needs clang (libFuzzer): configure with the `fuzz` preset")
endif()

# UBSan: every check, and the first report ends the run so the fuzzer sees it as a crash.
# vptr is left out: it checks the dynamic type of polymorphic objects through typeinfo, and
# objects created inside uninstrumented shared libraries (ITK's image IO factories, TBB,
# OpenVDB's grids) give false "not a valid vptr" reports.
set(TERAMIND_FUZZ_SANITIZERS address,undefined)
set(TERAMIND_FUZZ_UBSAN_EXCLUDED vptr)
add_compile_options(-fsanitize=fuzzer-no-link,${TERAMIND_FUZZ_SANITIZERS}
                    -fno-sanitize=${TERAMIND_FUZZ_UBSAN_EXCLUDED}
                    -fno-sanitize-recover=undefined -fno-omit-frame-pointer
                    # bounds checks in the standard library's containers and strings
                    -D_GLIBCXX_ASSERTIONS)
add_link_options(-fsanitize=${TERAMIND_FUZZ_SANITIZERS}
                 -fno-sanitize=${TERAMIND_FUZZ_UBSAN_EXCLUDED})

# Debian's ITK 5.2 refuses clang in its generated compiler detection; see ItkClangShim.h.in.
find_file(TERAMIND_ITK_COMPILER_DETECTION itk_compiler_detection.h
          PATH_SUFFIXES ITK-5.2 ITK-5.3 ITK-5.1)
if(TERAMIND_ITK_COMPILER_DETECTION)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/ItkClangShim.h.in
                 ${CMAKE_BINARY_DIR}/fuzz-include/ItkClangShim.h @ONLY)
  add_compile_options(
    "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include ${CMAKE_BINARY_DIR}/fuzz-include/ItkClangShim.h>")
endif()
