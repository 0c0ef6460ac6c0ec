#!/usr/bin/env bash
# `daemonize import` through the real binary: stdout mode, -o, --json, --strict, the exit codes
# (0, 2 usage, 65 not a service / --strict, 66 unreadable, 69 a kind not supported yet), launchd
# plists (XML and binary), the --service usage errors, and
# every manifest it writes validating with `daemonize validate`.
set -u
daemonize=$1; here=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL $1: expected [$2] got [$3]"; fail=1; else echo "ok   $1"; fi
}

# One service, no -o: the manifest on stdout, the report on stderr.
cat > "$work/web.service" <<'UNIT'
[Unit]
Description=Web front end
[Service]
ExecStart=/usr/bin/python3 -m http.server 8080
Restart=on-failure
DynamicUser=yes
UNIT
"$daemonize" import "$work/web.service" >"$work/web.toml" 2>"$work/report"; code=$?
check "stdout mode exit" 0 $code
check "stdout mode report" "$work/web.service:2: carried: Description — service.description
$work/web.service:4: carried: ExecStart — service.command, service.args
$work/web.service:5: carried: Restart — restart.policy = \"on-failure\"
$work/web.service:6: dropped: DynamicUser — no transient accounts; set service.user to a real account" "$(cat "$work/report")"
head -1 "$work/web.toml" | grep -q "^# Imported by \`daemonize import\` from $work/web.service$"
check "header names the source" 0 $?
"$daemonize" validate "$work/web.toml" >/dev/null 2>&1
check "stdout manifest validates" 0 $?
"$daemonize" render "$work/web.toml" --target systemd >/dev/null 2>&1
check "it renders for systemd" 0 $?

# --strict: a dropped directive fails, nothing written.
"$daemonize" import --strict "$work/web.service" -o "$work/strict" >/dev/null 2>"$work/err"; code=$?
check "--strict exit" 65 $code
check "--strict message" "daemonize: --strict: 1 directive dropped; nothing written" "$(tail -1 "$work/err")"
[ ! -e "$work/strict/web.toml" ]; check "--strict writes nothing" 0 $?

# Several services: -o writes one NAME.toml each; without -o it is a usage error.
"$daemonize" import "$here/supervisord/celery.conf" >/dev/null 2>"$work/err"; code=$?
check "several services without -o exit" 2 $code
check "several services without -o message" \
  "daemonize: 2 services (celery-worker, celery-beat): write them with -o DIR, one NAME.toml each" \
  "$(tail -1 "$work/err")"
"$daemonize" import "$here/supervisord/celery.conf" "$here/procfile/go.Procfile" -o "$work/out" \
  >"$work/stdout" 2>"$work/err"; code=$?
check "-o exit" 0 $code
check "-o files" "api.toml celery-beat.toml celery-worker.toml metrics.toml" \
  "$(cd "$work/out" && ls | tr '\n' ' ' | sed 's/ $//')"
check "-o prints nothing on stdout" "" "$(cat "$work/stdout")"
for manifest in "$work"/out/*.toml; do
  "$daemonize" validate "$manifest" >/dev/null 2>&1
  check "validate $(basename "$manifest")" 0 $?
done
# An existing file is not overwritten.
"$daemonize" import "$here/procfile/go.Procfile" -o "$work/out" >/dev/null 2>"$work/err"; code=$?
check "existing file exit" 73 $code

# --json: the report on stdout, needs -o.
"$daemonize" import --json "$work/web.service" >/dev/null 2>"$work/err"; code=$?
check "--json without -o exit" 2 $code
check "--json without -o message" \
  "daemonize: --json needs -o DIR: the manifests go to files, the report to stdout" "$(cat "$work/err")"
"$daemonize" import --json "$work/web.service" -o "$work/json" >"$work/json.out" 2>"$work/err"; code=$?
check "--json exit" 0 $code
check "--json stderr empty" "" "$(cat "$work/err")"
summary=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["summary"]; r=d["report"][3]; print(s["carried"], s["approximated"], s["dropped"], d["services"][0]["name"], r["line"], r["outcome"], r["key"])' "$work/json.out")
check "--json document" "3 0 1 web 6 dropped DynamicUser" "$summary"

# 65 with FILE:LINE for input that is not a service definition.
printf '[Unit]\nDescription=x\n[Timer]\nOnCalendar=daily\n' > "$work/nightly.timer"
"$daemonize" import "$work/nightly.timer" >/dev/null 2>"$work/err"; code=$?
check "timer exit" 65 $code
check "timer message" "$work/nightly.timer:1: error: not a service definition: a timer unit (import the .service it activates)" "$(cat "$work/err")"
printf 'just some notes\n' > "$work/notes.txt"
"$daemonize" import "$work/notes.txt" >/dev/null 2>"$work/err"; code=$?
check "unknown kind exit" 65 $code
printf 'web: ./server\nthis line is broken\n' > "$work/Procfile"
"$daemonize" import "$work/Procfile" >/dev/null 2>"$work/err"; code=$?
check "broken Procfile exit" 65 $code
check "broken Procfile message" "$work/Procfile:2: error: not a Procfile line: expected 'name: command'" "$(tail -1 "$work/err")"

# 66 unreadable; 69 a kind not supported yet; 2 an unknown kind.
"$daemonize" import "$work/missing.service" >/dev/null 2>"$work/err"; code=$?
check "missing exit" 66 $code
check "missing message" "$work/missing.service: error: cannot read it: No such file or directory" "$(cat "$work/err")"
"$daemonize" import "$work" >/dev/null 2>&1
check "directory exit" 66 $?
"$daemonize" import --from upstart "$work/web.service" >/dev/null 2>&1
check "unknown --from exit" 2 $?

# --from overrides detection: a Procfile under another name.
printf 'web: /usr/bin/python3 -m http.server\n' > "$work/processes"
"$daemonize" import --from procfile "$work/processes" 2>/dev/null | grep -q '^command = "/usr/bin/python3"$'
check "--from procfile" 0 $?

# Drop-ins next to the unit are applied.
mkdir -p "$work/web.service.d"
printf '[Service]\nRestart=always\n' > "$work/web.service.d/override.conf"
"$daemonize" import "$work/web.service" 2>"$work/report" | grep -q '^policy = "always"$'
check "drop-in applied" 0 $?
grep -q "^$work/web.service.d/override.conf:2: carried: Restart" "$work/report"
check "drop-in reported" 0 $?

# launchd: a binary plist is detected by its content under any name, reported at line 1.
cp "$here/launchd/com.example.cache.plist" "$work/cache-job"
"$daemonize" import "$work/cache-job" >"$work/cache.toml" 2>"$work/report"; code=$?
check "binary plist exit" 0 $code
check "binary plist first report line" \
  "$work/cache-job:1: carried: Label — service.name \"com.example.cache\", launchd.label" \
  "$(head -1 "$work/report")"
"$daemonize" validate "$work/cache.toml" >/dev/null 2>&1
check "binary plist manifest validates" 0 $?
"$daemonize" render "$work/cache.toml" --target launchd >/dev/null 2>&1
check "it renders for launchd" 0 $?
# A plist that is not well-formed: 65 at its line.
printf '<plist version="1.0">\n<dict>\n<key>Label</key>\n<string>x</strin>\n</dict>\n</plist>\n' \
  > "$work/broken.plist"
"$daemonize" import "$work/broken.plist" >/dev/null 2>"$work/err"; code=$?
check "broken plist exit" 65 $code
check "broken plist message" \
  "$work/broken.plist:4: error: not a property list: expected </string>, found </strin>" \
  "$(cat "$work/err")"

# --service: exactly one of PATH and --service; scm is Windows' manager.
"$daemonize" import >/dev/null 2>"$work/err"; code=$?
check "neither PATH nor --service exit" 2 $code
check "neither PATH nor --service message" "daemonize: import needs PATH... or --service NAME" \
  "$(cat "$work/err")"
"$daemonize" import "$work/web.service" --service web >/dev/null 2>&1
check "PATH and --service exit" 2 $?
"$daemonize" import --from scm "$work/web.service" >/dev/null 2>"$work/err"; code=$?
check "--from scm with PATH exit" 2 $code
"$daemonize" import --service web --from scm >/dev/null 2>"$work/err"; code=$?
check "--service --from scm exit" 66 $code
check "--service --from scm message" \
  "daemonize: --from scm reads the Windows service control manager, which this host does not have (use --from systemd or --from launchd)" \
  "$(cat "$work/err")"

# What was imported runs: a launchd job, through `daemonize run` with a real child.
mkdir -p "$work/job-logs"
cat > "$work/hello.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
  <key>Label</key><string>local.hello</string>
  <key>ProgramArguments</key>
  <array><string>/bin/sh</string><string>-c</string><string>echo "launchd job ran: \$0"</string></array>
  <key>StandardOutPath</key><string>$work/job-logs/hello.out</string>
</dict>
</plist>
PLIST
"$daemonize" import "$work/hello.plist" -o "$work/job" 2>/dev/null
check "import hello.plist exit" 0 $?
timeout 30 "$daemonize" run "$work/job/local.hello.toml" >/dev/null 2>"$work/job.err"; code=$?
check "run the imported job exit" 0 $code
check "the job's output in its StandardOutPath" 'launchd job ran: /bin/sh' \
  "$(cat "$work/job-logs/hello.out" 2>/dev/null)"

# What was imported runs: a supervisord program, through `daemonize run` with a real child.
mkdir -p "$work/run-logs"
cat > "$work/hello.conf" <<CONF
[program:hello]
command=/bin/sh -c "echo imported-and-running; exit 0"
autorestart=false
stdout_logfile=$work/run-logs/hello.log
CONF
"$daemonize" import "$work/hello.conf" -o "$work/run" 2>/dev/null
check "import hello exit" 0 $?
timeout 30 "$daemonize" run "$work/run/hello.toml" >/dev/null 2>"$work/run.err"; code=$?
check "run the imported manifest exit" 0 $code
check "the program's output in the imported log file" "imported-and-running" \
  "$(cat "$work/run-logs/hello.log" 2>/dev/null)"
# PM2: an ecosystem.config.js is refused at line 1 with the way to JSON; a YAML one is detected
# by its name, and what it imports runs.
cp "$here/pm2/ecosystem.config.js" "$work/ecosystem.config.js"
"$daemonize" import "$work/ecosystem.config.js" >/dev/null 2>"$work/err"; code=$?
check "pm2 javascript exit" 65 $code
check "pm2 javascript message" "$work/ecosystem.config.js:1: error: a JavaScript ecosystem file is a program, not data: write it out as JSON first, e.g. node -e 'console.log(JSON.stringify(require(\"./ecosystem.config.js\"), null, 2))' > ecosystem.json, and import ecosystem.json" "$(cat "$work/err")"
cat > "$work/ecosystem.yml" <<YAML
apps:
  - name: greeter
    script: /bin/sh
    args: ["-c", "echo \$GREETING from pm2; exit 0"]
    autorestart: false
    env:
      GREETING: hello
    out_file: $work/pm2-logs/greeter.log
YAML
mkdir -p "$work/pm2-logs"
"$daemonize" import "$work/ecosystem.yml" -o "$work/pm2" 2>"$work/report"; code=$?
check "pm2 import exit" 0 $code
check "pm2 report" "$work/ecosystem.yml:2: carried: name — service.name
$work/ecosystem.yml:3: carried: script — service.command, service.args
$work/ecosystem.yml:4: carried: args — service.args
$work/ecosystem.yml:5: carried: autorestart — restart.policy = \"never\"
$work/ecosystem.yml:7: carried: env.GREETING — env.GREETING
$work/ecosystem.yml:8: carried: out_file — logs.directory + logs.stdout
daemonize: wrote $work/pm2/greeter.toml" "$(cat "$work/report")"
timeout 30 "$daemonize" run "$work/pm2/greeter.toml" >/dev/null 2>"$work/run.err"; code=$?
check "run the imported pm2 app exit" 0 $code
check "the pm2 app's output in its out_file" "hello from pm2" \
  "$(cat "$work/pm2-logs/greeter.log" 2>/dev/null)"
# Windows definitions: a UTF-16LE registry export as regedit writes it, and WinSW XML; the
# kind is detected from the extension, a password is reported and never written.
"$daemonize" import "$here/nssm/grafana.reg" >"$work/grafana.toml" 2>"$work/report"; code=$?
check "nssm .reg exit" 0 $code
check "nssm .reg report" "$here/nssm/grafana.reg:17: carried: Application — service.command" \
  "$(grep ':17:' "$work/report")"
grep -q '^command = "C:\\\\Program Files\\\\GrafanaLabs\\\\grafana\\\\bin\\\\grafana-server.exe"$' "$work/grafana.toml"
check "nssm command" 0 $?
"$daemonize" validate "$work/grafana.toml" >/dev/null 2>&1
check "nssm manifest validates" 0 $?
"$daemonize" render "$work/grafana.toml" --target windows-service >/dev/null 2>&1
check "nssm manifest renders for windows-service" 0 $?
"$daemonize" import --strict "$here/winsw/jenkins.xml" -o "$work/winsw" >/dev/null 2>"$work/err"; code=$?
check "winsw --strict exit" 65 $code
grep -q "^$here/winsw/jenkins.xml:20: dropped: serviceaccount/password — a password is never copied" "$work/err"
check "winsw password reported" 0 $?
"$daemonize" import "$here/winsw/jenkins.xml" -o "$work/winsw" >/dev/null 2>&1
check "winsw -o exit" 0 $?
grep -q "Winter2024" "$work/winsw/jenkins.toml"
check "winsw password not written" 1 $?
printf '<service>\n  <id>x</id>\n  <executable>C:\\x.exe</executable>\n</servce>\n' > "$work/bad.xml"
"$daemonize" import "$work/bad.xml" >/dev/null 2>"$work/err"; code=$?
check "broken WinSW XML exit" 65 $code
check "broken WinSW XML message" "$work/bad.xml:4: error: </servce> does not close <service> of line 1" "$(cat "$work/err")"
# What daemonize rendered for Windows, read back: the kind detected from the content, the
# manifest the watchdog runs found next to the script, the registration's settings set over it.
root=$(cd "$here/../.." && pwd)
"$daemonize" render "$root/examples/windows-service.toml" --target windows-service -o "$work/ws" >/dev/null 2>&1
script=$(ls "$work"/ws/*/install-payments.cmd)
"$daemonize" import "$script" >/dev/null 2>"$work/err"; code=$?
check "windows-service script without its manifest exit" 65 $code
check "windows-service script without its manifest message" \
  "$script:19: error: the service runs the daemonize watchdog on C:\\ProgramData\\daemonize\\payments.toml, which holds the program: put payments.toml next to the script to import both" \
  "$(tail -1 "$work/err")"
sed -e 's/start = "delayed-auto"/start = "demand"/' -e 's/^display_name = .*/display_name = "Old name"/' \
  "$root/examples/windows-service.toml" > "$(dirname "$script")/payments.toml"
"$daemonize" import "$script" -o "$work/ws-out" >/dev/null 2>"$work/report"; code=$?
check "windows-service script exit" 0 $code
check "windows-service script report" "$script:19: carried: start= — windows.start = \"delayed-auto\"" \
  "$(grep ': start= ' "$work/report")"
grep -q '^start = "delayed-auto"$' "$work/ws-out/payments.toml" && grep -q '^display_name = "Payments API"$' "$work/ws-out/payments.toml"
check "the script's settings win over the manifest's" 0 $?
"$daemonize" validate "$work/ws-out/payments.toml" >/dev/null 2>&1
check "windows-service import validates" 0 $?
"$daemonize" render "$root/tests/manifests/windows/native-task.toml" --target windows-task -o "$work/wt" >/dev/null 2>&1
xml=$(ls "$work"/wt/*/*.xml)
"$daemonize" import "$xml" >"$work/task.toml" 2>"$work/report"; code=$?
check "windows-task XML (UTF-16, native) exit" 0 $code
grep -q '^supervisor = "native"$' "$work/task.toml"
check "windows-task native supervisor" 0 $?
grep -q ": carried: Command — service.command$" "$work/report"
check "windows-task Command reported" 0 $?
printf '<?xml version="1.0"?>\n<Task xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\n<Actions>\n</Task>\n' > "$work/broken-task.xml"
"$daemonize" import "$work/broken-task.xml" >/dev/null 2>"$work/err"; code=$?
check "broken task XML exit" 65 $code
check "broken task XML message" "$work/broken-task.xml:4: error: </Task> does not close <Actions> of line 3" "$(cat "$work/err")"
exit $fail
