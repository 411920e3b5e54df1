// SPDX-License-Identifier: Apache-2.0
// Liquibase type names split into the parts a dialect maps.
#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {
namespace {} // namespace

LiquibaseType parse_liquibase_type(std::string_view written) {
    LiquibaseType type;
    type.raw = trim(written);
    std::size_t paren = type.raw.find('(');
    std::size_t close = paren == std::string::npos ? std::string::npos : type.raw.find(')', paren);
    std::string head = collapse_spaces(type.raw.substr(0, paren));
    std::string tail =
        close == std::string::npos ? std::string() : collapse_spaces(type.raw.substr(close + 1));
    if (paren != std::string::npos) {
        std::string_view inside(type.raw);
        inside = inside.substr(paren,
                               (close == std::string::npos ? type.raw.size() : close + 1) - paren);
        for (char c : inside) {
            if (c == ' ')
                continue;
            type.parameters += c;
            if (c == ',')
                type.parameters += ' ';
        }
    }
    std::size_t space = head.find(' ');
    type.name = to_upper(head.substr(0, space));
    std::string extra = space == std::string::npos ? std::string() : head.substr(space + 1);
    if (!tail.empty())
        extra += extra.empty() ? tail : " " + tail;
    type.extra = extra;
    return type;
}

std::string LiquibaseType::with_extra(std::string type) const {
    return extra.empty() ? type : type + " " + extra;
}

} // namespace strata
