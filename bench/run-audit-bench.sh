#!/usr/bin/env bash
# `portlens audit` on a host with 2,000 wildcard TCP listeners (20 processes)
# and a 500-rule nftables ruleset, against what a person would run to judge
# the same by hand: `ss -tlnp` then `nft -j list ruleset`, back to back.
# Everything happens in a network namespace this script creates and removes;
# no packet is sent. Needs root. Usage: bench/run-audit-bench.sh [build dir]
set -euo pipefail
build=$(realpath "${1:-build}")
runs=${RUNS:-10}
listeners=${LISTENERS:-2000}
ns=portlens-audit-bench-$$
ip netns add "$ns"
ready=$(mktemp)
rules=$(mktemp)
cleanup() {
  if [[ -n ${maker:-} ]]; then kill "$maker" 2>/dev/null || true; wait "$maker" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$ready" "$rules"
}
trap cleanup EXIT
enter="nsenter --net=/run/netns/$ns"
$enter ip link set lo up

# 500 rules: a base chain with conntrack, loopback, 200 port and
# source-restricted rules and jumps into 5 user chains of 58 rules each.
{
  echo "table inet filter {"
  echo "  set trusted { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.0.0/16 } }"
  for c in 1 2 3 4 5; do
    echo "  chain zone$c {"
    for i in $(seq 1 57); do echo "    tcp dport $((20000 + c * 100 + i)) ip saddr 10.$c.$i.0/24 accept"; done
    echo "    return"
    echo "  }"
  done
  echo "  chain input {"
  echo "    type filter hook input priority 0; policy drop;"
  echo "    ct state established,related accept"
  echo "    iif \"lo\" accept"
  for i in $(seq 1 100); do echo "    tcp dport $((10000 + i)) accept"; done
  for i in $(seq 1 100); do echo "    tcp dport $((11000 + i)) ip saddr @trusted accept"; done
  for c in 1 2 3 4 5; do echo "    ip saddr 10.$c.0.0/16 jump zone$c"; done
  echo "    udp dport 53 accept"
  echo "  }"
  echo "}"
} >"$rules"
$enter nft -f "$rules"
rule_count=$($enter nft -a list ruleset | grep -c '# handle' || true)

$enter "$build/make_sockets" --listeners "$listeners" --pairs 0 --udp 0 --procs 20 --seconds 600 --wildcard 1 >"$ready" &
maker=$!
for _ in $(seq 300); do grep -q ready "$ready" && break; sleep 0.2; done
grep -q ready "$ready" || { echo "socket maker did not get ready" >&2; exit 1; }
count=$($enter ss -tlnH | wc -l)
judged=$($enter "$build/portlens" audit --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["listeners"]), sum(1 for l in d["listeners"] if l["exposure"] != "unknown"))')

echo "## audit vs ss -tlnp + nft -j list ruleset ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r))"
echo
echo "Namespace with $count listening TCP sockets (20 processes) and a ruleset of $rule_count rules and chains"
echo "(\`nft -a list ruleset\` handles); portlens audit judged (listeners, with a known verdict): $judged."
echo
echo "\`$build/cmdtime --runs $runs --warmup 2 -- $enter $build/portlens audit --json -- $enter sh -c 'ss -tlnp; nft -j list ruleset'\`"
echo
"$build/cmdtime" --runs "$runs" --warmup 2 \
  -- $enter "$build/portlens" audit --json \
  -- $enter "$build/portlens" audit \
  -- $enter sh -c 'ss -tlnp; nft -j list ruleset'
