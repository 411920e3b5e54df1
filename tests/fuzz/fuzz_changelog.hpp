// SPDX-License-Identifier: Apache-2.0
// What every changelog fuzz target does: write the input to a file with the format's
// extension, parse it, and accept a strata::Error as the answer to bad input. Anything else
// (a crash, a sanitizer report, another exception escaping, a hang or a memory blow-up caught
// by libFuzzer's -timeout and -rss_limit_mb) is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <strata/error.hpp>
#include <strata/format/parse.hpp>
#include <string>
#include <unistd.h>

namespace strata::fuzz {

inline const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        const char* tmp = std::getenv("TMPDIR");
        std::filesystem::path base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
        std::filesystem::path path = base / ("strata-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        return path;
    }();
    return dir;
}

inline int parse_changelog_bytes(const std::uint8_t* data, std::size_t size,
                                 const char* extension) {
    std::filesystem::path file = scratch_dir() / (std::string("input") + extension);
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    format::ParseOptions options;
    options.warn = [](const std::string&) {}; // warnings are expected, and noisy
    try {
        (void)format::parse_changelog(file, options);
    } catch (const Error&) {
        // bad input, reported as it should be
    }
    return 0;
}

} // namespace strata::fuzz
