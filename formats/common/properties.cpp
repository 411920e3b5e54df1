// SPDX-License-Identifier: Apache-2.0
#include "properties.hpp"

#include <cstdlib>
#include <fmt/format.h>

namespace strata::format {

Properties::Properties(const ParseOptions& options)
    : parameters_(options.parameters), missing_(options.missing_property) {}

void Properties::define(const std::string& name, const std::string& value) {
    changelog_.emplace(name, value); // emplace keeps the first definition, as Liquibase does
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
        if (const char* env = std::getenv(name.c_str())) {
            out += env;
        } else if (auto p = parameters_.find(name); p != parameters_.end()) {
            out += p->second;
        } else if (auto c = changelog_.find(name); c != changelog_.end()) {
            out += c->second;
        } else if (missing_ == MissingProperty::Error) {
            throw Error(ErrorKind::Validation, fmt::format("property '{}' is not defined", name),
                        where,
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
