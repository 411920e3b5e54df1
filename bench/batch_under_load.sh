#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A backfill of a busy 1M-row table done as one UPDATE against strata:batchUpdate, under the
# workload of bench/lock_under_load.sh (same harness, same strata_lock_workload): see
# "--backfill" there. Takes the same options, e.g. --rows=200000 --databases=postgresql --check.
exec "$(dirname "$0")/lock_under_load.sh" --backfill "$@"
