// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/error.hpp"
#include "strata/format/parse.hpp"

#include <filesystem>
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

    /// A changelog `<property>`: ignored when the name is already defined, or when its
    /// context, labels or dbms exclude this run. A property with global="false" holds only
    /// in the file that defines it (`where.file`).
    struct Definition {
        std::string name;
        std::string value;
        std::string context;
        std::string labels;
        std::string dbms;
        bool global = true;
        SourceLocation where;
    };
    void define(const Definition& definition);
    /// Every entry of a properties file (`<property file="...">`), each with `scope`'s limits.
    void define_file(const std::filesystem::path& file, const Definition& scope);
    /// The text with each ${name} substituted. Throws Parse naming the property when the result
    /// would pass kMaxExpandedText, or all substitutions of the run kMaxExpandedTotal.
    [[nodiscard]] std::string expand(std::string_view text, const SourceLocation& where) const;
    static constexpr std::size_t kMaxExpandedText = std::size_t{16} * 1024 * 1024;
    static constexpr std::size_t kMaxExpandedTotal = std::size_t{256} * 1024 * 1024;
    /// Every parameter and changelog property, for changeLogPropertyDefined.
    [[nodiscard]] std::map<std::string, std::string> defined() const;

private:
    std::map<std::string, std::string> parameters_;
    std::map<std::string, std::string> changelog_;
    std::map<std::string, std::map<std::string, std::string>> local_; ///< file -> name -> value
    MissingProperty missing_;
    RunFilter filter_;
    std::string database_;
    bool* depends_on_database_;
    /// Bytes substituted so far, against kMaxExpandedTotal.
    mutable std::size_t expanded_bytes_ = 0;
};

} // namespace strata::format
