// SPDX-License-Identifier: Apache-2.0
#include "command_line.hpp"

#include "commands.hpp"
#include "option_values.hpp"
#include "options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <strata/build_id.hpp>
#include <strata/change.hpp>
#include <strata/plugin.hpp>

namespace strata::cli {
namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 ok, 1 database or rollback error, 2 usage, 3 invalid changelog, "
    "4 checksum validation failed, 5 lock not acquired, 6 plugin error, 7 lint findings at "
    "--fail-on (nothing was run), 8 halted partway (earlier changesets of the run stay applied).";

/// The CLI11 names of an option: "--changelog-file", "-D", with its aliases.
std::string cli_names(const OptionSpec& option) {
    if (!option.short_name.empty())
        return "-" + std::string(option.short_name);
    std::string names;
    for (const std::string& name : long_names(option))
        names += (names.empty() ? "--" : ",--") + name;
    return names;
}

/// Adds the option to `app`, its results collected into `given` under the option's key.
void add(CLI::App& app, const OptionSpec& option, GivenFlags& given) {
    std::string key(option.key);
    if (option.flag) {
        app.add_flag_callback(
               cli_names(option), [&given, key] { given[key] = {"true"}; },
               std::string(option.help))
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        return;
    }
    auto* added = app.add_option_function<std::vector<std::string>>(
        cli_names(option),
        [&given, key](const std::vector<std::string>& values) {
            auto& target = given[key];
            target.insert(target.end(), values.begin(), values.end());
        },
        std::string(option.help));
    added->type_name(option_values(option).placeholder);
    if (option.multiple) {
        // One value per occurrence (-Da=1 -Db=2), every occurrence kept.
        added->allow_extra_args(false);
        added->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    } else {
        added->expected(1);
        added->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
}

/// The first argument that is not an option or an option's value: the command as typed.
std::optional<std::string> command_word(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--")
            return std::nullopt;
        if (arg.starts_with("-")) {
            if (arg.find('=') != std::string_view::npos || arg.size() < 2)
                continue;
            if (!arg.starts_with("--") && arg.size() > 2)
                continue; // -Dname=value
            const CLI::Option* option = app.get_option_no_throw(std::string(arg));
            if (option != nullptr && option->get_type_size_max() > 0)
                ++i; // its value follows
            continue;
        }
        return std::string(arg);
    }
    return std::nullopt;
}

/// Whether the command line names the option (before or after the command), or asks for
/// help, which lists them all.
bool named_on_line(const OptionSpec& option, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--")
            break;
        if (arg == "-h" || arg.starts_with("--help"))
            return true;
        if (!option.short_name.empty()) {
            if (arg.starts_with("-") && arg.substr(1).starts_with(option.short_name))
                return true;
            continue;
        }
        if (!arg.starts_with("--"))
            continue;
        std::string_view name = arg.substr(2, arg.find('=') - 2);
        for (const std::string& long_name : long_names(option))
            if (name == long_name)
                return true;
    }
    return false;
}

int usage_error(const std::string& message, const std::string& hint) {
    std::cerr << "Error: " << message << "\n";
    if (!hint.empty())
        std::cerr << "hint: " << hint << "\n";
    return 2;
}

} // namespace

std::string exit_codes_text() {
    return kExitCodes;
}

std::string version_text() {
    return fmt::format("strata {}\nplugin ABI {}\nbuild id {}", STRATA_VERSION, plugin::kAbiVersion,
                       STRATA_BUILD_ID);
}

std::variant<CommandLine, int> parse_command_line(int argc, char** argv) {
    // `strata --version` alone answers before the parser of every command and option is
    // built, which is most of its time (issue 17: under 10 ms).
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::cout << version_text() << "\n";
        return 0;
    }
    CommandLine result;
    CLI::App app{"strata — database change management that reads Liquibase changelogs"};
    app.name("strata");
    app.set_version_flag("--version", version_text());
    app.require_subcommand(0, 1);
    app.footer(kExitCodes);
    app.allow_extras();
    // Every option is also accepted before the command, as Liquibase accepts its globals.
    // Only the options the line names are built, here and in the command below: building
    // the parser of every option of every command was a tenth of a `status` run (issue 17).
    for (const OptionSpec& option : all_options()) {
        if (!accepted_before_command(option) || !named_on_line(option, argc, argv))
            continue;
        add(app, option, result.flags);
    }
    std::vector<std::string_view> names;
    for (const CommandSpec& command : all_commands())
        names.push_back(command.name);
    // An unknown command is a usage error with a suggestion, even with --help after it.
    std::optional<std::string> word = command_word(app, argc, argv);
    const CommandSpec* typed = word ? find_command(*word) : nullptr;
    if (word && typed == nullptr) {
        std::string suggestion = closest_match(*word, names);
        return usage_error(fmt::format("unknown command '{}'", *word),
                           suggestion.empty() ? "run `strata --help` for the list of commands"
                                              : fmt::format("did you mean '{}'?", suggestion));
    }
    for (const CommandSpec& command : all_commands()) {
        CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.help));
        if (command.alias != command.name)
            sub->alias(std::string(command.alias));
        sub->fallthrough();
        sub->allow_extras();
        sub->footer(kExitCodes);
        sub->callback([&result, &command] { result.command = &command; });
        // Only the typed command's options are built, and of them those the line names; the
        // other commands keep their name and help for `strata --help`.
        if (typed != nullptr && typed != &command)
            continue;
        for (const OptionSpec* option : options_in(command.options))
            if (named_on_line(*option, argc, argv))
                add(*sub, *option, result.flags);
        if (!command.argument.empty())
            sub->add_option(std::string(command.argument), result.arguments,
                            std::string(argument_help(command.argument)))
                ->required()
                ->expected(1)
                ->type_name("");
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (result.command == nullptr) {
        std::cerr << "Error: a command is required\n" << app.help() << "\n";
        return 2;
    }
    // Options the command does not take: name the nearest one it does.
    std::vector<std::string> extras = app.remaining(true);
    if (!extras.empty()) {
        // Only the option's name: its value may be a mistyped --password.
        std::string unknown = extras.front().substr(0, extras.front().find('='));
        std::string suggestion = suggest_option(unknown, options_in(result.command->options));
        std::string hint =
            suggestion.empty()
                ? fmt::format("run `strata {} --help` for its options", result.command->name)
                : fmt::format("did you mean '{}'?", suggestion);
        // A command argument (--count, --tag, --output-directory, ...) written before the
        // command is spelled right but in the wrong place: say where it goes.
        if (suggestion == unknown)
            hint = fmt::format("{} is an argument of the command: write it after it, `strata {} "
                               "{}=...`",
                               unknown, result.command->name, unknown);
        return usage_error(fmt::format("{} does not take '{}'", result.command->name, unknown),
                           hint);
    }
    return result;
}

} // namespace strata::cli
