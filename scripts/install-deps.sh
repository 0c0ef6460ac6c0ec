#!/usr/bin/env bash
# Installs every Debian package listed in scripts/deps/*.txt and the npm packages of
# tests/validators (when present). Idempotent: installs only what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

mapfile -t wanted < <(cat "$here"/deps/*.txt | sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
  # Keep package installs from starting daemons (supervisor, runit...) on the host.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all ${#wanted[@]} Debian packages present"
fi

if [ -f "$root/tests/validators/package.json" ]; then
  if [ ! -d "$root/tests/validators/node_modules" ] || \
     [ "$root/tests/validators/package.json" -nt "$root/tests/validators/node_modules" ]; then
    echo "install-deps: npm install in tests/validators"
    (cd "$root/tests/validators" && npm install --no-audit --no-fund --loglevel=error)
    touch "$root/tests/validators/node_modules"
  fi
fi
