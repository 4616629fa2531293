#!/usr/bin/env bash
# Ground truth for `portlens scan` from the command line (tests/scan_cli_netns_test.cc
# runs this as root and checks what it prints): two named network namespaces
# of this run joined by a veth pair. The target side owns a whole /24 through
# a local route, with listeners bound to a few of its addresses, an nftables
# rule dropping one address and rejecting another, real servers for banners
# and a hostile one. The scanner side has /etc/netns/NAME/hosts naming them.
# Each scenario prints "=== NAME", the output, and "=== exit N".
# Nothing is sent outside the two namespaces; everything is removed on exit.
set -uo pipefail
portlens=$1
tag=$$
t=plscan-t-$tag
s=plscan-s-$tag
work=$(mktemp -d /tmp/portlens-scan.XXXXXX)
cleanup() {
  ip netns pids "$t" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns pids "$s" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$t" 2>/dev/null
  ip netns del "$s" 2>/dev/null
  rm -rf "/etc/netns/$s" "$work"
}
trap cleanup EXIT
die() { echo "scan_netns.sh: $*" >&2; exit 1; }
# Namespaces a killed earlier run left behind (its pid is gone).
for old in $(ip netns list | awk '/^plscan-[ts]-[0-9]+/ {print $1}'); do
  pid=${old##*-}
  kill -0 "$pid" 2>/dev/null || { ip netns pids "$old" | xargs -r kill -9; ip netns del "$old"; rm -rf "/etc/netns/$old"; }
done

T() { ip netns exec "$t" "$@"; }
S() { ip netns exec "$s" "$@"; }
ip netns add "$t" && ip netns add "$s" || die "cannot add namespaces"
ip link add pls-t netns "$t" type veth peer name pls-s netns "$s" || die "cannot add veth"
T ip link set lo up; S ip link set lo up
T ip link set pls-t up; S ip link set pls-s up
T ip addr add 10.214.0.1/24 dev pls-t; S ip addr add 10.214.0.2/24 dev pls-s
T ip -6 addr add fd22:4::1/64 dev pls-t nodad; S ip -6 addr add fd22:4::2/64 dev pls-s nodad
# ICMP errors unthrottled, so every rejected probe hears why (as the engine test does).
T sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
T sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 2>/dev/null
# The whole of 10.214.1.0/24 is local to the target (AnyIP).
T ip route add local 10.214.1.0/24 dev lo
S ip route add 10.214.1.0/24 via 10.214.0.1
# 10.214.2.0/24 leads to the target, which has no such hosts.
S ip route add 10.214.2.0/24 via 10.214.0.1

mkdir -p "/etc/netns/$s"
cat >"/etc/netns/$s/hosts" <<EOF
127.0.0.1 localhost
10.214.1.7 web.lab
fd22:4::1 web.lab
10.214.1.100 shell.lab
EOF
# No DNS server anywhere: an unknown name fails at once instead of timing out.
echo "nameserver 127.0.0.1" >"/etc/netns/$s/resolv.conf"

start() { T "$@" >/dev/null 2>&1 & }
# Listeners on single addresses of the /24.
start socat TCP4-LISTEN:80,bind=10.214.1.7,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:22,bind=10.214.1.100,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:443,bind=10.214.1.200,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:3306,bind=10.214.1.254,fork,reuseaddr /dev/null
start socat TCP4-LISTEN:443,bind=10.214.1.50,fork,reuseaddr /dev/null
start socat TCP6-LISTEN:80,bind=[fd22:4::1],fork,reuseaddr /dev/null
# Real and hostile servers for banners on the target's own address.
start python3 -m http.server 8000 --bind 10.214.0.1 --directory "$work"
start python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.214.0.1", 7000)); s.listen(16)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"220 evil\x1b]0;owned\x07\x1b[2J\xe2\x80\xae\x9b\x00 done\r\n")
        time.sleep(0.2)
    except OSError:
        pass  # the port scan resets its connection at once
    c.close()'
# .50 drops everything, .60 rejects with admin-prohibited.
T nft -f - <<'EOF' || die "nft"
table inet pl_scan {
  chain input {
    type filter hook input priority 0;
    ip daddr 10.214.1.50 drop
    ip daddr 10.214.1.60 tcp flags syn reject with icmp type admin-prohibited
  }
}
EOF
for _ in $(seq 100); do
  n=$(T ss -Htln | wc -l)
  ((n >= 8)) && break
  sleep 0.1
done
((n >= 8)) || die "servers did not start: $(T ss -Htln)"

scenario() {
  local name=$1
  shift
  echo "=== $name"
  "$@" 2>&1
  echo "=== exit $?"
}
P() { S timeout 120 "$portlens" "$@"; }

scenario subnet-top-ports P scan 10.214.1.0/24 --top-ports 100 -T4 --json --states open,filtered
scenario ping P scan 10.214.1.5-8 10.214.2.1-2 -p 80 --ping --json --max-retries 0 --timeout 300ms
scenario names P scan web.lab shell.lab -p 22,80 --json
scenario names-v4 P scan -4 web.lab -p 80 --json
scenario unknown-name P scan nosuch.lab -p 80
scenario banners P scan 10.214.0.1 -p 7000,8000 --banners --json
scenario banners-text P scan 10.214.0.1 -p 7000,8000 -sV --color never
scenario xml-a P scan 10.214.1.0/29 10.214.1.100 -p 22,80,443 -oX "$work/a.xml" -q
T socat TCP4-LISTEN:443,bind=10.214.1.7,fork,reuseaddr /dev/null >/dev/null 2>&1 &
sleep 0.3
scenario xml-b P scan 10.214.1.0/29 10.214.1.100 -p 22,80,443 -oX "$work/b.xml" -oG "$work/b.gnmap" -q
scenario xml-valid xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/a.xml" "$work/b.xml"
scenario ndiff ndiff "$work/a.xml" "$work/b.xml"
scenario grepable cat "$work/b.gnmap"
scenario low-fd-limit S bash -c "ulimit -n 64 && timeout 120 '$portlens' scan 10.214.1.7 10.214.1.50 10.214.1.60 -p 1-400 --json --states open,filtered -T5 --max-retries 1 --timeout 100ms"
exit 0
