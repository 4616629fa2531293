#!/usr/bin/env bash
# Fuzzes one libFuzzer target for a bounded time, starting from its checked-in
# corpus. New inputs go to a scratch directory that is removed afterwards, so
# the repository is never modified by a test run; crashes fail the run.
#   run-fuzzer.sh FUZZER CORPUS_DIR SECONDS
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$corpus"/. "$scratch"/
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
  -artifact_prefix="$scratch/" -print_final_stats=1 "$scratch" 2>&1 | tail -n 15
status=${PIPESTATUS[0]}
if ((status != 0)); then
  echo "fuzzer failed; crashing input:" >&2
  ls "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* 2>/dev/null >&2 || true
  for f in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-*; do
    [[ -e $f ]] && od -c "$f" | head -20 >&2
  done
fi
exit "$status"
