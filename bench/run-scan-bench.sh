#!/usr/bin/env bash
# `portlens scan` against nmap's connect scan (and its SYN scan) on hosts in
# two network namespaces this script creates: a scanner and a target joined
# by a veth pair. Nothing is sent anywhere else; both namespaces and every
# process are removed on exit. Needs root and nmap.
#
#   1. Full sweep 1-65535 of one host with OPEN listeners and DROPPED ports
#      that nftables drops (the slow part of any scan: they need retries).
#   2. One port list (portlens's top 100) over a /24 of 256 addresses, with
#      listeners on a few of them.
#   3. (RSS=1, the default) peak memory of a /16 x 100 ports against one host.
# Before timing, each tool's verdicts are compared: open and filtered ports
# must be the same sets, or the script stops.
#
# Usage: bench/run-scan-bench.sh [build dir]      (RUNS=5 OPEN=40 DROPPED=24 RSS=1)
set -euo pipefail
build=$(realpath "${1:-build}")
runs=${RUNS:-5}
open_count=${OPEN:-40}
dropped_count=${DROPPED:-24}  # nmap lists a state port by port only up to 25 ports
t=plbench-t-$$
s=plbench-s-$$
work=$(mktemp -d)
cleanup() {
  ip netns pids "$t" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns pids "$s" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$t" 2>/dev/null || true
  ip netns del "$s" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
command -v nmap >/dev/null || { echo "nmap is missing (scripts/install-deps installs it)" >&2; exit 1; }
T() { ip netns exec "$t" "$@"; }
ip netns add "$t"
ip netns add "$s"
ip link add plb-t netns "$t" type veth peer name plb-s netns "$s"
T ip link set lo up; ip netns exec "$s" ip link set lo up
T ip link set plb-t up; ip netns exec "$s" ip link set plb-s up
T ip addr add 10.215.0.1/24 dev plb-t
ip netns exec "$s" ip addr add 10.215.0.2/24 dev plb-s
T ip route add local 10.215.1.0/24 dev lo
ip netns exec "$s" ip route add 10.215.1.0/24 via 10.215.0.1

# Open and dropped ports: fixed pseudo-random picks (same every run).
mapfile -t picks < <(python3 -c "
import random
r = random.Random(20261129)
ports = r.sample(range(1, 65536), $open_count + $dropped_count)
print('\n'.join(map(str, ports)))")
open_ports=("${picks[@]:0:$open_count}")
dropped_ports=("${picks[@]:$open_count}")
for port in "${open_ports[@]}"; do
  T socat TCP4-LISTEN:"$port",bind=10.215.0.1,fork,reuseaddr /dev/null >/dev/null 2>&1 &
done
T nft -f - <<EOF
table inet plbench {
  chain input {
    type filter hook input priority 0;
    tcp dport { $(IFS=,; echo "${dropped_ports[*]}") } drop
  }
}
EOF
# Listeners on a few addresses of the /24 (port 80, 22, 443, 3306).
for spec in 10.215.1.7:80 10.215.1.100:22 10.215.1.200:443 10.215.1.254:3306 10.215.1.33:8080; do
  T socat TCP4-LISTEN:"${spec##*:}",bind="${spec%%:*}",fork,reuseaddr /dev/null >/dev/null 2>&1 &
done
for _ in $(seq 100); do
  (( $(T ss -Htln | wc -l) >= open_count + 5 )) && break
  sleep 0.1
done

S="ip netns exec $s"
if [[ -n ${HOLD:-} ]]; then  # for looking around by hand: the setup stays up HOLD seconds
  echo "scanner namespace $s, target namespace $t; holding for $HOLD s" >&2
  sleep "$HOLD"
  exit 0
fi
top100=$($S "$build/portlens" scan 127.0.0.1 --top-ports 100 -oG - -q --states all --max-retries 0 --timeout 100ms |
  python3 -c "import re,sys; print(','.join(re.findall(r'(\d+)/\w+/tcp', sys.stdin.read())))")

# Verdicts: open and filtered sets from portlens --ndjson and nmap -oG.
portlens_sets() {
  python3 -c '
import json, sys
openp, filt = set(), set()
for line in sys.stdin:
    e = json.loads(line)
    if e.get("type") != "port": continue
    key = "%s:%d" % (e["addr"], e["port"])
    (openp if e["state"] == "open" else filt).add(key)
print(len(openp), len(filt), "open=" + ",".join(sorted(openp)), "filtered=" + ",".join(sorted(filt)))'
}
nmap_sets() {
  python3 -c '
import re, sys
openp, filt = set(), set()
for line in sys.stdin:
    m = re.match(r"Host: (\S+) .*Ports: (.*?)(\t|$)", line)
    if not m: continue
    for item in m.group(2).split(", "):
        f = item.split("/")
        if len(f) < 3: continue
        if f[1] == "open": openp.add("%s:%s" % (m.group(1), f[0]))
        elif f[1] == "filtered": filt.add("%s:%s" % (m.group(1), f[0]))
print(len(openp), len(filt), "open=" + ",".join(sorted(openp)), "filtered=" + ",".join(sorted(filt)))'
}
check() {
  local what=$1 ours=$2 theirs=$3
  if [[ "$ours" != "$theirs" ]]; then
    echo "verdicts differ for $what: portlens $ours, nmap $theirs" >&2
    exit 1
  fi
  echo "- $what: identical verdicts ($(cut -d' ' -f1 <<<"$ours") open, $(cut -d' ' -f2 <<<"$ours") filtered)"
}

sweep_p="$build/portlens scan 10.215.0.1 -p- --ndjson --states open,filtered -q"
sweep_n="nmap -sT -p- -n -Pn 10.215.0.1 -oG -"
echo "## scan vs nmap ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r), $(nmap --version | head -1))"
echo
echo "Target: 10.215.0.1 in its own namespace with $open_count open and $dropped_count dropped TCP ports;"
echo "a /24 (10.215.1.0/24, 256 addresses, 5 with a listener) for the multi-host case."
echo
for level in 5 4; do
  check "sweep -T$level" "$($S $sweep_p -T$level | portlens_sets)" "$($S $sweep_n -T$level | nmap_sets)"
done
check "sweep default timing" "$($S $sweep_p | portlens_sets)" "$($S $sweep_n -T5 | nmap_sets)"
check "sweep -sS -T5" "$($S $sweep_p -T5 | portlens_sets)" "$($S ${sweep_n/-sT/-sS} -T5 | nmap_sets)"
sub_p="$build/portlens scan 10.215.1.0/24 -p $top100 --ndjson --states open,filtered -q"
sub_n="nmap -sT -p $top100 -n -Pn 10.215.1.0/24 -oG -"
check "/24 x top 100 -T4" "$($S $sub_p -T4 | portlens_sets)" "$($S $sub_n -T4 | nmap_sets)"
echo
echo "### Full sweep 1-65535 of one host"
echo
echo "\`$build/cmdtime --runs $runs --warmup 1 -- $S $sweep_p -T5 -- ... (see the script)\`"
echo
"$build/cmdtime" --runs "$runs" --warmup 1 \
  -- $S $sweep_p -T5 \
  -- $S $sweep_p -T4 \
  -- $S $sweep_p \
  -- $S $sweep_n -T4 \
  -- $S ${sweep_n/-sT/-sS} -T5 \
  -- $S $sweep_n -T5
echo
echo "### Top 100 ports (portlens's ranking, the same list for both) over a /24"
echo
"$build/cmdtime" --runs "$runs" --warmup 1 \
  -- $S $sub_p -T5 \
  -- $S $sub_p -T4 \
  -- $S ${sub_n/-sT/-sS} -T4 \
  -- $S $sub_n -T4 \
  -- $S $sub_n -T5

if [[ ${RSS:-1} == 1 ]]; then
  # Peak memory must not grow with the number of targets: a /16 of 65,536
  # addresses that all answer (a local route on the target side) x 100 ports.
  ip netns exec "$t" ip route add local 10.216.0.0/16 dev lo
  ip netns exec "$s" ip route add 10.216.0.0/16 via 10.215.0.1
  echo
  echo "### Peak memory: a /16 (65,536 addresses) x 100 ports, against one address x 100 ports"
  echo
  "$build/cmdtime" --runs 1 --warmup 0 \
    -- $S "$build/portlens" scan 10.216.0.0/16 -p "$top100" -T5 -q --json \
    -- $S "$build/portlens" scan 10.216.0.1 -p "$top100" -T5 -q --json
fi
