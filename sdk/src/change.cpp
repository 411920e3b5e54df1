// SPDX-License-Identifier: Apache-2.0
#include "strata/change.hpp"

#include "strata/changelog.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace strata {
namespace {

const std::string* find(const Attributes& attributes, std::string_view key) {
    auto it = attributes.find(key);
    return it == attributes.end() ? nullptr : &it->second;
}

// Liquibase's DESCRIPTION names a change by its identifying properties: those whose name
// ends in "Name", plus a file path (verified against the DESCRIPTION Liquibase 4.28 wrote
// for all 46 change types).
bool describes(std::string_view attribute) {
    return attribute == "path" || (attribute.size() > 4 && attribute.ends_with("Name"));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            auto lower = [](char c) { return static_cast<char>(std::tolower(c)); };
            std::size_t substitution =
                previous[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

} // namespace

const std::string* Column::get(std::string_view key) const {
    return find(attributes, key);
}

const std::string* Column::constraint(std::string_view key) const {
    return constraints ? find(*constraints, key) : nullptr;
}

bool Column::constraint_flag(std::string_view key) const {
    const std::string* value = constraint(key);
    return value != nullptr && *value == "true";
}

std::string Column::name() const {
    const std::string* value = get("name");
    return value ? *value : std::string();
}

const std::string* Change::get(std::string_view key) const {
    return find(attributes, key);
}

std::string Change::value(std::string_view key) const {
    const std::string* found = get(key);
    return found ? *found : std::string();
}

bool Change::flag(std::string_view key, bool fallback) const {
    const std::string* found = get(key);
    return found ? *found == "true" : fallback;
}

std::string Change::file_path(std::string_view key) const {
    std::filesystem::path file = value(key);
    if (flag("relativeToChangelogFile") && !where.file.empty())
        file = std::filesystem::path(where.file).parent_path() / file;
    else if (!search_root.empty() && file.is_relative())
        file = std::filesystem::path(search_root) / file;
    return file.string();
}

std::string_view Change::type_name() const {
    return change_spec(kind).name;
}

std::string Change::description() const {
    std::string text(type_name());
    const char* separator = " ";
    for (const auto& [key, value] : attributes) { // std::map: sorted by name, as Liquibase sorts
        if (!describes(key))
            continue;
        text += fmt::format("{}{}={}", separator, key, value);
        separator = ", ";
    }
    return text;
}

std::string ChangeSet::identifier() const {
    return fmt::format("{}::{}::{}", path, id, author);
}

std::string closest_match(std::string_view unknown,
                          const std::vector<std::string_view>& candidates) {
    std::string_view best;
    std::size_t best_distance = std::max<std::size_t>(3, unknown.size() / 3) + 1;
    for (std::string_view candidate : candidates) {
        std::size_t distance = edit_distance(unknown, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    return std::string(best);
}

} // namespace strata
