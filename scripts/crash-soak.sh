#!/usr/bin/env bash
# Crash soak: TRIALS rounds of FILES uploads from 8 clients over FTP and SFTP (UltraCart and DSCO
# orders, the warehouse's shipments and inventory), 2 to 4 seeded `kill -9` per round while the
# partners consume their out/ folders; each round is judged file by file and order by order
# (tests/e2e/crash/). Prints a line per round on stderr, then one final line on stdout:
#
#   TRIALS trials, FILES files each: K kills (M mid-processing), L lost, D duplicated
#
# and exits non-zero on any loss, duplicate or other problem. WHARF_CRASH_SEED=N replays a run.
# It runs the test build (the one `cargo test` makes): its debug-only fault hooks hold some plans
# step by step, so that kills can be aimed at a plan in progress.
set -euo pipefail
cd "$(dirname "$0")/.."

trials=${1:-20}
files=${2:-1000}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
WHARF_SOAK_TRIALS=$trials WHARF_SOAK_FILES=$files \
  cargo test --locked --test tests -- --ignored --exact e2e::crash::crash_soak --nocapture \
  >"$log" 2>&1 &
soak=$!
# Follow the rounds as they finish.
tail -n +1 -f --pid="$soak" "$log" | grep --line-buffered -E '^(crash soak: seed|trial [0-9]+:|  (LOST|DUPLICATED|PROBLEM) )' >&2 || true
wait "$soak" || status=$?

line=$(grep -E '^[0-9]+ trials, [0-9]+ files each: ' "$log" | tail -n 1 || true)
if [ -z "$line" ]; then
  tail -n 60 "$log" >&2
  echo "crash-soak: the soak stopped before its end (exit $status)" >&2
  exit 1
fi
echo "$line"
exit "$status"
