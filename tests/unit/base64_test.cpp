// SPDX-License-Identifier: Apache-2.0
// loadData's BLOB values: base64 by Liquibase's pattern is bytes, anything else a file name;
// a file's bytes travel as base64 to the dialect's bytes literal.
#include <gtest/gtest.h>
#include <strata/text.hpp>

namespace strata {
namespace {

TEST(Base64, RoundTripsEveryByteAndPadding) {
    std::string all;
    for (int byte = 0; byte < 256; ++byte)
        all += static_cast<char>(byte);
    for (std::size_t length : {0u, 1u, 2u, 3u, 4u, 256u}) {
        std::string bytes = all.substr(0, length);
        std::string text = encode_base64(bytes);
        EXPECT_EQ(text.size() % 4, 0u);
        if (length > 0) {
            EXPECT_EQ(decode_base64(text), bytes) << text;
        }
    }
    EXPECT_EQ(encode_base64(std::string("\x00\x01\x02\xff", 4)), "AAEC/w==");
}

TEST(Base64, FileNamesAreNotBase64) {
    // Liquibase's LoadDataChange pattern: what does not match is a file's name.
    EXPECT_FALSE(decode_base64("large_objects/logo.bin"));
    EXPECT_FALSE(decode_base64("abc"));
    EXPECT_FALSE(decode_base64(""));
    EXPECT_EQ(decode_base64("aGk="), "hi");
}

} // namespace
} // namespace strata
