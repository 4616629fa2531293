# bash completion for portlens(1)                          -*- shell-script -*-
#
# Installed as .../bash-completion/completions/portlens; to try it by hand:
#   source completions/portlens.bash
# Needs nothing from the bash-completion package. Keep the option lists in
# step with src/cli/main.cc, src/cli/info_command.cc, src/cli/ls_command.cc,
# src/cli/audit_command.cc, src/cli/scan_command.cc (with its nmap spellings in
# rewrite_nmap_arguments) and src/knowledge/tags.cc.

_portlens() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

    local global_opts='--json --ndjson --csv --lang --color -q --quiet -v --verbose --version -h --help'
    local info_opts='-s --search --risk --tag --user-file --no-user-file --nmap-services -h --help'
    local ls_opts='-t --tcp -u --udp -4 --ipv4 -6 --ipv6 -l --listen --state --port --sport --dport
        --pid --process --user --risk --exposed -n --numeric -r --resolve --no-process --cmdline --exe --sort
        --summary --source --netns --user-file --no-user-file --nmap-services -h --help'
    local audit_opts='--fail-on --allow --baseline --save-baseline --netns --source
        --user-file --no-user-file --nmap-services -h --help'
    local scan_opts='-p --ports --top-ports --input-file --exclude --exclude-file -4 --ipv4 -6 --ipv6
        --seed --no-randomize -T --timing --rate --max-rate --max-retries --timeout
        --initial-rtt-timeout --min-rtt-timeout --max-rtt-timeout --host-timeout --max-parallelism
        --ping --no-ping --banners --states --xml-out --grepable-out --netns
        --user-file --no-user-file --nmap-services -h --help
        -sV -sT -Pn -n -oX -oG -iL -p-'
    # Global options a command accepts after its name too.
    local shared_opts='--json --ndjson --csv --lang --color -q --quiet -v --verbose'
    local commands='info ls audit scan'
    # Options that take a value (in the next word or after '=').
    local value_opts=' --lang --color -s --search --risk --tag --user-file --nmap-services'
    value_opts+=' --state --port --sport --dport --pid --process --user --sort --source --netns'
    value_opts+=' --fail-on --allow --baseline --save-baseline'
    value_opts+=' -p --ports --top-ports --input-file --exclude --exclude-file --seed -T --timing --rate'
    value_opts+=' --max-rate --max-retries --timeout --initial-rtt-timeout --min-rtt-timeout'
    value_opts+=' --max-rtt-timeout --host-timeout --max-parallelism --states --xml-out --grepable-out'
    value_opts+=' -oX -oG -iL '
    local tags='amplification auth backup cache chat cleartext container database dev
        directory discovery encrypted file-sharing file-transfer game industrial iot
        legacy mail malware media message-broker monitoring name-service orchestration
        p2p printing proxy remote-admin remote-desktop reserved routing rpc time voip
        vpn web windows'

    # "--opt=value": readline splits the word at '=' when COMP_WORDBREAKS holds
    # it (the usual case); otherwise the whole "--opt=value" is the word.
    local option= prefix=
    if [[ $cur == = && $prev == --* ]]; then
        option=$prev cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        option=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        option=${cur%%=*} prefix="$option=" cur=${cur#*=}
    elif [[ $value_opts == *" $prev "* ]]; then
        option=$prev
    fi

    if [[ -n $option ]]; then
        local values=
        case $option in
            --lang) values='zh en' ;;
            --color) values='auto always never' ;;
            --risk | --fail-on) values='info low medium high critical' ;;
            --tag) values=$tags ;;
            --sort) values='port proc process state risk' ;;
            --source) values='netlink proc' ;;
            -T | --timing) values='0 1 2 3 4 5' ;;
            --states)
                # scan's states, a comma-separated list: complete its last item.
                values='open closed filtered all'
                if [[ $cur == *,* ]]; then
                    prefix+=${cur%,*}, cur=${cur##*,}
                fi
                ;;
            --state)
                # A comma-separated list: complete its last item.
                values='estab listen unconn syn-sent syn-recv fin-wait-1 fin-wait-2
                    time-wait close-wait last-ack closing'
                if [[ $cur == *,* ]]; then
                    prefix+=${cur%,*}, cur=${cur##*,}
                fi
                ;;
            --user)
                COMPREPLY=($(compgen -u -- "$cur"))
                [[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
                return 0
                ;;
            --user-file | --nmap-services | --netns | --allow | --baseline | --save-baseline | \
                --input-file | --exclude-file | --xml-out | --grepable-out | -iL | -oX | -oG)
                compopt -o filenames 2>/dev/null
                local IFS=$'\n'
                COMPREPLY=($(compgen -f -- "$cur"))
                # --netns also takes the names made by `ip netns add`.
                if [[ $option == --netns && -d /run/netns ]]; then
                    COMPREPLY+=($(compgen -W "$(command ls -A /run/netns 2>/dev/null)" -- "$cur"))
                fi
                [[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
                return 0
                ;;
            -s | --search | --port | --sport | --dport | --pid | --process) return 0 ;; # free text
            -p | --ports | --top-ports | --exclude | --seed | --rate | --max-rate | --max-retries | \
                --timeout | --initial-rtt-timeout | --min-rtt-timeout | --max-rtt-timeout | \
                --host-timeout | --max-parallelism) return 0 ;; # free text
            *) option= ;;
        esac
        if [[ -n $option ]]; then
            COMPREPLY=($(compgen -W "$values" -- "$cur"))
            [[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
            return 0
        fi
    fi

    # Find the command: the first word that is neither an option nor an
    # option's value.
    local i word command=
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == = ]]; then
            ((i++)) # "--opt" "=" "value"
            continue
        fi
        if [[ $value_opts == *" $word "* ]]; then
            [[ ${COMP_WORDS[i + 1]} == = ]] || ((i++))
            continue
        fi
        [[ $word == -* ]] && continue
        command=$word
        break
    done

    case $command in
        '')
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            fi
            ;;
        info)
            # Queries (ports, service or malware names) are free text.
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$info_opts $shared_opts" -- "$cur"))
            fi
            ;;
        ls)
            # ls takes no arguments, only options.
            COMPREPLY=($(compgen -W "$ls_opts $shared_opts" -- "$cur"))
            ;;
        audit)
            # audit takes no arguments, only options.
            COMPREPLY=($(compgen -W "$audit_opts $shared_opts" -- "$cur"))
            ;;
        scan)
            # Targets: addresses and networks are free text; offer known host names.
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$scan_opts $shared_opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -A hostname -- "$cur"))
            fi
            ;;
    esac
    return 0
}

complete -F _portlens portlens

# ex: filetype=sh
