// SPDX-License-Identifier: Apache-2.0
// Server URLs, parsed once: scheme://user:password@host:port/database?parameters.
#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decoding; a '%' not followed by two hex digits stays as written.
std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int high = hex_digit(text[i + 1]);
            int low = hex_digit(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

// Parameters whose values are secrets (JDBC drivers know several spellings).
bool secret_parameter(std::string_view name) {
    std::string key = to_lower(name);
    return key == "password" || key == "pass" || key == "pwd" || key == "sslpassword" ||
           key == "keystorepassword" || key == "truststorepassword";
}

} // namespace

const std::string* ServerUrl::parameter(std::string_view name) const {
    const std::string* found = nullptr;
    for (const auto& [key, value] : parameters) {
        if (to_lower(key) == to_lower(name))
            found = &value;
    }
    return found;
}

ServerUrl parse_server_url(std::string_view url) {
    ServerUrl parsed;
    // Byte ranges of secrets in `url`, masked in `display`.
    std::vector<std::pair<std::size_t, std::size_t>> secrets;
    auto masked = [&] {
        std::string text;
        std::size_t copied = 0;
        for (const auto& [first, last] : secrets) {
            text.append(url.substr(copied, first - copied));
            text += "*****";
            copied = last;
        }
        return text.append(url.substr(copied));
    };
    // A URL that does not parse may hide a password where the parser did not look for one
    // (an unencoded '?' or '/' before the '@'): its error shows nothing between "//" and the
    // last '@', and no other text taken from the URL.
    std::size_t authority = std::string_view::npos;
    auto cautious = [&] {
        std::size_t last_at = url.rfind('@');
        if (authority == std::string_view::npos || last_at == std::string_view::npos ||
            last_at < authority)
            return masked();
        return fmt::format("{}*****{}", url.substr(0, authority), url.substr(last_at));
    };
    auto fail = [&](std::string_view why) -> Error {
        return Error(ErrorKind::Usage, fmt::format("the URL '{}' {}", cautious(), why), {},
                     "write scheme://user:password@host:port/database?name=value, e.g. "
                     "postgresql://app@127.0.0.1:5432/appdb; percent-encode '/', '?' and '#' "
                     "in the password");
    };

    std::size_t at = 0;
    if (to_lower(url.substr(0, 5)) == "jdbc:") {
        parsed.jdbc = true;
        at = 5;
    }
    std::size_t colon = url.find(':', at);
    if (colon == std::string_view::npos || colon == at) // not echoed: it might be anything
        throw Error(ErrorKind::Usage, "the URL has no scheme", {},
                    "write scheme://user:password@host:port/database, e.g. "
                    "postgresql://app@127.0.0.1/appdb");
    parsed.scheme = to_lower(url.substr(at, colon - at));
    at = colon + 1;

    // The query starts at the first '?' after the user part (a password may hold '?' only
    // percent-encoded, so the first '?' is the query's).
    std::size_t query = url.find('?', at);
    std::size_t end = query == std::string_view::npos ? url.size() : query;

    if (url.compare(at, 2, "//") == 0) {
        at += 2;
        authority = at;
        // An '@' after the '?' with no parameter syntax in between ends a password that holds
        // an unencoded '?': the user part is never left for the host or the query to show.
        std::size_t last_at = url.rfind('@');
        if (query != std::string_view::npos && last_at != std::string_view::npos &&
            last_at > query &&
            url.substr(query, last_at - query).find_first_of("=&;") == std::string_view::npos) {
            query = url.find('?', last_at);
            end = query == std::string_view::npos ? url.size() : query;
        }
        std::size_t user_end = url.substr(0, end).rfind('@');
        if (user_end != std::string_view::npos && user_end >= at) {
            std::string_view userinfo = url.substr(at, user_end - at);
            std::size_t split = userinfo.find(':');
            parsed.user = percent_decode(userinfo.substr(0, split));
            if (split != std::string_view::npos) {
                parsed.password = percent_decode(userinfo.substr(split + 1));
                secrets.emplace_back(at + split + 1, user_end);
            }
            at = user_end + 1;
        }
        std::size_t host_end = url.find('/', at);
        if (host_end == std::string_view::npos || host_end > end)
            host_end = end;
        std::string_view hostport = url.substr(at, host_end - at);
        std::string_view port;
        if (hostport.starts_with('[')) {
            std::size_t close = hostport.find(']');
            if (close == std::string_view::npos)
                throw fail("has an IPv6 address without its closing ']'");
            parsed.host = std::string(hostport.substr(1, close - 1));
            std::string_view after = hostport.substr(close + 1);
            if (!after.empty()) {
                if (after[0] != ':')
                    throw fail("has text after the IPv6 address");
                port = after.substr(1);
            }
        } else {
            std::size_t split = hostport.rfind(':');
            parsed.host = percent_decode(hostport.substr(0, split));
            if (split != std::string_view::npos)
                port = hostport.substr(split + 1);
        }
        if (!port.empty() || hostport.ends_with(':')) {
            bool digits = !port.empty() && port.size() <= 5 &&
                          std::all_of(port.begin(), port.end(),
                                      [](unsigned char c) { return std::isdigit(c); });
            int number = digits ? std::stoi(std::string(port)) : 0;
            if (!digits || number < 1 || number > 65535)
                throw fail("has a port that is not a number from 1 to 65535");
            parsed.port = number;
        }
        at = host_end;
        if (at < end && url[at] == '/')
            ++at;
    }
    parsed.database = percent_decode(url.substr(at, end - at));

    if (query != std::string_view::npos) {
        std::size_t start = query + 1;
        while (start <= url.size()) {
            std::size_t amp = url.find_first_of("&;", start);
            std::size_t item_end = amp == std::string_view::npos ? url.size() : amp;
            std::string_view item = url.substr(start, item_end - start);
            if (!item.empty()) {
                std::size_t eq = item.find('=');
                std::string key = percent_decode(item.substr(0, eq));
                std::string value = eq == std::string_view::npos
                                        ? std::string()
                                        : percent_decode(item.substr(eq + 1));
                if (secret_parameter(key) && eq != std::string_view::npos)
                    secrets.emplace_back(start + eq + 1, item_end);
                parsed.parameters.emplace_back(std::move(key), std::move(value));
            }
            if (amp == std::string_view::npos)
                break;
            start = amp + 1;
        }
    }

    // No user part and no database, but an '@' in the query: more likely a password with an
    // unencoded '?' than a URL meant this way, so it is shown as if it were one.
    bool password_in_query = authority != std::string_view::npos && parsed.user.empty() &&
                             parsed.database.empty() && query != std::string_view::npos &&
                             url.find('@', query) != std::string_view::npos;
    parsed.display = password_in_query ? cautious() : masked();
    return parsed;
}

Credentials resolve_credentials(const ServerUrl& url, const ConnectionTarget& target) {
    auto first = [](std::initializer_list<const std::string*> candidates) {
        for (const std::string* candidate : candidates) {
            if (candidate != nullptr && !candidate->empty())
                return *candidate;
        }
        return std::string();
    };
    return Credentials{first({&target.username, &url.user, url.parameter("user")}),
                       first({&target.password, &url.password, url.parameter("password")})};
}

} // namespace strata
