// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/build_id.hpp"
#include "strata/dialect.hpp"

#include <boost/dll/alias.hpp>
#include <cstdint>
#include <memory>

namespace strata::plugin {

/// Bumped whenever anything that crosses the plugin boundary changes shape.
inline constexpr std::uint32_t kAbiVersion = 6;

/// Read by the host before any C++ type crosses: standard layout, static strings only.
struct PluginInfo {
    std::uint32_t abi_version;
    std::uint32_t struct_size;
    const char* name;
    const char* plugin_version;
    const char* build_id;     ///< strata version + compiler + standard library + build type
    const char* url_schemes;  ///< comma-separated: "sqlite,jdbc:sqlite"
    const char* soci_backend; ///< informational: the SOCI backend the dialect asks for
};

using InfoFunction = const PluginInfo*();
using FactoryFunction = std::unique_ptr<Dialect>();

} // namespace strata::plugin

/// Exports a dialect from a plugin: the descriptor and the factory, as the two Boost.DLL
/// aliases the host looks for. Use once per plugin, in plugin_entry.cpp, inside no namespace.
/// NS is a namespace of the plugin's own, so two plugins never define the same symbols.
#define STRATA_DIALECT_PLUGIN(NS, NAME, VERSION, SCHEMES, BACKEND, FACTORY)                        \
    namespace NS::plugin_entry {                                                                   \
    const ::strata::plugin::PluginInfo* plugin_info() {                                            \
        static const ::strata::plugin::PluginInfo info{::strata::plugin::kAbiVersion,              \
                                                       sizeof(::strata::plugin::PluginInfo),       \
                                                       NAME,                                       \
                                                       VERSION,                                    \
                                                       STRATA_BUILD_ID,                            \
                                                       SCHEMES,                                    \
                                                       BACKEND};                                   \
        return &info;                                                                              \
    }                                                                                              \
    std::unique_ptr<::strata::Dialect> create_dialect() {                                          \
        return FACTORY();                                                                          \
    }                                                                                              \
    }                                                                                              \
    BOOST_DLL_ALIAS_SECTIONED(NS::plugin_entry::plugin_info, strata_plugin_info, stratapl)         \
    BOOST_DLL_ALIAS_SECTIONED(NS::plugin_entry::create_dialect, strata_create_dialect, stratapl)
