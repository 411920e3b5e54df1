// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: context and label expressions (--contexts, context="...", labels).
#include <cstddef>
#include <cstdint>
#include <strata/error.hpp>
#include <strata/filter.hpp>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)strata::evaluate_expression(text, {"a", "b", "prod", "test"});
    } catch (const strata::Error&) {
        // a malformed or too deep expression, reported as it should be
    }
    (void)strata::split_names(text);
    return 0;
}
