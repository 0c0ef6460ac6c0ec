#!/usr/bin/env bash
# The daemonize.daemonize collection builds with ansible-galaxy, ships its plugins and role, its
# module documentation parses (ansible-doc), and ansible-lint passes (ansible/.ansible-lint).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
collection=$(cd "$here/../../ansible" && pwd)
for tool in ansible-galaxy ansible-doc ansible-lint; do
  [ -x "/usr/bin/$tool" ] || { echo "skipped: $tool is missing (scripts/install-deps.sh)"; exit 77; }
done
work=$(mktemp -d /tmp/daemonize-fleet-lint.XXXXXX)
trap 'rm -rf "$work"' EXIT

/usr/bin/ansible-galaxy collection build "$collection" --output-path "$work"
tarball=$work/daemonize-daemonize-$(awk '$1 == "version:" {print $2}' "$collection/galaxy.yml").tar.gz
tar -tzf "$tarball" | sort > "$work/contents"
for expected in MANIFEST.json FILES.json README.md meta/runtime.yml \
    plugins/modules/deploy.py plugins/modules/win_deploy.ps1 plugins/modules/win_deploy.py \
    plugins/modules/info.py \
    plugins/action/deploy.py roles/install/tasks/main.yml roles/install/meta/argument_specs.yml; do
  grep -qx "$expected" "$work/contents" || { echo "FAILED: $expected is not in $tarball"; exit 1; }
done
if grep -q '^\.ansible-lint$' "$work/contents"; then
  echo "FAILED: the tarball ships .ansible-lint"; exit 1
fi
echo "ok: $tarball has the plugins and the role"

# ansible-doc parses DOCUMENTATION/EXAMPLES/RETURN from the installed collection.
ANSIBLE_COLLECTIONS_PATH=$work/collections \
  /usr/bin/ansible-galaxy collection install "$tarball" -p "$work/collections" >/dev/null
for module in deploy win_deploy info; do
  ANSIBLE_COLLECTIONS_PATH=$work/collections /usr/bin/ansible-doc "daemonize.daemonize.$module" \
    > "$work/doc-$module.txt"
  grep -qi "^> daemonize.daemonize.$module" "$work/doc-$module.txt" ||
    { echo "FAILED: ansible-doc daemonize.daemonize.$module"; cat "$work/doc-$module.txt"; exit 1; }
done
echo "ok: ansible-doc reads the modules"

# docs/fleet.md's inventory and playbook parse, against the installed collection.
docs=$here/../../docs/fleet.md
mkdir -p "$work/docs/files"
awk '/^```ini$/ {on=1; next} /^```$/ {on=0} on' "$docs" > "$work/docs/inventory.ini"
awk '/^```yaml$/ {n++; on=(n==1); next} /^```$/ {on=0} on' "$docs" > "$work/docs/site.yml"
grep -q '^# site.yml$' "$work/docs/site.yml" || { echo "FAILED: no site.yml block in $docs"; exit 1; }
grep -q '^\[windows\]$' "$work/docs/inventory.ini" || { echo "FAILED: no inventory in $docs"; exit 1; }
(cd "$work/docs" && ANSIBLE_COLLECTIONS_PATH=$work/collections \
  /usr/bin/ansible-playbook -i inventory.ini site.yml --syntax-check &&
  ANSIBLE_COLLECTIONS_PATH=$work/collections \
  /usr/bin/ansible-playbook -i inventory.ini site.yml --list-hosts) > "$work/docs.out"
grep -q 'pay-win-10.example.net' "$work/docs.out" && grep -q 'pay-lin-20.example.net' "$work/docs.out" ||
  { echo "FAILED: docs/fleet.md's play does not reach both groups"; cat "$work/docs.out"; exit 1; }
echo "ok: docs/fleet.md's playbook parses and targets both groups"

cd "$collection"
NO_COLOR=1 /usr/bin/ansible-lint --nocolor
