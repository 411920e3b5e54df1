// SPDX-License-Identifier: Apache-2.0
// Flyway's checksum (CRC32 line by line, without line terminators, leading BOM dropped, read
// as a signed 32-bit int). Expected values come from Python's zlib, not from strata:
//   python3 -c "import zlib; d=b'...'; d=d[3:] if d.startswith(b'\xef\xbb\xbf') else d;
//               v=zlib.crc32(b''.join(d.splitlines())); print(v-2**32 if v>=2**31 else v)"
// A failure here means strata would call unchanged Flyway migrations changed, or the reverse.
#include <gtest/gtest.h>
#include <strata/core/flyway_takeover.hpp>

namespace strata::flyway {
namespace {

TEST(FlywayChecksum, KnownVectors) {
    EXPECT_EQ(checksum(""), 0);
    EXPECT_EQ(checksum("a"), -390611389);
    EXPECT_EQ(checksum("abc"), 891568578);
    // zlib.crc32(b'123456789') == 0xCBF43926, the CRC-32 check value, read as signed.
    EXPECT_EQ(checksum("123456789"), -873187034);
    EXPECT_EQ(checksum("The quick brown fox jumps over the lazy dog"), 1095738169);
    EXPECT_EQ(checksum("CREATE TABLE person (\n    id INT PRIMARY KEY,\n    name VARCHAR(100) NOT "
                       "NULL\n);\n"),
              2077709195);
}

TEST(FlywayChecksum, LineTerminatorsAndBomDoNotCount) {
    EXPECT_EQ(checksum("a\nb"), -1635563411);
    EXPECT_EQ(checksum("a\r\nb\r"), -1635563411);
    EXPECT_EQ(checksum("a\rb\n\n"), -1635563411);
    EXPECT_EQ(checksum("\xEF\xBB\xBF"
                       "a\nb"),
              -1635563411);
    // Only a leading BOM is dropped.
    EXPECT_NE(checksum("a\n\xEF\xBB\xBF"
                       "b"),
              -1635563411);
}

TEST(FlywayChecksum, VersionsCompareAsFlywayDoes) {
    EXPECT_EQ(compare_versions("1.1", "1.01"), 0);
    EXPECT_EQ(compare_versions("1", "1.0.0"), 0);
    EXPECT_EQ(compare_versions("1_1", "1.1"), 0);
    EXPECT_LT(compare_versions("1.9", "1.10"), 0);
    EXPECT_GT(compare_versions("2", "1.999"), 0);
}

} // namespace
} // namespace strata::flyway
