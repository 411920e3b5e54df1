// SPDX-License-Identifier: Apache-2.0
#include "properties.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <regex>
#include <strata/input_limits.hpp>
#include <strata/text.hpp>

namespace strata::format {

namespace {

/// strata's and Liquibase's variables that hold a password or a URL (which may carry one),
/// and the client libraries' own: never changelog properties.
bool is_credential_variable(std::string_view name) {
    static const std::regex credential(
        "(STRATA|LIQUIBASE)_(COMMAND_)?(REFERENCE_)?(PASSWORD|URL)|PGPASSWORD|MYSQL_PWD",
        std::regex::icase);
    return std::regex_match(name.begin(), name.end(), credential);
}

} // namespace

Properties::Properties(const ParseOptions& options)
    : parameters_(options.parameters), missing_(options.missing_property), filter_(options.filter),
      database_(options.database), depends_on_database_(options.depends_on_database) {}

void Properties::define(const Definition& definition) {
    try {
        if (filter_.contexts && !trim(*filter_.contexts).empty() &&
            !trim(definition.context).empty() &&
            !evaluate_expression(definition.context, split_names(*filter_.contexts)))
            return;
        if (filter_.labels && !trim(*filter_.labels).empty() && !trim(definition.labels).empty() &&
            !evaluate_expression(*filter_.labels, split_names(definition.labels)))
            return;
    } catch (const Error& error) {
        if (error.where().known())
            throw;
        throw Error(error.kind(), error.what(), definition.where, error.hint());
    }
    if (!trim(definition.dbms).empty() && depends_on_database_ != nullptr)
        *depends_on_database_ = true;
    if (!database_.empty() && !trim(definition.dbms).empty() &&
        !dbms_matches(definition.dbms, database_))
        return;
    // emplace keeps the first definition, as Liquibase does
    if (definition.global)
        changelog_.emplace(definition.name, definition.value);
    else
        local_[definition.where.file].emplace(definition.name, definition.value);
}

void Properties::define_file(const std::filesystem::path& file, const Definition& scope) {
    std::string content;
    try {
        content = read_regular_file(file, ErrorKind::Parse, scope.where, "the properties file");
    } catch (Error& error) {
        throw error.set_hint("paths are relative to the working directory, or to the changelog "
                             "with relativeToChangelogFile=\"true\"");
    }
    for (const auto& [name, value] : parse_properties(content)) {
        Definition definition = scope;
        definition.name = name;
        definition.value = value;
        define(definition);
    }
}

std::map<std::string, std::string> Properties::defined() const {
    std::map<std::string, std::string> all = parameters_;
    all.insert(changelog_.begin(), changelog_.end()); // -D wins, as in expand()
    return all;
}

std::string Properties::expand(std::string_view text, const SourceLocation& where) const {
    if (text.find("${") == std::string_view::npos)
        return std::string(text);
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t open = text.find("${", i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        std::size_t close = text.find('}', open + 2);
        if (close == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        std::string name(text.substr(open + 2, close - open - 2));
        // A property defined as ${b}${b}, b as ${c}${c}, ... doubles at each level (a property
        // bomb): each text and all substitutions together are bounded, naming the property.
        auto substitute = [&](std::string_view value) {
            expanded_bytes_ += value.size();
            if (out.size() + value.size() > kMaxExpandedText || expanded_bytes_ > kMaxExpandedTotal)
                throw Error(ErrorKind::Parse,
                            fmt::format("substituting ${{{}}} makes {} larger than {} MiB",
                                        abbreviate(name),
                                        out.size() + value.size() > kMaxExpandedText
                                            ? "the text"
                                            : "all substituted text together",
                                        (out.size() + value.size() > kMaxExpandedText
                                             ? kMaxExpandedText
                                             : kMaxExpandedTotal) >>
                                            20),
                            where,
                            fmt::format("'{}' is {} bytes long; properties that repeat other "
                                        "properties grow exponentially: define it without them",
                                        abbreviate(name), value.size()));
            out += value;
        };
        if (is_credential_variable(name))
            throw Error(ErrorKind::Validation,
                        fmt::format("${{{}}} names a credential: changelog properties never read "
                                    "passwords or connection URLs",
                                    name),
                        where,
                        "the password would be written in clear into update-sql output, the "
                        "history and the database; pass what the changelog needs as -Dname=value");
        if (const char* env = std::getenv(name.c_str())) {
            substitute(env);
        } else if (auto p = parameters_.find(name); p != parameters_.end()) {
            substitute(p->second);
        } else if (auto c = changelog_.find(name); c != changelog_.end()) {
            substitute(c->second);
        } else if (auto file = local_.find(where.file);
                   file != local_.end() && file->second.count(name)) {
            substitute(file->second.at(name));
        } else if (missing_ == MissingProperty::Error) {
            throw Error(ErrorKind::Validation,
                        fmt::format("property '{}' is not defined", abbreviate(name)), where,
                        "define it with -D" + name +
                            "=..., a <property> element or "
                            "parameter." +
                            name + " in the defaults file");
        } else if (missing_ == MissingProperty::Preserve) {
            out.append(text.substr(open, close + 1 - open));
        }
        i = close + 1;
    }
    return out;
}

} // namespace strata::format
