#!/usr/bin/env bash
# The real binary, a real child: [directories] created with their mode before the start (the
# child sees them and $RUNTIME_DIRECTORY & co.), the runtime one removed when the watchdog ends
# (foreground and --detach), and $@{VAR} split into arguments as the child's argv shows.
set -euo pipefail
daemonize="$1"
work="$(mktemp -d)"
trap '"$daemonize" stop dirs-and-split >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/xdg" "$work/state"
export XDG_RUNTIME_DIR="$work/xdg" XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache"
export XDG_CONFIG_HOME="$work/config"
unset RUNTIME_DIRECTORY || true
cat >"$work/dirs.toml" <<TOML
schema = 1
[service]
name = "dirs-and-split"
command = "/bin/sh"
args = ["-c", 'stat -c "%a %n" "\$\$RUNTIME_DIRECTORY" "\$\$STATE_DIRECTORY" > "$work/seen"; for a in "\$\$@"; do echo "[\$\$a]"; done >> "$work/seen"', "sh", "--first", "\$@{OPTS}", "\$@{UNSET_OPTS}", "\${OPTS}", "--last"]
scope = "user"
[env]
OPTS = "  -p 2222	-v  "
[restart]
policy = "never"
[logs]
directory = "$work/logs"
[directories]
runtime = ["dirs-and-split/sockets"]
state = ["dirs-and-split"]
mode = "0710"
TOML
"$daemonize" run "$work/dirs.toml" 2>"$work/run.err" || fail "run exited $? ($(cat "$work/run.err"))"
expected="710 $work/xdg/dirs-and-split/sockets
710 $work/state/dirs-and-split
[--first]
[-p]
[2222]
[-v]
[  -p 2222	-v  ]
[--last]"
[[ "$(cat "$work/seen")" == "$expected" ]] || fail "child saw: $(cat "$work/seen")"
[[ ! -e "$work/xdg/dirs-and-split/sockets" ]] || fail "runtime directory left after the stop"
[[ -d "$work/state/dirs-and-split" ]] || fail "state directory removed"
[[ "$(stat -c %a "$work/xdg/dirs-and-split")" == 755 ]] || fail "parent not 0755"

# Detached: the directory exists while it runs and is gone after `daemonize stop`.
sed -i 's/policy = "never"/policy = "always"/; s|args = .*|args = ["-c", "sleep 60"]|' "$work/dirs.toml"
"$daemonize" run "$work/dirs.toml" --detach >/dev/null 2>"$work/detach.err" ||
  fail "run --detach: $(cat "$work/detach.err")"
for _ in $(seq 50); do [[ -d "$work/xdg/dirs-and-split/sockets" ]] && break; sleep 0.1; done
[[ "$(stat -c %a "$work/xdg/dirs-and-split/sockets")" == 710 ]] || fail "detached: no runtime directory"
"$daemonize" stop "$work/dirs.toml" >/dev/null 2>&1 || "$daemonize" stop dirs-and-split >/dev/null 2>&1 ||
  fail "stop failed"
for _ in $(seq 100); do [[ -e "$work/xdg/dirs-and-split/sockets" ]] || break; sleep 0.1; done
[[ ! -e "$work/xdg/dirs-and-split/sockets" ]] || fail "detached: runtime directory left after stop"
echo "PASS"
