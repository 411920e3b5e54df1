// SPDX-License-Identifier: Apache-2.0
#include "option_values.hpp"

#include "settings.hpp"

#include <algorithm>
#include <strata/format/formats.hpp>

namespace strata::cli {

OptionValues option_values(const OptionSpec& option) {
    if (option.flag)
        return {ValueKind::None, {}, {}};
    const std::string_view key = option.key;
    if (key == "log-level")
        return {ValueKind::Choice, log_levels(), "LEVEL"};
    if (key == "format") {
        // What resolve_settings accepts: text and json for reports, every writable changelog
        // format (and its aliases) for convert.
        std::vector<std::string> formats{"text", "json", "sarif"};
        for (const format::FormatInfo& info : format::changelog_formats()) {
            if (!info.writable)
                continue;
            for (std::string_view name : {info.name, info.aliases}) {
                if (!name.empty() &&
                    std::find(formats.begin(), formats.end(), name) == formats.end())
                    formats.emplace_back(name);
            }
        }
        return {ValueKind::Choice, formats, "FORMAT"};
    }
    if (key == "snapshot-format")
        return {ValueKind::Choice, snapshot_formats(), "FORMAT"};
    if (key == "color")
        return {ValueKind::Choice, color_modes(), "WHEN"};
    if (key == "resume")
        return {ValueKind::Choice, resume_modes(), "MODE"};
    if (key == "fail-on")
        return {ValueKind::Choice, fail_on_levels(), "LEVEL"};
    if (key == "lock-timeout")
        return {ValueKind::Text, {}, "DURATION"};
    if (key == "large-table-size")
        return {ValueKind::Text, {}, "SIZE"};
    if (key == "on-failure")
        return {ValueKind::Choice, failure_modes(), "WHAT"};
    if (key == "missing-property-mode")
        return {ValueKind::Choice, missing_property_modes(), "MODE"};
    if (key == "changelog-file" || key == "defaults-file" || key == "output-file" ||
        key == "adopt" || key == "url-file")
        return {ValueKind::File, {}, "FILE"};
    if (key == "plugin-dir" || key == "search-path" || key == "output-directory")
        return {ValueKind::Directory, {}, "DIR"};
    if (key == "count" || key == "parallel" || key == "canary" || key == "lock-retries")
        return {ValueKind::Text, {}, "N"};
    if (key == "date")
        return {ValueKind::Text, {}, "DATE"};
    if (key == "changelog-lock-wait-time-in-minutes")
        return {ValueKind::Text, {}, "MINUTES"};
    if (key == "D")
        return {ValueKind::Text, {}, "NAME=VALUE"};
    if (key == "diff-types")
        return {ValueKind::Text, {}, "TYPES"};
    if (key == "include-objects" || key == "exclude-objects")
        return {ValueKind::Text, {}, "PATTERNS"};
    if (key == "author")
        return {ValueKind::Text, {}, "NAME"};
    return {ValueKind::Text, {}, "VALUE"};
}

const std::vector<std::string>& completion_shells() {
    static const std::vector<std::string> shells{"bash", "zsh", "fish"};
    return shells;
}

std::vector<std::string> argument_values(std::string_view argument) {
    if (argument == "shell")
        return completion_shells();
    return {};
}

std::string_view argument_help(std::string_view argument) {
    if (argument == "shell")
        return "bash, zsh or fish";
    return {};
}

} // namespace strata::cli
