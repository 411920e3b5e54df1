# The installed SDK: what a third party needs to build a dialect plugin out of tree with
# find_package(strata) and target strata::sdk. Only include/strata/ is installed; core's own
# headers (core/include) stay private to this build.
include(CMakePackageConfigHelpers)

# The SDK is the only exported target; core is installed beside it as the host's library.
install(TARGETS strata_sdk EXPORT strataTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS strata_core LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/strata DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/strata/build_id.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/strata)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/strata)
install(EXPORT strataTargets NAMESPACE strata:: DESTINATION ${config_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/strataConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/strataConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/strataConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/strataConfig.cmake ${PROJECT_BINARY_DIR}/strataConfigVersion.cmake
        DESTINATION ${config_dir})

# The man page and the shell completions, written by the built binary from its command table
# (`strata man`, `strata completion SHELL`), so they list exactly the commands and options of
# this build. Installed where Debian's man-db, bash-completion, zsh and fish look for them.
set(strata_generated ${PROJECT_BINARY_DIR}/generated)
set(strata_man_page ${strata_generated}/strata.1)
set(strata_completions ${strata_generated}/strata.bash ${strata_generated}/_strata
                       ${strata_generated}/strata.fish)
find_program(STRATA_GZIP gzip)
set(strata_man_install ${strata_man_page})
set(strata_compress_man)
if(STRATA_GZIP)
    # Debian installs man pages compressed; -n keeps the file reproducible (no name or time).
    set(strata_man_install ${strata_man_page}.gz)
    set(strata_compress_man COMMAND ${STRATA_GZIP} -9 -n -k -f ${strata_man_page})
endif()
add_custom_command(
    OUTPUT ${strata_man_install} ${strata_completions}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${strata_generated}
    COMMAND strata_cli man --output-file=${strata_man_page}
    ${strata_compress_man}
    COMMAND strata_cli completion bash --output-file=${strata_generated}/strata.bash
    COMMAND strata_cli completion zsh --output-file=${strata_generated}/_strata
    COMMAND strata_cli completion fish --output-file=${strata_generated}/strata.fish
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    DEPENDS strata_cli
    COMMENT "Writing strata.1 and the bash, zsh and fish completions with the built strata"
    VERBATIM)
add_custom_target(strata_docs ALL DEPENDS ${strata_man_install} ${strata_completions})

install(FILES ${strata_man_install} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${strata_generated}/strata.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME strata)
install(FILES ${strata_generated}/_strata DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${strata_generated}/strata.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# The license: as LICENSE for the tarball, as copyright where Debian policy looks for it.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
