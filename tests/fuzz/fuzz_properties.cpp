// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: changelog properties. The input is a properties file (parse_properties),
// then, after the first empty line, a text whose ${name} references are expanded with the
// file's entries as changelog properties, under each missing-property mode.
#include "properties.hpp"

#include <cstddef>
#include <cstdint>
#include <strata/error.hpp>
#include <strata/text.hpp>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t split = input.find("\n\n");
    std::string_view file = input.substr(0, split);
    std::string_view text = split == std::string_view::npos ? input : input.substr(split + 2);
    using strata::format::MissingProperty;
    for (MissingProperty mode :
         {MissingProperty::Preserve, MissingProperty::Empty, MissingProperty::Error}) {
        strata::format::ParseOptions options;
        options.missing_property = mode;
        options.parameters = {{"schema", "app"}, {"nested", "${schema}.${schema}"}};
        options.filter.contexts = "prod";
        try {
            strata::format::Properties properties(options);
            for (const auto& [name, value] : strata::parse_properties(file)) {
                strata::format::Properties::Definition definition;
                definition.name = name;
                definition.value = value;
                definition.context = value; // a context expression from the input, too
                properties.define(definition);
            }
            (void)properties.expand(text, {});
        } catch (const strata::Error&) {
            // a bad context expression, a missing property in Error mode, too long a result
        }
    }
    return 0;
}
