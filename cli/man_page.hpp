// SPDX-License-Identifier: Apache-2.0
// The strata(1) man page, written in roff from the command table and the option catalogue
// (the same source as --help and the shell completions). `strata man` prints it; the build
// writes it to strata.1 and the package installs it in share/man/man1.
#pragma once

#include <string>

namespace strata::cli {

class Session;

std::string man_page();

/// `strata man`.
int run_man(Session& session);

} // namespace strata::cli
