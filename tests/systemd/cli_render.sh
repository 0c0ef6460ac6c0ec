#!/usr/bin/env bash
# The systemd target through the CLI (acceptance of issue 3):
#  - `daemonize render examples/X.toml --target systemd -o DIR` writes DIR/systemd/<name>.service,
#    and systemd-analyze verify accepts it (rendered with --daemonize-path /bin/true, which exists);
#  - a manifest with only a Windows command cannot be rendered for systemd (exit 65);
#  - a description carrying "\n[Service]\nExecStartPre=..." fails validate with exit 65 at its
#    line:col; the same text in an [env] value or an argument renders a unit with exactly the
#    intended keys.
# Usage: cli_render.sh DAEMONIZE SOURCE_DIR
set -uo pipefail
daemonize=${1:?daemonize binary}
source_dir=${2:?source dir}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

have_analyze=1
if ! command -v systemd-analyze >/dev/null 2>&1; then
  [ "${CI:-}" = "true" ] && { echo "FAIL: systemd-analyze missing (package systemd)" >&2; exit 1; }
  echo "note: systemd-analyze missing; rendered units are not verified" >&2
  have_analyze=0
fi
# verify UNIT [ALLOWED_LINE_REGEX]: exit 0 and no output except lines matching the regex.
verify() {
  [ $have_analyze = 1 ] || return 0
  local allowed=${2:-^$}
  local scope=()
  grep -qx 'WantedBy=default.target' "$1" && scope=(--user)
  mkdir -p "$work/runtime" && chmod 700 "$work/runtime"
  local output
  output=$(cd "$work" && XDG_RUNTIME_DIR="$work/runtime" systemd-analyze "${scope[@]}" verify "$1" 2>&1)
  local status=$?
  output=$(grep -vE "$allowed" <<<"$output")
  [ $status -eq 0 ] && [ -z "$output" ] || { echo "$output" >&2; return 1; }
}

# 1. Every example whose command is a POSIX path renders to DIR/systemd/<name>.service.
for example in "$source_dir"/examples/*.toml; do
  name=$(awk -F'"' '/^name *=/ {print $2; exit}' "$example")
  out=$work/out-$(basename "$example" .toml)
  "$daemonize" render "$example" --target systemd -o "$out" --daemonize-path /bin/true \
    >"$work/log" 2>&1
  status=$?
  if grep -qE "^command = '[A-Za-z]:\\\\" "$example" && ! grep -q '^\[os.linux\]' "$example"; then
    [ $status -eq 65 ] && ok "$(basename "$example"): Windows-only command refused (65)" ||
      fail "$(basename "$example"): expected exit 65 for a Windows-only command, got $status"
    continue
  fi
  if [ $status -ne 0 ] || [ ! -f "$out/systemd/$name.service" ]; then
    fail "$(basename "$example"): render exit $status, no $out/systemd/$name.service"
    cat "$work/log" >&2
    continue
  fi
  # systemd-analyze's one complaint about User=nobody is expected: the renderer warns about it.
  allowed='^$'
  if grep -qx 'user = "nobody"' "$example"; then
    allowed='Special user nobody configured, this is not safe!$'
    grep -q "warning: systemd: systemd warns that User=nobody" "$work/log" ||
      fail "$(basename "$example"): no renderer warning for user = \"nobody\""
  fi
  if ! verify "$out/systemd/$name.service" "$allowed"; then
    fail "$(basename "$example"): systemd-analyze verify rejected the unit"
  else
    ok "$(basename "$example") -> systemd/$name.service (verified)"
  fi
done

# 2. A description that would inject a key: exit 65 at the value's line:col.
injection='x\n[Service]\nExecStartPre=/bin/false'
printf '[service]\nname = "inject"\ncommand = "/bin/true"\ndescription = "%s"\n' "$injection" >"$work/description.toml"
output=$("$daemonize" validate "$work/description.toml" --target systemd 2>&1)
status=$?
if [ $status -eq 65 ] && grep -q "description.toml:4:15: error:" <<<"$output"; then
  ok "description injection: validate exit 65 at 4:15"
else
  fail "description injection: expected exit 65 at 4:15, got $status: $output"
fi

# 3. The same text in an env value and an argument (native mode): only the intended keys.
printf '[service]\nname = "inject"\ncommand = "/bin/true"\nsupervisor = "native"\nargs = ["%s"]\n[restart]\nmultiplier = 1.0\n[logs]\nstdout = "inherit"\nstderr = "inherit"\n[env]\nX = "%s"\n' \
  "$injection" "$injection" >"$work/env.toml"
if "$daemonize" render "$work/env.toml" --target systemd -o "$work/env-out" >"$work/log" 2>&1; then
  unit=$work/env-out/systemd/inject.service
  keys=$(grep -vE '^(#|$|\[)' "$unit" | cut -d= -f1 | sort | tr '\n' ' ')
  expected="Description Environment ExecReload ExecStart KillSignal Restart RestartSec StandardError StandardOutput StartLimitBurst StartLimitIntervalSec TimeoutStopSec Type WantedBy "
  sections=$(grep -E '^\[' "$unit" | tr '\n' ' ')
  if [ "$keys" = "$expected" ] && [ "$sections" = "[Unit] [Service] [Install] " ] && verify "$unit"; then
    ok "env/arg injection: exactly the intended keys and sections"
  else
    fail "env/arg injection: keys '$keys' sections '$sections'"
    cat "$unit" >&2
  fi
else
  fail "env/arg injection: render failed"
  cat "$work/log" >&2
fi

[ $failures -eq 0 ] && echo "all passed" || { echo "$failures failures" >&2; exit 1; }
