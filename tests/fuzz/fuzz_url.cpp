// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: server URLs (parse_server_url, which every server dialect and mask_url
// use). Besides not crashing, the password must stay out of what is shown: the display of a
// URL that parsed, and the message of one that did not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <strata/dialect.hpp>
#include <strata/error.hpp>
#include <string>
#include <string_view>

namespace {

// Whether `secret` occurs exactly once in `url`, so that finding it elsewhere is a leak (a
// secret holding '*' may be spelt by the mask itself: "u:*" shows as "u:*****").
bool written_once(std::string_view url, std::string_view secret) {
    if (secret.find('*') != std::string_view::npos)
        return false;
    std::size_t first = url.find(secret);
    return first != std::string_view::npos && url.find(secret, first + 1) == std::string_view::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view url(reinterpret_cast<const char*>(data), size);
    try {
        strata::ServerUrl parsed = strata::parse_server_url(url);
        strata::ConnectionTarget target;
        target.url = std::string(url);
        (void)strata::resolve_credentials(parsed, target);
        (void)parsed.parameter("password");
        // Checked when the password is written as is (not percent-encoded) in its slot, right
        // after "//": the same text elsewhere (say, in a query value) is not the password.
        std::size_t slashes = url.find("//");
        bool in_slot =
            slashes != std::string_view::npos &&
            url.substr(slashes + 2).starts_with(parsed.user + ":" + parsed.password + "@");
        if (parsed.password.size() >= 3 && in_slot && written_once(url, parsed.password) &&
            parsed.display.find(parsed.password) != std::string::npos)
            std::abort(); // the display shows the password
    } catch (const strata::Error& error) {
        // What lies between "//" and the last '@' may be a password: never in the message.
        std::size_t start = url.find("//");
        std::size_t last_at = url.rfind('@');
        if (start != std::string_view::npos && last_at != std::string_view::npos &&
            last_at > start + 2) {
            std::string_view userinfo = url.substr(start + 2, last_at - start - 2);
            std::size_t colon = userinfo.find(':');
            std::string_view password =
                colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
            // The URL as the message shows it: "the URL '<shown>' has ..." (the hint is fixed
            // text, which a fuzzed password may copy).
            std::string_view message = error.what();
            std::size_t end = message.rfind("' has ");
            std::string_view shown = message.starts_with("the URL '") && end != std::string::npos
                                         ? message.substr(9, end - 9)
                                         : message;
            if (password.size() >= 3 && written_once(url, password) &&
                shown.find(password) != std::string_view::npos)
                std::abort(); // the error shows the password
        }
    }
    return 0;
}
