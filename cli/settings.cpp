// SPDX-License-Identifier: Apache-2.0
#include "settings.hpp"

#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>
#include <strata/error.hpp>
#include <strata/format/formats.hpp>
#include <strata/text.hpp>

namespace strata::cli {
namespace {

/// One option's value and the channel it came from (for error messages).
struct Found {
    std::vector<std::string> values;
    std::string channel;
};

std::map<std::string, std::string> read_properties_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Usage, fmt::format("cannot read the defaults file '{}'", path), {},
                    "check --defaults-file");
    std::ostringstream content;
    content << in.rdbuf();
    try {
        return parse_properties(content.str());
    } catch (const Error& e) {
        throw Error(ErrorKind::Usage, fmt::format("{}: {}", path, e.what()), {}, e.hint());
    }
}

class Channels {
public:
    Channels(const GivenFlags& flags,
             const std::function<std::optional<std::string>(const std::string&)>& environment)
        : flags_(flags), environment_(environment) {}

    /// The first channel that has the option, without the defaults file.
    std::optional<Found> before_file(const OptionSpec& option) const {
        if (auto it = flags_.find(std::string(option.key)); it != flags_.end())
            return Found{it->second, "--" + std::string(option.key)};
        for (const std::string& name : long_names(option)) {
            if (option.short_name.empty()) {
                std::string variable = strata_variable(name);
                if (auto value = environment_(variable))
                    return Found{{*value}, variable};
            }
        }
        for (const std::string& variable : liquibase_variables(option)) {
            if (auto value = environment_(variable))
                return Found{{*value}, variable};
        }
        return std::nullopt;
    }

    void read_file(const std::string& file, std::vector<std::string>& warnings) {
        file_ = file;
        for (const auto& [raw_key, value] : read_properties_file(file)) {
            if (raw_key.starts_with("parameter.")) {
                file_parameters_[raw_key.substr(10)] = value;
                continue;
            }
            std::string key = property_key(raw_key);
            const OptionSpec* match = nullptr;
            for (const OptionSpec& option : all_options()) {
                for (const std::string& name : long_names(option)) {
                    if (option.short_name.empty() && property_key(name) == key)
                        match = &option;
                }
            }
            if (match != nullptr)
                file_values_[std::string(match->key)] = value;
            else if (key != "driver" && key != "classpath" && key != "showbanner")
                warnings.push_back(fmt::format("{}: unknown key '{}' ignored", file, raw_key));
        }
    }

    std::optional<Found> find(const OptionSpec& option) const {
        if (auto found = before_file(option))
            return found;
        if (auto it = file_values_.find(std::string(option.key)); it != file_values_.end())
            return Found{{it->second}, fmt::format("{} ({})", option.key, file_)};
        return std::nullopt;
    }

    [[nodiscard]] const std::map<std::string, std::string>& file_parameters() const {
        return file_parameters_;
    }

private:
    const GivenFlags& flags_;
    const std::function<std::optional<std::string>(const std::string&)>& environment_;
    std::string file_;
    std::map<std::string, std::string> file_values_;
    std::map<std::string, std::string> file_parameters_;
};

Error bad_value(const Found& found, std::string_view what, std::string hint) {
    return Error(ErrorKind::Usage,
                 fmt::format("{}: '{}' is not {}", found.channel, found.values.back(), what), {},
                 std::move(hint));
}

bool is_true(const std::string& text) {
    std::string lower = to_lower(trim(text));
    return lower.empty() || lower == "true" || lower == "1" || lower == "yes";
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

bool Settings::logs_statements() const {
    return log_level == "fine" || log_level == "finer" || log_level == "finest" ||
           log_level == "debug" || log_level == "all";
}

const std::vector<std::string>& log_levels() {
    static const std::vector<std::string> levels{"off",  "severe", "warning", "info",   "config",
                                                 "fine", "debug",  "finer",   "finest", "all"};
    return levels;
}

const std::vector<std::string>& snapshot_formats() {
    static const std::vector<std::string> formats{"json", "yaml", "txt", "dot"};
    return formats;
}

const std::vector<std::string>& color_modes() {
    static const std::vector<std::string> modes{"auto", "always", "never"};
    return modes;
}

const std::vector<std::string>& resume_modes() {
    static const std::vector<std::string> modes{"auto", "run", "skip"};
    return modes;
}

const std::vector<std::string>& missing_property_modes() {
    static const std::vector<std::string> modes{"preserve", "empty", "error"};
    return modes;
}

const std::vector<std::string>& fail_on_levels() {
    static const std::vector<std::string> levels{"none", "info", "warning", "error"};
    return levels;
}

namespace {

// "3s", "500ms", "2m", "1.5s", or a bare number of seconds: nullopt when it is none.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    double number = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || number < 0)
        return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    double factor = unit == "ms"                  ? 1
                    : unit == "s" || unit.empty() ? 1000
                    : unit == "m"                 ? 60000
                                                  : -1;
    if (factor < 0)
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(number * factor));
}

// "8MB", "500kB", "1GB", "4096" (bytes): nullopt when it is none. Units are powers of 1024.
std::optional<std::uint64_t> parse_size(std::string_view text) {
    double number = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || number < 0)
        return std::nullopt;
    std::string unit =
        to_lower(std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end)));
    double factor = unit.empty() || unit == "b" ? 1
                    : unit == "kb"              ? 1024.0
                    : unit == "mb"              ? 1024.0 * 1024
                    : unit == "gb"              ? 1024.0 * 1024 * 1024
                                                : -1;
    if (factor < 0)
        return std::nullopt;
    return static_cast<std::uint64_t>(number * factor);
}

} // namespace

const std::vector<std::string>& failure_modes() {
    static const std::vector<std::string> modes{"stop", "continue"};
    return modes;
}

std::optional<std::string> parse_date(const std::string& text) {
    // YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM:SS, as Liquibase parses --date.
    if (text.size() != 10 && text.size() != 19)
        return std::nullopt;
    auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
        std::string_view part = std::string_view(text).substr(at, length);
        if (!all_digits(part))
            return std::nullopt;
        return std::stoi(std::string(part));
    };
    auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-' || *month < 1 || *month > 12)
        return std::nullopt;
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
    int days = *month == 2 && !leap ? 28 : kDays[*month - 1];
    if (*day < 1 || *day > days)
        return std::nullopt;
    if (text.size() == 10)
        return text + " 00:00:00";
    auto hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if ((text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':' || !hour ||
        !minute || !second || *hour > 23 || *minute > 59 || *second > 59)
        return std::nullopt;
    return text.substr(0, 10) + " " + text.substr(11);
}

Settings
resolve_settings(const GivenFlags& flags,
                 const std::function<std::optional<std::string>(const std::string&)>& environment,
                 std::vector<std::string>& warnings) {
    Channels channels(flags, environment);
    Settings settings;

    // The defaults file is itself an option: found through the channels before it.
    if (auto found = channels.before_file(*find_option("defaults-file"))) {
        settings.defaults_file = found->values.back();
    } else {
        for (const char* candidate : {"strata.properties", "liquibase.properties"}) {
            if (std::filesystem::exists(candidate)) {
                settings.defaults_file = candidate;
                break;
            }
        }
    }
    if (!settings.defaults_file.empty())
        channels.read_file(settings.defaults_file, warnings);

    auto text = [&](std::string_view key, std::string& target) {
        if (auto found = channels.find(*find_option(key)))
            target = found->values.back();
    };
    text("changelog-file", settings.changelog_file);
    text("url", settings.url);
    text("username", settings.username);
    text("password", settings.password);
    text("output-file", settings.output_file);
    text("database-changelog-table-name", settings.history_table);
    text("database-changelog-lock-table-name", settings.lock_table);
    text("default-schema-name", settings.default_schema);
    text("liquibase-schema-name", settings.liquibase_schema);
    text("search-path", settings.search_path);
    text("tag", settings.tag);
    text("output-directory", settings.output_directory);
    text("changeset-identifier", settings.changeset_identifier);
    text("changeset-path", settings.changeset_path);
    text("changeset-id", settings.changeset_id);
    text("changeset-author", settings.changeset_author);
    text("reference-url", settings.reference_url);
    text("shadow-url", settings.shadow_url);
    text("scratch-url", settings.scratch_url);
    text("adopt", settings.adopt);
    text("reference-username", settings.reference_username);
    text("reference-password", settings.reference_password);
    text("diff-types", settings.diff_types);
    text("include-objects", settings.include_objects);
    text("exclude-objects", settings.exclude_objects);
    text("author", settings.author);
    if (auto found = channels.find(*find_option("overwrite-output-file")))
        settings.overwrite_output_file = is_true(found->values.back());
    if (auto found = channels.find(*find_option("exit-code")))
        settings.exit_code = is_true(found->values.back());
    if (auto found = channels.find(*find_option("contexts")))
        settings.contexts = found->values.back();
    if (auto found = channels.find(*find_option("labels")))
        settings.labels = found->values.back();
    if (auto found = channels.find(*find_option("plugin-dir")))
        settings.plugin_dirs = found->values;
    if (auto found = channels.find(*find_option("allow-execute-command")))
        settings.allow_execute_command = is_true(found->values.back());
    if (auto found = channels.find(*find_option("verbose")))
        settings.verbose = is_true(found->values.back());
    if (auto found = channels.find(*find_option("force")))
        settings.force = is_true(found->values.back());
    if (auto found = channels.find(*find_option("strict")))
        settings.strict = is_true(found->values.back());

    // An option whose value is one of a few words, in any case: the word, or Usage naming it.
    auto choice = [&](std::string_view key, const std::vector<std::string>& words,
                      std::string_view what, std::string& target,
                      const std::function<std::string(std::string)>& alias = {}) {
        auto found = channels.find(*find_option(key));
        if (!found)
            return;
        std::string word = to_lower(trim(found->values.back()));
        if (alias)
            word = alias(word);
        if (std::find(words.begin(), words.end(), word) == words.end())
            throw bad_value(*found, what, fmt::format("use one of {}", fmt::join(words, ", ")));
        target = word;
    };
    choice("log-level", log_levels(), "a log level", settings.log_level);
    if (auto found = channels.find(*find_option("format"))) {
        std::string format = to_lower(trim(found->values.back()));
        // text and json for reports; for convert, whatever the format table can write.
        bool known = format == "text" || format == "json" || format == "sarif";
        for (const format::FormatInfo& info : format::changelog_formats()) {
            if (info.writable && (info.name == format || info.aliases == format))
                known = true;
        }
        if (!known)
            throw bad_value(*found, "a format",
                            fmt::format("use text or json, or for convert {}",
                                        format::writable_format_names()));
        settings.format = format;
    }
    choice("snapshot-format", snapshot_formats(), "a snapshot format", settings.snapshot_format,
           [](std::string format) {
               return format == "text" ? "txt" : format == "yml" ? "yaml" : format;
           });
    choice("color", color_modes(), "a colour mode", settings.color);
    if (auto found = channels.find(*find_option("no-progress")))
        settings.no_progress = is_true(found->values.back());
    choice("resume", resume_modes(), "a resume mode", settings.resume);
    choice("fail-on", fail_on_levels(), "a lint level", settings.fail_on);
    if (auto found = channels.find(*find_option("lock-timeout"))) {
        auto timeout = parse_duration(trim(found->values.back()));
        if (!timeout)
            throw bad_value(*found, "a duration", "write e.g. 3s, 500ms or 0 (wait forever)");
        settings.lock_timeout = *timeout;
    }
    if (auto found = channels.find(*find_option("large-table-size"))) {
        auto size = parse_size(trim(found->values.back()));
        if (!size)
            throw bad_value(*found, "a size", "write e.g. 8MB, 500kB or 1GB");
        settings.large_table_bytes = *size;
    }
    if (auto found = channels.find(*find_option("allow-blocking-rewrite")))
        settings.allow_blocking_rewrite = is_true(found->values.back());
    if (auto found = channels.find(*find_option("lint-errors")))
        settings.lint_errors = split_list(found->values.back());
    if (auto found = channels.find(*find_option("lint-exclude")))
        settings.lint_exclude = split_list(found->values.back());
    if (auto found = channels.find(*find_option("all-changesets")))
        settings.all_changesets = is_true(found->values.back());
    if (auto found = channels.find(*find_option("rules")))
        settings.list_rules = is_true(found->values.back());
    choice("missing-property-mode", missing_property_modes(), "a missing property mode",
           settings.missing_property_mode);
    if (auto found = channels.find(*find_option("changelog-lock-wait-time-in-minutes"))) {
        const std::string& value = found->values.back();
        double minutes = -1;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), minutes);
        if (error != std::errc() || end != value.data() + value.size() || minutes < 0)
            throw bad_value(*found, "a number of minutes", "write e.g. 5 or 0.5");
        settings.lock_wait_minutes = minutes;
    }
    text("url-file", settings.url_file);
    auto whole_number = [&](std::string_view key, int minimum, int& target) {
        auto found = channels.find(*find_option(key));
        if (!found)
            return;
        const std::string& value = found->values.back();
        int number = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc() || end != value.data() + value.size() || number < minimum)
            throw bad_value(*found, fmt::format("a whole number of at least {}", minimum),
                            fmt::format("write e.g. --{}=4", key));
        target = number;
    };
    whole_number("parallel", 1, settings.parallel);
    whole_number("lock-retries", 1, settings.lock_retries);
    whole_number("canary", 0, settings.canary);
    whole_number("sample-rows", 0, settings.sample_rows);
    choice("on-failure", failure_modes(), "a failure mode", settings.on_failure);
    if (auto found = channels.find(*find_option("count"))) {
        const std::string& value = found->values.back();
        int count = -1;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
        if (error != std::errc() || end != value.data() + value.size())
            throw bad_value(*found, "a whole number", "write e.g. --count=2");
        if (count < 0)
            throw Error(ErrorKind::Usage, "--count must not be negative");
        settings.count = count;
    }
    if (auto found = channels.find(*find_option("date"))) {
        auto date = parse_date(trim(found->values.back()));
        if (!date)
            throw bad_value(*found, "a date",
                            "write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, e.g. 2024-05-01T10:30:00");
        settings.date = *date;
    }

    // -D on the command line wins over parameter.* of the file.
    std::map<std::string, std::string> parameters = channels.file_parameters();
    if (auto it = flags.find("D"); it != flags.end()) {
        for (const std::string& define : it->second) {
            std::size_t equals = define.find('=');
            if (equals == std::string::npos)
                throw Error(ErrorKind::Usage, fmt::format("-D{} has no value", define), {},
                            "write -Dname=value");
            parameters[define.substr(0, equals)] = define.substr(equals + 1);
        }
    }
    settings.parameters = std::move(parameters);
    return settings;
}

} // namespace strata::cli
