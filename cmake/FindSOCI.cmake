# FindSOCI: Debian's libsoci-dev ships headers and libraries but no CMake config.
# Provides SOCI::core and, for each found backend, SOCI::<backend> (sqlite3, postgresql, mysql).
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)

set(_soci_backends sqlite3 postgresql mysql)
foreach(_backend IN LISTS _soci_backends)
    find_library(SOCI_${_backend}_LIBRARY NAMES soci_${_backend})
    if(SOCI_${_backend}_LIBRARY)
        set(SOCI_${_backend}_FOUND TRUE)
    endif()
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_CORE_LIBRARY SOCI_INCLUDE_DIR HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
    add_library(SOCI::core UNKNOWN IMPORTED)
    set_target_properties(SOCI::core PROPERTIES
        IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
    foreach(_backend IN LISTS _soci_backends)
        if(SOCI_${_backend}_FOUND)
            add_library(SOCI::${_backend} UNKNOWN IMPORTED)
            set_target_properties(SOCI::${_backend} PROPERTIES
                IMPORTED_LOCATION "${SOCI_${_backend}_LIBRARY}"
                INTERFACE_LINK_LIBRARIES SOCI::core)
        endif()
    endforeach()
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
