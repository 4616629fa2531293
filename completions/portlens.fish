# fish completion for portlens(1).
#
# Installed into .../fish/vendor_completions.d; to try it by hand:
#   source completions/portlens.fish
# Keep the option lists in step with src/cli/main.cc, src/cli/info_command.cc,
# src/cli/ls_command.cc, src/cli/audit_command.cc, src/cli/scan_command.cc
# (with its nmap spellings in rewrite_nmap_arguments) and src/knowledge/tags.cc.

# Values with descriptions, one "value<TAB>description" a line.
function __portlens_risks
    printf '%s\t%s\n' \
        info 'normal and expected' \
        low 'modest attack surface' \
        medium 'worth restricting' \
        high 'should not face the internet' \
        critical 'reachable means compromised'
end

function __portlens_tags
    printf '%s\t%s\n' \
        amplification 'DDoS amplification' \
        auth authentication \
        backup backup \
        cache cache \
        chat chat \
        cleartext cleartext \
        container containers \
        database database \
        dev development \
        directory directory \
        discovery discovery \
        encrypted encrypted \
        file-sharing 'file sharing' \
        file-transfer 'file transfer' \
        game games \
        industrial 'industrial control' \
        iot IoT \
        legacy legacy \
        mail mail \
        malware malware \
        media media \
        message-broker 'message broker' \
        monitoring monitoring \
        name-service 'name service' \
        orchestration orchestration \
        p2p peer-to-peer \
        printing printing \
        proxy proxy \
        remote-admin 'remote administration' \
        remote-desktop 'remote desktop' \
        reserved reserved \
        routing routing \
        rpc RPC \
        time time \
        voip VoIP \
        vpn VPN \
        web web \
        windows Windows
end

function __portlens_states
    printf '%s\t%s\n' \
        estab 'established (and connected UDP)' \
        listen 'listening TCP' \
        unconn 'unconnected UDP' \
        syn-sent connecting \
        syn-recv 'being accepted' \
        fin-wait-1 'closing, FIN sent' \
        fin-wait-2 'closing, FIN acknowledged' \
        time-wait 'closed, waiting' \
        close-wait 'peer closed' \
        last-ack 'closing, last ACK awaited' \
        closing 'both sides closing'
end

# --state takes a comma-separated list: complete its last item.
function __portlens_state_list
    set -l token (commandline -ct)
    set -l prefix (string match -r '^.*,' -- $token)
    for line in (__portlens_states)
        printf '%s%s\n' "$prefix" $line
    end
end

# scan --states takes a comma-separated list of port states: complete its last item.
function __portlens_scan_state_list
    set -l token (commandline -ct)
    set -l prefix (string match -r '^.*,' -- $token)
    for line in open\t'the handshake completed' closed\t'the host answered with a reset' \
            filtered\t'silence or an ICMP error' all\t'every state'
        printf '%s%s\n' "$prefix" $line
    end
end

# --netns: the names made by `ip netns add`, or a path.
function __portlens_netns
    for ns in /run/netns/*
        printf '%s\t%s\n' (string replace -r '.*/' '' -- $ns) 'network namespace'
    end
    __fish_complete_path (commandline -ct)
end

set -l commands info ls audit scan

# No file names unless an option asks for one.
complete -c portlens -f

# Commands.
complete -c portlens -n "not __fish_seen_subcommand_from $commands" \
    -a info -d 'What a port is, who uses it, known malware, risk and advice'
complete -c portlens -n "not __fish_seen_subcommand_from $commands" \
    -a ls -d 'Every socket on this host, its owners and what its port is'
complete -c portlens -n "not __fish_seen_subcommand_from $commands" \
    -a audit -d "Judge this host's exposure: listeners, firewall and knowledge together"
complete -c portlens -n "not __fish_seen_subcommand_from $commands" \
    -a scan -d 'Which TCP ports of other hosts answer, and what is behind them'

# Global options (accepted before and after the command name).
complete -c portlens -l json -d 'Print one JSON document'
complete -c portlens -l ndjson -d 'Print one JSON object per line'
complete -c portlens -l csv -d 'Print a CSV table'
complete -c portlens -l lang -x -a 'zh\tChinese en\tEnglish' -d 'Language of all output'
complete -c portlens -l color -x -a 'auto always never' -d 'When to use colour'
complete -c portlens -s q -l quiet -d 'Print no warnings'
complete -c portlens -s v -l verbose -d 'Say more (repeatable)'
complete -c portlens -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version and exit'
complete -c portlens -s h -l help -d 'Print help and exit'

# info
set -l info "__fish_seen_subcommand_from info"
complete -c portlens -n $info -s s -l search -x -d 'Full-text search in both languages'
complete -c portlens -n $info -l risk -x -a '(__portlens_risks)' -d 'List entries at or above this risk'
complete -c portlens -n $info -l tag -x -a '(__portlens_tags)' -d 'List entries with this tag'
complete -c portlens -n $info -l user-file -r -F -d 'Your own entries (default: ~/.config/portlens/ports.toml)'
complete -c portlens -n $info -l no-user-file -d 'Ignore your own entries'
complete -c portlens -n $info -l nmap-services -r -F -d 'Also read service names from this nmap-services file'

# ls
set -l ls "__fish_seen_subcommand_from ls"
complete -c portlens -n $ls -s t -l tcp -d 'TCP sockets'
complete -c portlens -n $ls -s u -l udp -d 'UDP sockets'
complete -c portlens -n $ls -s 4 -l ipv4 -d 'IPv4 only'
complete -c portlens -n $ls -s 6 -l ipv6 -d 'IPv6 only'
complete -c portlens -n $ls -s l -l listen -d 'Listening TCP and unconnected UDP sockets only'
complete -c portlens -n $ls -l state -x -a '(__portlens_state_list)' -d 'States, as ss names them (comma-separated)'
complete -c portlens -n $ls -l port -x -d 'Local or remote port in this list (22,80-90,53/udp)'
complete -c portlens -n $ls -l sport -x -d 'Local port in this list'
complete -c portlens -n $ls -l dport -x -d 'Remote port in this list'
complete -c portlens -n $ls -l pid -x -a '(__fish_complete_pids)' -d 'Owned by one of these process ids (comma-separated)'
complete -c portlens -n $ls -l process -x -a '(__fish_complete_proc)' -d 'Owned by a process with this name'
complete -c portlens -n $ls -l user -x -a '(__fish_complete_users)' -d 'Sockets of this user (name or uid)'
complete -c portlens -n $ls -l risk -x -a '(__portlens_risks)' -d 'Listeners whose port is at least this risky'
complete -c portlens -n $ls -l exposed -d 'Listening on an address other than loopback'
complete -c portlens -n $ls -s n -l numeric -d 'No service names'
complete -c portlens -n $ls -s r -l resolve -d 'Show host names (reverse DNS)'
complete -c portlens -n $ls -l no-process -d 'Do not look up owning processes (fastest)'
complete -c portlens -n $ls -l cmdline -d "Show the owner's command line"
complete -c portlens -n $ls -l exe -d "Show the owner's executable"
complete -c portlens -n $ls -l sort -x -a 'port\tdefault proc\t"by process" process\t"by process" state\t"by state" risk\t"highest risk first"' -d 'Order of the listing'
complete -c portlens -n $ls -l summary -d 'Counts by protocol, state and process, like ss -s'
complete -c portlens -n $ls -l source -x -a 'netlink\tdefault proc\t/proc/net' -d 'Where sockets come from'
complete -c portlens -n $ls -l netns -x -a '(__portlens_netns)' -d 'Look into this network namespace (ip netns name or path)'
complete -c portlens -n $ls -l user-file -r -F -d 'Your own knowledge-base entries'
complete -c portlens -n $ls -l no-user-file -d 'Ignore your own entries'
complete -c portlens -n $ls -l nmap-services -r -F -d 'Also read service names from this nmap-services file'

# audit
set -l audit "__fish_seen_subcommand_from audit"
complete -c portlens -n $audit -l fail-on -x -a 'info low medium high critical' -d 'Exit with status 3 on a finding of at least this severity'
complete -c portlens -n $audit -l allow -r -F -d 'TOML file of accepted findings'
complete -c portlens -n $audit -l baseline -r -F -d 'Report only findings that are not in this baseline file'
complete -c portlens -n $audit -l save-baseline -r -F -d 'Write the findings of this run to a baseline file'
complete -c portlens -n $audit -l netns -x -a '(__portlens_netns)' -d 'Look into this network namespace (ip netns name or path)'
complete -c portlens -n $audit -l source -x -a 'netlink\tdefault proc\t/proc/net' -d 'Where sockets come from'
complete -c portlens -n $audit -l user-file -r -F -d 'Your own knowledge-base entries'
complete -c portlens -n $audit -l no-user-file -d 'Ignore your own entries'
complete -c portlens -n $audit -l nmap-services -r -F -d 'Also read service names from this nmap-services file'

# scan (nmap's -sV, -oX, -oG, -iL, -Pn, -sT, -n and -p- are accepted as separate words)
set -l scan "__fish_seen_subcommand_from scan"
complete -c portlens -n $scan -a '(__fish_print_hostnames)' -d 'Target'
complete -c portlens -n $scan -s p -l ports -x -d 'Ports: 22,80,443, ranges, - for all, service names'
complete -c portlens -n $scan -o p- -d 'All ports, 1-65535'
complete -c portlens -n $scan -l top-ports -x -d "The N ports most commonly exposed, by portlens's own ranking"
complete -c portlens -n $scan -l input-file -r -F -d 'Read targets from a file (- for standard input)'
complete -c portlens -n $scan -o iL -r -F -d 'Read targets from a file (nmap spelling)'
complete -c portlens -n $scan -l exclude -x -d 'Targets to leave out'
complete -c portlens -n $scan -l exclude-file -r -F -d 'Read targets to leave out from a file'
complete -c portlens -n $scan -s 4 -l ipv4 -d 'IPv4 only'
complete -c portlens -n $scan -s 6 -l ipv6 -d 'IPv6 only'
complete -c portlens -n $scan -l seed -x -d 'Seed of the probe order, to repeat a run exactly'
complete -c portlens -n $scan -l no-randomize -d 'Probe hosts and ports in order'
complete -c portlens -n $scan -s T -l timing -x -a '0\tparanoid 1\tsneaky 2\tpolite 3\tnormal 4\taggressive 5\tinsane' -d 'Timing preset, as nmap -T0..-T5'
complete -c portlens -n $scan -l rate -l max-rate -x -d 'At most this many connection attempts per second'
complete -c portlens -n $scan -l max-retries -x -d 'New attempts after a silent one'
complete -c portlens -n $scan -l timeout -x -d 'Wait this long for every attempt (500ms, 2s)'
complete -c portlens -n $scan -l initial-rtt-timeout -x -d 'Wait per attempt before a host has answered'
complete -c portlens -n $scan -l min-rtt-timeout -x -d 'Never wait less than this per attempt'
complete -c portlens -n $scan -l max-rtt-timeout -x -d 'Never wait more than this per attempt'
complete -c portlens -n $scan -l host-timeout -x -d 'Give up on a host after this long'
complete -c portlens -n $scan -l max-parallelism -x -d 'At most this many probes in flight'
complete -c portlens -n $scan -l ping -d 'Skip hosts that answer nothing on ports 80, 443, 22 and 445'
complete -c portlens -n $scan -l no-ping -d 'Scan every host without asking first (the default)'
complete -c portlens -n $scan -o Pn -d 'Scan every host without asking first (nmap spelling)'
complete -c portlens -n $scan -l banners -d 'Read what open ports say and name service and version'
complete -c portlens -n $scan -o sV -d 'Read banners and name services (nmap spelling)'
complete -c portlens -n $scan -o sT -d 'TCP connect scan (the only kind; accepted and ignored)'
complete -c portlens -n $scan -s n -d 'No reverse DNS (never done; accepted and ignored)'
complete -c portlens -n $scan -l states -x -a '(__portlens_scan_state_list)' -d 'States to list (comma-separated)'
complete -c portlens -n $scan -l xml-out -r -F -d 'Also write nmap XML to this file'
complete -c portlens -n $scan -o oX -r -F -d 'Also write nmap XML to this file (nmap spelling)'
complete -c portlens -n $scan -l grepable-out -r -F -d "Also write nmap's grepable format to this file"
complete -c portlens -n $scan -o oG -r -F -d "Also write nmap's grepable format (nmap spelling)"
complete -c portlens -n $scan -l netns -x -a '(__portlens_netns)' -d 'Scan from this network namespace (ip netns name or path)'
complete -c portlens -n $scan -l user-file -r -F -d 'Your own knowledge-base entries'
complete -c portlens -n $scan -l no-user-file -d 'Ignore your own entries'
complete -c portlens -n $scan -l nmap-services -r -F -d 'Also read service names from this nmap-services file'
