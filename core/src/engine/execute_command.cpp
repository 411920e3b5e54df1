// SPDX-License-Identifier: Apache-2.0
// executeCommand: the program runs directly (no shell), and only when the user allows it.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <tuple>

namespace strata {

// executeCommand: the program runs directly (no shell, so arguments are never re-parsed),
// only where its `os` matches, and a non-zero exit fails the changeset.
void Engine::execute_command(const Change& change, const ChangeSet& changeset) {
    if (!settings_.allow_execute_command)
        throw Error(ErrorKind::Validation,
                    fmt::format("changeSet {} runs the program '{}'", changeset.identifier(),
                                change.value("executable")),
                    change.where, "strata runs executeCommand only with --allow-execute-command");
    if (const std::string* os = change.get("os"); os && !os->empty()) {
        std::set<std::string> systems = split_names(*os);
        if (!systems.count("linux") && !systems.count("unix"))
            return;
    }
    std::vector<std::string> arguments{change.value("executable")};
    for (const Column& argument : change.columns)
        arguments.push_back(argument.get("value") ? *argument.get("value") : std::string());
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    if (posix_spawnp(&child, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
        throw Error(ErrorKind::Database, fmt::format("cannot start '{}'", arguments[0]),
                    change.where, "check that the program exists and is on PATH");
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(ErrorKind::Database,
                    fmt::format("'{}' failed with exit status {}", arguments[0],
                                WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                    change.where);
}

} // namespace strata
