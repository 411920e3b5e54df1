// SPDX-License-Identifier: Apache-2.0
// The native half of the run lock: flock(2) on the database file, which the kernel frees
// when the process dies.
#include "sqlite_dialect_class.hpp"
#include "table_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <regex>
#include <strata/text.hpp>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace strata::dialect::sqlite {

SqliteDialect::~SqliteDialect() {
    if (lock_fd_ >= 0)
        ::close(lock_fd_); // after the connection is gone: see lock_file
}

bool SqliteDialect::acquire_native_lock(Connection&, const RunLockRequest& request) {
    if (!request.target.database_file.empty())
        lock_file(request);
    return lock_fd_ >= 0;
}

void SqliteDialect::release_native_lock(Connection&) noexcept {
    // Unlock, but keep the descriptor open: closing it would drop SQLite's own POSIX locks.
    if (lock_fd_ >= 0)
        ::flock(lock_fd_, LOCK_UN);
}

// The rollback of insert/loadData: delete exactly the rows it inserted, by primary key.
void SqliteDialect::lock_file(const RunLockRequest& request) {
    if (lock_fd_ < 0)
        lock_fd_ = ::open(request.target.database_file.c_str(), O_RDWR | O_CLOEXEC);
    if (lock_fd_ < 0)
        return; // e.g. a read-only file: the row protocol alone still serialises runs
    auto deadline = std::chrono::steady_clock::now() + request.wait;
    while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        if (std::chrono::steady_clock::now() >= deadline)
            throw Error(
                ErrorKind::Lock,
                fmt::format("could not acquire the change log lock: another strata process is "
                            "running against {}",
                            request.target.database_file),
                {}, "wait for it to finish, or raise --changelog-lock-wait-time-in-minutes");
        std::this_thread::sleep_for(request.poll);
    }
}

} // namespace strata::dialect::sqlite
