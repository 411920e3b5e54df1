// SPDX-License-Identifier: Apache-2.0
#include "fleet.hpp"

#include "command_line.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <spawn.h>
#include <sstream>
#include <strata/core/database.hpp>
#include <strata/error.hpp>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace strata::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string trimmed(std::string_view text) {
    auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
    auto begin = std::find_if(text.begin(), text.end(), not_space);
    auto end = std::find_if(text.rbegin(), text.rend(), not_space).base();
    return begin < end ? std::string(begin, end) : std::string();
}

std::string read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

enum class Outcome { NotRun, Ok, Failed };

struct TargetRun {
    Outcome outcome = Outcome::NotRun;
    int exit_code = 0;
    double seconds = 0;
    std::string out;
    std::string err;
};

/// The fleet's own options and the ones that would name another target or leak a secret
/// into a process list: the child gets the target through its environment instead.
const std::set<std::string, std::less<>> kNotPassedOn = {
    "url-file", "parallel",    "canary",   "on-failure",         "url",
    "password", "output-file", "username", "reference-password",
};

/// The child's command line: the same command, arguments and options as the parent's,
/// minus the fleet's own and the target's.
std::vector<std::string> child_arguments(const CommandLine& line, const FleetTarget& target) {
    std::vector<std::string> args{fs::read_symlink("/proc/self/exe").string(),
                                  std::string(line.command->name)};
    args.insert(args.end(), line.arguments.begin(), line.arguments.end());
    for (const auto& [key, values] : line.flags) {
        if (kNotPassedOn.contains(key) ||
            (key == "defaults-file" && !target.properties_file.empty()))
            continue;
        const OptionSpec* option = find_option(key);
        for (const std::string& value : values) {
            if (option != nullptr && option->flag)
                args.push_back("--" + key);
            else if (option != nullptr && !option->short_name.empty())
                args.push_back("-" + std::string(option->short_name) + value);
            else
                args.push_back("--" + key + "=" + value);
        }
    }
    if (!target.properties_file.empty())
        args.push_back("--defaults-file=" + target.properties_file);
    return args;
}

/// The child's environment: the parent's, with the target's URL and the command line's
/// credentials in strata's variables (never in argv, which `ps` shows), and no fleet
/// settings, so the child runs its one target.
std::vector<std::string> child_environment(const CommandLine& line, const FleetTarget& target) {
    static const std::set<std::string, std::less<>> kReplaced = {
        "STRATA_URL",      "LIQUIBASE_COMMAND_URL", "STRATA_URL_FILE",
        "STRATA_PARALLEL", "STRATA_CANARY",         "STRATA_ON_FAILURE"};
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        if (!kReplaced.contains(text.substr(0, text.find('='))))
            environment.emplace_back(text);
    }
    // Empty beats a url-file a defaults file may name: the child never fans out again.
    environment.emplace_back("STRATA_URL_FILE=");
    if (!target.url.empty())
        environment.push_back("STRATA_URL=" + target.url);
    for (const auto& [key, variable] :
         {std::pair{"username", "STRATA_USERNAME"}, std::pair{"password", "STRATA_PASSWORD"},
          std::pair{"reference-password", "STRATA_REFERENCE_PASSWORD"}}) {
        if (auto given = line.flags.find(key); given != line.flags.end() && !given->second.empty())
            environment.push_back(std::string(variable) + "=" + given->second.back());
    }
    return environment;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (std::string& text : strings)
        pointers.push_back(text.data());
    pointers.push_back(nullptr);
    return pointers;
}

/// Runs the targets, at most `parallel` at once, calling `finished` as each one ends.
class Scheduler {
public:
    Scheduler(const CommandLine& line, const std::vector<FleetTarget>& targets,
              std::vector<TargetRun>& runs, fs::path work)
        : line_(line), targets_(targets), runs_(runs), work_(std::move(work)) {}

    /// Runs targets [begin, end); with stop_on_failure, starts none after a failure.
    /// Returns whether every target it ran succeeded.
    template <typename Finished>
    bool run(std::size_t begin, std::size_t end, int parallel, bool stop_on_failure,
             Finished&& finished) {
        std::map<pid_t, std::pair<std::size_t, Clock::time_point>> running;
        bool all_ok = true;
        std::size_t next = begin;
        while (true) {
            while ((all_ok || !stop_on_failure) && next < end &&
                   running.size() < static_cast<std::size_t>(parallel)) {
                running[start(next)] = {next, Clock::now()};
                ++next;
            }
            if (running.empty())
                return all_ok;
            int status = 0;
            pid_t pid = waitpid(-1, &status, 0);
            if (pid < 0) {
                if (errno == EINTR)
                    continue;
                throw Error(ErrorKind::Internal, "waiting for a fleet target failed");
            }
            auto found = running.find(pid);
            if (found == running.end())
                continue;
            auto [index, started] = found->second;
            running.erase(found);
            TargetRun& run = runs_[index];
            run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
            run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            run.outcome = run.exit_code == 0 ? Outcome::Ok : Outcome::Failed;
            run.out = read_whole(output_path(index, "out"));
            run.err = read_whole(output_path(index, "err"));
            all_ok = all_ok && run.outcome == Outcome::Ok;
            finished(index);
        }
    }

private:
    fs::path output_path(std::size_t index, std::string_view stream) const {
        return work_ / fmt::format("{}.{}", index, stream);
    }

    pid_t start(std::size_t index) {
        std::vector<std::string> args = child_arguments(line_, targets_[index]);
        std::vector<std::string> environment = child_environment(line_, targets_[index]);
        std::vector<char*> argv = c_strings(args);
        std::vector<char*> envp = c_strings(environment);
        std::string out = output_path(index, "out").string();
        std::string err = output_path(index, "err").string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        pid_t pid = 0;
        int failed = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (failed != 0)
            throw Error(ErrorKind::Internal,
                        fmt::format("could not start strata for {}: {}", targets_[index].label,
                                    std::strerror(failed)));
        return pid;
    }

    const CommandLine& line_;
    const std::vector<FleetTarget>& targets_;
    std::vector<TargetRun>& runs_;
    fs::path work_;
};

/// A private directory for the children's output, removed when the fleet is done.
class WorkDirectory {
public:
    WorkDirectory() {
        std::string pattern = (fs::temp_directory_path() / "strata-fleet.XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            throw Error(ErrorKind::Internal, "could not create a directory for the fleet's output");
        path_ = pattern;
    }
    ~WorkDirectory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    WorkDirectory(const WorkDirectory&) = delete;
    WorkDirectory& operator=(const WorkDirectory&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::Ok:
        return "ok";
    case Outcome::Failed:
        return "failed";
    case Outcome::NotRun:
        return "not run";
    }
    return "not run";
}

} // namespace

std::vector<FleetTarget> read_fleet_targets(const std::string& path) {
    std::vector<FleetTarget> targets;
    std::error_code error;
    if (fs::is_directory(path, error)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(path, error))
            if (entry.is_regular_file() && entry.path().extension() == ".properties")
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files)
            targets.push_back({file.filename().string(), {}, file.string()});
    } else {
        std::ifstream in(path);
        if (!in)
            throw Error(ErrorKind::Usage, fmt::format("cannot read --url-file '{}'", path), {},
                        "give a file of URLs, one per line, or a directory of .properties files");
        std::string text;
        for (int number = 1; std::getline(in, text); ++number) {
            std::string url = trimmed(text);
            if (url.empty() || url.starts_with('#'))
                continue;
            if (url.find(':') == std::string::npos)
                throw Error(ErrorKind::Usage,
                            fmt::format("{}:{}: '{}' is not a database URL", path, number, url), {},
                            "one URL per line, e.g. postgresql://host:5432/db or sqlite:app.db");
            targets.push_back({mask_url(url), url, {}});
        }
    }
    if (targets.empty())
        throw Error(ErrorKind::Usage, fmt::format("--url-file '{}' names no target", path), {},
                    "one URL per line (# starts a comment), or *.properties files in a directory");
    return targets;
}

int run_fleet(const CommandLine& line, const Settings& settings, std::ostream& out) {
    if (line.flags.contains("url"))
        throw Error(ErrorKind::Usage, "--url and --url-file both name the targets", {},
                    "give the one database with --url, or the fleet with --url-file");
    std::vector<FleetTarget> targets = read_fleet_targets(settings.url_file);
    std::vector<TargetRun> runs(targets.size());
    const bool json = settings.format == "json";
    const std::size_t total = targets.size();
    std::size_t done = 0;
    WorkDirectory work;
    Scheduler scheduler(line, targets, runs, work.path());
    auto finished = [&](std::size_t index) {
        ++done;
        const TargetRun& run = runs[index];
        if (settings.shows_info())
            std::cerr << fmt::format("[{}/{}] {}: {} in {:.2f} s\n", done, total,
                                     targets[index].label, outcome_name(run.outcome), run.seconds);
        if (json)
            return;
        out << fmt::format("=== {} ({}, exit {}, {:.2f} s)\n", targets[index].label,
                           outcome_name(run.outcome), run.exit_code, run.seconds)
            << run.out;
        // A failed target's messages all, to see what led to the error; a successful
        // target's progress lines only at --log-level=fine, or fifty targets drown the table.
        if (run.outcome == Outcome::Failed || settings.logs_statements()) {
            std::istringstream errors(run.err);
            for (std::string message; std::getline(errors, message);)
                std::cerr << targets[index].label << ": " << message << "\n";
        }
        out.flush();
    };

    const auto started = Clock::now();
    const std::size_t canaries = std::min<std::size_t>(settings.canary, total);
    const bool canaries_ok = scheduler.run(0, canaries, settings.parallel, true, finished);
    if (canaries_ok)
        scheduler.run(canaries, total, settings.parallel, settings.on_failure == "stop", finished);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

    std::size_t ok = 0, failed = 0;
    int exit_code = 0;
    for (const TargetRun& run : runs) {
        ok += run.outcome == Outcome::Ok ? 1 : 0;
        failed += run.outcome == Outcome::Failed ? 1 : 0;
        if (run.outcome == Outcome::Failed && exit_code == 0)
            exit_code = run.exit_code;
    }
    const std::size_t not_run = total - ok - failed;

    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t i = 0; i < total; ++i) {
            const TargetRun& run = runs[i];
            nlohmann::json entry = {{"target", targets[i].label},
                                    {"status", outcome_name(runs[i].outcome)},
                                    {"canary", i < canaries}};
            if (run.outcome != Outcome::NotRun) {
                entry["exitCode"] = run.exit_code;
                entry["seconds"] = run.seconds;
                // The target's own JSON document (its result, or its error); text if the
                // child died before writing one.
                nlohmann::json document = nlohmann::json::parse(run.out, nullptr, false);
                if (!document.is_discarded())
                    entry["result"] = std::move(document);
                else
                    entry["output"] = run.out;
                if (!run.err.empty())
                    entry["stderr"] = run.err;
            }
            list.push_back(std::move(entry));
        }
        print_json(out, line.command->name,
                   {{"targets", std::move(list)},
                    {"summary",
                     {{"targets", total},
                      {"ok", ok},
                      {"failed", failed},
                      {"notRun", not_run},
                      {"parallel", settings.parallel},
                      {"seconds", seconds}}}});
        return exit_code;
    }
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < total; ++i) {
        const TargetRun& run = runs[i];
        bool ran = run.outcome != Outcome::NotRun;
        rows.push_back({targets[i].label,
                        std::string(outcome_name(run.outcome)) + (i < canaries ? " (canary)" : ""),
                        ran ? std::to_string(run.exit_code) : "",
                        ran ? fmt::format("{:.2f} s", run.seconds) : ""});
    }
    out << "\n";
    print_table(out, {"Target", "Result", "Exit", "Time"}, rows);
    out << fmt::format("{} targets: {} ok, {} failed, {} not run; {:.2f} s with --parallel={}\n",
                       total, ok, failed, not_run, seconds, settings.parallel);
    if (failed > 0 && not_run > 0)
        out << fmt::format("stopped after a failure: {} run the rest (--on-failure=continue runs "
                           "every target)\n",
                           canaries_ok ? "fix it and" : "the canary failed; fix it and");
    return exit_code;
}

} // namespace strata::cli
