#!/usr/bin/env bash
# `portlens info 22` against `getent services 22`: whole-process time, the
# median of many interleaved runs, and the ratio (target: at most 1.5).
# Touches no network. Usage: bench/run-info-bench.sh [build/portlens]
set -euo pipefail
binary=${1:-build/portlens}
dir=$(dirname "$binary")
runs=${RUNS:-300}
echo "## info vs getent ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r))"
echo
echo "\`$dir/cmdtime --runs $runs --warmup 30 -- $binary info 22 -- getent services 22\`"
echo
"$dir/cmdtime" --runs "$runs" --warmup 30 -- "$binary" info 22 -- getent services 22
echo
echo "\`$dir/cmdtime --runs $runs --warmup 30 -- $binary info netbus --json -- getent services ms-wbt-server\`"
echo
"$dir/cmdtime" --runs "$runs" --warmup 30 -- "$binary" info netbus --json -- getent services ms-wbt-server
echo
echo "In-process lookups (\`$dir/lookup_bench\`):"
echo
echo '```'
"$dir/lookup_bench" --benchmark_min_time=0.2 2>/dev/null | grep -E '^(BM_|Benchmark|-)'
echo '```'
