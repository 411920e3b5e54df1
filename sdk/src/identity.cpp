// SPDX-License-Identifier: Apache-2.0
// How Liquibase decides that a changeset and a history row are the same changeset.
#include "strata/identity.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace strata {

namespace {

// A path that normalising would leave as it is: each history row and changeset goes through
// identity_key, and most paths are already plain relative ones.
bool already_normal(std::string_view path) {
    if (path.empty() || path.starts_with("classpath:") ||
        path.find('\\') != std::string_view::npos ||
        (path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':'))
        return false;
    std::size_t start = 0;
    for (;;) {
        std::size_t slash = path.find('/', start);
        std::string_view part = path.substr(start, slash - start);
        if (part.empty() || part == "." || part == "..")
            return false;
        if (slash == std::string_view::npos)
            return true;
        start = slash + 1;
    }
}

} // namespace

std::string normalize_changelog_path(std::string_view raw) {
    if (already_normal(raw))
        return std::string(raw);
    std::string path(raw);
    if (path.starts_with("classpath:"))
        path.erase(0, 10);
    std::replace(path.begin(), path.end(), '\\', '/');
    if (path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':')
        path.erase(0, 2);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        std::string part = path.substr(start, slash - start);
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..")
                parts.pop_back();
            else
                parts.push_back(part);
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return fmt::format("{}", fmt::join(parts, "/"));
}

std::string identity_key(std::string_view id, std::string_view author, std::string_view path) {
    // Every changeset and history row passes here, several times a run: most paths are
    // normal already and are not copied first.
    std::string normalized;
    std::string_view normal = path;
    if (!already_normal(path)) {
        normalized = normalize_changelog_path(path);
        normal = normalized;
    }
    std::string key;
    key.reserve(id.size() + author.size() + normal.size() + 4);
    key.append(id).append("::").append(author).append("::").append(normal);
    // ASCII only, as std::tolower in the "C" locale strata runs in, without its call per byte.
    for (char& c : key)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return key;
}

} // namespace strata
