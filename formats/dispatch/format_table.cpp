// SPDX-License-Identifier: Apache-2.0
// The one table of changelog formats: name, extensions, reader, writer. parse_changelog
// (reading a file or an include), format_of and write_changelog look formats up here and
// nowhere else.
#include "../common/model_builder.hpp"
#include "../common/writer_support.hpp"
#include "strata/error.hpp"
#include "strata/format/formats.hpp"
#include "strata/format/parse.hpp"
#include "strata/format/write.hpp"
#include "strata/text.hpp"

#include <fmt/format.h>

namespace strata::format {

void read_xml_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                        const std::string& recorded);
void read_yaml_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded);
void read_json_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded);
void read_sql_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                        const std::string& recorded);
void read_flyway_folder(ParseSession& session, const std::filesystem::path& on_disk,
                        const std::string& recorded);

namespace {

using Reader = void (*)(ParseSession&, const std::filesystem::path&, const std::string&);
using Writer = std::string (*)(const Changelog&);

struct FormatEntry {
    FormatInfo info;
    Reader read;
    Writer write;
};

const FormatEntry kFormats[] = {
    {{"xml", ".xml", "", true, true}, read_xml_changelog, write_xml_changelog},
    {{"yaml", ".yaml .yml", "yml", true, true}, read_yaml_changelog, write_yaml_changelog},
    {{"json", ".json", "", true, true}, read_json_changelog, write_json_changelog},
    // Formatted SQL (`--liquibase formatted sql`) or a plain .sql file (one changeset).
    {{"sql", ".sql", "", true, true}, read_sql_changelog, write_formatted_sql_changelog},
    // A directory of Flyway migrations: read only, found by being a directory.
    {{"flyway", "", "", true, false}, read_flyway_folder, nullptr},
};

bool has_word(std::string_view words, std::string_view word) {
    while (!words.empty()) {
        std::size_t space = words.find(' ');
        if (words.substr(0, space) == word)
            return true;
        words = space == std::string_view::npos ? std::string_view() : words.substr(space + 1);
    }
    return false;
}

const FormatEntry* entry_named(std::string_view name) {
    for (const FormatEntry& entry : kFormats) {
        if (entry.info.name == name || has_word(entry.info.aliases, name))
            return &entry;
    }
    return nullptr;
}

std::string readable_extensions() {
    std::string out;
    for (const FormatEntry& entry : kFormats) {
        std::string_view words = entry.info.extensions;
        while (!words.empty()) {
            std::size_t space = words.find(' ');
            out += (out.empty() ? "" : ", ") + std::string(words.substr(0, space));
            words = space == std::string_view::npos ? std::string_view() : words.substr(space + 1);
        }
    }
    return out;
}

} // namespace

std::span<const FormatInfo> changelog_formats() {
    static const auto infos = [] {
        std::vector<FormatInfo> out;
        for (const FormatEntry& entry : kFormats)
            out.push_back(entry.info);
        return out;
    }();
    return infos;
}

std::string writable_format_names() {
    std::vector<std::string_view> names;
    for (const FormatEntry& entry : kFormats) {
        if (entry.write != nullptr)
            names.push_back(entry.info.name);
    }
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
    return out;
}

std::string format_of(const std::filesystem::path& file) {
    std::error_code ec;
    bool directory = std::filesystem::is_directory(file, ec);
    std::string extension = to_lower(file.extension().string());
    for (const FormatEntry& entry : kFormats) {
        if (directory ? entry.info.extensions.empty()
                      : !extension.empty() && has_word(entry.info.extensions, extension))
            return std::string(entry.info.name);
    }
    return {};
}

void read_changelog_as(ParseSession& session, const std::filesystem::path& on_disk,
                       const std::string& recorded, const SourceLocation& included_from) {
    const FormatEntry* entry = entry_named(format_of(on_disk));
    if (entry == nullptr || entry->read == nullptr)
        throw Error(ErrorKind::Parse, fmt::format("no parser reads '{}'", on_disk.string()),
                    included_from,
                    fmt::format("strata reads changelogs ending in {}, and folders of Flyway "
                                "migrations",
                                readable_extensions()));
    entry->read(session, on_disk, recorded);
}

std::string write_changelog(const Changelog& changelog, const std::string& format) {
    const FormatEntry* entry = entry_named(format);
    if (entry == nullptr || entry->write == nullptr)
        throw Error(ErrorKind::Usage, fmt::format("unknown changelog format '{}'", format), {},
                    fmt::format("use {}", writable_format_names()));
    return entry->write(changelog);
}

} // namespace strata::format
