# strata_add_dialect(NAME <n> SOURCES <files...> ENTRY <plugin_entry.cpp>)
# Builds one dialect twice from the same objects: strata_dialect_<n> as a run-time
# plugin (MODULE, exports the Boost.DLL aliases) and strata_dialect_<n>_static for tests,
# which registers through a plain function and carries no aliases (two statically
# linked dialects would otherwise merge their weak alias symbols).
function(strata_add_dialect)
    # LIBRARIES: what the dialect's own code needs besides the SDK (a SQL parser, ...).
    cmake_parse_arguments(ARG "" "NAME;ENTRY" "SOURCES;LIBRARIES" ${ARGN})
    set(objects strata_dialect_${ARG_NAME}_objects)
    add_library(${objects} OBJECT ${ARG_SOURCES})
    target_link_libraries(${objects} PUBLIC strata_sdk fmt::fmt ${ARG_LIBRARIES}
                                     PRIVATE strata_compile_options)

    add_library(strata_dialect_${ARG_NAME} MODULE ${ARG_ENTRY} $<TARGET_OBJECTS:${objects}>)
    target_link_libraries(strata_dialect_${ARG_NAME} PRIVATE strata_sdk fmt::fmt ${ARG_LIBRARIES}
                                                             strata_compile_options)
    set_target_properties(strata_dialect_${ARG_NAME} PROPERTIES
        PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${STRATA_PLUGIN_OUTPUT_DIR}
        INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS strata_dialect_${ARG_NAME} LIBRARY DESTINATION ${STRATA_PLUGIN_INSTALL_DIR})

    add_library(strata_dialect_${ARG_NAME}_static STATIC $<TARGET_OBJECTS:${objects}>)
    target_link_libraries(strata_dialect_${ARG_NAME}_static PUBLIC strata_sdk fmt::fmt
                                                                   ${ARG_LIBRARIES})
    # Tests register the static dialect through its make_dialect() header.
    target_include_directories(strata_dialect_${ARG_NAME}_static PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})

    set(STRATA_ENABLED_DIALECTS ${STRATA_ENABLED_DIALECTS} ${ARG_NAME} PARENT_SCOPE)
endfunction()
