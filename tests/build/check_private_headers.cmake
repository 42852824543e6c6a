# build.private_headers: a consumer cannot include a library's private headers, nor reach the
# third-party headers that library owns. Run by ctest as
#   cmake -DCXX=... -DSOURCE_DIR=... -DFLAGS_DIR=... -DWORK_DIR=... [-DGUI=ON] [-DHDF5=ON]
#         [-DITK=ON] [-DIMPLICIT_INCLUDES=<the compiler's own include directories>] -P <this file>
# FLAGS_DIR holds <target>.includes and <target>.defines, one entry a line, written at configure
# time from the targets' own include directories and definitions (tests/CMakeLists.txt), so the
# probes compile exactly as a source of that target would.
cmake_minimum_required(VERSION 3.25)

foreach(var CXX SOURCE_DIR FLAGS_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_private_headers: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(failures 0)
macro(fail text)
  message(SEND_ERROR "FAIL: ${text}")
  math(EXPR failures "${failures} + 1")
endmacro()

# Headers that must stay private; a guard removed from any of them fails the test.
set(required_private
  core/model/MorphologyModelImpl.h core/model/PatchTensors.h core/model/network/FlopCounter.h
  core/model/network/GeneConditionedAttention.h core/model/network/GeneGeneAttention.h
  core/model/network/GeneMorphUNet.h core/model/network/ResBlock.h core/model/network/RmsNorm.h
  core/model/network/TokenAttention.h core/io/Hdf5File.h core/io/ConditionHdf5File.h
  core/io/LoomFile.h core/io/H5adFile.h core/io/ItkVolumeIO.h core/io/VdbVolumeIO.h
  core/io/XeniumOutput.h core/io/CosmxOutput.h core/io/SpatialDataStore.h core/io/LabelTiff.h
  core/io/LabelOutlines.h core/io/ParquetFile.h core/io/ParquetParts.h)
if(GUI)
  list(APPEND required_private render/ImageDataConversion.h render/SectionImage.h
       render/SectionPlane.h)
endif()

# Compiles `code` with `target`'s flags; sets <out>_rc and <out>_output.
function(probe target code out)
  file(STRINGS "${FLAGS_DIR}/${target}.includes" includes)
  file(STRINGS "${FLAGS_DIR}/${target}.defines" defines)
  set(args -std=c++17 -fsyntax-only -Wfatal-errors -w)
  list(REMOVE_DUPLICATES includes)
  foreach(dir IN LISTS includes)
    # As CMake does: the compiler's own directories are not repeated (-I/usr/include would
    # break libstdc++'s #include_next).
    cmake_path(NORMAL_PATH dir)
    string(REGEX REPLACE "(.)/$" "\\1" dir "${dir}")
    if(NOT dir IN_LIST IMPLICIT_INCLUDES)
      list(APPEND args "-I${dir}")
    endif()
  endforeach()
  foreach(def IN LISTS defines)
    list(APPEND args "-D${def}")
  endforeach()
  string(MD5 name "${target}${code}")
  set(source "${WORK_DIR}/${name}.cpp")
  file(WRITE "${source}" "${code}\n")
  execute_process(COMMAND "${CXX}" ${args} "${source}" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE output ERROR_VARIABLE output)
  set(${out}_rc "${rc}" PARENT_SCOPE)
  set(${out}_output "${output}" PARENT_SCOPE)
endfunction()

# Every guarded header, found by its guard: `#error "<include> is private to <library>"`.
file(GLOB_RECURSE headers RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/core/*.h"
     "${SOURCE_DIR}/render/*.h" "${SOURCE_DIR}/ui/*.h")
set(guarded "")
foreach(header IN LISTS headers)
  file(STRINGS "${SOURCE_DIR}/${header}" guard LIMIT_COUNT 8
       REGEX "^#error \"[^\" ]+ is private to teramind_[a-z_]+")
  if(NOT guard)
    continue()
  endif()
  string(REGEX MATCH "^#error \"([^\" ]+) is private to (teramind_[a-z_]+)" _ "${guard}")
  set(include "${CMAKE_MATCH_1}")
  set(library "${CMAKE_MATCH_2}")
  list(APPEND guarded "${header}")
  if(header MATCHES "^core/")
    set(consumer teramind)  # the CLI: links the whole engine, no third-party include paths
  elseif(GUI)
    set(consumer teramind_ui)  # has VTK's include path itself, so only the guard stops it
  else()
    continue()
  endif()
  probe(${consumer} "#include \"${include}\"" result)
  if(result_rc EQUAL 0)
    fail("${header} compiles in ${consumer}: it is not private to ${library}")
  elseif(NOT result_output MATCHES "is private to ${library}")
    fail("${header} fails in ${consumer} but not at its guard:\n${result_output}")
  else()
    message(STATUS "private: ${include} stops at its guard in ${consumer}")
  endif()
endforeach()
# Public headers (the unguarded ones) include no third-party header that a library owns: some,
# like OpenVDB's, libtiff's or LibTorch's ATen, sit on the compiler's default path, where no
# include directory could hide them.
set(owned_headers "torch/|ATen/|c10/|H5[A-Za-z]*\\.h|hdf5|itk|openvdb/|tiffio|tiff\\.h|blosc|vtk|mpi\\.h|isa-l/|libdeflate")
foreach(header IN LISTS headers)
  if(header IN_LIST guarded OR header MATCHES "^ui/")
    continue()  # ui/ headers are Qt's side of the studio; nothing includes them but ui and app
  endif()
  file(STRINGS "${SOURCE_DIR}/${header}" includes REGEX "^#include <(${owned_headers})")
  if(includes)
    fail("public ${header} includes a dependency its library owns: ${includes}")
  endif()
endforeach()
foreach(header IN LISTS required_private)
  if(NOT header IN_LIST guarded)
    fail("${header} has lost its guard (#ifndef TERAMIND_INSIDE_<LIB> / #error ... private)")
  endif()
endforeach()

# Controls: the same consumers do compile the public headers, so the failures above are the
# guards', not broken flags.
probe(teramind "#include \"model/MorphologyModel.h\"\n#include \"io/SpatialDataset.h\"" control)
if(NOT control_rc EQUAL 0)
  fail("public core headers do not compile with teramind's flags:\n${control_output}")
endif()
if(GUI)
  probe(teramind_ui "#include \"AtlasScene.h\"" control)
  if(NOT control_rc EQUAL 0)
    fail("render's public AtlasScene.h does not compile with teramind_ui's flags:\n${control_output}")
  endif()
endif()

# Third-party headers: reachable in the library that owns them, not in its consumers.
# `owner|header|consumers...`
set(ownership "teramind_model|torch/torch.h|teramind" "teramind_io|H5Cpp.h|teramind"
              "teramind_io|itkImageIOBase.h|teramind")
if(GUI)
  list(APPEND ownership "teramind_render|vtkSmartPointer.h|teramind|teramind-studio"
       "teramind_model|torch/torch.h|teramind-studio" "teramind_io|H5Cpp.h|teramind-studio")
endif()
foreach(entry IN LISTS ownership)
  string(REPLACE "|" ";" entry "${entry}")
  list(POP_FRONT entry owner header)
  if((header MATCHES "^itk" AND NOT ITK) OR (header MATCHES "^H5" AND NOT HDF5))
    continue()  # optional adapters, absent from this build
  endif()
  probe(${owner} "#if !__has_include(<${header}>)\n#error \"missing\"\n#endif" owned)
  if(NOT owned_rc EQUAL 0)
    fail("<${header}> is not reachable in its owner ${owner}, so this check proves nothing")
  endif()
  foreach(consumer IN LISTS entry)
    probe(${consumer} "#if __has_include(<${header}>)\n#error \"reachable\"\n#endif" leaked)
    if(leaked_rc EQUAL 0)
      message(STATUS "owned: <${header}> reachable in ${owner}, not in ${consumer}")
    else()
      fail("<${header}> is reachable in ${consumer}: ${owner}'s include path leaks")
    endif()
  endforeach()
endforeach()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} private-header check(s) failed")
endif()
list(LENGTH guarded count)
message(STATUS "build.private_headers: ${count} private headers, all stopped at their guards")
