#!/usr/bin/env bash
# The bash and zsh completions load and complete commands, flags and targets.
# usage: completions.sh SOURCE_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
source_dir=$1
bash_completion=$source_dir/completions/daemonize.bash
zsh_completion=$source_dir/completions/_daemonize

bash -n "$bash_completion" || fail "bash -n $bash_completion"
if [ ! -r /usr/share/bash-completion/bash_completion ]; then
  [ "${CI:-}" = "true" ] && fail "/usr/share/bash-completion/bash_completion is missing (package bash-completion)"
  echo "SKIP: /usr/share/bash-completion/bash_completion is missing (package bash-completion)" >&2
  exit 77
fi

complete_words() {  # WORDS... -> the completions bash offers for the last word
  bash -c '
    source /usr/share/bash-completion/bash_completion
    source "$0"
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _daemonize daemonize "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' "$bash_completion" "$@"
}
expect() {  # "expected words" WORDS...
  local expected=$1
  shift
  local got
  got=$(complete_words "$@" | sort | tr '\n' ' ')
  local word
  for word in $expected; do
    grep -qw -- "$word" <<<"$got" || fail "bash: completing '$*' offered '$got', not $word"
  done
}
expect "init validate render run status deploy" daemonize ""
expect "render" daemonize ren
expect "systemd launchd windows-service windows-task kubernetes cron all" daemonize render x.toml --target ""
expect "windows-service windows-task" daemonize validate -t win
expect "--json --target" daemonize validate x.toml --
expect "--name --command --output --force" daemonize init --
files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
cd "$files" && touch app.toml notes.txt
got=$(complete_words daemonize validate "")
grep -qx app.toml <<<"$got" || fail "bash: manifest files not offered: $got"
grep -q notes.txt <<<"$got" && fail "bash: offered a non-.toml file: $got"
complete -p daemonize >/dev/null 2>&1 || bash -c "source /usr/share/bash-completion/bash_completion; source '$bash_completion'; complete -p daemonize" >/dev/null ||
  fail "bash: 'complete -p daemonize' finds no completion"
echo "ok: bash completion"

require_tool zsh zsh
zsh -n "$zsh_completion" || fail "zsh -n $zsh_completion"
registered=$(zsh -f -c "fpath=('$source_dir/completions' \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \${_comps[daemonize]}" 2>&1)
[ "$registered" = "_daemonize" ] || fail "zsh compinit did not register _daemonize for daemonize: $registered"
echo "ok: zsh completion"
echo "PASS: bash and zsh completions load and complete"
