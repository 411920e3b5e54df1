// SPDX-License-Identifier: Apache-2.0
#include "strata/csv.hpp"

#include "strata/error.hpp"

#include <fmt/format.h>

namespace strata::csv {

std::vector<Record> parse(std::string_view text, const Options& options, const std::string& file) {
    std::vector<Record> records;
    std::size_t i = 0;
    int line = 1;
    while (i < text.size()) {
        // A record starts here: skip blank and comment lines first.
        std::size_t end_of_line = text.find('\n', i);
        std::string_view whole = text.substr(
            i, end_of_line == std::string_view::npos ? std::string_view::npos : end_of_line - i);
        if (whole.find_first_not_of(" \t\r") == std::string_view::npos ||
            (!options.comment.empty() && whole.starts_with(options.comment))) {
            i = end_of_line == std::string_view::npos ? text.size() : end_of_line + 1;
            ++line;
            continue;
        }
        int record_line = line;
        Record record;
        Field field;
        bool in_quotes = false;
        while (i < text.size()) {
            char c = text[i];
            if (in_quotes) {
                if (c == options.quote && i + 1 < text.size() && text[i + 1] == options.quote) {
                    field.text += c;
                    i += 2;
                    continue;
                }
                if (c == options.quote) {
                    in_quotes = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    field.text += c;
                }
                ++i;
                continue;
            }
            if (c == options.quote && field.text.empty()) {
                in_quotes = true;
                field.quoted = true;
                ++i;
            } else if (c == options.separator) {
                record.push_back(std::move(field));
                field = Field{};
                ++i;
            } else if (c == '\n' || c == '\r') {
                i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
                ++line;
                break;
            } else {
                field.text += c;
                ++i;
            }
        }
        if (in_quotes)
            throw Error(ErrorKind::Validation, "unterminated quoted field in CSV data",
                        SourceLocation{file, record_line, 0},
                        "close the quote or escape a quote by doubling it");
        record.push_back(std::move(field));
        records.push_back(std::move(record));
    }
    return records;
}

} // namespace strata::csv
