// SPDX-License-Identifier: Apache-2.0
// How strata talks on stderr: colour for errors and warnings only on a terminal (NO_COLOR and
// --color respected), and, for update and rollback, a live `[n/N]` line with the changeset,
// the elapsed time and an estimate of what is left; plain lines with per-changeset durations
// when stderr is no terminal or with --no-progress.
#pragma once

#include "settings.hpp"

#include <chrono>
#include <iosfwd>
#include <strata/core/engine.hpp>
#include <string>

namespace strata::cli {

struct ConsoleStyle {
    bool color = false; ///< ANSI colours on stderr
    bool live = false;  ///< a progress line redrawn in place
};

/// --color=always|never wins; auto (the default) colours a terminal unless NO_COLOR is set.
/// The live line needs a terminal, info-level messages and no --no-progress.
ConsoleStyle console_style(const Settings& settings, bool stderr_is_terminal,
                           bool no_color_variable);
/// The style for this process's stderr and environment.
ConsoleStyle console_style(const Settings& settings);

/// "Error:" in bold red, "WARNING:" in yellow, when colour is on; the text as is otherwise.
std::string painted_prefix(const std::string& text, const ConsoleStyle& style);

/// The progress of one update or rollback, drawn on `err`.
class ProgressDisplay {
public:
    ProgressDisplay(std::ostream& err, ConsoleStyle style) : err_(err), style_(style) {}

    void on_changeset(const ChangesetProgress& event);
    /// Prints a message line; a live progress line is cleared first and drawn again after.
    void message(const std::string& text);
    /// "[3/120] app.xml::3::ana  1.2 s elapsed, about 40 s left"
    static std::string live_line(const ChangesetProgress& event,
                                 std::chrono::steady_clock::duration elapsed);

private:
    void clear_line();

    std::ostream& err_;
    ConsoleStyle style_;
    std::chrono::steady_clock::time_point started_{};
    ChangesetProgress last_{};
    bool drawn_ = false;
};

} // namespace strata::cli
