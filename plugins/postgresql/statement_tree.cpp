// SPDX-License-Identifier: Apache-2.0
#include "statement_tree.hpp"

#include <pg_query.h>

namespace strata::dialect::postgresql {

namespace {

// libpg_query keeps a memory context per thread until the thread ends, and this plugin is
// unloaded before the main thread ends, which left the context unreachable (LeakSanitizer).
// It is freed when the plugin goes: a static's destructor runs at unload and at exit. Only
// then: a parse after pg_query_exit() reads freed memory (seen under AddressSanitizer).
struct ParserMemory {
    bool used = false;
    ParserMemory() = default;
    ParserMemory(const ParserMemory&) = delete;
    ParserMemory& operator=(const ParserMemory&) = delete;
    ~ParserMemory() {
        if (used)
            pg_query_exit();
    }
};
ParserMemory parser_memory;

} // namespace

std::optional<nlohmann::json> parse_statements(std::string_view sql) {
    PgQueryParseResult result = pg_query_parse(std::string(sql).c_str());
    std::optional<nlohmann::json> statements;
    if (result.error == nullptr && result.parse_tree != nullptr) {
        nlohmann::json tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
        if (!tree.is_discarded())
            statements = tree.value("stmts", nlohmann::json::array());
    }
    pg_query_free_parse_result(result);
    parser_memory.used = true;
    return statements;
}

std::pair<std::string, const nlohmann::json*> statement_node(const nlohmann::json& stmt) {
    auto inner = stmt.find("stmt");
    if (inner == stmt.end() || !inner->is_object() || inner->empty())
        return {"", nullptr};
    return {inner->begin().key(), &inner->begin().value()};
}

std::string range_name(const nlohmann::json& range_var) {
    std::string name = text_field(range_var, "relname");
    std::string schema = text_field(range_var, "schemaname");
    return schema.empty() ? name : schema + "." + name;
}

std::string text_field(const nlohmann::json& node, const char* key) {
    auto it = node.find(key);
    return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag_field(const nlohmann::json& node, const char* key) {
    auto it = node.find(key);
    return it != node.end() && it->is_boolean() && it->get<bool>();
}

} // namespace strata::dialect::postgresql
