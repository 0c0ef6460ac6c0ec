#!/usr/bin/env bash
# e2e: environment precedence in a native unit under a real systemd 252, deployed with
# `daemonize deploy`: [env] wins over env_files, as in the manifest (systemd itself lets
# EnvironmentFile= override Environment=):
#  - the env file sets A=file and B=file, [env] sets A=env: the program sees A=env, B=file, and
#    `${A}` in its arguments expands to env too;
#  - an [env] value full of quotes, backslashes, `$`, `%` and a newline arrives byte for byte;
#  - deploy installs [env] as /etc/daemonize/<name>.env (root, 0600) with the unit; remove
#    removes it.
# Usage: systemd_native_env_precedence.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

name=e2e-precedence
unit=$name.service
e2e_copy_in_with_libraries "$daemonize" /opt/daemonize-build/daemonize
e2e_write_file /srv/e2e/service.toml <<'TOML'
[service]
name = "e2e-precedence"
command = "/bin/sh"
args = ["-c", "printf '%s|%s|%s' \"$$A\" \"$$B\" \"$$1\" > /var/lib/e2e-precedence/seen; printf '%s' \"$$QUOTED\" > /var/lib/e2e-precedence/quoted; exec sleep infinity", "sh", "${A}"]
supervisor = "native"
env_files = ["/etc/e2e-precedence/env"]

[env]
A = "env"
QUOTED = "q\"uote back\\slash `tick` $$HOME %h 'single' # hash\nsecond line  "

[restart]
multiplier = 1.0

[logs]
stdout = "inherit"
stderr = "inherit"
TOML
e2e_write_file /etc/e2e-precedence/env <<<$'A=file\nB=file'
mkdir -p "$E2E_ROOT/var/lib/e2e-precedence"
e2e_boot

dz() { e2e_run /opt/daemonize-build/daemonize "$@"; }
dz deploy /srv/e2e/service.toml >"$E2E_WORK/deploy.log" 2>&1 ||
  { cat "$E2E_WORK/deploy.log" >&2; e2e_diagnose "$unit"; e2e_fail "deploy failed"; }
echo "----- installed unit"
cat "$E2E_ROOT/etc/systemd/system/$unit"
seen=$E2E_ROOT/var/lib/e2e-precedence/seen
e2e_wait_until 10 test -s "$seen" || { e2e_diagnose "$unit"; e2e_fail "the program did not start"; }
[ "$(cat "$seen")" = "env|file|env" ] ||
  { e2e_diagnose "$unit"; e2e_fail "expected A=env B=file \${A}=env, the program saw (A|B|\${A}) $(cat "$seen")"; }
e2e_pass "precedence: the program sees A=env (from [env]) over A=file (env file), B=file, \${A} expands to env"

expected=$(printf '%s' "q\"uote back\\slash \`tick\` \$HOME %h 'single' # hash"$'\n'"second line  " | od -An -c)
actual=$(od -An -c <"$E2E_ROOT/var/lib/e2e-precedence/quoted")
[ "$actual" = "$expected" ] || e2e_fail "QUOTED arrived as$actual, expected$expected"
e2e_pass "an [env] value with quotes, backslash, backticks, \$, %, # and a newline arrives byte for byte"

env_file=$E2E_ROOT/etc/daemonize/$name.env
[ "$(stat -c '%a %U %G' "$env_file" 2>/dev/null)" = "600 root root" ] ||
  e2e_fail "the [env] file is $(stat -c '%a %U %G' "$env_file" 2>&1), expected 600 root root"
grep -qx "EnvironmentFile=/etc/daemonize/$name.env" "$E2E_ROOT/etc/systemd/system/$unit" ||
  e2e_fail "the unit does not name /etc/daemonize/$name.env"
[ "$(grep '^EnvironmentFile=' "$E2E_ROOT/etc/systemd/system/$unit" | tail -1)" = "EnvironmentFile=/etc/daemonize/$name.env" ] ||
  e2e_fail "the [env] file is not the last EnvironmentFile="
main_pid=$(e2e_unit_property "$unit" MainPID)
[ "$(e2e_run cat "/proc/$main_pid/comm")" = sleep ] || e2e_fail "the unit's main process is not the program"
e2e_pass "deploy installed /etc/daemonize/$name.env (600 root root), read last; MainPID is the program"

dz remove "$name" >"$E2E_WORK/remove.log" 2>&1 || { cat "$E2E_WORK/remove.log" >&2; e2e_fail "remove failed"; }
[ ! -e "$env_file" ] || e2e_fail "remove left $env_file"
[ ! -e "$E2E_ROOT/etc/systemd/system/$unit" ] || e2e_fail "remove left the unit"
e2e_pass "remove removed the unit and the [env] file"
