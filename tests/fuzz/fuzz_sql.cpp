// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the formatted SQL changelog reader (see scripts/fuzz.sh).
#include "fuzz_changelog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return strata::fuzz::parse_changelog_bytes(data, size, ".sql");
}
