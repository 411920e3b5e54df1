// SPDX-License-Identifier: Apache-2.0
// One mapping from a catalog's type spelling to the portable type of the snapshot model, used
// by every dialect's snapshot(), so that a PostgreSQL, a MariaDB and a SQLite schema compare
// by meaning ("character varying(50)", "varchar(50)" and "VARCHAR(50)" are all varchar(50)).
#include "strata/snapshot.hpp"
#include "strata/text.hpp"

#include <cctype>
#include <initializer_list>
#include <string>
#include <string_view>

namespace strata::snapshot {

namespace {

// Lower case, one space between words, none inside or before the parentheses:
// "Numeric (12, 2)" is "numeric(12,2)", "TIMESTAMP  WITHOUT TIME ZONE" one-spaced. Quoted
// values ("enum('A b')") stay as written.
std::string canonical_spelling(std::string_view native) {
    std::string out;
    bool pending_space = false;
    int depth = 0;
    bool quoted = false; // inside '...' (enum and set values): kept as written
    for (char raw : native) {
        if (quoted || raw == '\'') {
            if (raw == '\'')
                quoted = !quoted;
            out += raw;
            continue;
        }
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
        if (std::isspace(static_cast<unsigned char>(c))) {
            pending_space = !out.empty();
            continue;
        }
        if (c == '(')
            ++depth;
        // No space before '(' or ')' or ',', nor after '(' or ',', nor anywhere inside
        // parentheses.
        if (pending_space && depth == 0 && c != '(' && c != ')' && c != ',' && !out.empty() &&
            out.back() != '(' && out.back() != ',')
            out += ' ';
        pending_space = false;
        if (c == ')' && depth > 0)
            --depth;
        out += c;
    }
    return out;
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
    for (std::string_view candidate : names)
        if (name == candidate)
            return true;
    return false;
}

} // namespace

std::string portable_type(std::string_view native) {
    const std::string spelled = canonical_spelling(native);
    // base(params) rest: "timestamp(3) with time zone" is base "timestamp", params "(3)",
    // rest "with time zone"; "double precision" is base "double", rest "precision".
    std::string base = spelled;
    std::string params;
    std::string rest;
    if (std::size_t open = spelled.find('('); open != std::string::npos) {
        std::size_t close = spelled.find(')', open);
        if (close == std::string::npos)
            return spelled;
        base = spelled.substr(0, open);
        params = spelled.substr(open, close - open + 1);
        rest = trim(std::string_view(spelled).substr(close + 1));
    }
    // Words after the first in a type without parentheses: "character varying",
    // "timestamp without time zone", "int unsigned".
    if (std::size_t space = base.find(' '); space != std::string::npos) {
        std::string words = base.substr(space + 1);
        base.resize(space);
        rest = rest.empty() ? words : words + " " + rest;
    }
    // Multi-word names: the second word is part of the type name, not a modifier.
    if (base == "character" && (rest == "varying" || rest.starts_with("varying "))) {
        base = "varchar";
        rest = trim(std::string_view(rest).substr(7));
    } else if (base == "double" && (rest == "precision" || rest.starts_with("precision "))) {
        rest = trim(std::string_view(rest).substr(9));
    }
    // "without time zone" is what a plain time or timestamp means.
    if (rest == "without time zone")
        rest.clear();
    auto with_rest = [&](std::string type) { return rest.empty() ? type : type + " " + rest; };

    // Integer types: MariaDB's display width ("int(11)") means nothing to the value, except
    // that tinyint(1) is how MariaDB spells BOOLEAN.
    if (base == "tinyint" && params == "(1)" && rest.empty())
        return "boolean";
    if (base == "bit" && params == "(1)" && rest.empty())
        return "boolean";
    if (one_of(base, {"int", "integer", "int4"}))
        return with_rest("int");
    if (one_of(base, {"bigint", "int8"}))
        return with_rest("bigint");
    if (one_of(base, {"smallint", "int2"}))
        return with_rest("smallint");
    if (one_of(base, {"tinyint", "mediumint"}))
        return with_rest(base);
    if (one_of(base, {"boolean", "bool"}))
        return with_rest("boolean");
    if (one_of(base, {"varchar", "varchar2"}))
        return with_rest("varchar" + params);
    if (one_of(base, {"character", "char", "bpchar"}))
        return with_rest("char" + params);
    if (one_of(base, {"numeric", "decimal"}))
        return with_rest("decimal" + params);
    if (one_of(base, {"double", "float8"}))
        return with_rest("double" + params);
    if (one_of(base, {"real", "float", "float4"}))
        return with_rest("float" + params);
    if (base == "timestamptz")
        return "timestamp" + params + (rest.empty() ? " with time zone" : " " + rest);
    if (base == "timetz")
        return "time" + params + (rest.empty() ? " with time zone" : " " + rest);
    if (one_of(base, {"timestamp", "datetime"}))
        return with_rest("timestamp" + params);
    if (one_of(base, {"text", "mediumtext", "longtext"}) && params.empty())
        return with_rest("text");
    if (one_of(base, {"bytea", "blob", "mediumblob", "longblob"}) && params.empty())
        return with_rest("blob");
    return with_rest(base + params);
}

} // namespace strata::snapshot
