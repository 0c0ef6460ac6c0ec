#!/usr/bin/env bash
# `daemonize init` prints a commented starter manifest that validates — as printed, with every
# commented-out key uncommented (so the defaults it shows are valid too), for a Windows command,
# and written with -o. Bad --name/--command values are usage errors (exit 2), not broken files.
# usage: init_validates.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
daemonize=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expect_valid() {  # FILE [validate flags...]
  local file=$1
  shift
  local output
  output=$("$daemonize" validate "$file" "$@" 2>&1) || fail "daemonize validate $file $* failed:
$output
--- $file:
$(cat -n "$file")"
  echo "ok: validate $(basename "$file") $*"
}

"$daemonize" init >"$work/default.toml" || fail "daemonize init exited $?"
grep -q '^# ' "$work/default.toml" || fail "the starter manifest has no comments"
grep -q '^name = "my-service"' "$work/default.toml" || fail "default name is not my-service"
for target in systemd launchd cron; do expect_valid "$work/default.toml" --target "$target"; done

"$daemonize" init --name payments --command /opt/payments/bin/server >"$work/payments.toml" ||
  fail "init --name --command exited $?"
grep -q '^name = "payments"' "$work/payments.toml" || fail "--name was not used"
grep -q '^command = "/opt/payments/bin/server"' "$work/payments.toml" || fail "--command was not used"
expect_valid "$work/payments.toml" --target systemd

# The service name comes from the command's file name when --name is not given; `$` is escaped.
"$daemonize" init --command '/opt/x/bin/Web_API$v2' >"$work/derived.toml" || fail "init --command exited $?"
grep -q '^name = "Web_APIv2"' "$work/derived.toml" || fail "name not derived from --command: $(grep '^name' "$work/derived.toml")"
grep -q '^command = "/opt/x/bin/Web_API\$\$v2"' "$work/derived.toml" || fail "'\$' in --command not written as '\$\$'"
json=$("$daemonize" validate "$work/derived.toml" --json) || fail "derived manifest invalid: $json"
python3 -c 'import json,sys; s=json.loads(sys.argv[1])["service"]["service"]; assert s["command"]=="/opt/x/bin/Web_API$$v2", s["command"]' "$json" ||
  fail "the command does not read back exactly"

# Every commented key line and table header, uncommented, still validates.
sed -E -e 's/^# (\[[a-z.]+\])( .*)?$/\1/' -e 's/^# ([a-z_]+ = .*)$/\1/' "$work/payments.toml" >"$work/uncommented.toml"
uncommented=$(grep -cvE '^(#|$)' "$work/uncommented.toml")
active=$(grep -cvE '^(#|$)' "$work/payments.toml")
((uncommented > active + 20)) || fail "uncommenting enabled only $((uncommented - active)) lines"
expect_valid "$work/uncommented.toml" --target systemd --target launchd

# A Windows command goes to [os.windows] and serves the Windows targets.
"$daemonize" init --command 'C:\Program Files\App\app.exe' >"$work/windows.toml" || fail "init with a Windows path exited $?"
expect_valid "$work/windows.toml" --target windows-service --target systemd

# -o writes the file and refuses to overwrite it without --force.
"$daemonize" init -n written -o "$work/written.toml" 2>/dev/null || fail "init -o exited $?"
expect_valid "$work/written.toml"
"$daemonize" init -n again -o "$work/written.toml" 2>/dev/null
[ $? -eq 73 ] || fail "init -o over an existing file did not exit 73"
grep -q '^name = "written"' "$work/written.toml" || fail "init -o overwrote the file without --force"
# The header's commands name the file written, not <name>.toml.
grep -qx "# Check it:   daemonize validate $work/written.toml --target systemd" "$work/written.toml" ||
  fail "init -o: the header does not name $work/written.toml: $(sed -n 3p "$work/written.toml")"
"$daemonize" init -n plain | grep -qx "# Check it:   daemonize validate plain.toml --target systemd" ||
  fail "init to stdout: the header does not name plain.toml"
"$daemonize" init -n again -o "$work/written.toml" --force 2>/dev/null || fail "init -o --force exited $?"
grep -q '^name = "again"' "$work/written.toml" || fail "--force did not overwrite"

# The program's arguments after --, --env, --user and --health-url land in the manifest exactly:
# what the loader reads back is what was typed ($ written as $$, quotes and tabs escaped).
"$daemonize" init --name api --command /usr/bin/api --env PORT=8080 --env 'GREETING=hi $USER "x"' \
  --user www-data --health-url http://127.0.0.1:8080/healthz -- --port 8080 --verbose 'two words' \
  "$(printf 'tab\there')" '--env' >"$work/api.toml" || fail "init with arguments exited $?"
expect_valid "$work/api.toml" --target systemd --target launchd --target cron
json=$("$daemonize" validate "$work/api.toml" --json) || fail "api manifest invalid: $json"
python3 - "$json" <<'PY' || fail "init's flags do not read back exactly:
$(cat -n "$work/api.toml")"
import json, sys
model = json.loads(sys.argv[1])["service"]
service = model["service"]
assert service["args"] == ["--port", "8080", "--verbose", "two words", "tab\there", "--env"], service["args"]
assert service["user"] == "www-data", service["user"]
assert model["env"] == {"PORT": "8080", "GREETING": 'hi $$USER "x"'}, model["env"]
assert model["health"]["check"] == "http" and model["health"]["url"] == "http://127.0.0.1:8080/healthz", model["health"]
PY
grep -qx 'args = \["--port", "8080", "--verbose", "two words", "tab\\there", "--env"\]  *# each element is exactly one argument' "$work/api.toml" ||
  fail "args line: $(grep '^args' "$work/api.toml")"
# The program really gets them: `run` starts it with exactly these arguments.
"$daemonize" init --name echo --command /bin/sh --env GREETING=hello -- -c 'printf "%s|" "$0" "$GREETING" >"$1"' probe "$work/ran" >"$work/echo.toml" ||
  fail "init for a real child exited $?"
sed -i -e 's/^policy = "on-failure"/policy = "never"/' -e "s|^# directory = .*|directory = \"$work/logs\"|" "$work/echo.toml"
timeout 20 "$daemonize" run "$work/echo.toml" >/dev/null 2>&1
[ "$(cat "$work/ran" 2>/dev/null)" = "probe|hello|" ] || fail "the program did not get its arguments and env: $(cat "$work/ran" 2>&1)"
# Uncommenting the rest still validates with [health] and user set.
sed -E -e 's/^# (\[[a-z.]+\])( .*)?$/\1/' -e 's/^# ([a-z_]+ = .*)$/\1/' "$work/api.toml" >"$work/api-uncommented.toml"
expect_valid "$work/api-uncommented.toml" --target systemd

# A value the manifest refuses is a usage error naming the flag; nothing is printed on stdout.
expect_refused() {  # EXPECTED-STDERR ARGS...
  local expected=$1 output code
  shift
  output=$("$daemonize" init "$@" 2>&1 >"$work/refused.out")
  code=$?
  [ $code -eq 2 ] || fail "init $* exited $code, expected 2"
  [ "$output" = "$expected" ] || fail "init $*: expected [$expected] got [$output]"
  [ ! -s "$work/refused.out" ] || fail "init $* printed a manifest"
  echo "ok: init $* refused"
}
expect_refused "daemonize: --env takes KEY=VALUE, got 'PORT'" --env PORT
expect_refused "daemonize: --env: [env] name '1ST' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)" --env 1ST=x
expect_refused "daemonize: --env PORT is given twice" --env PORT=1 --env PORT=2
expect_refused "daemonize: --user: 'service.user' is not a valid account name: 'bad:user'" --user bad:user
expect_refused "daemonize: --health-url: 'health.url' must start with http:// (https is not supported by the probe), got 'https://x/'" --health-url https://x/

for bad in "--name=bad name" "--name=-x" "--command=relative/path" "--command=bin"; do
  "$daemonize" init "$bad" >/dev/null 2>&1
  code=$?
  [ $code -eq 2 ] || fail "init $bad exited $code, expected 2"
done
echo "PASS: daemonize init output validates (plain, uncommented, Windows, -o, arguments, env, user, health), bad values exit 2"
