// SPDX-License-Identifier: Apache-2.0
// snapshot::portable_type: the one mapping every dialect's snapshot uses, so that the same
// column read from PostgreSQL, MariaDB and SQLite has the same portable type.
#include <gtest/gtest.h>
#include <strata/snapshot.hpp>
#include <string>
#include <utility>
#include <vector>

namespace strata {
namespace {

using snapshot::portable_type;

void expect_all(const std::vector<std::pair<std::string, std::string>>& cases) {
    for (const auto& [native, portable] : cases)
        EXPECT_EQ(portable_type(native), portable) << "native type: " << native;
}

TEST(PortableType, IntegerAliasesMapToOneName) {
    expect_all({{"integer", "int"},
                {"int", "int"},
                {"int4", "int"},
                {"INTEGER", "int"},
                {"int(11)", "int"},
                {"bigint", "bigint"},
                {"int8", "bigint"},
                {"bigint(20)", "bigint"},
                {"smallint", "smallint"},
                {"int2", "smallint"},
                {"smallint(6)", "smallint"},
                {"mediumint(9)", "mediumint"},
                {"tinyint(4)", "tinyint"}});
}

TEST(PortableType, BooleanSpellings) {
    expect_all({{"boolean", "boolean"},
                {"bool", "boolean"},
                {"tinyint(1)", "boolean"},
                {"bit(1)", "boolean"},
                {"BOOLEAN", "boolean"}});
    // Only a one-wide tinyint is MariaDB's boolean; an unsigned one is a number.
    EXPECT_EQ(portable_type("tinyint(1) unsigned"), "tinyint unsigned");
    EXPECT_EQ(portable_type("bit(8)"), "bit(8)");
}

TEST(PortableType, CharacterTypesKeepTheirLength) {
    expect_all({{"character varying(50)", "varchar(50)"},
                {"varchar(50)", "varchar(50)"},
                {"VARCHAR (50)", "varchar(50)"},
                {"character varying", "varchar"},
                {"character(2)", "char(2)"},
                {"char(2)", "char(2)"},
                {"bpchar(3)", "char(3)"},
                {"text", "text"},
                {"mediumtext", "text"},
                {"longtext", "text"},
                {"tinytext", "tinytext"}});
}

TEST(PortableType, NumbersWithPrecision) {
    expect_all({{"numeric(12,2)", "decimal(12,2)"},
                {"numeric(12, 2)", "decimal(12,2)"},
                {"decimal(12,2)", "decimal(12,2)"},
                {"DECIMAL ( 12 , 2 )", "decimal(12,2)"},
                {"numeric", "decimal"},
                {"double precision", "double"},
                {"double", "double"},
                {"float8", "double"},
                {"real", "float"},
                {"float", "float"},
                {"float4", "float"}});
}

TEST(PortableType, DatesAndTimes) {
    expect_all({{"date", "date"},
                {"time", "time"},
                {"time without time zone", "time"},
                {"timestamp without time zone", "timestamp"},
                {"TIMESTAMP   WITHOUT  TIME ZONE", "timestamp"},
                {"timestamp", "timestamp"},
                {"datetime", "timestamp"},
                {"datetime(6)", "timestamp(6)"},
                {"timestamp(3) without time zone", "timestamp(3)"},
                {"timestamp with time zone", "timestamp with time zone"},
                {"timestamptz", "timestamp with time zone"},
                {"timestamp(3) with time zone", "timestamp(3) with time zone"},
                {"time with time zone", "time with time zone"}});
}

TEST(PortableType, BinaryAndUuid) {
    expect_all({{"bytea", "blob"},
                {"blob", "blob"},
                {"longblob", "blob"},
                {"mediumblob", "blob"},
                {"uuid", "uuid"},
                {"UUID", "uuid"}});
}

TEST(PortableType, UnknownTypesComeBackLowerCasedAndCollapsed) {
    expect_all({{"JSONB", "jsonb"},
                {"integer[]", "integer[]"},
                {"  Geometry  ", "geometry"},
                {"int(10) unsigned", "int unsigned"},
                {"enum('a', 'b')", "enum('a','b')"},
                {"ENUM('A b','c')", "enum('A b','c')"},
                {"interval   day", "interval day"},
                {"", ""}});
}

} // namespace
} // namespace strata
