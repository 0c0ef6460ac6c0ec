#!/usr/bin/env bash
# Errors that help, through the real binary: did-you-mean for commands and targets, every
# command-line error in the daemonize voice (exit 2), manifest mistakes named where they are
# (exit 65), an unreadable manifest naming its reason (exit 66).
# usage: cli_usage_errors.sh DAEMONIZE
set -u
daemonize=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d); trap 'chmod -R u+rwx "$work"; rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then printf 'FAIL %s:\n  expected [%s]\n  got      [%s]\n' "$1" "$2" "$3"; fail=1; else echo "ok   $1"; fi
}
run() {  # run ARGS...: sets err (stderr) and code
  err=$("$daemonize" "$@" 2>&1 >/dev/null); code=$?
}

printf '[service]\nname = "web"\ncommand = "/bin/true"\n' > web.toml

# Commands.
run deploi web.toml
check "misspelt command exit" 2 $code
check "misspelt command text" "daemonize: unknown command 'deploi'; did you mean 'deploy'?
daemonize: hint: \`daemonize --help\` describes every command" "$err"
run stauts web
check "swapped letters" "daemonize: unknown command 'stauts'; did you mean 'status'?" "$(head -1 <<<"$err")"
run lgos
check "a misspelt logs is suggested" "daemonize: unknown command 'lgos'; did you mean 'logs'?" "$(head -1 <<<"$err")"
run frobnicate
check "no close command lists them" "daemonize: unknown command 'frobnicate' (commands: validate, render, deploy, diff, remove, start, stop, restart, reload, run, status, init, list, logs, edit, import)" "$(head -1 <<<"$err")"
check "unknown command exit" 2 $code
run
check "no command" "daemonize: a command is required: validate, render, deploy, diff, remove, start, stop, restart, reload, run, status, init, list, logs, edit, import" "$(head -1 <<<"$err")"
check "no command exit" 2 $code
run --versoin
check "misspelt top-level option" "daemonize: unknown option '--versoin'; did you mean '--version'?" "$(head -1 <<<"$err")"

# Targets, in every command that takes --target.
run validate web.toml --target windows
check "validate --target windows" "daemonize: unknown target 'windows'; did you mean 'windows-service' or 'windows-task'?" "$err"
check "unknown target exit" 2 $code
run render web.toml --target systemdd
check "render --target systemdd" "daemonize: unknown target 'systemdd'; did you mean 'systemd'?" "$err"
check "render unknown target exit" 2 $code
run deploy web.toml --target Systemd --dry-run
check "deploy --target Systemd" "daemonize: unknown target 'Systemd'; did you mean 'systemd'?" "$err"
check "deploy unknown target exit" 2 $code
run diff web.toml --target kube
check "diff --target kube" "daemonize: unknown target 'kube'; did you mean 'kubernetes'?" "$err"
run render web.toml --target nothing-like-it
check "no close target lists them" "daemonize: unknown target 'nothing-like-it' (this build knows: $("$daemonize" --version | sed -n 's/^backends: //p' | sed 's/ /, /g'), all)" "$err"

# CLI11's own errors speak as daemonize and name the right --help.
run validate web.toml --bogus
check "unexpected flag" "daemonize: the following argument was not expected: --bogus
daemonize: hint: \`daemonize validate --help\` lists what it takes" "$err"
check "unexpected flag exit" 2 $code
run validate
check "missing file argument" "daemonize: file is required" "$(head -1 <<<"$err")"
run init --name x stray
check "init stray argument hint" "daemonize: hint: the program's arguments go after --, as in \`daemonize init --command /usr/bin/app -- --port 8080\`" "$(sed -n 2p <<<"$err")"
for args in "validate web.toml --json --quiet" "deploy web.toml --wait-timeout soon" "render web.toml" "status" "init --env NOEQUALS"; do
  # shellcheck disable=SC2086
  run $args
  check "exit 2: $args" 2 $code
  bad=$(grep -v '^daemonize: ' <<<"$err")
  check "every line starts with daemonize: ($args)" "" "$bad"
done

# The manifest: misplaced keys, table and value case, where the mistake is.
printf 'schema = 1\n[Service]\nname = "web"\ncommand = "/bin/true"\n' > case.toml
run validate case.toml
check "[Service]" "case.toml:2:2: error: unknown table [Service]; did you mean [service]? (table names are case-sensitive)" "$err"
check "[Service] exit" 65 $code
printf 'command = "/bin/true"\n[service]\nname = "web"\n' > top.toml
run validate top.toml
check "service key at the top level" "top.toml:1:1: error: unknown key 'command' at the top level; 'command' belongs in [service] (keys above the first [table] line are top-level)
top.toml:2:1: error: missing required key 'command' in [service]" "$err"
printf '[service]\nname = "web"\ncommand = "/bin/true"\n[restart]\npolicy = "Always"\n' > enum.toml
run validate enum.toml
check "enum value case" "enum.toml:5:10: error: 'restart.policy' must be one of \"always\", \"on-failure\", \"never\", got \"Always\"; did you mean \"always\"?" "$err"
printf '[service]\nname = "web\ncommand = "/bin/true"\n' > quote.toml
run validate quote.toml
check "unterminated string at its opening quote" "quote.toml:2:8: error: TOML syntax error: unterminated string: the closing \" is missing on this line" "$err"
check "syntax error exit" 65 $code
printf '[service]\nname = "web"\ncommand = "/bin/true"\ndescription = """one\ntwo\n' > multi.toml
run validate multi.toml
check "unterminated multi-line string" "multi.toml:4:15: error: TOML syntax error: unterminated multi-line string: the closing \"\"\" is missing" "$err"

# Unreadable manifests: 66, the path and the reason.
mkdir dir.toml
run validate dir.toml
check "directory" "dir.toml: error: cannot read the manifest: Is a directory" "$err"
check "directory exit" 66 $code
run render dir.toml --target systemd
check "render a directory exit" 66 $code
run deploy dir.toml --target systemd --dry-run
check "deploy a directory exit" 66 $code
run validate missing.toml
check "missing file" "missing.toml: error: cannot read the manifest: No such file or directory" "$err"
check "missing file exit" 66 $code
if [ "$(id -u)" != 0 ]; then
  cp web.toml secret.toml && chmod 000 secret.toml
  run validate secret.toml
  check "unreadable file" "secret.toml: error: cannot read the manifest: Permission denied" "$err"
  check "unreadable file exit" 66 $code
fi
exit $fail
