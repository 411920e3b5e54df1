// SPDX-License-Identifier: Apache-2.0
#include "settings.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <strata/error.hpp>
#include <strata/text.hpp>

namespace strata::cli {
namespace {

// "liquibase.command.changelogFile", "changelog-file" and "changeLogFile" all name one key.
std::string canonical_key(std::string key) {
    for (std::string_view prefix : {"liquibase.command.", "liquibase.", "strata."}) {
        if (key.starts_with(prefix) && !key.starts_with("parameter.")) {
            key.erase(0, prefix.size());
            break;
        }
    }
    std::string out;
    for (char c : key) {
        if (c != '-' && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

} // namespace

std::map<std::string, std::string> read_properties_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw Error(ErrorKind::Usage, fmt::format("cannot read the defaults file '{}'", path), {},
                    "check --defaults-file");
    std::ostringstream content;
    content << in.rdbuf();
    return parse_properties(content.str());
}

void apply_defaults_file(Settings& settings, std::vector<std::string>& warnings) {
    std::string file = settings.defaults_file;
    if (file.empty()) {
        for (const char* candidate : {"strata.properties", "liquibase.properties"}) {
            if (std::filesystem::exists(candidate)) {
                file = candidate;
                break;
            }
        }
    }
    std::map<std::string, std::string> parameters;
    if (!file.empty()) {
        for (const auto& [raw_key, value] : read_properties_file(file)) {
            if (raw_key.starts_with("parameter.")) {
                parameters[raw_key.substr(10)] = value;
                continue;
            }
            std::string key = canonical_key(raw_key);
            auto fill = [&](std::string& target) {
                if (target.empty())
                    target = value;
            };
            if (key == "changelogfile")
                fill(settings.changelog_file);
            else if (key == "url")
                fill(settings.url);
            else if (key == "username")
                fill(settings.username);
            else if (key == "password")
                fill(settings.password);
            else if ((key == "contexts" || key == "contextfilter") && !settings.contexts)
                settings.contexts = value;
            else if ((key == "labels" || key == "labelfilter") && !settings.labels)
                settings.labels = value;
            else if (key == "databasechangelogtablename")
                settings.history_table = value;
            else if (key == "databasechangeloglocktablename")
                settings.lock_table = value;
            else if (key == "loglevel")
                settings.log_level = value;
            else if (key == "missingpropertymode")
                settings.missing_property_mode = value;
            else if (key == "changeloglockwaittimeinminutes")
                settings.lock_wait_minutes = std::stod(value);
            else if (key == "driver" || key == "classpath" || key == "showbanner")
                continue; // Java-only settings: meaningless here, harmless to keep
            else
                warnings.push_back(fmt::format("{}: unknown key '{}' ignored", file, raw_key));
        }
    }
    // -D on the command line wins over parameter.* of the file.
    for (const std::string& define : settings.defines) {
        std::size_t equals = define.find('=');
        if (equals == std::string::npos)
            throw Error(ErrorKind::Usage, fmt::format("-D{} has no value", define), {},
                        "write -Dname=value");
        parameters[define.substr(0, equals)] = define.substr(equals + 1);
    }
    for (auto& [name, value] : parameters)
        settings.parameters.emplace(name, value);
}

} // namespace strata::cli
