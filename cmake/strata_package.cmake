# SPDX-License-Identifier: Apache-2.0
# CPack: a .deb for Debian 12 and a relocatable .tar.gz, from the install rules (the binary,
# core, formats, the SDK with its CMake package, the dialect plugins, the man page and the
# shell completions). scripts/package.sh builds both into build/packages/.
#
# The tarball is relocatable: the binary finds its libraries through RPATH $ORIGIN/../lib and
# the core finds the plugins next to itself (lib/strata/plugins), wherever it is unpacked.
set(CPACK_PACKAGE_NAME strata)
set(CPACK_PACKAGE_VENDOR "strata")
set(CPACK_PACKAGE_CONTACT "strata maintainers <strata@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Database change management that reads Liquibase changelogs")
set(CPACK_PACKAGE_DESCRIPTION
    "strata applies the changesets of Liquibase changelogs (XML, YAML, JSON, formatted SQL)
to SQLite, PostgreSQL and MySQL/MariaDB databases, records them in Liquibase's history
tables and rolls them back. It reads Liquibase's properties files and environment
variables. The package also carries the SDK for building dialect plugins out of tree.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_STRIP_FILES ON)
if(NOT CPACK_SYSTEM_NAME)
    set(CPACK_SYSTEM_NAME "linux-${CMAKE_SYSTEM_PROCESSOR}")
endif()
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CPACK_SYSTEM_NAME}")

# Debian: strata_<version>_<arch>.deb, installed under /usr.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries the binary, core, formats and plugins link (ldd), by their Debian 12
# packages (dpkg -S), and the SOCI backends core opens at run time by name (dlopen of
# libsoci_<backend>.so.4.0, which ldd cannot see) for the three dialect plugins shipped.
# libstdc++6 >= 12: built with GCC 12 (GLIBCXX_3.4.30).
set(strata_debian_depends
    "libc6 (>= 2.34)"
    "libstdc++6 (>= 12)"
    "libgcc-s1"
    "libssl3 (>= 3.0.0)"
    "libfmt9"
    "libpugixml1v5 (>= 1.13)"
    "libyaml-cpp0.7"
    "libsqlite3-0"
    "libsoci-core4.0"
    "libsoci-sqlite3-4.0"
    "libsoci-postgresql4.0"
    "libsoci-mysql4.0")
list(JOIN strata_debian_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# Building a plugin with the SDK (find_package(strata)) needs a compiler, CMake and Boost's
# headers (Boost.DLL): wanted only by plugin authors.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "g++, cmake, libboost-dev")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
