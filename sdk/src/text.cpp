// SPDX-License-Identifier: Apache-2.0
#include "strata/text.hpp"

#include <algorithm>
#include <cctype>

namespace strata {

std::string to_upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n\f";
    auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos)
        return {};
    auto last = text.find_last_not_of(kSpace);
    return std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> split_list(std::string_view list, char separator) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        std::size_t end = list.find(separator, start);
        std::string item = trim(list.substr(start, end == std::string_view::npos ? end : end - start));
        if (!item.empty())
            items.push_back(std::move(item));
        if (end == std::string_view::npos)
            return items;
        start = end + 1;
    }
}

bool is_truthy(std::string_view value) {
    std::string v = to_upper(trim(value));
    return v == "1" || v == "TRUE" || v == "T" || v == "Y";
}

bool is_truthy(const std::optional<std::string>& value) {
    return value && is_truthy(std::string_view(*value));
}

std::string connect_string_value(std::string_view value) {
    if (!value.empty() && value.find_first_of(" '\\\t\r\n") == std::string_view::npos)
        return std::string(value);
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

std::uint64_t stable_hash(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

std::map<std::string, std::string> parse_properties(std::string_view text) {
    std::map<std::string, std::string> values;
    std::string logical;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = trim(text.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start));
        start = end == std::string_view::npos ? text.size() + 1 : end + 1;
        if (logical.empty() && (line.empty() || line[0] == '#' || line[0] == '!'))
            continue;
        if (!line.empty() && line.back() == '\\') {
            logical += line.substr(0, line.size() - 1);
            continue;
        }
        logical += line;
        std::size_t separator = logical.find_first_of("=:");
        if (separator != std::string::npos)
            values[trim(logical.substr(0, separator))] = trim(logical.substr(separator + 1));
        logical.clear();
    }
    return values;
}

} // namespace strata
