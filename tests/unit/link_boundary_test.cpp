// SPDX-License-Identifier: Apache-2.0
// The SDK boundary, enforced by the linker: plugins and formats link the SDK, never the
// engine, SOCI, OpenSSL or Boost.DLL's loader. Reads each built library's dynamic section.
#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

namespace {

// DT_NEEDED entries, as `readelf -d` (binutils) prints them.
std::vector<std::string> needed_libraries(const std::filesystem::path& library) {
    std::string command = "readelf -d '" + library.string() + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    EXPECT_NE(pipe, nullptr);
    std::vector<std::string> needed;
    std::array<char, 512> line{};
    while (pipe && fgets(line.data(), line.size(), pipe.get()) != nullptr) {
        std::string text(line.data());
        if (text.find("(NEEDED)") == std::string::npos)
            continue;
        auto open = text.find('[');
        auto close = text.find(']', open);
        if (open != std::string::npos && close != std::string::npos)
            needed.push_back(text.substr(open + 1, close - open - 1));
    }
    return needed;
}

std::vector<std::filesystem::path> sdk_only_libraries() {
    std::vector<std::filesystem::path> libraries{STRATA_FORMATS_LIBRARY};
    for (const auto& entry : std::filesystem::directory_iterator(STRATA_PLUGIN_DIR)) {
        if (entry.path().extension() == ".so")
            libraries.push_back(entry.path());
    }
    return libraries;
}

TEST(LinkBoundary, PluginsAndFormatsNeedOnlyTheSdk) {
    std::vector<std::filesystem::path> libraries = sdk_only_libraries();
    ASSERT_GE(libraries.size(), 4u) << "expected the formats library and three dialect plugins";
    for (const auto& library : libraries) {
        std::vector<std::string> needed = needed_libraries(library);
        bool links_sdk = false;
        for (const std::string& name : needed) {
            links_sdk = links_sdk || name.starts_with("libstrata_sdk.so");
            for (const char* forbidden :
                 {"libstrata_core", "libsoci", "libcrypto", "libssl", "libboost_filesystem"}) {
                EXPECT_FALSE(name.starts_with(forbidden))
                    << library.filename() << " needs " << name
                    << ": only the SDK (include/strata/) may be linked";
            }
        }
        EXPECT_TRUE(links_sdk) << library.filename() << " does not link libstrata_sdk";
    }
}

TEST(LinkBoundary, CoreIsWhereSociAndOpenSslLive) {
    // The other side of the boundary, so the test above cannot pass by reading nothing.
    std::vector<std::string> needed = needed_libraries(STRATA_CORE_LIBRARY);
    auto has = [&](std::string_view prefix) {
        for (const std::string& name : needed)
            if (name.starts_with(prefix))
                return true;
        return false;
    };
    EXPECT_TRUE(has("libsoci_core"));
    EXPECT_TRUE(has("libcrypto"));
    EXPECT_TRUE(has("libstrata_sdk"));
}

} // namespace
