// SPDX-License-Identifier: Apache-2.0
#include "output_file.hpp"

#include <fmt/format.h>
#include <strata/error.hpp>
#include <system_error>
#include <unistd.h>

namespace strata::cli {

OutputFile::OutputFile(std::filesystem::path target) : target_(std::move(target)) {
    // Beside the target, so the final rename stays on one filesystem.
    temporary_ = target_;
    temporary_ += fmt::format(".strata-{}.tmp", getpid());
    stream_.open(temporary_, std::ios::binary | std::ios::trunc);
    if (!stream_)
        throw Error(ErrorKind::Usage,
                    fmt::format("cannot write --output-file '{}'", target_.string()), {},
                    "check that its folder exists and is writable");
}

OutputFile::~OutputFile() {
    if (committed_)
        return;
    stream_.close();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
}

void OutputFile::commit() {
    stream_.close();
    if (!stream_)
        throw Error(ErrorKind::Usage,
                    fmt::format("writing --output-file '{}' failed", target_.string()));
    std::error_code error;
    std::filesystem::rename(temporary_, target_, error);
    if (error)
        throw Error(ErrorKind::Usage, fmt::format("cannot replace --output-file '{}': {}",
                                                  target_.string(), error.message()));
    committed_ = true;
}

} // namespace strata::cli
