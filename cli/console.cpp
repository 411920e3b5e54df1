// SPDX-License-Identifier: Apache-2.0
#include "console.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <ostream>
#include <unistd.h>

namespace strata::cli {

namespace {

constexpr const char* kRed = "\033[1;31m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kReset = "\033[0m";
constexpr const char* kClearLine = "\r\033[K";

std::string seconds(std::chrono::steady_clock::duration duration) {
    double value = std::chrono::duration<double>(duration).count();
    return value < 10 ? fmt::format("{:.1f} s", value) : fmt::format("{:.0f} s", value);
}

} // namespace

ConsoleStyle console_style(const Settings& settings, bool stderr_is_terminal,
                           bool no_color_variable) {
    ConsoleStyle style;
    if (settings.color == "always")
        style.color = true;
    else if (settings.color == "auto")
        style.color = stderr_is_terminal && !no_color_variable;
    style.live = stderr_is_terminal && !settings.no_progress && settings.shows_info();
    return style;
}

ConsoleStyle console_style(const Settings& settings) {
    const char* no_color = std::getenv("NO_COLOR");
    return console_style(settings, isatty(STDERR_FILENO) == 1,
                         no_color != nullptr && *no_color != '\0');
}

std::string painted_prefix(const std::string& text, const ConsoleStyle& style) {
    if (!style.color)
        return text;
    for (auto [prefix, colour] : {std::pair{"Error:", kRed}, std::pair{"WARNING:", kYellow}})
        if (text.starts_with(prefix))
            return fmt::format("{}{}{}{}", colour, prefix, kReset,
                               text.substr(std::string_view(prefix).size()));
    return text;
}

std::string ProgressDisplay::live_line(const ChangesetProgress& event,
                                       std::chrono::steady_clock::duration elapsed) {
    std::string line =
        fmt::format("[{}/{}] {}{}  {} elapsed", event.index, event.total,
                    event.rollback ? "rolling back " : "", event.identifier, seconds(elapsed));
    // The changesets done so far set the pace for the rest.
    int done = event.index - 1;
    if (done > 0 && event.total > done)
        line += fmt::format(", about {} left", seconds(elapsed / done * (event.total - done)));
    return line;
}

void ProgressDisplay::clear_line() {
    if (drawn_)
        err_ << kClearLine << std::flush;
    drawn_ = false;
}

void ProgressDisplay::on_changeset(const ChangesetProgress& event) {
    if (event.index == 1 && event.phase == ChangesetProgress::Phase::Started)
        started_ = std::chrono::steady_clock::now();
    last_ = event;
    if (!style_.live) {
        if (event.phase == ChangesetProgress::Phase::Finished)
            err_ << fmt::format("  [{}/{}] {} in {} ms\n", event.index, event.total,
                                event.rollback ? "rolled back" : "done", event.elapsed.count());
        return;
    }
    if (event.phase == ChangesetProgress::Phase::Finished && event.index == event.total) {
        clear_line();
        return;
    }
    clear_line();
    err_ << live_line(event, std::chrono::steady_clock::now() - started_) << std::flush;
    drawn_ = true;
}

void ProgressDisplay::message(const std::string& text) {
    bool redraw = drawn_;
    clear_line();
    err_ << painted_prefix(text, style_) << "\n";
    if (redraw) {
        err_ << live_line(last_, std::chrono::steady_clock::now() - started_) << std::flush;
        drawn_ = true;
    }
}

} // namespace strata::cli
