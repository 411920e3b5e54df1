// SPDX-License-Identifier: Apache-2.0
#include "strata/core/plugin_registry.hpp"

#include "strata/core/database.hpp"
#include "strata/plugin.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <map>

namespace strata {
namespace {

std::vector<std::string> split_schemes(std::string_view list) {
    std::vector<std::string> schemes;
    std::size_t start = 0;
    while (start < list.size()) {
        std::size_t comma = list.find(',', start);
        std::string scheme(list.substr(start, comma - start));
        if (!scheme.empty())
            schemes.push_back(scheme);
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return schemes;
}

Error plugin_error(const std::filesystem::path& file, std::string message, std::string hint = {}) {
    return Error(ErrorKind::Plugin, fmt::format("plugin {}: {}", file.string(), message), {},
                 std::move(hint));
}

} // namespace

struct PluginRegistry::Impl {
    struct Entry {
        PluginDescriptor descriptor;
        Factory factory;
    };
    // Libraries are declared first so they are destroyed last: no Entry's factory may
    // outlive the code it points into.
    std::vector<std::unique_ptr<boost::dll::shared_library>> libraries;
    std::vector<Entry> entries;
    std::vector<PluginProblem> problems;
};

PluginRegistry::PluginRegistry() : impl_(std::make_unique<Impl>()) {}
PluginRegistry::~PluginRegistry() = default;

std::vector<std::filesystem::path>
PluginRegistry::search_path(const std::vector<std::filesystem::path>& plugin_dirs) {
    std::vector<std::filesystem::path> directories = plugin_dirs;
    if (const char* env = std::getenv("STRATA_PLUGIN_PATH")) {
        std::string_view list(env);
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t colon = list.find(':', start);
            std::string_view entry = list.substr(start, colon - start);
            if (!entry.empty())
                directories.emplace_back(entry);
            if (colon == std::string_view::npos)
                break;
            start = colon + 1;
        }
    }
    // lib/strata/plugins next to libstrata_core, in the build tree and once installed.
    directories.push_back(boost::dll::this_line_location().parent_path() / "strata" / "plugins");
    return directories;
}

void PluginRegistry::discover(const std::vector<std::filesystem::path>& directories) {
    const std::string suffix = boost::dll::shared_library::suffix().string();
    for (const std::filesystem::path& directory : directories) {
        std::error_code ec;
        if (!std::filesystem::is_directory(directory, ec))
            continue;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
            std::string name = entry.path().filename().string();
            if (name.starts_with("strata_dialect_") && name.ends_with(suffix))
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const std::filesystem::path& file : files) {
            try {
                load(file);
            } catch (const Error& e) {
                impl_->problems.push_back({file, e.what()});
            }
        }
    }
}

const PluginDescriptor& PluginRegistry::load(const std::filesystem::path& file) {
    std::error_code ec;
    auto library = std::make_unique<boost::dll::shared_library>(
        file, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    if (ec)
        throw plugin_error(file,
                           fmt::format("cannot be loaded as a shared library ({})", ec.message()),
                           "remove the file from the plugin directory or rebuild it");
    for (const char* alias : {"strata_plugin_info", "strata_create_dialect"}) {
        if (!library->has(alias))
            throw plugin_error(file, fmt::format("does not export '{}'", alias),
                               "a dialect plugin must use STRATA_DIALECT_PLUGIN(...) from "
                               "<strata/plugin.hpp>");
    }
    const plugin::PluginInfo* info =
        library->get_alias<plugin::InfoFunction>("strata_plugin_info")();
    if (info == nullptr)
        throw plugin_error(file, "returned no plugin descriptor");
    // Read only the two leading integers until the version is known to match: a plugin of
    // another ABI may lay out the rest differently.
    if (info->abi_version != plugin::kAbiVersion ||
        info->struct_size != sizeof(plugin::PluginInfo) ||
        std::string_view(info->build_id) != STRATA_BUILD_ID) {
        std::string theirs =
            info->abi_version == plugin::kAbiVersion &&
                    info->struct_size == sizeof(plugin::PluginInfo)
                ? fmt::format("ABI {}, build '{}'", info->abi_version, info->build_id)
                : fmt::format("ABI {}", info->abi_version);
        throw plugin_error(file,
                           fmt::format("was built for {}; this strata expects ABI {}, build '{}'",
                                       theirs, plugin::kAbiVersion, STRATA_BUILD_ID),
                           "rebuild the plugin against this strata's SDK");
    }
    PluginDescriptor descriptor{info->name,
                                info->plugin_version,
                                info->build_id,
                                split_schemes(info->url_schemes),
                                info->soci_backend,
                                info->abi_version,
                                file};
    auto& factory = library->get_alias<plugin::FactoryFunction>("strata_create_dialect");
    impl_->libraries.push_back(std::move(library));
    impl_->entries.push_back({std::move(descriptor), Factory(factory)});
    return impl_->entries.back().descriptor;
}

void PluginRegistry::add_builtin(PluginDescriptor descriptor, Factory factory) {
    impl_->entries.push_back({std::move(descriptor), std::move(factory)});
}

std::vector<PluginDescriptor> PluginRegistry::plugins() const {
    std::vector<PluginDescriptor> result;
    for (const auto& entry : impl_->entries)
        result.push_back(entry.descriptor);
    return result;
}

const std::vector<PluginProblem>& PluginRegistry::problems() const {
    return impl_->problems;
}

const PluginDescriptor* PluginRegistry::find_for_url(std::string_view url) const {
    const PluginDescriptor* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& entry : impl_->entries) {
        for (const std::string& scheme : entry.descriptor.url_schemes) {
            if (url.size() > scheme.size() && url.starts_with(scheme) &&
                url[scheme.size()] == ':' && scheme.size() > best_length) {
                best = &entry.descriptor;
                best_length = scheme.size();
            }
        }
    }
    return best;
}

std::unique_ptr<Dialect> PluginRegistry::create_for_url(std::string_view url) {
    const PluginDescriptor* descriptor = find_for_url(url);
    if (descriptor == nullptr) {
        std::vector<std::string> known;
        for (const auto& entry : impl_->entries)
            known.push_back(fmt::format("{}:", fmt::join(entry.descriptor.url_schemes, ":, ")));
        std::string problems;
        for (const PluginProblem& problem : impl_->problems)
            problems += fmt::format("; {}", problem.message);
        throw Error(ErrorKind::Plugin,
                    fmt::format("no dialect plugin serves the URL '{}'", mask_url(url)), {},
                    fmt::format("known URL schemes: {}{}; see `strata plugins`",
                                known.empty() ? "none (no plugin found)"
                                              : fmt::format("{}", fmt::join(known, ", ")),
                                problems));
    }
    auto it =
        std::find_if(impl_->entries.begin(), impl_->entries.end(),
                     [descriptor](const auto& entry) { return &entry.descriptor == descriptor; });
    try {
        std::unique_ptr<Dialect> dialect = it->factory();
        if (!dialect)
            throw Error(ErrorKind::Plugin, "the factory returned no dialect");
        return dialect;
    } catch (const std::exception& e) {
        // Copy the text: the exception object's code lives in the plugin.
        throw plugin_error(
            descriptor->file.empty() ? std::filesystem::path(descriptor->name) : descriptor->file,
            fmt::format("dialect '{}' failed to start: {}", descriptor->name, e.what()));
    }
}

} // namespace strata
