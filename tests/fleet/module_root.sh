#!/usr/bin/env bash
# The deploy and info modules of the daemonize.daemonize collection against this host with
# `root:` (daemonize deploy --root DIR, no service manager), through ansible-playbook -c local.
# Usage: module_root.sh DAEMONIZE_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=$(realpath "$1")
for tool in /usr/bin/ansible-playbook; do
  [ -x "$tool" ] || { echo "skipped: $tool is missing (scripts/install-deps.sh)"; exit 77; }
done
work=$(mktemp -d /tmp/daemonize-fleet-root.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The collection straight from the source tree.
mkdir -p "$work/collections/ansible_collections/daemonize"
ln -s "$here/../../ansible" "$work/collections/ansible_collections/daemonize/daemonize"
cp "$here"/manifests/{greeter,greeter-v2,broken}.toml "$work/"
export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_LOCAL_TEMP=$work/ansible-local \
  ANSIBLE_REMOTE_TEMP=$work/ansible-remote ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
  ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCALHOST_WARNING=0 \
  ANSIBLE_INVENTORY_UNPARSED_WARNING=0
/usr/bin/ansible-playbook -c local -i localhost, "$here/root_playbook.yml" \
  -e "work=$work" -e "daemonize_binary=$binary"
