# The Debian package, teramind-studio_<version>_amd64.deb (packaging/build-deb.sh runs cpack):
# the two executables and the resources (installed by their own CMakeLists), and here the desktop
# entry with its icon, the session MIME type and the man pages made from --help. Only install
# rules: the build tree runs as before.

set(TERAMIND_PACKAGING_DIR "${CMAKE_CURRENT_LIST_DIR}/../packaging")

install(FILES "${TERAMIND_PACKAGING_DIR}/desktop/org.teramind.Studio.desktop"
        DESTINATION share/applications)
install(FILES "${TERAMIND_PACKAGING_DIR}/icons/org.teramind.Studio.svg"
        DESTINATION share/icons/hicolor/scalable/apps)
install(FILES "${TERAMIND_PACKAGING_DIR}/mime/org.teramind.Studio.xml"
        DESTINATION share/mime/packages)

# Man pages are written at install time from the built executables' --help, so a plain build
# neither needs help2man nor spends time on them.
find_program(TERAMIND_HELP2MAN help2man)
if(TERAMIND_HELP2MAN)
  set(man_programs teramind)
  if(TERAMIND_GUI)
    list(APPEND man_programs teramind-studio)
  endif()
  foreach(program IN LISTS man_programs)
    set(page "${CMAKE_BINARY_DIR}/man/${program}.1.gz")
    install(CODE "
      file(MAKE_DIRECTORY \"${CMAKE_BINARY_DIR}/man\")
      execute_process(COMMAND bash \"${TERAMIND_PACKAGING_DIR}/man/make-man-page.sh\"
                              \"$<TARGET_FILE:${program}>\" \"${PROJECT_VERSION}\" \"${page}\"
                      RESULT_VARIABLE status)
      if(NOT status EQUAL 0)
        message(FATAL_ERROR \"cannot write the man page ${page} (exit status \${status})\")
      endif()")
    install(FILES "${page}" DESTINATION share/man/man1)
  endforeach()
else()
  message(STATUS "help2man not found: no man pages are installed (packaging/install-deps.sh installs it)")
endif()

set(TERAMIND_PACKAGE_MAINTAINER "Tera-MIND Studio developers <teramind-studio@localhost>"
    CACHE STRING "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME teramind-studio)
set(CPACK_PACKAGE_VENDOR "Tera-MIND")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${TERAMIND_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "simulate 3D mouse-brain tissue from spatial transcriptomics")
# The long description; CPack puts the summary above it and indents its lines.
set(CPACK_PACKAGE_DESCRIPTION
    "Tera-MIND Studio generates DAPI/PolyT morphology from spatial transcriptomics
(Vizgen/MERSCOPE, MERFISH, STARmap, loom, h5ad) with a gene-gene diffusion model,
placed in the Allen CCFv3 atlas. It contains the command-line engine (teramind)
and the desktop studio (teramind-studio), with a 100 um atlas, a demo dataset
and a demo model.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/package")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # teramind-studio_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Libraries the executables link come from dpkg-shlibdeps; what they load at run time does not:
# Mesa's drivers (llvmpipe where no GPU driver is). Qt's xcb and offscreen platform plugins are in
# libqt6gui6, which shlibdeps finds.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgl1-mesa-dri")
include(CPack)
