# Warnings for our own targets only; third-party headers come in as SYSTEM includes.
# clang (the fuzz build) has no -Wshadow=local; -Wshadow-uncaptured-local is its nearest.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(TERAMIND_SHADOW_WARNING -Wshadow-uncaptured-local)
else()
  set(TERAMIND_SHADOW_WARNING -Wshadow=local)
endif()
function(teramind_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic ${TERAMIND_SHADOW_WARNING}
                                           -Wnon-virtual-dtor)
endfunction()
