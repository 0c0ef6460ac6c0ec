#!/usr/bin/env bash
# The validate command's contract (cli.md): exit codes, diagnostic lines, --json.
set -u
daemonize=$1; root=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL $1: expected [$2] got [$3]"; fail=1; else echo "ok   $1"; fi
}

for example in "$root"/examples/*.toml; do
  "$daemonize" validate "$example" >/dev/null 2>&1
  check "validate $(basename "$example")" 0 $?
done

cat > "$work/service.toml" <<'TOML'
[service]
name = "payments"
command = "/opt/payments/bin/server"
args = ["--port", "8080"]

[restart]
polcy = "always"
TOML
out=$("$daemonize" validate "$work/service.toml" 2>&1 >/dev/null); code=$?
check "unknown key exit" 65 $code
check "unknown key line" "$work/service.toml:7:1: error: unknown key 'polcy' in [restart]; did you mean 'policy'?" "$out"

"$daemonize" validate "$work/missing.toml" >/dev/null 2>&1
check "missing file exit" 66 $?
"$daemonize" validate >/dev/null 2>&1
check "usage exit" 2 $?
"$daemonize" validate "$work/service.toml" --target no-such-target >/dev/null 2>&1
check "unknown target exit" 2 $?

printf '[service]\nname = "payments"\ncommand = "/bin/true"\n' > "$work/minimal.toml"
json=$("$daemonize" validate --json "$work/minimal.toml"); code=$?
check "json exit" 0 $code
delay=$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], d["service"]["restart"]["delay_ms"], d["service"]["logs"]["directory"], len(d["diagnostics"]))')
check "json normalized model" "True 1000 /var/log/payments 0" "$delay"

json=$("$daemonize" validate --json "$work/service.toml"); code=$?
check "json invalid exit" 65 $code
first=$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); x=d["diagnostics"][0]; print(d["ok"], x["severity"], x["line"], x["column"], x["key"])')
check "json diagnostics" "False error 7 1 restart.polcy" "$first"

"$daemonize" --version | head -1 | grep -q '^daemonize [0-9]' ; check "--version" 0 $?
exit $fail
