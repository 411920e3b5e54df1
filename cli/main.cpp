// SPDX-License-Identifier: Apache-2.0
// The `strata` executable: parse the command line (command_line.cpp, from the command table
// in commands.cpp), resolve the settings (settings.cpp), run the command's handler
// (handlers.cpp) and turn errors into exit codes. The CLI writes no SQL and reads no
// changelog format itself: statements come from the dialect through core's Engine, and
// changelogs are read and written by formats/. See cli/README.md for how to add a command.
#include "command_line.hpp"
#include "commands.hpp"
#include "fleet.hpp"
#include "options.hpp"
#include "output_file.hpp"
#include "report.hpp"
#include "session.hpp"
#include "settings.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <strata/error.hpp>

namespace strata::cli {
namespace {

/// Exit codes (README, "Exit codes").
int exit_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
        return 2;
    case ErrorKind::Parse:
    case ErrorKind::Validation:
        return 3;
    case ErrorKind::ChecksumMismatch:
        return 4;
    case ErrorKind::Lock:
        return 5;
    case ErrorKind::Plugin:
        return 6;
    case ErrorKind::HaltedPartway:
        return 8;
    case ErrorKind::Database:
    case ErrorKind::Rollback:
    case ErrorKind::Internal:
        return 1;
    }
    return 1;
}

std::optional<std::string> environment(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
        return std::nullopt;
    return std::string(value);
}

/// The command's required arguments, from whichever channel they came.
void check_required(const CommandSpec& command, const Settings& settings) {
    auto missing = [&](std::string_view option) {
        throw Error(ErrorKind::Usage, fmt::format("{} needs --{}", command.name, option), {},
                    fmt::format("run `strata {} --help` for its options", command.name));
    };
    if ((command.options & kCount) != 0 && !settings.count)
        missing("count");
    if ((command.options & kTag) != 0 && settings.tag.empty())
        missing("tag");
    if ((command.options & kDate) != 0 && settings.date.empty())
        missing("date");
    if ((command.options & kOutputDirectory) != 0 && settings.output_directory.empty())
        missing("output-directory");
    // Changelog formats are for convert, SARIF for lint; every other command prints text or
    // JSON.
    if ((command.options & kFormat) != 0 && command.name != "convert" &&
        settings.format != "text" && settings.format != "json" &&
        !(command.name == "lint" && settings.format == "sarif"))
        throw Error(ErrorKind::Usage,
                    fmt::format("{} prints text or json, not {}", command.name, settings.format),
                    {}, "--format=json for a document a program reads");
}

int run(const CommandLine& line) {
    Settings settings;
    try {
        std::vector<std::string> warnings;
        settings = resolve_settings(line.flags, environment, warnings);
        settings.arguments = line.arguments;
        for (const std::string& warning : warnings)
            std::cerr << painted_prefix("WARNING: " + warning, console_style(settings)) << "\n";
        check_required(*line.command, settings);
        std::optional<OutputFile> file_output;
        std::ostream* out = &std::cout;
        if (!settings.output_file.empty())
            out = &file_output.emplace(settings.output_file).stream();
        if ((line.command->options & kFleet) != 0 && !settings.url_file.empty()) {
            int code = run_fleet(line, settings, *out);
            if (file_output && code == 0)
                file_output->commit();
            return code;
        }
        // The session is never destroyed: the process ends next, and freeing a long changelog
        // and history piece by piece was a tenth of a `status` run (issue 17). Its connection
        // is closed properly on every path; the static pointer keeps it reachable for leak
        // checkers.
        static Session* kept_session = nullptr;
        kept_session = new Session(*line.command, settings, *out);
        Session& session = *kept_session;
        struct CloseAtEnd {
            Session& session;
            ~CloseAtEnd() { session.close(); }
        } close_at_end{session};
        session.prepare();
        int code = line.command->handler(session);
        // Only a command that succeeded replaces the file; otherwise it stays as it was.
        if (file_output && code == 0)
            file_output->commit();
        return code;
    } catch (const Error& e) {
        if (settings.format == "json" && (line.command->options & kFormat) != 0) {
            // A program reading the JSON gets the error as JSON too; people still see it.
            std::ostringstream document;
            print_json(document, line.command->name, error_json(e, exit_code(e.kind())));
            std::cout << document.str();
        }
        std::cerr << painted_prefix("Error: " + e.describe(), console_style(settings)) << "\n";
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << painted_prefix("Error: internal error: " + std::string(e.what()),
                                    console_style(settings))
                  << "\n";
        return 1;
    }
}

} // namespace
} // namespace strata::cli

int main(int argc, char** argv) {
    auto parsed = strata::cli::parse_command_line(argc, argv);
    if (const int* code = std::get_if<int>(&parsed))
        return *code;
    return strata::cli::run(std::get<strata::cli::CommandLine>(parsed));
}
