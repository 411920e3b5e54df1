// SPDX-License-Identifier: Apache-2.0
#pragma once

/// Symbols that cross the core/plugin boundary. Everything else is hidden
/// (-fvisibility=hidden), which keeps plugins from shadowing each other's symbols.
#define STRATA_API __attribute__((visibility("default")))
