#!/usr/bin/env bash
# `portlens ls` against ss, netstat and lsof on the same namespace: 20,000
# listeners, 10,000 established loopback pairs and 1,000 UDP sockets (41,000
# sockets) over 200 processes, in a network namespace this script creates and
# removes. Needs root. Loopback only. Usage: bench/run-ls-bench.sh [build dir]
set -euo pipefail
build=$(realpath "${1:-build}")
runs=${RUNS:-10}
ns=portlens-bench-$$
ip netns add "$ns"
ready=$(mktemp)
cleanup() {  # never stops half-way: every step may fail on its own
  if [[ -n ${maker:-} ]]; then kill "$maker" 2>/dev/null || true; wait "$maker" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$ready"
}
trap cleanup EXIT
nsenter --net=/run/netns/"$ns" ip link set lo up
nsenter --net=/run/netns/"$ns" "$build/make_sockets" --listeners "${LISTENERS:-20000}" --pairs "${PAIRS:-10000}" \
  --udp "${UDP:-1000}" --procs "${PROCS:-200}" --seconds 900 >"$ready" &
maker=$!
for _ in $(seq 300); do grep -q ready "$ready" && break; sleep 0.2; done
grep -q ready "$ready" || { echo "socket maker did not get ready" >&2; exit 1; }
enter="nsenter --net=/run/netns/$ns"
count=$($enter ss -tuanH | wc -l)
mine=$($enter "$build/portlens" ls -n --no-process --csv | tail -n +2 | wc -l)
echo "## ls vs ss, netstat, lsof ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r))"
echo
echo "Namespace with $count sockets (ss -tuanH); portlens ls lists $mine."
echo
echo "\`$build/cmdtime --runs $runs --warmup 2 -- $enter $build/portlens ls -- $enter ss -tuanp\` (and the others in the same run)"
echo
"$build/cmdtime" --runs "$runs" --warmup 2 \
  -- $enter "$build/portlens" ls \
  -- $enter netstat -tuanp \
  -- $enter lsof -i -nP \
  -- $enter ss -tuanp
echo
echo "Without owners, against ss and a bare netlink dump that parses and prints nothing (bench/bare_dump.cc):"
echo
"$build/cmdtime" --runs "$runs" --warmup 2 \
  -- $enter "$build/portlens" ls --no-process \
  -- $enter ss -tuan \
  -- $enter "$build/bare_dump"
