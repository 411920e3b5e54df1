// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/error.hpp"
#include "strata/format/parse.hpp"

#include <map>
#include <string>
#include <string_view>

namespace strata::format {

/// `${name}` substitution with Liquibase's precedence: the first definition wins, and the
/// sources are registered environment first, then -D parameters, then changelog
/// `<property>` elements in document order.
class Properties {
public:
    explicit Properties(const ParseOptions& options);

    /// A changelog `<property>`: ignored when the name is already defined.
    void define(const std::string& name, const std::string& value);
    [[nodiscard]] std::string expand(std::string_view text, const SourceLocation& where) const;
    /// Every parameter and changelog property, for changeLogPropertyDefined.
    [[nodiscard]] std::map<std::string, std::string> defined() const;

private:
    std::map<std::string, std::string> parameters_;
    std::map<std::string, std::string> changelog_;
    MissingProperty missing_;
};

} // namespace strata::format
