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

cd "$collection"
NO_COLOR=1 /usr/bin/ansible-lint --nocolor
