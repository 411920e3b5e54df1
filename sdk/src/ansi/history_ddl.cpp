// SPDX-License-Identifier: Apache-2.0
// The DDL of Liquibase's history and lock tables; core owns the protocols on them.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

std::string AnsiDialect::history_table_ddl(const TableName& table) const {
    return fmt::format(
        "CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME "
        "VARCHAR(255) NOT NULL, DATEEXECUTED {} NOT NULL, ORDEREXECUTED INTEGER NOT NULL, "
        "EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35), DESCRIPTION VARCHAR(255), COMMENTS "
        "VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20), CONTEXTS VARCHAR(255), LABELS "
        "VARCHAR(255), DEPLOYMENT_ID VARCHAR(10))",
        table_reference(table), datetime_type());
}

std::string AnsiDialect::lock_table_ddl(const TableName& table) const {
    return fmt::format("CREATE TABLE {} (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL, LOCKGRANTED "
                       "{}, LOCKEDBY VARCHAR(255), CONSTRAINT PK_{} PRIMARY KEY (ID))",
                       table_reference(table), datetime_type(), to_upper(table.name));
}

bool AnsiDialect::acquire_native_lock(Connection&, const RunLockRequest&) {
    return false;
}

void AnsiDialect::release_native_lock(Connection&) noexcept {}

} // namespace strata
