// SPDX-License-Identifier: Apache-2.0
// One handler per command family (the command table names which runs which command).
#pragma once

namespace strata::cli {

class Session;

int run_update(Session& session);
int run_update_testing_rollback(Session& session);
int run_status(Session& session);
int run_history(Session& session);
int run_validate(Session& session);
// lint_command.cpp
int run_lint(Session& session);
int run_rehearse(Session& session);
/// The lint update and validate run first: prints the findings on stderr; true when one is
/// at --fail-on, so the command stops before it changes anything (exit 7).
bool lint_stops(Session& session);
int run_rollback(Session& session);
int run_future_rollback(Session& session);
int run_tag(Session& session);
int run_tag_exists(Session& session);
int run_changelog_sync(Session& session);
int run_flyway_takeover(Session& session);
int run_mark_next_changeset_ran(Session& session);
int run_clear_checksums(Session& session);
int run_calculate_checksum(Session& session);
int run_list_locks(Session& session);
int run_release_locks(Session& session);
int run_unexpected_changesets(Session& session);
int run_plugins(Session& session);
int run_convert(Session& session);
// diff_commands.cpp
int run_diff(Session& session);
int run_diff_changelog(Session& session);
int run_generate_changelog(Session& session);
int run_snapshot(Session& session);
int run_db_doc(Session& session);
int run_drift(Session& session);

} // namespace strata::cli
