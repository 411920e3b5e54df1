// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

/// What a plugin says about itself, read before any of its C++ code runs.
struct PluginDescriptor {
    std::string name;
    std::string version;
    std::string build_id;
    std::vector<std::string> url_schemes;
    std::string soci_backend;
    std::uint32_t abi_version = 0;
    std::filesystem::path file; ///< empty for a dialect linked into the binary
};

/// A plugin file that was found but cannot be used, and why.
struct PluginProblem {
    std::filesystem::path file;
    std::string message;
};

/// Finds dialect plugins, checks their ABI and build id, and creates dialects on demand.
/// It owns the loaded libraries and must outlive every Dialect it created: libraries stay
/// loaded until the registry is destroyed.
class STRATA_API PluginRegistry {
public:
    using Factory = std::function<std::unique_ptr<Dialect>()>;

    PluginRegistry();
    ~PluginRegistry();
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    /// --plugin-dir values, then STRATA_PLUGIN_PATH, then lib/strata/plugins beside the core.
    static std::vector<std::filesystem::path>
    search_path(const std::vector<std::filesystem::path>& plugin_dirs);

    /// Reads every `strata_dialect_*` library in the directories. A file that cannot be
    /// used is recorded in problems() and does not stop the others.
    void discover(const std::vector<std::filesystem::path>& directories);
    /// Loads one plugin file and checks its descriptor; throws Error{Plugin} naming the file.
    const PluginDescriptor& load(const std::filesystem::path& file);
    /// Registers a dialect linked into the binary (tests, single-binary builds).
    void add_builtin(PluginDescriptor descriptor, Factory factory);

    [[nodiscard]] std::vector<PluginDescriptor> plugins() const;
    [[nodiscard]] const std::vector<PluginProblem>& problems() const;

    /// The plugin whose URL scheme the URL starts with (longest match), or nullptr.
    [[nodiscard]] const PluginDescriptor* find_for_url(std::string_view url) const;
    /// Calls the factory of the plugin for this URL; throws Error{Plugin} when none serves
    /// it or the factory fails.
    [[nodiscard]] std::unique_ptr<Dialect> create_for_url(std::string_view url);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace strata
