# Warnings and sanitizers for strata's own targets only: linked PRIVATE, so nothing we
# build for others (the SDK, plugins built out of tree) inherits them.
add_library(strata_compile_options INTERFACE)
target_compile_options(strata_compile_options INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
    $<$<BOOL:${STRATA_WERROR}>:-Werror>
    # GCC 12's -Wrestrict misfires on plain std::string assignments and concatenations at -O2
    # (GCC PR 105329, PR 105651; fixed in GCC 13), which would fail every Release build.
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
if(STRATA_SANITIZE)
    string(REPLACE ";" "," _strata_sanitizers "${STRATA_SANITIZE}")
    target_compile_options(strata_compile_options INTERFACE
        -fsanitize=${_strata_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(strata_compile_options INTERFACE -fsanitize=${_strata_sanitizers})
endif()
