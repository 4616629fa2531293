#pragma once
// Rulesets recorded with nft 1.0.6 (libnftables JSON schema 1) and iptables
// 1.8.9 (nf_tables) in a throwaway network namespace:
//
//   unshare -n bash -c 'ip link set lo up; nft -f FILE && nft -j list ruleset'
//
// Each document is the command's output byte for byte (one line; split into
// adjacent raw literals at item boundaries only for reading). The input that
// produced it is quoted above it. The fuzz corpus
// (fuzz/corpus/nft_json_fuzz/) holds the same documents.

#include <string_view>

namespace portlens::firewall::recorded {

// A firewalld-like inet table (`nft -f`, then `nft -j list ruleset`).
//
//   table inet firewalld {
//     chain filter_INPUT {
//       type filter hook input priority filter + 10; policy drop;
//       ct state established,related accept
//       ct state invalid drop
//       iifname "lo" accept
//       jump filter_IN_public
//       reject with icmpx admin-prohibited
//     }
//     chain filter_IN_public {
//       tcp dport { 22, 80 } accept
//       ip saddr 10.0.0.0/8 tcp dport 6379 accept
//       ip6 saddr fd00::/8 udp dport 53 accept
//       meta l4proto { icmp, ipv6-icmp } accept
//     }
//   }
inline constexpr std::string_view kFirewalldLike =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "firewalld", "handle": 1}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "firewalld", "name": "filter_INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 10, "policy": "drop"}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "firewalld", "name": "filter_IN_public", "handle": 2}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_INPUT", "handle": 3, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_INPUT", "handle": 4, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "invalid"}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_INPUT", "handle": 5, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_INPUT", "handle": 6, "expr": [{"jump": {"target": "filter_IN_public"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_INPUT", "handle": 7, "expr": [{"reject": {"type": "icmpx", "expr": "admin-prohibited"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_IN_public", "handle": 9, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, 80]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_IN_public", "handle": 10, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 6379}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_IN_public", "handle": 11, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": {"prefix": {"addr": "fd00::", "len": 8}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "firewalld", "chain": "filter_IN_public", "handle": 13, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["icmp", "ipv6-icmp"]}}}, {"accept": null}]}}]})nft";

// Named sets (intervals of ports and prefixes, a concatenation, interface names) and a verdict map.
//
//   table inet filter {
//     set ports {
//       type inet_service
//       flags interval
//       elements = { 22, 8000-8080, 9100 }
//     }
//     set trusted4 {
//       type ipv4_addr
//       flags interval
//       elements = { 10.0.0.0/8, 192.168.1.10, 172.16.0.1-172.16.0.9 }
//     }
//     set trusted6 {
//       type ipv6_addr
//       flags interval
//       elements = { fd00::/8, 2001:db8::1 }
//     }
//     set pairs {
//       type ipv4_addr . inet_service
//       elements = { 10.1.1.1 . 443, 10.1.1.2 . 80 }
//     }
//     set svc {
//       type inet_service
//       elements = { ssh, http }
//     }
//     set ifs {
//       type ifname
//       flags interval
//       elements = { "lo", "eth*" }
//     }
//     map portv {
//       type inet_service : verdict
//       elements = { 25 : accept, 110 : drop }
//     }
//     chain input {
//       type filter hook input priority 0; policy drop;
//       tcp dport @ports accept
//       ip saddr @trusted4 accept
//       ip6 saddr @trusted6 udp dport @ports accept
//       ip saddr . tcp dport @pairs accept
//       tcp dport @svc accept
//       iifname @ifs accept
//       tcp dport vmap @portv
//       ip daddr != @trusted4 tcp sport != { 1-1023 } drop
//     }
//   }
inline constexpr std::string_view kNamedSets =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "filter", "handle": 1}}, )nft"
    R"nft({"set": {"family": "inet", "name": "ports", "table": "filter", "type": "inet_service", "handle": 2, "flags": ["interval"], "elem": [22, {"range": [8000, 8080]}, 9100]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "trusted4", "table": "filter", "type": "ipv4_addr", "handle": 3, "flags": ["interval"], "elem": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, {"range": ["172.16.0.1", "172.16.0.9"]}, "192.168.1.10"]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "trusted6", "table": "filter", "type": "ipv6_addr", "handle": 4, "flags": ["interval"], "elem": ["2001:db8::1", {"prefix": {"addr": "fd00::", "len": 8}}]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "pairs", "table": "filter", "type": ["ipv4_addr", "inet_service"], "handle": 5, "elem": [{"concat": ["10.1.1.2", 80]}, {"concat": ["10.1.1.1", 443]}]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "svc", "table": "filter", "type": "inet_service", "handle": 6, "elem": [22, 80]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "ifs", "table": "filter", "type": "ifname", "handle": 7, "flags": ["interval"], "elem": ["eth*", "lo"]}}, )nft"
    R"nft({"map": {"family": "inet", "name": "portv", "table": "filter", "type": "inet_service", "handle": 8, "map": "verdict", "elem": [[25, {"accept": null}], [110, {"drop": null}]]}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 9, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "@ports"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 10, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@trusted4"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 11, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": "@trusted6"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": "@ports"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 12, "expr": [{"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}, "right": "@pairs"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 13, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "@svc"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 14, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "@ifs"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 15, "expr": [{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@portv"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 16, "expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "@trusted4"}}, {"match": {"op": "!=", "left": {"payload": {"protocol": "tcp", "field": "sport"}}, "right": {"range": [1, 1023]}}}, {"drop": null}]}}]})nft";

// Anonymous verdict maps, ct state forms, continue, th, meta protocol.
//
//   table inet fw {
//     chain web {
//       ip saddr 192.0.2.0/24 accept
//       return
//     }
//     chain input {
//       type filter hook input priority filter; policy drop;
//       ct state vmap { invalid : drop, established : accept, related : accept }
//       iif "lo" accept
//       tcp dport vmap { 22 : accept, 80 : jump web, 443 : goto web, 8080-8090 : drop }
//       meta l4proto udp udp dport vmap { 53 : accept }
//       ip saddr 198.51.100.1 tcp dport { 1000-2000, 3000 } accept
//       ct state new tcp dport 25 continue
//       udp dport 514 counter log prefix "syslog " drop
//       meta nfproto ipv4 ip protocol tcp accept
//       meta nfproto ipv6 ip6 nexthdr udp accept
//       th dport 4789 accept
//       meta protocol ip accept
//       ct state { established, related } accept
//       ct state != established drop
//       ct state & (new | untracked) != 0 accept
//     }
//   }
inline constexpr std::string_view kVerdictMaps =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "fw", "handle": 1}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "fw", "name": "web", "handle": 1}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "fw", "name": "input", "handle": 2, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "web", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "web", "handle": 4, "expr": [{"return": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 6, "expr": [{"vmap": {"key": {"ct": {"key": "state"}}, "data": {"set": [["invalid", {"drop": null}], ["established", {"accept": null}], ["related", {"accept": null}]]}}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 7, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iif"}}, "right": "lo"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 9, "expr": [{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[22, {"accept": null}], [80, {"jump": {"target": "web"}}], [443, {"goto": {"target": "web"}}], [{"range": [8080, 8090]}, {"drop": null}]]}}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 11, "expr": [{"vmap": {"key": {"payload": {"protocol": "udp", "field": "dport"}}, "data": {"set": [[53, {"accept": null}]]}}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 13, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "198.51.100.1"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [{"range": [1000, 2000]}, 3000]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 14, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "new"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 25}}, {"continue": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 15, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 514}}, {"counter": {"packets": 0, "bytes": 0}}, {"log": {"prefix": "syslog "}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 16, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "protocol"}}, "right": "tcp"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 17, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "nexthdr"}}, "right": "udp"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 18, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "th", "field": "dport"}}, "right": 4789}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 19, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "protocol"}}, "right": "ip"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 21, "expr": [{"match": {"op": "==", "left": {"ct": {"key": "state"}}, "right": {"set": ["established", "related"]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 22, "expr": [{"match": {"op": "!=", "left": {"ct": {"key": "state"}}, "right": "established"}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 23, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["new", "untracked"]}}, {"accept": null}]}}]})nft";

// iptables-nft 1.8.9 rules: what it cannot translate stays as xt expressions.
//
//   ip link set lo up
//   iptables -P INPUT DROP
//   iptables -A INPUT -i lo -j ACCEPT
//   iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
//   iptables -A INPUT -m state --state INVALID -j DROP
//   iptables -A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT
//   iptables -A INPUT -p tcp --dport 8080 -s 10.0.0.0/8 -j ACCEPT
//   iptables -A INPUT -p udp -m udp --dport 53 -j ACCEPT
//   iptables -A INPUT -m addrtype --dst-type LOCAL -p tcp --dport 9000 -j ACCEPT
//   iptables -A INPUT -p tcp -m recent --name ssh --update --seconds 60 --hitcount 4 -j DROP
//   iptables -A INPUT -p tcp --dport 2222 -m limit --limit 5/min -j ACCEPT
//   iptables -N LOGDROP
//   iptables -A LOGDROP -j LOG --log-prefix "drop: "
//   iptables -A LOGDROP -j DROP
//   iptables -A INPUT -j LOGDROP
//   iptables -A INPUT -p icmp -j REJECT --reject-with icmp-host-prohibited
//   iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080
//   ip6tables -A INPUT -p tcp ! --dport 22 -j REJECT
//   nft -j list ruleset
inline constexpr std::string_view kIptablesNft =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "ip", "name": "filter", "handle": 1}}, )nft"
    R"nft({"chain": {"family": "ip", "table": "filter", "name": "INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}, )nft"
    R"nft({"chain": {"family": "ip", "table": "filter", "name": "LOGDROP", "handle": 11}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 3, "expr": [{"xt": {"type": "match", "name": "conntrack"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 4, "expr": [{"xt": {"type": "match", "name": "conntrack"}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 5, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"xt": {"type": "match", "name": "multiport"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 6, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8080}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 7, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 8, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"xt": {"type": "match", "name": "addrtype"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 9000}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 9, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"xt": {"type": "match", "name": "recent"}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 10, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 2222}}, {"limit": {"rate": 5, "burst": 5, "per": "minute"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 14, "expr": [{"counter": {"packets": 0, "bytes": 0}}, {"jump": {"target": "LOGDROP"}}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 15, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "icmp"}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "REJECT"}}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "LOGDROP", "handle": 12, "expr": [{"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "LOG"}}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "filter", "chain": "LOGDROP", "handle": 13, "expr": [{"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}}, )nft"
    R"nft({"table": {"family": "ip", "name": "nat", "handle": 2}}, )nft"
    R"nft({"chain": {"family": "ip", "table": "nat", "name": "PREROUTING", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "REDIRECT"}}]}}, )nft"
    R"nft({"table": {"family": "ip6", "name": "filter", "handle": 3}}, )nft"
    R"nft({"chain": {"family": "ip6", "table": "filter", "name": "INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "INPUT", "handle": 2, "expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "REJECT"}}]}}]})nft";

// raw / nat / netdev / bridge chains, limit, fib, pkttype, sport, negation, ranges.
//
//   table ip raw {
//     chain prerouting {
//       type filter hook prerouting priority raw; policy accept;
//       udp dport 4500 notrack
//       tcp sport 53 accept
//     }
//   }
//   table ip6 filter {
//     chain input {
//       type filter hook input priority filter - 5; policy accept;
//       ip6 daddr ff02::1 accept
//       meta pkttype { broadcast, multicast } drop
//       fib daddr type local tcp dport 22 limit rate 10/second accept
//       fib daddr type != { local, broadcast } drop
//       tcp dport 23 reject with tcp reset
//       meta mark 0x1 accept
//       iif "lo" accept
//       udp dport != 53 udp sport 1024-65535 drop
//       tcp dport < 1024 drop
//       limit rate over 100/second drop
//       meta l4proto != tcp drop
//       tcp flags syn tcp dport 81 accept
//       tcp dport 82 ct state new limit rate 3/minute burst 5 packets log prefix "x" accept
//     }
//   }
//   table ip nat {
//     chain prerouting {
//       type nat hook prerouting priority dstnat; policy accept;
//       tcp dport 8080 dnat to 10.0.0.2:80
//       tcp dport 8081 redirect to :80
//     }
//     chain postrouting {
//       type nat hook postrouting priority srcnat; policy accept;
//       oifname "eth0" masquerade
//     }
//   }
//   table netdev ingress_t {
//     chain ingress {
//       type filter hook ingress device "lo" priority -500; policy accept;
//       ip saddr 203.0.113.0/24 drop
//     }
//   }
//   table bridge br {
//     chain forward {
//       type filter hook forward priority -200; policy accept;
//       ip6 saddr ::1 drop
//     }
//   }
//   table inet mangle_t {
//     chain pre {
//       type filter hook prerouting priority mangle; policy accept;
//       meta nfproto ipv6 accept
//       ip saddr 1.2.3.4 ip daddr 5.6.7.8 accept
//     }
//     chain out {
//       type route hook output priority security; policy accept;
//     }
//   }
inline constexpr std::string_view kMixedFamilies =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "ip", "name": "raw", "handle": 1}}, )nft"
    R"nft({"chain": {"family": "ip", "table": "raw", "name": "prerouting", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "raw", "chain": "prerouting", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 4500}}, {"notrack": null}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "raw", "chain": "prerouting", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "sport"}}, "right": 53}}, {"accept": null}]}}, )nft"
    R"nft({"table": {"family": "ip6", "name": "filter", "handle": 2}}, )nft"
    R"nft({"chain": {"family": "ip6", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": -5, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "daddr"}}, "right": "ff02::1"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 4, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "pkttype"}}, "right": {"set": ["broadcast", "multicast"]}}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 5, "expr": [{"match": {"op": "==", "left": {"fib": {"result": "type", "flags": ["daddr"]}}, "right": "local"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"limit": {"rate": 10, "burst": 5, "per": "second"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 7, "expr": [{"match": {"op": "!=", "left": {"fib": {"result": "type", "flags": ["daddr"]}}, "right": {"set": ["local", "broadcast"]}}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 8, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 23}}, {"reject": {"type": "tcp reset"}}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 9, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "mark"}}, "right": 1}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 10, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iif"}}, "right": "lo"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 11, "expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "sport"}}, "right": {"range": [1024, 65535]}}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 12, "expr": [{"match": {"op": "<", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 1024}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 13, "expr": [{"limit": {"rate": 100, "burst": 5, "per": "second", "inv": true}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 14, "expr": [{"match": {"op": "!=", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 15, "expr": [{"match": {"op": "in", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": "syn"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 81}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "ip6", "table": "filter", "chain": "input", "handle": 16, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 82}}, {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "new"}}, {"limit": {"rate": 3, "burst": 5, "per": "minute"}}, {"log": {"prefix": "x"}}, {"accept": null}]}}, )nft"
    R"nft({"table": {"family": "ip", "name": "nat", "handle": 3}}, )nft"
    R"nft({"chain": {"family": "ip", "table": "nat", "name": "prerouting", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, )nft"
    R"nft({"chain": {"family": "ip", "table": "nat", "name": "postrouting", "handle": 2, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8080}}, {"dnat": {"addr": "10.0.0.2", "port": 80}}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8081}}, {"redirect": {"port": 80}}]}}, )nft"
    R"nft({"rule": {"family": "ip", "table": "nat", "chain": "postrouting", "handle": 5, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}}, {"masquerade": null}]}}, )nft"
    R"nft({"table": {"family": "netdev", "name": "ingress_t", "handle": 4}}, )nft"
    R"nft({"chain": {"family": "netdev", "table": "ingress_t", "name": "ingress", "handle": 1, "type": "filter", "hook": "ingress", "prio": -500, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "netdev", "table": "ingress_t", "chain": "ingress", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "203.0.113.0", "len": 24}}}}, {"drop": null}]}}, )nft"
    R"nft({"table": {"family": "bridge", "name": "br", "handle": 5}}, )nft"
    R"nft({"chain": {"family": "bridge", "table": "br", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -200, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "bridge", "table": "br", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": "::1"}}, {"drop": null}]}}, )nft"
    R"nft({"table": {"family": "inet", "name": "mangle_t", "handle": 6}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "mangle_t", "name": "pre", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -150, "policy": "accept"}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "mangle_t", "name": "out", "handle": 2, "type": "route", "hook": "output", "prio": 50, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "mangle_t", "chain": "pre", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "nfproto"}}, "right": "ipv6"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "mangle_t", "chain": "pre", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "1.2.3.4"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "5.6.7.8"}}, {"accept": null}]}}]})nft";

// A regular chain with many match forms; rules 50–56 added with `nft add rule`.
//
//   ip link set lo up
//   nft -f more.nft
//   nft add rule inet t c2 ct state == established\|related accept
//   nft add rule inet t c2 'ct state & (established|related) == established|related' accept
//   nft add rule inet t c2 ct state \& established == 0 accept
//   nft add rule inet t c2 quota over 10 mbytes drop
//   nft add rule inet t c2 meta l4proto tcp tcp dport 22 accept
//   nft add rule inet t c2 ip saddr \& 255.255.0.0 == 10.1.0.0 accept
//   nft add rule inet t c2 tcp dport '>=' 1024 tcp sport '>' 1023 accept
//   nft -j list ruleset
inline constexpr std::string_view kMatchVariants =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "t", "handle": 1}}, )nft"
    R"nft({"set": {"family": "inet", "name": "st", "table": "t", "type": "ct_state", "handle": 3, "elem": ["established", "related"]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "timed", "table": "t", "type": "ipv4_addr", "handle": 4, "flags": ["timeout"], "elem": ["10.9.9.8", {"elem": {"val": "10.9.9.9", "timeout": 3600, "expires": 3599}}]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "counted", "table": "t", "type": "inet_service", "handle": 5, "elem": [{"elem": {"val": 22, "counter": {"packets": 0, "bytes": 0}}}, {"elem": {"val": 23, "counter": {"packets": 0, "bytes": 0}}}], "stmt": [{"counter": null}]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "dyn", "table": "t", "type": "ipv4_addr", "handle": 6, "size": 65535}}, )nft"
    R"nft({"map": {"family": "inet", "name": "jm", "table": "t", "type": "ipv4_addr", "handle": 7, "map": "verdict", "flags": ["interval"], "elem": [[{"prefix": {"addr": "10.0.0.0", "len": 8}}, {"jump": {"target": "c"}}], ["192.168.0.1", {"goto": {"target": "c"}}]]}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "t", "name": "c", "handle": 1}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "t", "name": "c2", "handle": 2}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 8, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"range": ["10.0.0.1", "10.0.0.5"]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 9, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth*"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 10, "expr": [{"match": {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 12, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": {"set": ["lo", "eth0"]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 15, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"set": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, {"prefix": {"addr": "192.168.0.0", "len": 16}}]}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, 443]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 17, "expr": [{"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}, "right": {"set": [{"concat": ["10.0.0.1", 22]}, {"concat": ["10.0.0.2", 80]}]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 19, "expr": [{"vmap": {"key": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}, "data": {"set": [[{"concat": ["10.0.0.1", 22]}, {"accept": null}]]}}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 20, "expr": [{"match": {"op": "==", "left": {"ct": {"key": "state"}}, "right": "@st"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 21, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@timed"}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 22, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "@counted"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 23, "expr": [{"vmap": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": "@jm"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 24, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, )nft"
    R"nft({"set": {"op": "add", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "set": "@dyn"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 26, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["tcp", "udp"]}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "th", "field": "dport"}}, "right": 53}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 27, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udplite", "field": "dport"}}, "right": 9}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 28, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "sctp", "field": "dport"}}, "right": 9}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 29, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "dccp", "field": "dport"}}, "right": 9}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 30, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "status"}}, "right": "dnat"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 31, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 32, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.1.0.0", "len": 16}}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 34, "expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "protocol"}}, "right": {"set": ["tcp", "udp"]}}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 36, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "nfproto"}}, "right": {"set": ["ipv4", "ipv6"]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 37, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["new", "untracked"]}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 39, "expr": [{"match": {"op": "!=", "left": {"ct": {"key": "state"}}, "right": {"set": ["established", "related"]}}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 40, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "daddr"}}, "right": {"prefix": {"addr": "fe80::", "len": 64}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 546}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 41, "comment": "hello", "expr": [{"counter": {"packets": 0, "bytes": 0}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 42, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 9999}}, {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 43, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 1}}, {"jump": {"target": "c2"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 44, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "1.1.1.1"}}, {"return": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 45, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 2}}, {"goto": {"target": "c2"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 46, "expr": [{"reject": {"type": "icmpx", "expr": "port-unreachable"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 47, "expr": [{"reject": {"type": "icmp", "expr": "host-unreachable"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 48, "expr": [{"reject": {"type": "icmpv6", "expr": "admin-prohibited"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 49, "expr": [{"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 50, "expr": [{"match": {"op": "==", "left": {"ct": {"key": "state"}}, "right": {"|": ["established", "related"]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 51, "expr": [{"match": {"op": "==", "left": {"&": [{"ct": {"key": "state"}}, ["established", "related"]]}, "right": ["established", "related"]}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 52, "expr": [{"match": {"op": "!", "left": {"ct": {"key": "state"}}, "right": "established"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 53, "expr": [{"quota": {"val": 10, "val_unit": "mbytes", "inv": true}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 54, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 55, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.1.0.0", "len": 16}}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "t", "chain": "c2", "handle": 56, "expr": [{"match": {"op": ">=", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 1024}}, {"match": {"op": ">", "left": {"payload": {"protocol": "tcp", "field": "sport"}}, "right": 1023}}, {"accept": null}]}}]})nft";

// Meters, ct count, set updates, an empty set, a nat map, icmp.
//
//   table inet x {
//     set one { type inet_service; elements = { 22 }; }
//     set empty { type ipv4_addr; flags dynamic; }
//     map m2 { type inet_service : ipv4_addr; elements = { 80 : 10.0.0.1 }; }
//     chain c {
//       type filter hook input priority 0;
//       tcp dport @one accept
//       ip saddr @empty drop
//       tcp dport { 7 } accept
//       meta mark 0x1 meta mark set 0x2 ct mark set meta mark
//       iifname "lo" ct state vmap { established : accept }
//       icmp type echo-request accept
//       icmpv6 type nd-neighbor-solicit accept
//       ip saddr 10.0.0.1 log prefix "a b" level info counter reject with tcp reset
//       meter m { ip saddr limit rate 10/second } accept
//       ct count over 5 drop
//       tcp dport 22 ct state new update @empty { ip saddr }
//     }
//     chain n { type nat hook prerouting priority dstnat;
//       tcp dport 80 dnat ip to tcp dport map @m2
//     }
//   }
inline constexpr std::string_view kStatefulStatements =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "x", "handle": 1}}, )nft"
    R"nft({"set": {"family": "inet", "name": "one", "table": "x", "type": "inet_service", "handle": 3, "elem": [22]}}, )nft"
    R"nft({"set": {"family": "inet", "name": "empty", "table": "x", "type": "ipv4_addr", "handle": 4, "size": 65535}}, )nft"
    R"nft({"map": {"family": "inet", "name": "m2", "table": "x", "type": "inet_service", "handle": 5, "map": "ipv4_addr", "elem": [[80, "10.0.0.1"]]}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "x", "name": "c", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "x", "name": "n", "handle": 2, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 6, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "@one"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 7, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@empty"}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 8, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 7}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 9, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "mark"}}, "right": 1}}, {"mangle": {"key": {"meta": {"key": "mark"}}, "value": 2}}, {"mangle": {"key": {"ct": {"key": "mark"}}, "value": {"meta": {"key": "mark"}}}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 11, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"vmap": {"key": {"ct": {"key": "state"}}, "data": {"set": [["established", {"accept": null}]]}}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 12, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmp", "field": "type"}}, "right": "echo-request"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 13, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": "nd-neighbor-solicit"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 14, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.0.1"}}, {"log": {"prefix": "a b", "level": "info"}}, {"counter": {"packets": 0, "bytes": 0}}, {"reject": {"type": "tcp reset"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 16, "expr": [{"meter": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "stmt": {"limit": {"rate": 10, "burst": 5, "per": "second"}}, "size": 65535, "name": "m"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 17, "expr": [{"ct count": {"val": 5, "inv": true}}, {"drop": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "c", "handle": 18, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "new"}}, )nft"
    R"nft({"set": {"op": "update", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "set": "@empty"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "x", "chain": "n", "handle": 19, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"dnat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@m2"}}}}]}}]})nft";

// Listed with `nft -j -S`: ports and protocols as names.
//
//   table inet svc {
//     set web {
//       type inet_service
//       elements = { http, https, 8443 }
//     }
//     chain input {
//       type filter hook input priority filter; policy drop;
//       tcp dport { ssh, domain } accept
//       udp dport domain accept
//       tcp dport @web accept
//       meta l4proto { gre, esp } accept
//     }
//   }
inline constexpr std::string_view kServiceNames =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "svc", "handle": 1}}, )nft"
    R"nft({"set": {"family": "inet", "name": "web", "table": "svc", "type": "inet_service", "handle": 2, "elem": ["http", "https", 8443]}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "svc", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "svc", "chain": "input", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": ["ssh", "domain"]}}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "svc", "chain": "input", "handle": 5, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": "domain"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "svc", "chain": "input", "handle": 6, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "@web"}}, {"accept": null}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "svc", "chain": "input", "handle": 8, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["gre", "esp"]}}}, {"accept": null}]}}]})nft";

// Verdict map elements with a timeout or a counter: {"elem": {"val": …}} keys.
//
//   table inet m {
//     map v { type inet_service : verdict; flags timeout; elements = { 22 timeout 1h : accept, 23 : drop } }
//     map c { type inet_service : verdict; counter; elements = { 80 : accept } }
//     chain i { type filter hook input priority 0; tcp dport vmap @v; tcp dport vmap @c; }
//   }
inline constexpr std::string_view kMapElementsWithState =
    R"nft({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, )nft"
    R"nft({"table": {"family": "inet", "name": "m", "handle": 1}}, )nft"
    R"nft({"map": {"family": "inet", "name": "v", "table": "m", "type": "inet_service", "handle": 2, "map": "verdict", "flags": ["timeout"], "elem": [[{"elem": {"val": 22, "timeout": 3600, "expires": 3599}}, {"accept": null}], [23, {"drop": null}]]}}, )nft"
    R"nft({"map": {"family": "inet", "name": "c", "table": "m", "type": "inet_service", "handle": 3, "map": "verdict", "elem": [[{"elem": {"val": 80, "counter": {"packets": 0, "bytes": 0}}}, {"accept": null}]], "stmt": [{"counter": null}]}}, )nft"
    R"nft({"chain": {"family": "inet", "table": "m", "name": "i", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "m", "chain": "i", "handle": 4, "expr": [{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@v"}}]}}, )nft"
    R"nft({"rule": {"family": "inet", "table": "m", "chain": "i", "handle": 5, "expr": [{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@c"}}]}}]})nft";

}  // namespace portlens::firewall::recorded
