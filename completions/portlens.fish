# fish completion for portlens(1).
#
# Installed into .../fish/vendor_completions.d; to try it by hand:
#   source completions/portlens.fish
# Keep the option lists in step with src/cli/main.cc, src/cli/info_command.cc
# and src/knowledge/tags.cc.

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

set -l commands info

# No file names unless an option asks for one.
complete -c portlens -f

# Commands.
complete -c portlens -n "not __fish_seen_subcommand_from $commands" \
    -a info -d 'What a port is, who uses it, known malware, risk and advice'

# Global options (accepted before and after the command name).
complete -c portlens -l json -d 'Print one JSON document'
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
