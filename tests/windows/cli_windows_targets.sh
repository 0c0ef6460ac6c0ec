#!/usr/bin/env bash
# Which Windows target `render`/`validate` serve (cli.md, manifest.md [windows] backend): an
# explicit --target renders unless the manifest chose the other backend; `--target all` picks by
# the backend and says nothing louder than a note about the target it left out by default.
set -u
daemonize=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL $1: expected [$2] got [$3]"; fail=1; else echo "ok   $1"; fi
}
has() {  # has NAME PATTERN TEXT: TEXT holds PATTERN (a fixed string)
  if printf '%s' "$3" | grep -qF -- "$2"; then echo "ok   $1"; else echo "FAIL $1: no [$2] in [$3]"; fail=1; fi
}
lacks() {  # lacks NAME PATTERN TEXT
  if printf '%s' "$3" | grep -qF -- "$2"; then echo "FAIL $1: [$2] in [$3]"; fail=1; else echo "ok   $1"; fi
}

base="[service]
name = \"web\"
command = '/usr/bin/web'

[os.windows]
command = 'C:\\web\\web.exe'
"
printf '%s' "$base" > "$work/default.toml"
printf '%s\n[windows]\nbackend = "service"\n' "$base" > "$work/service.toml"
printf '%s\n[windows]\nbackend = "task"\n' "$base" > "$work/task.toml"
printf '[service]\nname = "web"\ncommand = "/usr/bin/web"\n' > "$work/linux.toml"

# An explicit target renders unless the other backend was written.
out=$(set -o pipefail; "$daemonize" render "$work/default.toml" --target windows-task 2>&1 | tr -d '\000'); code=$?
check "default backend: --target windows-task exit" 0 $code
has "default backend: --target windows-task renders the XML" "# --- windows-task/web.xml ---" "$out"
"$daemonize" render "$work/default.toml" --target windows-service >/dev/null 2>&1
check "default backend: --target windows-service exit" 0 $?
err=$("$daemonize" render "$work/service.toml" --target windows-task 2>&1 >/dev/null); code=$?
check "backend = service: --target windows-task exit" 65 $code
has "backend = service: the refusal names the key" 'backend = "service"' "$err"
"$daemonize" render "$work/task.toml" --target windows-task >/dev/null 2>&1
check "backend = task: --target windows-task exit" 0 $?
"$daemonize" render "$work/task.toml" --target windows-service >/dev/null 2>&1
check "backend = task: --target windows-service exit" 65 $?
"$daemonize" validate "$work/default.toml" --target windows-task >/dev/null 2>&1
check "default backend: validate --target windows-task exit" 0 $?

# --target all: chosen by the backend, no warning for the one left out by default.
out=$("$daemonize" render "$work/default.toml" --target all -o "$work/out-default" 2>&1); code=$?
check "render all (default) exit" 0 $code
check "render all (default) wrote windows-service" yes "$([ -f "$work/out-default/windows-service/install-web.cmd" ] && echo yes)"
check "render all (default) left windows-task out" no "$([ -e "$work/out-default/windows-task" ] && echo yes || echo no)"
lacks "render all (default): no warning about windows-task" "warning" "$(printf '%s' "$out" | grep windows-task)"
has "render all (default): a note says how to get the task" "--target windows-task" "$out"
"$daemonize" render "$work/task.toml" --target all -o "$work/out-task" >/dev/null 2>&1
check "render all (task) wrote windows-task" yes "$([ -f "$work/out-task/windows-task/web.xml" ] && echo yes)"

for manifest in default linux; do
  out=$("$daemonize" validate "$work/$manifest.toml" --target all 2>&1); code=$?
  check "validate all ($manifest) exit" 0 $code
  lacks "validate all ($manifest): no windows-task warning" "windows-task" "$out"
  json=$("$daemonize" validate --json "$work/$manifest.toml" --target all)
  lacks "validate all --json ($manifest): no windows-task diagnostic" "windows-task" "$json"
done
# A target the manifest cannot serve is still reported as skipped.
out=$("$daemonize" validate "$work/task.toml" --target all 2>&1)
has "validate all (task): windows-service skipped" "windows-service: skipped" "$out"
exit $fail
