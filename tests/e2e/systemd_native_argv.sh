#!/usr/bin/env bash
# e2e: in a real systemd, a native unit rendered by `daemonize render` starts its program with
# exactly the manifest's argv and exactly its [env] (plus what systemd itself always sets).
# Usage: systemd_native_argv.sh DAEMONIZE ARGV_RECORDER
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
recorder=${2:?static argv recorder}
source "$here/lib.sh"
e2e_init

manifest=$here/manifests/native-argv.toml
unit=e2e-native-argv.service
"$daemonize" render "$manifest" --target systemd -o "$E2E_WORK/out" >"$E2E_WORK/render.log" 2>&1 ||
  { cat "$E2E_WORK/render.log" >&2; e2e_fail "daemonize render failed"; }
rendered=$E2E_WORK/out/systemd/$unit
[ -f "$rendered" ] || e2e_fail "render wrote no $rendered"
echo "----- rendered unit"
cat "$rendered"

# The oracle, written independently of the renderer and the loader: the argv the manifest means.
expected_argv=$E2E_WORK/expected.argv
printf '%s\0' /usr/local/bin/e2e-argv-recorder "a b" "" "50%" '$HOME' 'back\slash' 'q"uote' \
  "it's" ";" $'tab\there' $'new\nline' "grüße ✓" "%n%%" '${NOT_A_VAR}' "--port=8080" \
  "value with  spaces" >"$expected_argv"
expected_env=$E2E_WORK/expected.environ
printf '%s\0' "PORT=8080" "SPACES=  two  spaces  " "QUOTES=say \"hi\" and 'bye'" \
  "PERCENT=100% of %n and %%" 'DOLLAR=$HOME and ${HOME} and $$' \
  'BACKSLASH=C:\temp\ and \n not a newline\' "UNICODE=grüße — 日本 ✓" \
  $'INJECTION=x\n[Service]\nExecStartPre=/bin/false' $'TAB_CR=a\tb\rc' "EMPTY=" \
  "FROM_FILE=value with  spaces" >"$expected_env"

e2e_copy_in "$recorder" /usr/local/bin/e2e-argv-recorder 0755
# systemd reads env_files itself in native mode; ${FROM_FILE} must stay one argv entry.
printf 'FROM_FILE=value with  spaces\n' | e2e_write_file /etc/e2e-native-argv/env
# With env_files, [env] is a file of its own read last (EnvironmentFile=), installed with the unit.
e2e_copy_in "$E2E_WORK/out/systemd/e2e-native-argv.env" /etc/daemonize/e2e-native-argv.env 0600
e2e_boot
e2e_install_unit "$rendered"
e2e_run systemctl start "$unit" || { e2e_diagnose "$unit"; e2e_fail "systemctl start $unit failed"; }
# /run is the container's own tmpfs: read it through the container, not through the overlay.
e2e_wait_until 20 e2e_run test -e /run/e2e-recorder/done ||
  { e2e_diagnose "$unit"; e2e_fail "the program never ran"; }
e2e_run cat /run/e2e-recorder/argv >"$E2E_WORK/actual.argv"
e2e_run cat /run/e2e-recorder/environ >"$E2E_WORK/actual.environ"

# Compare; print both sides readably when they differ.
python3 - "$expected_argv" "$E2E_WORK/actual.argv" "$expected_env" "$E2E_WORK/actual.environ" <<'PY'
import sys

def entries(path):
    data = open(path, "rb").read()
    assert data.endswith(b"\0") or not data, f"{path}: not NUL-terminated"
    return data.split(b"\0")[:-1]

expected_argv, actual_argv = entries(sys.argv[1]), entries(sys.argv[2])
expected_env = dict(e.split(b"=", 1) for e in entries(sys.argv[3]))
actual_env = dict(e.split(b"=", 1) for e in entries(sys.argv[4]))

# What systemd itself puts into every service's environment (systemd.exec(5), "Environment
# Variables in Spawned Processes"); everything else must be exactly [env].
systemd_set = {b"PATH", b"LANG", b"LANGUAGE", b"INVOCATION_ID", b"JOURNAL_STREAM",
               b"SYSTEMD_EXEC_PID", b"MANAGERPID", b"NOTIFY_SOCKET", b"WATCHDOG_PID",
               b"WATCHDOG_USEC", b"HOME", b"USER", b"LOGNAME", b"SHELL", b"TERM",
               b"RUNTIME_DIRECTORY", b"LOGS_DIRECTORY", b"STATE_DIRECTORY", b"CACHE_DIRECTORY",
               b"CONFIGURATION_DIRECTORY", b"CREDENTIALS_DIRECTORY", b"MONITOR_SERVICE_RESULT",
               b"MONITOR_EXIT_CODE", b"MONITOR_EXIT_STATUS", b"MONITOR_INVOCATION_ID",
               b"MONITOR_UNIT"}
from_manifest = {k: v for k, v in actual_env.items()
                 if k not in systemd_set and not k.startswith(b"LC_") and not k.startswith(b"LISTEN_")}

ok = True
if actual_argv != expected_argv:
    ok = False
    print("argv differs:")
    for i in range(max(len(expected_argv), len(actual_argv))):
        e = expected_argv[i] if i < len(expected_argv) else None
        a = actual_argv[i] if i < len(actual_argv) else None
        print(f"  [{i}] expected {e!r}  actual {a!r}{'' if e == a else '   <--'}")
else:
    print(f"argv: {len(actual_argv)} entries, exactly as the manifest says:")
    for i, a in enumerate(actual_argv):
        print(f"  [{i}] {a!r}")
if from_manifest != expected_env:
    ok = False
    print("environment differs:")
    for k in sorted(set(expected_env) | set(from_manifest)):
        e, a = expected_env.get(k), from_manifest.get(k)
        if e != a:
            print(f"  {k!r}: expected {e!r}  actual {a!r}")
else:
    print(f"environment: the {len(expected_env)} [env] variables exactly; systemd added "
          f"{sorted(k.decode() for k in actual_env if k not in from_manifest)}")
sys.exit(0 if ok else 1)
PY
status=$?
[ $status -eq 0 ] || { e2e_diagnose "$unit"; e2e_fail "argv or environment differ from the manifest"; }

# The unit's keys are exactly the rendered ones: no ExecStartPre= smuggled in by [env].
[ -z "$(e2e_unit_property "$unit" ExecStartPre)" ] || e2e_fail "an ExecStartPre= appeared"
e2e_pass "native unit: exact argv and environment in a real systemd"
