// SPDX-License-Identifier: Apache-2.0
// executeCommand: the program runs directly (no shell), and only when the user allows it.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <tuple>

namespace strata {

namespace {

/// Liquibase's executeCommand timeout: a number of seconds, or a number followed by s, m or
/// h ("90", "30s", "5m", "1h"). nullopt when the change sets none.
std::optional<std::chrono::milliseconds> command_timeout(const Change& change) {
    const std::string* written = change.get("timeout");
    if (!written || trim(*written).empty())
        return std::nullopt;
    std::string text = trim(*written);
    std::chrono::milliseconds unit = std::chrono::seconds(1);
    switch (text.back()) {
    case 's':
        text.pop_back();
        break;
    case 'm':
        unit = std::chrono::minutes(1);
        text.pop_back();
        break;
    case 'h':
        unit = std::chrono::hours(1);
        text.pop_back();
        break;
    default:
        break;
    }
    long amount = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (error != std::errc() || end != text.data() + text.size() || amount < 0)
        throw Error(ErrorKind::Validation,
                    fmt::format("executeCommand timeout '{}' is not a duration", *written),
                    change.where, "write seconds, or a number followed by s, m or h (\"30s\")");
    return unit * amount;
}

/// Waits for the child; past `timeout`, kills it and returns false.
bool wait_for(pid_t child, std::optional<std::chrono::milliseconds> timeout, int& status) {
    if (!timeout) {
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        return true;
    }
    auto deadline = std::chrono::steady_clock::now() + *timeout;
    while (true) {
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child || (done < 0 && errno != EINTR))
            return true;
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

/// Whether the change's `os` names this system (Linux); no `os` means everywhere.
bool runs_on_this_system(const Change& change) {
    const std::string* os = change.get("os");
    if (!os || os->empty())
        return true;
    std::set<std::string> systems = split_names(*os);
    return systems.count("linux") || systems.count("unix");
}

} // namespace

// executeCommand: the program runs directly (no shell, so arguments are never re-parsed),
// only where its `os` matches, and a non-zero exit fails the changeset.
void Engine::require_commands_allowed(const ChangeSet& changeset) const {
    if (settings_.allow_execute_command)
        return;
    for (const Change& change : changeset.changes) {
        if (change.kind == ChangeKind::ExecuteCommand && runs_here(change) &&
            runs_on_this_system(change))
            throw Error(ErrorKind::Validation,
                        fmt::format("changeSet {} runs the program '{}'", changeset.identifier(),
                                    change.value("executable")),
                        change.where,
                        "strata runs executeCommand only with --allow-execute-command; nothing "
                        "was applied");
    }
}

void Engine::execute_command(const Change& change, const ChangeSet& changeset) {
    require_commands_allowed(changeset);
    if (!runs_on_this_system(change))
        return;
    std::optional<std::chrono::milliseconds> timeout = command_timeout(change);
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
    if (!wait_for(child, timeout, status))
        throw Error(ErrorKind::Database,
                    fmt::format("'{}' did not finish within its timeout ({}) and was stopped",
                                arguments[0], change.value("timeout")),
                    change.where, "raise the changeset's timeout, or make the program faster");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(ErrorKind::Database,
                    fmt::format("'{}' failed with exit status {}", arguments[0],
                                WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                    change.where);
}

} // namespace strata
