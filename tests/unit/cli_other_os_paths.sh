#!/usr/bin/env bash
# docs/manifest.md "Paths of the other OS" and docs/cli.md `render`/`validate --target all`:
# a path of the other OS falls back per target with a warning naming target, key, value and
# fallback; `all` writes every target that renders; only an explicit target or an invalid
# manifest fails (65). Also the manifest limits through the CLI.
set -u
daemonize=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL $1: expected [$2] got [$3]"; fail=1; else echo "ok   $1"; fi
}
contains() {  # contains NAME NEEDLE HAYSTACK
  if [[ "$3" != *"$2"* ]]; then echo "FAIL $1: [$2] not in:"; echo "$3"; fail=1; else echo "ok   $1"; fi
}
lacks() {  # lacks NAME NEEDLE HAYSTACK
  if [[ "$3" == *"$2"* ]]; then echo "FAIL $1: [$2] unexpectedly in:"; echo "$3"; fail=1; else echo "ok   $1"; fi
}
render_all() {  # render_all FILE -> $code, $err, out/
  rm -rf out; err=$("$daemonize" render "$1" --target all -o out 2>&1 >/dev/null); code=$?
}
json_model() {  # json_model FILE TARGET EXPR
  "$daemonize" validate --json --target "$2" "$1" |
    python3 -c "import json,sys; s=json.load(sys.stdin)['service']; print($3)"
}

# The two manifests of the report, exactly: a Linux-only service.
printf '[service]\nname = "x"\ncommand = "/usr/bin/x"\n[logs]\ndirectory = "/var/log/x"\n' > logs.toml
printf '[service]\nname = "x"\ncommand = "/usr/bin/x"\nenv_files = ["-/etc/x/env"]\n' > envf.toml
for f in logs envf; do
  render_all $f.toml
  check "$f: render all exit" 0 $code
  check "$f: systemd unit written" yes "$([ -f out/systemd/x.service ] && echo yes)"
  contains "$f: windows-service skipped by its command" \
    "daemonize: skipped windows-service: service.command is not a Windows path (set [os.windows] command = 'C:\\...')" "$err"
  "$daemonize" validate $f.toml --target all >/dev/null 2>&1
  check "$f: validate all exit" 0 $?
  "$daemonize" render $f.toml --target windows-service >/dev/null 2>&1
  check "$f: explicit windows-service (POSIX command) exit" 65 $?
done

# Once Windows has a command, the Windows targets render with the fallback and say so.
cp logs.toml logs-win.toml; printf "[os.windows]\ncommand = 'C:\\\\x\\\\x.exe'\n" >> logs-win.toml
render_all logs-win.toml
check "logs-win: render all exit" 0 $code
check "logs-win: systemd written" yes "$([ -f out/systemd/x.service ] && echo yes)"
check "logs-win: windows-service written" yes "$([ -n "$(ls out/windows-service 2>/dev/null)" ] && echo yes)"
grep -q '^LogsDirectory=x$' out/systemd/x.service; check "logs-win: systemd keeps /var/log/x" 0 $?
contains "logs-win: warning names target, key, value, fallback" \
  "logs-win.toml:5:13: warning: windows-service: 'logs.directory' = '/var/log/x' is a POSIX path, which Windows cannot use: the logs go to the Windows default '%ProgramData%\\x\\logs' instead (set logs.directory in [os.windows] to choose)" "$err"
lacks "logs-win: no warning for systemd" "systemd: 'logs.directory'" "$err"
check "logs-win: Windows model" '%ProgramData%\x\logs' "$(json_model logs-win.toml windows-service "s['logs']['directory']")"
check "logs-win: Linux model" '/var/log/x' "$(json_model logs-win.toml systemd "s['logs']['directory']")"

cp logs-win.toml logs-task.toml; printf '[windows]\nbackend = "task"\n' >> logs-task.toml
render_all logs-task.toml
check "logs-task: render all exit" 0 $code
check "logs-task: windows-task written" yes "$([ -f out/windows-task/x.xml ] && echo yes)"
check "logs-task: systemd written" yes "$([ -f out/systemd/x.service ] && echo yes)"
contains "logs-task: warning names windows-task" \
  "warning: windows-task: 'logs.directory' = '/var/log/x' is a POSIX path" "$err"

cp envf.toml envf-win.toml; printf "[os.windows]\ncommand = 'C:\\\\x\\\\x.exe'\n" >> envf-win.toml
render_all envf-win.toml
check "envf-win: render all exit" 0 $code
check "envf-win: systemd + windows-service written" yes \
  "$([ -f out/systemd/x.service ] && [ -n "$(ls out/windows-service)" ] && echo yes)"
contains "envf-win: env file dropped for Windows" \
  "envf-win.toml:4:14: warning: windows-service: 'service.env_files[0]' = '-/etc/x/env' is a POSIX path, which Windows cannot use: this env file is not read (required_env still names every variable that is then missing) (set env_files in [os.windows] to choose)" "$err"
check "envf-win: Windows model has no env file" "[]" "$(json_model envf-win.toml windows-service "s['service']['env_files']")"

# An [os.windows] override of the right kind is used without a warning.
cat > override.toml <<'TOML'
[service]
name = "x"
command = "/usr/bin/x"
env_files = ["-/etc/x/env"]
working_directory = "/srv/x"
[logs]
directory = "/var/log/x"
[os.windows]
command = 'C:\x\x.exe'
env_files = ['-C:\x\env']
working_directory = 'C:\x'
[os.windows.logs]
directory = 'D:\x\logs'
TOML
render_all override.toml
check "override: exit" 0 $code
lacks "override: no warning at all" "warning" "$err"
check "override: Windows model" 'D:\x\logs C:\x' \
  "$(json_model override.toml windows-service "s['logs']['directory'], s['service']['working_directory']")"

# A Windows-only manifest on Linux: the same rules the other way round.
cat > windows-only.toml <<'TOML'
[service]
name = "x"
command = 'C:\x\x.exe'
working_directory = 'C:\x'
env_files = ['C:\x\env']
[logs]
directory = 'D:\logs'
TOML
render_all windows-only.toml
check "windows-only: exit" 0 $code
check "windows-only: windows-service written" yes "$([ -n "$(ls out/windows-service 2>/dev/null)" ] && echo yes)"
contains "windows-only: systemd skipped" "daemonize: skipped systemd: service.command 'C:\\x\\x.exe' is not an absolute POSIX path" "$err"
lacks "windows-only: no warnings for a skipped target" "warning: systemd:" "$err"
printf '[os.linux]\ncommand = "/usr/bin/x"\n' >> windows-only.toml
render_all windows-only.toml
check "windows-only+linux command: exit" 0 $code
grep -q '^LogsDirectory=x$' out/systemd/x.service; check "windows-only: systemd uses /var/log/x" 0 $?
grep -q '^WorkingDirectory=' out/systemd/x.service; check "windows-only: no WorkingDirectory=" 1 $?
contains "windows-only: logs warning for systemd" \
  "windows-only.toml:7:13: warning: systemd: 'logs.directory' = 'D:\\logs' is a Windows path, which Linux cannot use: the logs go to the Linux default '/var/log/x' instead (set logs.directory in [os.linux] to choose)" "$err"
contains "windows-only: working_directory warning for cron" \
  "warning: cron: 'service.working_directory' = 'C:\\x' is a Windows path, which Linux cannot use: no working directory is set (the service manager's default) (set working_directory in [os.linux] to choose)" "$err"
contains "windows-only: env file warning for systemd" \
  "warning: systemd: 'service.env_files[0]' = 'C:\\x\\env' is a Windows path, which Linux cannot use: this env file is not read" "$err"
"$daemonize" validate windows-only.toml --target all >/dev/null 2>&1
check "windows-only: validate all exit" 0 $?

# ~/ in working_directory: systemd writes %h/, Windows falls back with a warning.
printf '[service]\nname = "x"\ncommand = "/usr/bin/x"\nworking_directory = "~/app"\n' > home.toml
"$daemonize" validate home.toml >/dev/null 2>&1; check "home: validate exit" 0 $?
unit=$("$daemonize" render home.toml --target systemd 2>/dev/null)
contains "home: systemd %h" "WorkingDirectory=%h/app" "$unit"
printf "[os.windows]\ncommand = 'C:\\\\x\\\\x.exe'\n" >> home.toml
err=$("$daemonize" render home.toml --target windows-service 2>&1 >/dev/null); code=$?
check "home: windows-service exit" 0 $code
contains "home: windows-service warning" \
  "warning: windows-service: 'service.working_directory' = '~/app' is a path in a home directory, which Windows cannot use: no working directory is set" "$err"

# `all` and a target whose renderer finds errors: skipped, the others written, exit 0; the same
# target named explicitly fails with 65 and writes nothing.
cat > native.toml <<'TOML'
[service]
name = "x"
command = "/usr/bin/x"
supervisor = "native"
env_files = ["/etc/x/env"]
TOML
render_all native.toml
check "native: render all exit" 0 $code
check "native: systemd written" yes "$([ -f out/systemd/x.service ] && echo yes)"
check "native: launchd not written" no "$([ -d out/launchd ] && echo yes || echo no)"
contains "native: launchd skipped" "daemonize: skipped launchd: it cannot express this manifest (see its warnings)" "$err"
contains "native: its error as a warning" "native.toml:5:13: warning: launchd: env_files cannot be used" "$err"
rm -rf out; "$daemonize" render native.toml --target launchd -o out >/dev/null 2>&1
check "native: explicit launchd exit" 65 $?
check "native: explicit launchd writes nothing" no "$([ -d out ] && echo yes || echo no)"
"$daemonize" validate native.toml --target all >/dev/null 2>&1
check "native: validate all exit" 0 $?
out=$("$daemonize" validate native.toml --target all 2>&1)
contains "native: validate all says skipped" "native.toml: warning: launchd: skipped: it cannot express this manifest (see its warnings)" "$out"
"$daemonize" validate native.toml --target all --target launchd >/dev/null 2>&1
check "native: validate all + explicit launchd exit" 65 $?

# An invalid manifest still fails `all` and writes nothing.
printf '[service]\nname = "x"\ncommand = "/usr/bin/x"\n[restart]\npolcy = "always"\n' > bad.toml
render_all bad.toml
check "bad: render all exit" 65 $code
check "bad: nothing written" no "$([ -d out ] && echo yes || echo no)"

# Limits (docs/manifest.md, "Limits") through the CLI: FILE:LINE:COL and exit 65.
python3 - <<'PY'
head = '[service]\nname = "x"\ncommand = "/usr/bin/x"\n[env]\n'
open('env-at.toml', 'w').write(head + ''.join(f'V{i} = "x"\n' for i in range(4096)))
open('env-over.toml', 'w').write(head + ''.join(f'V{i} = "x"\n' for i in range(4097)))
PY
"$daemonize" validate env-at.toml >/dev/null 2>&1; check "limits: 4096 [env] entries exit" 0 $?
err=$("$daemonize" validate env-over.toml 2>&1 >/dev/null); code=$?
check "limits: 4097 [env] entries exit" 65 $code
check "limits: [env] message" "env-over.toml:4101:1: error: [env] has 4097 variables, more than the limit of 4096" "$err"
head -c 4194305 /dev/zero | tr '\0' '#' > huge.toml
err=$("$daemonize" validate huge.toml 2>&1 >/dev/null); code=$?
check "limits: file size exit" 65 $code
check "limits: file size message" "huge.toml: error: the manifest is larger than the limit of 4194304 bytes (4 MiB)" "$err"
exit $fail
