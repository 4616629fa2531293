#!/usr/bin/env bash
# Ground truth for `portlens audit` (tests/audit_netns_test.cc runs this as
# `unshare -n tests/audit_netns.sh PORTLENS`): in a network namespace of its
# own, start real services, load real rulesets one after another with nft,
# iptables (nft backend) and iptables-legacy, and print `portlens audit
# --json` for each, after a line "=== NAME". Everything stays inside the
# namespace; every process started here is killed on exit.
set -uo pipefail
portlens=$1
work=$(mktemp -d /tmp/portlens-audit.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  wait 2>/dev/null
  nft flush ruleset 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "audit_netns.sh: $*" >&2; exit 1; }

[[ $(readlink /proc/self/ns/net) != $(readlink /proc/1/ns/net) ]] || die "not in a private network namespace"
ip link set lo up
ip link add pl-out type veth peer name pl-peer && ip link set pl-out up && ip link set pl-peer up || die "cannot add an interface"
ip addr add 10.77.0.1/24 dev pl-out
ip -6 addr add fd77::1/64 dev pl-out nodad

start() { "$@" >/dev/null 2>&1 & pids+=($!); }

# Real services.
start redis-server --port 6379 --bind 0.0.0.0 --save '' --appendonly no --dir "$work"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey" || die "ssh-keygen"
start /usr/sbin/sshd -D -e -f /dev/null -h "$work/hostkey" -o ListenAddress=0.0.0.0 -o Port=22 -o PidFile=none
# Cleartext login (telnet's port), a trojan port, TFTP over UDP, an IPv6-only
# database port, a loopback-only cache, a port nobody describes.
start socat TCP4-LISTEN:23,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:31337,fork,reuseaddr /dev/null
start socat UDP4-RECVFROM:69,fork /dev/null
start socat TCP6-LISTEN:5432,ipv6only=1,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:11211,bind=127.0.0.1,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:40999,fork,reuseaddr /dev/null
# A program started from /tmp whose file is then deleted.
mkdir -p "$work/drop" && cp "$(command -v socat)" "$work/drop/dropper" || die "cp"
start "$work/drop/dropper" TCP4-LISTEN:4444,fork,reuseaddr /dev/null
# A process that renames itself to look like sshd.
start python3 -c 'import ctypes, socket, time
ctypes.CDLL(None).prctl(15, b"sshd", 0, 0, 0)
s = socket.socket(); s.bind(("0.0.0.0", 8081)); s.listen(); time.sleep(120)'

for _ in $(seq 100); do
  n=$(ss -Htuln | wc -l)
  ((n >= 10)) && break
  sleep 0.1
done
ss -Htuln | grep -q ':4444 ' || die "services did not start: $(ss -Htuln)"
rm -f "$work/drop/dropper"

audit() {
  echo "=== $1"
  local name=$1
  shift
  "$portlens" audit --json --no-user-file "$@" 2>"$work/stderr"
  local status=$?
  echo
  echo "=== exit $status"
  echo "=== $name-stderr"
  cat "$work/stderr"
}

audit no-firewall

nft -f - <<'EOF' || die "nft ruleset"
table inet filter {
  set open_ports { type inet_service; elements = { 8081, 40999 } }
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    tcp dport 22 accept
    tcp dport 6379 ip saddr 10.0.0.0/8 accept
    tcp dport 23 reject with tcp reset
    udp dport 69 drop
    jump services
    tcp dport @open_ports accept
  }
  chain services {
    ip6 saddr fd00::/8 tcp dport 5432 accept
    return
  }
}
EOF
audit nftables
nft flush ruleset

iptables-nft -P INPUT DROP
iptables-nft -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A INPUT -i lo -j ACCEPT
iptables-nft -A INPUT -p tcp -m multiport --dports 22,6379 -j ACCEPT
iptables-nft -N user-input
iptables-nft -A INPUT -j user-input
iptables-nft -A user-input -p tcp --dport 23 -j DROP
iptables-nft -A user-input -p tcp -s 192.168.0.0/16 --dport 31337 -j ACCEPT
iptables-nft -A user-input -j RETURN
audit iptables-nft
nft flush ruleset

iptables-legacy -A INPUT -p tcp --dport 6379 -j DROP
audit iptables-legacy
iptables-legacy -F INPUT

nft -f - <<'EOF' || die "nft ruleset"
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    meta mark 0x1 tcp dport 6379 accept
  }
}
EOF
audit unmodeled
nft flush ruleset

# Allow file, expired allowance, baseline, --fail-on.
cat >"$work/allow.toml" <<'EOF'
[[allow]]
port = 6379
reason = "replica on the lab network"

[[allow]]
id = "PL-MALWARE-PORT"
reason = "a test listener"
expires = 2000-01-01
EOF
audit allowed --allow "$work/allow.toml" --save-baseline "$work/baseline.toml"
audit baseline --baseline "$work/baseline.toml"
audit fail-on --fail-on high
printf '[[allow]]\nport = 6379\n' >"$work/bad.toml"
audit bad-allow --allow "$work/bad.toml"

# Not root: the ruleset cannot be read, so nothing beyond loopback is judged.
# (A copy of the binary: the checkout may sit where nobody cannot read.)
chmod 755 "$work"
install -m 755 "$portlens" "$work/portlens"
echo "=== unprivileged"
setpriv --reuid=65534 --regid=65534 --clear-groups "$work/portlens" audit --json --no-user-file 2>"$work/stderr"
status=$?
echo
echo "=== exit $status"
echo "=== unprivileged-stderr"
cat "$work/stderr"
echo "=== end"
