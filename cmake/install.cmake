# What `cmake --install BUILD --prefix P` puts where:
#
#   P/bin/careday                     the program (adapters/CMakeLists.txt)
#   P/share/locale/<lang>/LC_MESSAGES/careday.mo
#                                     message catalogues (po/CMakeLists.txt)
#   P/share/doc/careday/              README.md, docs/*.md and examples/
#   P/share/man/man<N>/<name>.<N>     docs/<name>.<N>.scd through scdoc, or a
#                                     committed docs/<name>.<N>
#   P/share/bash-completion/completions/careday
#                                     completions/careday.bash
#
# The program finds its data relative to itself (../share/... beside the
# binary), never through a path compiled in: an installed careday reads only
# its own prefix, and the build tree holds the same layout (BUILD/share/...
# under CAREDAY_STAGE_DIR, the program in BUILD/adapters/), so a build run in
# place finds its data the same way without looking into the sources. Data
# the program reads is written (or copied) under CAREDAY_STAGE_DIR at build
# time and installed from there to the same place under P/share.
#
# tests/install.sh checks all of this on a copy of the tree that it deletes
# before running the installed program (.ci/test runs it).

set(CAREDAY_STAGE_DIR ${PROJECT_BINARY_DIR}/share)

# Documentation, and the examples it refers to.
file(GLOB CAREDAY_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${CAREDAY_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Manual pages: docs/<name>.<section>.scd is built with scdoc into
# BUILD/share/man/man<section>/<name>.<section>; a committed
# docs/<name>.<section> is installed as it is.
find_program(SCDOC scdoc)
file(GLOB CAREDAY_MAN_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.[1-9].scd)
file(GLOB CAREDAY_MAN_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.[1-9])
set(CAREDAY_BUILT_MAN_PAGES)
foreach(src ${CAREDAY_MAN_SOURCES})
    get_filename_component(page ${src} NAME_WLE)
    string(REGEX MATCH "[1-9]$" section ${page})
    if(NOT SCDOC)
        message(WARNING "scdoc not found: the manual page ${page} is not built or installed")
        continue()
    endif()
    set(out ${CAREDAY_STAGE_DIR}/man/man${section}/${page})
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CAREDAY_STAGE_DIR}/man/man${section}
        COMMAND sh -c "\"$1\" < \"$2\" > \"$3\"" scdoc ${SCDOC} ${src} ${out}
        DEPENDS ${src}
        COMMENT "scdoc ${page}"
        VERBATIM)
    list(APPEND CAREDAY_BUILT_MAN_PAGES ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
if(CAREDAY_BUILT_MAN_PAGES)
    add_custom_target(man_pages ALL DEPENDS ${CAREDAY_BUILT_MAN_PAGES})
endif()
foreach(page ${CAREDAY_MAN_PAGES})
    string(REGEX MATCH "[1-9]$" section ${page})
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

# Bash completion, where bash-completion looks for it by command name.
install(FILES ${PROJECT_SOURCE_DIR}/completions/careday.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME careday)
