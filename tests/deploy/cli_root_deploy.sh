#!/usr/bin/env bash
# The deploy CLI without a service manager: --output-dir (review bundle) and --root (install
# under a directory, no manager command), then idempotence, --dry-run, diff exit codes, remove.
# Usage: cli_root_deploy.sh DAEMONIZE MANIFEST
set -uo pipefail
daemonize=${1:?daemonize binary}
manifest=${2:?manifest}
work=$(mktemp -d "${TMPDIR:-/tmp}/daemonize-deploy-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }

cp "$manifest" "$work/service.toml"
name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$work/service.toml" | head -n1)

# --output-dir: the rendered unit, the manifest and INSTALL.md, nothing else.
"$daemonize" deploy "$work/service.toml" --output-dir "$work/out" >"$work/log" 2>&1 ||
  { cat "$work/log"; fail "deploy --output-dir exited $?"; }
[ "$(ls "$work/out" | sort | tr '\n' ' ')" = "INSTALL.md $name.service $name.toml " ] ||
  fail "unexpected bundle: $(ls "$work/out" | tr '\n' ' ')"
grep -q "^ExecStart=/usr/local/bin/daemonize run /etc/daemonize/$name.toml$" "$work/out/$name.service" ||
  fail "the bundled unit does not run the installed manifest"
grep -q "systemctl enable $name.service" "$work/out/INSTALL.md" || fail "INSTALL.md lacks systemctl enable"
grep -q "install -D -m 0644 -o root -g root $name.service /etc/systemd/system/$name.service" "$work/out/INSTALL.md" ||
  fail "INSTALL.md lacks the unit install command"
pass "--output-dir: unit, manifest and INSTALL.md with the exact commands"

# --root: everything under the directory, receipt included.
root=$work/root
"$daemonize" deploy "$work/service.toml" --root "$root" >"$work/log" 2>&1 ||
  { cat "$work/log"; fail "deploy --root failed"; }
for path in /etc/systemd/system/$name.service /etc/daemonize/$name.toml /usr/local/bin/daemonize \
  /var/lib/daemonize/$name.json; do
  [ -f "$root$path" ] || fail "deploy --root did not write $path"
done
[ "$(stat -c %a "$root/etc/daemonize/$name.toml")" = 640 ] || fail "the installed manifest is not 0640"
cmp -s "$daemonize" "$root/usr/local/bin/daemonize" || fail "the installed binary differs from this one"
grep -q "write /etc/systemd/system/$name.service: new" "$work/log" || fail "the plan did not list the unit as new"
pass "--root: unit, manifest, binary and receipt installed under DIR"

"$daemonize" deploy "$work/service.toml" --root "$root" >"$work/log" 2>&1 || fail "second deploy failed"
[ "$(cat "$work/log" | grep -v '^daemonize: --target auto')" = "$name: up to date" ] ||
  { cat "$work/log"; fail "second deploy was not 'up to date'"; }
"$daemonize" deploy "$work/service.toml" --root "$root" --dry-run >"$work/log" 2>/dev/null ||
  fail "deploy --dry-run on an unchanged service exited non-zero"
grep -q '^[-+@]' "$work/log" && { cat "$work/log"; fail "--dry-run printed a diff for an unchanged service"; }
"$daemonize" diff "$work/service.toml" --root "$root" >"$work/log" 2>/dev/null
[ $? = 0 ] || fail "diff of an unchanged service did not exit 0"
pass "idempotent: second deploy up to date, --dry-run no diff, diff exits 0"

sed -i 's/^description = .*/description = "Changed for the test"/' "$work/service.toml"
"$daemonize" diff "$work/service.toml" --root "$root" >"$work/log" 2>/dev/null
code=$?
[ $code = 1 ] || fail "diff after a manifest change exited $code, not 1"
grep -q '^+description = "Changed for the test"' "$work/log" || { cat "$work/log"; fail "the diff lacks the change"; }
before=$(cat "$root/etc/daemonize/$name.toml")
"$daemonize" deploy "$work/service.toml" --root "$root" --dry-run >/dev/null 2>&1 || fail "--dry-run failed"
[ "$before" = "$(cat "$root/etc/daemonize/$name.toml")" ] || fail "--dry-run changed the installed manifest"
"$daemonize" deploy "$work/service.toml" --root "$root" >/dev/null 2>&1 || fail "deploy of the change failed"
grep -q 'Changed for the test' "$root/etc/daemonize/$name.toml" || fail "the change was not installed"
pass "diff exits 1 after a manifest change with a unified diff; --dry-run changes nothing"

touch "$root/etc/unrelated.conf"
"$daemonize" remove "$name" --root "$root" >"$work/log" 2>&1 || { cat "$work/log"; fail "remove failed"; }
for path in /etc/systemd/system/$name.service /etc/daemonize/$name.toml /var/lib/daemonize/$name.json; do
  [ ! -e "$root$path" ] || fail "remove left $path"
done
[ -f "$root/etc/unrelated.conf" ] && [ -f "$root/usr/local/bin/daemonize" ] || fail "remove deleted more than the receipt lists"
"$daemonize" remove "$name" --root "$root" >/dev/null 2>&1
[ $? = 66 ] || fail "remove of a service that is not installed did not exit 66"
pass "remove: exactly the receipt's files, then the receipt"
