// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/export.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

/// Where something came from in a changelog: file:line:col (line and col are 1-based, 0 = unknown).
struct STRATA_API SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;

    [[nodiscard]] std::string str() const;
    [[nodiscard]] bool known() const { return !file.empty(); }
};

/// What went wrong, in the terms a user acts on. Each kind maps to one exit code (cli/README).
enum class ErrorKind {
    Usage,      ///< bad command line or configuration
    Parse,      ///< a changelog that cannot be read
    Validation, ///< a changelog that reads but is wrong (missing attribute, duplicate id, ...)
    ChecksumMismatch, ///< an applied changeset was modified
    Plugin,           ///< a dialect plugin that cannot be loaded
    Database,         ///< the database refused a statement or a connection
    Lock,             ///< the run lock could not be taken
    Rollback,         ///< a changeset that cannot be rolled back
    Internal,         ///< a bug in strata
    /// A check that needed the schema of earlier changesets of the run failed when reached:
    /// those changesets stay applied (the error says how many).
    HaltedPartway,
};

/// The one exception type of strata. The message is the first line; `context()` holds
/// the "while ..." chain, lowest layer first; `hint()` says what to do about it.
class STRATA_API Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, SourceLocation where = {}, std::string hint = {});
    ~Error() override;

    [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
    [[nodiscard]] const SourceLocation& where() const noexcept { return where_; }
    [[nodiscard]] const std::string& hint() const noexcept { return hint_; }
    [[nodiscard]] const std::vector<std::string>& context() const noexcept { return context_; }
    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    /// The changeset being applied or rolled back ("path::id::author"), when there was one.
    [[nodiscard]] const std::string& changeset() const noexcept { return changeset_; }

    /// Appends "while <what>" to the context chain; returns *this so it can be rethrown.
    Error& add_context(std::string what);
    Error& set_sql(std::string sql);
    Error& set_hint(std::string hint);
    /// Names the changeset once; the innermost (first) one set stays.
    Error& set_changeset(std::string identifier);

    /// The whole report: "file:line:col: message", then each "while ...", then "hint: ...".
    [[nodiscard]] std::string describe() const;

private:
    ErrorKind kind_;
    SourceLocation where_;
    std::string hint_;
    std::string sql_;
    std::string changeset_;
    std::vector<std::string> context_;
};

/// For programmer errors only: throws ErrorKind::Internal with the reason.
#define STRATA_ASSERT(cond, why)                                                                   \
    do {                                                                                           \
        if (!(cond))                                                                               \
            throw ::strata::Error(::strata::ErrorKind::Internal,                                   \
                                  std::string("internal error: ") + (why) + " (" #cond ")");       \
    } while (false)

} // namespace strata
