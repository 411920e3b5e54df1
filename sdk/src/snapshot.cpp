// SPDX-License-Identifier: Apache-2.0
#include "strata/snapshot.hpp"

#include "strata/dialect.hpp"
#include "strata/error.hpp"

#include <algorithm>

namespace strata::snapshot {

namespace {

template <typename T> void sort_by_name(std::vector<T>& items) {
    std::ranges::sort(items, [](const T& a, const T& b) { return a.name < b.name; });
}

} // namespace

const Column* Table::column(std::string_view column_name) const {
    auto it = std::ranges::find(columns, column_name, &Column::name);
    return it == columns.end() ? nullptr : &*it;
}

const Table* Schema::table(std::string_view table_name) const {
    auto it = std::ranges::find(tables, table_name, &Table::name);
    return it == tables.end() ? nullptr : &*it;
}

void Schema::normalize() {
    sort_by_name(tables);
    sort_by_name(views);
    sort_by_name(sequences);
    for (Table& table : tables) {
        sort_by_name(table.foreign_keys);
        sort_by_name(table.unique_constraints);
        sort_by_name(table.check_constraints);
        sort_by_name(table.indexes);
    }
}

} // namespace strata::snapshot

namespace strata {

snapshot::Schema AnsiDialect::snapshot(Connection& /*connection*/,
                                       const snapshot::SnapshotScope& /*scope*/) const {
    throw Error(ErrorKind::Usage, "the " + name() + " dialect cannot read its schema (snapshot)",
                {}, "snapshot, diff and drift need a dialect that reads its catalog");
}

std::optional<ScratchNamespace> AnsiDialect::scratch_namespace(const std::string& /*url*/,
                                                               const std::string& /*name*/) const {
    return std::nullopt;
}

} // namespace strata
