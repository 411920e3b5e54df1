// SPDX-License-Identifier: Apache-2.0
#include "strata/text.hpp"

#include "strata/error.hpp"

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
        std::string item =
            trim(list.substr(start, end == std::string_view::npos ? end : end - start));
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

namespace {

bool is_property_space(char c) {
    return c == ' ' || c == '\t' || c == '\f';
}

void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

/// Java's escapes: \t \n \r \f, \uXXXX, and a backslash before any other character
/// stands for that character. A \uXXXX pair of surrogates becomes one UTF-8 sequence.
std::string unescape_property(std::string_view text) {
    std::string out;
    unsigned pending_high = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '\\' || i + 1 == text.size()) {
            out += c;
            continue;
        }
        char next = text[++i];
        switch (next) {
        case 't':
            out += '\t';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 'f':
            out += '\f';
            break;
        case 'u': {
            unsigned code = 0;
            std::size_t digits = 0;
            while (digits < 4 && i + 1 < text.size() &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
                char h = static_cast<char>(std::tolower(static_cast<unsigned char>(text[++i])));
                code = code * 16 + static_cast<unsigned>(h <= '9' ? h - '0' : h - 'a' + 10);
                ++digits;
            }
            if (digits < 4)
                throw Error(ErrorKind::Usage, "malformed \\uXXXX escape in a properties file", {},
                            "write exactly four hexadecimal digits after \\u");
            if (code >= 0xD800 && code < 0xDC00) {
                pending_high = code;
                continue;
            }
            if (code >= 0xDC00 && code < 0xE000 && pending_high != 0) {
                unsigned full = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00);
                out += static_cast<char>(0xF0 | (full >> 18));
                out += static_cast<char>(0x80 | ((full >> 12) & 0x3F));
                out += static_cast<char>(0x80 | ((full >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (full & 0x3F));
                pending_high = 0;
                continue;
            }
            append_utf8(out, code);
            break;
        }
        default:
            out += next;
        }
        pending_high = 0;
    }
    return out;
}

} // namespace

std::map<std::string, std::string> parse_properties(std::string_view text) {
    // java.util.Properties.load: natural lines end in \n, \r or \r\n; leading white space
    // is dropped from every natural line; a line whose first character is # or ! is a
    // comment; an odd number of trailing backslashes joins the next natural line.
    std::map<std::string, std::string> values;
    std::string logical;
    bool continuing = false;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        std::string_view line = text.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        start = end == std::string_view::npos ? text.size() : end + 1;
        if (end != std::string_view::npos && text[end] == '\r' && start < text.size() &&
            text[start] == '\n')
            ++start;
        std::size_t first = 0;
        while (first < line.size() && is_property_space(line[first]))
            ++first;
        line.remove_prefix(first);
        if (!continuing && (line.empty() || line[0] == '#' || line[0] == '!'))
            continue;
        std::size_t backslashes = 0;
        while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\')
            ++backslashes;
        continuing = backslashes % 2 == 1;
        logical += continuing ? line.substr(0, line.size() - 1) : line;
        if (continuing && start < text.size())
            continue;
        continuing = false;

        // The key ends at the first unescaped '=', ':' or white space; then white space,
        // at most one '=' or ':', and white space again precede the value.
        std::size_t key_end = 0;
        while (key_end < logical.size()) {
            char c = logical[key_end];
            if (c == '\\') {
                key_end += 2;
                continue;
            }
            if (c == '=' || c == ':' || is_property_space(c))
                break;
            ++key_end;
        }
        key_end = std::min(key_end, logical.size());
        std::size_t value_start = key_end;
        while (value_start < logical.size() && is_property_space(logical[value_start]))
            ++value_start;
        if (value_start < logical.size() &&
            (logical[value_start] == '=' || logical[value_start] == ':'))
            ++value_start;
        while (value_start < logical.size() && is_property_space(logical[value_start]))
            ++value_start;
        values[unescape_property(std::string_view(logical).substr(0, key_end))] =
            unescape_property(std::string_view(logical).substr(value_start));
        logical.clear();
    }
    return values;
}

} // namespace strata
