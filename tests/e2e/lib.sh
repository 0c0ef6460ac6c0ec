# Container harness for end-to-end tests against a real systemd 252 (Debian 12).
# Source it from a bash test script:
#
#   source "$(dirname "$0")/lib.sh"
#   e2e_init                      # checks root + tools + cached rootfs; exits 77 (skip) or 1 (CI)
#   e2e_copy_in ./helper /usr/local/bin/helper 0755   # before or after boot
#   e2e_copy_in_with_libraries ./daemonize /usr/local/bin/daemonize  # + missing shared libs
#   e2e_boot                      # boots systemd in a throw-away overlay, waits for `running`
#   e2e_install_unit out/systemd/x.service            # copies + daemon-reload
#   e2e_run systemctl start x.service                 # runs a command inside the container
#   e2e_wait_until 10 e2e_run test -e /run/done       # polls a command until it succeeds
#   e2e_pass "message" / e2e_fail "message"
#   (user services: e2e_enable_user_managers, e2e_start_user_manager, e2e_run_as_user below)
#
# The cached rootfs (scripts/prepare.d/rootfs.sh) is never written to: each boot runs on an
# overlay whose upper layer lives in a temporary directory, removed on exit with the container
# (trap). Helpers run inside through nsenter; the rootfs has none of the host's shared
# libraries, so copy in statically linked programs only.
#
# Variables after e2e_boot: E2E_ROOT (the container's / seen from the host, writable),
# E2E_LEADER (host PID of the container's systemd), E2E_WORK (scratch directory on the host).

E2E_ROOTFS=${DAEMONIZE_E2E_ROOTFS:-${DAEMONIZE_CACHE:-/var/cache/daemonize}/rootfs-bookworm-v1}
E2E_BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-90}
E2E_WORK=""
E2E_ROOT=""
E2E_LEADER=""
E2E_NSPAWN_PID=""
E2E_MOUNTED=0
E2E_MACHINE=""

e2e_log() { echo "e2e: $*" >&2; }

e2e_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

e2e_pass() { echo "PASS: $*"; }

# Skip (77) with a visible reason, except under CI=true where a missing prerequisite fails.
e2e_unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: $* (required under CI=true)" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  exit 77
}

e2e_init() {
  [ "$(id -u)" -eq 0 ] || e2e_unavailable "the systemd container tests need root"
  local tool
  for tool in systemd-nspawn nsenter mount umount; do
    command -v "$tool" >/dev/null 2>&1 ||
      e2e_unavailable "$tool is missing (scripts/install-deps.sh installs systemd-container, util-linux)"
  done
  [ -f "$E2E_ROOTFS/.daemonize-rootfs-complete" ] ||
    e2e_unavailable "no container rootfs at $E2E_ROOTFS (run scripts/prepare.d/rootfs.sh)"
  E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/daemonize-e2e.XXXXXX")
  E2E_ROOT=$E2E_WORK/root
  mkdir -p "$E2E_WORK/upper" "$E2E_WORK/overlay-work" "$E2E_ROOT"
  trap e2e_teardown EXIT
  trap 'exit 130' INT TERM
  mount -t overlay overlay \
    -o "lowerdir=$E2E_ROOTFS,upperdir=$E2E_WORK/upper,workdir=$E2E_WORK/overlay-work" "$E2E_ROOT" ||
    e2e_fail "cannot mount an overlay over $E2E_ROOTFS"
  E2E_MOUNTED=1
}

# Copies a host file into the container's file system: e2e_copy_in SRC DEST [MODE].
e2e_copy_in() {
  local source=$1 destination=$2 mode=${3:-0644}
  mkdir -p "$E2E_ROOT$(dirname "$destination")"
  install -m "$mode" "$source" "$E2E_ROOT$destination" || e2e_fail "cannot copy $source into the container"
}

# Copies a dynamically linked host program in, with the shared libraries the rootfs lacks
# (Boost, toml++...): e2e_copy_in_with_libraries SRC DEST. Libraries the rootfs already has are
# kept (host and container are both Debian 12; the rootfs may carry newer point releases).
e2e_copy_in_with_libraries() {
  local source=$1 destination=$2 library
  e2e_copy_in "$source" "$destination" 0755
  for library in $(ldd "$source" | awk '/=>/ && $3 ~ /^\// {print $3} /^[ \t]*\// {print $1}'); do
    [ -e "$E2E_ROOT$library" ] && continue
    e2e_copy_in "$library" "$library" 0644
  done
}

# Writes stdin to a file in the container: e2e_write_file DEST [MODE] <<<content
e2e_write_file() {
  local destination=$1 mode=${2:-0644}
  mkdir -p "$E2E_ROOT$(dirname "$destination")"
  cat >"$E2E_ROOT$destination" && chmod "$mode" "$E2E_ROOT$destination"
}

# The host PID of the process inside the nspawn tree that is PID 1 of its own namespace.
e2e_find_leader() {
  local queue=("$E2E_NSPAWN_PID") pid children nspid
  while ((${#queue[@]})); do
    pid=${queue[0]}
    queue=("${queue[@]:1}")
    nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status" 2>/dev/null)
    if [ "$pid" != "$E2E_NSPAWN_PID" ] && [ "$nspid" = "1" ]; then
      echo "$pid"
      return 0
    fi
    children=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
    for child in $children; do queue+=("$child"); done
  done
  return 1
}

e2e_boot() {
  [ -n "$E2E_ROOT" ] || e2e_init
  # nspawn needs its propagation directory on a non-disk file system when the host does not
  # run systemd (verification.md).
  # Tests run in parallel (ctest -j): one mount for all of them, decided under a lock.
  mkdir -p /run/systemd/nspawn
  (
    flock 9
    mountpoint -q /run/systemd/nspawn || mount -t tmpfs tmpfs /run/systemd/nspawn
  ) 9>/run/daemonize-e2e-nspawn.lock || e2e_fail "cannot mount tmpfs on /run/systemd/nspawn"
  E2E_MACHINE="daemonize-e2e-$$-$RANDOM"
  systemd-nspawn -D "$E2E_ROOT" --machine="$E2E_MACHINE" --register=no --keep-unit \
    --private-network --console=pipe -b </dev/null >"$E2E_WORK/console.log" 2>&1 &
  E2E_NSPAWN_PID=$!

  local deadline=$((SECONDS + E2E_BOOT_TIMEOUT)) state=""
  until E2E_LEADER=$(e2e_find_leader); do
    if ! kill -0 "$E2E_NSPAWN_PID" 2>/dev/null || ((SECONDS > deadline)); then
      e2e_dump_console
      e2e_fail "systemd-nspawn did not start a container"
    fi
    sleep 0.2
  done
  while ((SECONDS <= deadline)); do
    state=$(e2e_run systemctl is-system-running 2>/dev/null)
    case "$state" in
      running) break ;;
      degraded)
        e2e_log "container is degraded; failed units:"
        e2e_run systemctl --failed --no-legend >&2
        break
        ;;
    esac
    sleep 0.3
  done
  if [ "$state" != running ] && [ "$state" != degraded ]; then
    e2e_dump_console
    e2e_fail "the container's systemd did not reach 'running' within ${E2E_BOOT_TIMEOUT}s (state: ${state:-none})"
  fi
  e2e_log "container $E2E_MACHINE is $state (leader pid $E2E_LEADER)"
}

# Runs a command inside the container with a clean environment.
e2e_run() {
  nsenter -t "$E2E_LEADER" -a \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb "$@"
}

# User services. Before e2e_boot: e2e_enable_user_managers (the minbase rootfs lacks
# libpam-systemd, which normally gives user@.service its XDG_RUNTIME_DIR). After e2e_boot:
# e2e_start_user_manager NAME UID creates the account and starts user@UID.service;
# e2e_run_as_user UID CMD... runs a command as that user with HOME and XDG_RUNTIME_DIR set
# (systemctl --user, journalctl --user, systemd-tmpfiles --user work).
e2e_enable_user_managers() {
  printf '[Service]\nEnvironment=XDG_RUNTIME_DIR=/run/user/%%i\n' |
    e2e_write_file /etc/systemd/system/user@.service.d/daemonize-e2e-runtime-dir.conf
}

e2e_start_user_manager() {
  local name=$1 uid=$2
  e2e_run useradd --create-home --uid "$uid" "$name" || e2e_fail "useradd $name failed"
  e2e_run systemctl start "user@$uid.service" ||
    { e2e_diagnose "user@$uid.service"; e2e_fail "user@$uid.service did not start"; }
}

e2e_run_as_user() {
  local uid=$1
  shift
  local home
  home=$(e2e_run getent passwd "$uid" | cut -d: -f6)
  e2e_run setpriv --reuid="$uid" --regid="$uid" --init-groups \
    env HOME="$home" XDG_RUNTIME_DIR="/run/user/$uid" "$@"
}

# Copies a unit into /etc/systemd/system (or the given directory) and reloads systemd.
e2e_install_unit() {
  local unit=$1 directory=${2:-/etc/systemd/system}
  e2e_copy_in "$unit" "$directory/$(basename "$unit")" 0644
  e2e_run systemctl daemon-reload || e2e_fail "systemctl daemon-reload failed"
}

# Polls `command...` every 0.2s until it succeeds or `seconds` pass: e2e_wait_until S CMD...
e2e_wait_until() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS > deadline)) && return 1
    sleep 0.2
  done
}

# One property of a unit: e2e_unit_property UNIT PROPERTY
e2e_unit_property() {
  e2e_run systemctl show -p "$2" --value "$1"
}

# Prints what helps to understand a failure: the unit's status and journal.
e2e_diagnose() {
  local unit=$1
  {
    echo "----- systemctl status $unit"
    e2e_run systemctl status --no-pager "$unit"
    echo "----- journalctl -u $unit"
    e2e_run journalctl --no-pager -u "$unit" | tail -n 40
  } >&2 2>&1
}

e2e_dump_console() {
  [ -f "$E2E_WORK/console.log" ] || return 0
  echo "----- container console (last 40 lines)" >&2
  tail -n 40 "$E2E_WORK/console.log" >&2
}

e2e_teardown() {
  local status=$?
  if [ -n "$E2E_NSPAWN_PID" ] && kill -0 "$E2E_NSPAWN_PID" 2>/dev/null; then
    # SIGTERM asks nspawn for an orderly container shutdown; kill what is left after a grace.
    kill -TERM "$E2E_NSPAWN_PID" 2>/dev/null
    local deadline=$((SECONDS + 15))
    while kill -0 "$E2E_NSPAWN_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$E2E_NSPAWN_PID" 2>/dev/null; then
      [ -n "$E2E_LEADER" ] && kill -KILL "$E2E_LEADER" 2>/dev/null
      kill -KILL "$E2E_NSPAWN_PID" 2>/dev/null
    fi
    wait "$E2E_NSPAWN_PID" 2>/dev/null
  fi
  if [ "$E2E_MOUNTED" = 1 ]; then
    umount "$E2E_ROOT" 2>/dev/null || umount -l "$E2E_ROOT" 2>/dev/null
    E2E_MOUNTED=0
  fi
  if [ -n "$E2E_WORK" ] && [ -d "$E2E_WORK" ]; then
    if [ "${E2E_KEEP_WORK:-}" = 1 ]; then
      e2e_log "kept $E2E_WORK (E2E_KEEP_WORK=1)"
    else
      rm -rf --one-file-system "$E2E_WORK"
    fi
  fi
  exit "$status"
}
