// SPDX-License-Identifier: Apache-2.0
// --output-file written as a whole or not at all: the command writes to a temporary file
// beside the target, which replaces the target only when the command succeeded. So a
// failing update-sql leaves an existing file as it was, and `convert --output-file` may name
// its own input.
#pragma once

#include <filesystem>
#include <fstream>
#include <ostream>

namespace strata::cli {

class OutputFile {
public:
    /// Opens the temporary file; throws Error{Usage} when it cannot be written.
    explicit OutputFile(std::filesystem::path target);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::ostream& stream() { return stream_; }
    /// Puts the written file in place of the target (an atomic rename on one filesystem).
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temporary_;
    std::ofstream stream_;
    bool committed_ = false;
};

} // namespace strata::cli
