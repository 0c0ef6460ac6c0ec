#!/usr/bin/env bash
# e2e: the injection matrix's args and [env] cases as native units in ONE booted systemd 252
# container (tests/e2e/lib.sh); each unit runs recorder.cpp, which records argv + environment.
# Usage: systemd_e2e.sh DAEMONIZE RECORDER
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
recorder=${2:?static recorder}
source "$here/../e2e/lib.sh"
e2e_init

python3 "$here/systemd_e2e.py" prepare "$daemonize" "$E2E_WORK" || e2e_fail "prepare failed"
e2e_copy_in "$recorder" /usr/local/bin/inj-recorder 0755
mkdir -p "$E2E_ROOT/etc/systemd/system"
cp "$E2E_WORK"/units/*.service "$E2E_ROOT/etc/systemd/system/"
units=$(cd "$E2E_WORK/units" && ls)
count=$(echo "$units" | wc -l)
e2e_boot
# shellcheck disable=SC2086 # one word per unit name
e2e_run systemctl start --no-block $units || e2e_fail "systemctl start failed"
done_count() { e2e_run sh -c 'ls /run/inj/*.done 2>/dev/null | wc -l'; }
deadline=$((SECONDS + 60))
while [ "$(done_count)" -lt "$count" ] && ((SECONDS < deadline)); do sleep 0.5; done
mkdir -p "$E2E_WORK/recorded"
e2e_run tar -C /run/inj -cf - . | tar -C "$E2E_WORK/recorded" -xf -
python3 "$here/systemd_e2e.py" check "$E2E_WORK" || e2e_fail "argv or environment differ"
e2e_pass "injection matrix: $count units in a real systemd"
