// SPDX-License-Identifier: Apache-2.0
#include "strata/text.hpp"

#include "strata/error.hpp"
#include "strata/input_limits.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

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

std::string collapse_spaces(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty())
            out += ' ';
        space = false;
        out += c;
    }
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

std::string abbreviate(std::string_view text, std::size_t keep) {
    if (text.size() <= keep)
        return std::string(text);
    std::size_t cut = keep;
    // Back off continuation bytes (10xxxxxx) so a multi-byte character is not split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return fmt::format("{}\u2026({} bytes)", text.substr(0, cut), text.size());
}

namespace {

std::optional<std::string> special_kind(mode_t mode) {
    if (S_ISREG(mode))
        return std::nullopt;
    if (S_ISDIR(mode))
        return "is a directory";
    if (S_ISFIFO(mode))
        return "is a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "is a character device";
    if (S_ISBLK(mode))
        return "is a block device";
    if (S_ISSOCK(mode))
        return "is a socket";
    return "is not a regular file";
}

std::optional<std::string> too_large(std::uintmax_t size) {
    if (size <= kMaxReadableFileSize)
        return std::nullopt;
    return fmt::format("is larger than {} MiB ({} bytes)", kMaxReadableFileSize >> 20, size);
}

// Closes a file descriptor on every way out.
struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

std::optional<std::string> unreadable_file_reason(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    if (auto special = special_kind(info.st_mode))
        return special;
    return too_large(static_cast<std::uintmax_t>(info.st_size));
}

std::string read_regular_file(const std::filesystem::path& path, ErrorKind kind,
                              const SourceLocation& where, std::string_view what) {
    auto refuse = [&](const std::string& why, const char* hint) -> Error {
        return Error(kind, fmt::format("cannot read {} '{}': it {}", what, path.string(), why),
                     where, hint);
    };
    constexpr const char* kSpecialHint =
        "name an ordinary file; strata does not read directories, devices, FIFOs or sockets";
    constexpr const char* kSizeHint =
        "strata reads files of at most 256 MiB whole; split the file into smaller ones";
    // O_NONBLOCK: opening a FIFO without a writer must not hang; fstat then refuses it.
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0) {
        int error = errno;
        throw Error(
            kind, fmt::format("cannot read {} '{}': {}", what, path.string(), std::strerror(error)),
            where,
            error == ENOENT ? "check the path (relative paths start at the working "
                              "directory, or at the changelog with "
                              "relativeToChangelogFile)"
                            : "check that the file exists and is readable");
    }
    struct stat info {};
    if (::fstat(file.fd, &info) != 0)
        throw Error(
            kind, fmt::format("cannot read {} '{}': {}", what, path.string(), std::strerror(errno)),
            where, "check that the file is readable");
    if (auto special = special_kind(info.st_mode))
        throw refuse(*special, kSpecialHint);
    if (auto large = too_large(static_cast<std::uintmax_t>(info.st_size)))
        throw refuse(*large, kSizeHint);
    // A regular file may still grow while it is read, or report no size (/proc): read in
    // chunks and stop past the limit.
    std::string content;
    content.reserve(static_cast<std::size_t>(info.st_size));
    char chunk[65536];
    for (;;) {
        ssize_t got = ::read(file.fd, chunk, sizeof chunk);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            throw Error(
                kind,
                fmt::format("cannot read {} '{}': {}", what, path.string(), std::strerror(errno)),
                where, "check that the file is readable");
        }
        if (got == 0)
            break;
        content.append(chunk, static_cast<std::size_t>(got));
        if (content.size() > kMaxReadableFileSize)
            throw refuse(fmt::format("is larger than {} MiB", kMaxReadableFileSize >> 20),
                         kSizeHint);
    }
    return content;
}

namespace {
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::optional<std::string> decode_base64(std::string_view text) {
    static const std::regex kBase64(
        R"((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)");
    if (text.empty() || !std::regex_match(text.begin(), text.end(), kBase64))
        return std::nullopt;
    std::string bytes;
    unsigned int buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=')
            break;
        buffer = (buffer << 6) | static_cast<unsigned int>(kBase64Alphabet.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return bytes;
}

std::string encode_base64(std::string_view bytes) {
    std::string text;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::size_t count = std::min<std::size_t>(3, bytes.size() - i);
        unsigned int group = 0;
        for (std::size_t k = 0; k < 3; ++k)
            group = (group << 8) | (k < count ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k)
            text += k <= count ? kBase64Alphabet[(group >> (18 - 6 * k)) & 0x3f] : '=';
    }
    return text;
}

} // namespace strata
