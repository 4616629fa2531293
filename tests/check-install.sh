#!/usr/bin/env bash
# Installs into a scratch prefix and checks that every installed piece is
# there and works: the binary runs, the man page renders, completions parse.
set -euo pipefail
build=$1 source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/portlens share/man/man1/portlens.1 \
         share/bash-completion/completions/portlens \
         share/zsh/vendor-completions/_portlens \
         share/fish/vendor_completions.d/portlens.fish; do
  [[ -s $prefix/$f ]] || { echo "missing after install: $f" >&2; exit 1; }
done
# (Captured first: with pipefail, grep -q closing the pipe early would fail the run.)
json=$("$prefix/bin/portlens" info 22 --json)
grep -q '"service": "ssh"' <<<"$json" || { echo "installed portlens does not answer info 22" >&2; exit 1; }
bash -n "$prefix/share/bash-completion/completions/portlens"
# The completion offers subcommands and --risk values.
out=$(bash -c 'source "$1"; COMP_WORDS=(portlens info --risk h); COMP_CWORD=3; _portlens 2>/dev/null || true
               printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/portlens")
grep -qx high <<<"$out" || { echo "bash completion did not offer 'high': $out" >&2; exit 1; }
if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$prefix/share/man/man1/portlens.1" 2>&1)
  [[ -z $warnings ]] || { echo "$warnings" >&2; exit 1; }
fi
# Every command --help lists is documented in the man page and completed by
# every shell.
man_text=$(sed 's/\\-/-/g' "$source/docs/portlens.1")
commands=$("$prefix/bin/portlens" --lang en --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF { print $1 }')
[[ -n $commands ]] || { echo "portlens --help lists no commands" >&2; exit 1; }
for command in $commands; do
  grep -q -- "^\.B $command\$" <<<"$man_text" || { echo "man page lacks the command $command" >&2; exit 1; }
  for completion in portlens.bash _portlens portlens.fish; do
    grep -qw -- "$command" "$source/completions/$completion" ||
      { echo "completions/$completion lacks the command $command" >&2; exit 1; }
  done
done
# Every option --help lists is documented in the man page and completed by bash.
for help in "" $commands; do
  for option in $("$prefix/bin/portlens" $help --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -q -- "$option" <<<"$man_text" || { echo "man page lacks $option" >&2; exit 1; }
    grep -q -- "$option" "$source/completions/portlens.bash" || { echo "bash completion lacks $option" >&2; exit 1; }
  done
done
echo "install layout ok"
