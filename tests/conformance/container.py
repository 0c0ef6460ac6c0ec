"""A throw-away Debian 12 container with a real systemd 252 as PID 1 (systemd-nspawn -b on an
overlay over the cached rootfs), driven through nsenter: the Python side of tests/e2e/lib.sh."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

DEFAULT_ROOTFS = os.path.join(os.environ.get("DAEMONIZE_CACHE", "/var/cache/daemonize"),
                              "rootfs-bookworm-v1")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Unavailable(Exception):
    """A prerequisite is missing: the test skips (77), or fails under CI=true."""


class Container:
    def __init__(self, rootfs=None, boot_timeout=90):
        self.rootfs = rootfs or os.environ.get("DAEMONIZE_E2E_ROOTFS", DEFAULT_ROOTFS)
        self.boot_timeout = boot_timeout
        self.work = None
        self.root = None
        self.leader = None
        self.nspawn = None
        self.mounted = False

    def __enter__(self):
        if os.geteuid() != 0:
            raise Unavailable("the container runtimes need root")
        for tool in ("systemd-nspawn", "nsenter"):
            if not shutil.which(tool):
                raise Unavailable(f"{tool} is missing (scripts/install-deps.sh)")
        if not os.path.exists(os.path.join(self.rootfs, ".daemonize-rootfs-complete")):
            raise Unavailable(f"no container rootfs at {self.rootfs} (scripts/prepare.d/rootfs.sh)")
        self.work = tempfile.mkdtemp(prefix="daemonize-conformance-")
        self.root = os.path.join(self.work, "root")
        for sub in ("upper", "overlay-work", "root"):
            os.makedirs(os.path.join(self.work, sub))
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        f"lowerdir={self.rootfs},upperdir={self.work}/upper,"
                        f"workdir={self.work}/overlay-work", self.root], check=True)
        self.mounted = True
        return self

    def __exit__(self, *exc):
        self.teardown()

    def host_path(self, path):
        """The host's view of a path inside the container (writable: the overlay)."""
        return os.path.join(self.root, path.lstrip("/"))

    def copy_in(self, source, destination, mode=0o644):
        target = self.host_path(destination)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, mode)

    def copy_in_with_libraries(self, source, destination):
        """A dynamically linked host program plus the shared libraries the rootfs lacks."""
        self.copy_in(source, destination, 0o755)
        for library in shared_libraries(source):
            if not os.path.exists(self.host_path(library)):
                self.copy_in(library, library, 0o644)

    def write_file(self, destination, text, mode=0o644):
        target = self.host_path(destination)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(target, mode)

    def boot(self):
        os.makedirs("/run/systemd/nspawn", exist_ok=True)
        # nspawn needs its propagation directory on a non-disk file system when the host does not
        # run systemd; tests run in parallel, so mount it once under a lock (as lib.sh does).
        subprocess.run(["sh", "-c", "exec 9>/run/daemonize-e2e-nspawn.lock; flock 9; "
                        "mountpoint -q /run/systemd/nspawn || "
                        "mount -t tmpfs tmpfs /run/systemd/nspawn"], check=True)
        machine = f"daemonize-conf-{os.getpid()}-{int(time.time() * 1000) % 100000}"
        console = open(os.path.join(self.work, "console.log"), "wb")
        self.nspawn = subprocess.Popen(
            ["systemd-nspawn", "-D", self.root, f"--machine={machine}", "--register=no",
             "--keep-unit", "--private-network", "--console=pipe", "-b"],
            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.boot_timeout
        while self.leader is None:
            self.leader = find_namespace_init(self.nspawn.pid)
            if self.leader is None:
                if self.nspawn.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("systemd-nspawn did not start a container:\n" + self.console())
                time.sleep(0.2)
        state = ""
        while time.monotonic() < deadline:
            state = self.run(["systemctl", "is-system-running"], check=False).stdout.strip()
            if state in ("running", "degraded"):
                return state
            time.sleep(0.3)
        raise RuntimeError(f"the container's systemd did not reach running (state {state!r}):\n"
                           + self.console())

    def console(self):
        path = os.path.join(self.work, "console.log")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as text:
            return "".join(text.readlines()[-40:])

    def run(self, argv, check=True, timeout=120, env=None, input=None):
        """Runs argv inside the container with a clean environment."""
        environment = [f"PATH={PATH}", "TERM=dumb"] + [f"{k}={v}" for k, v in (env or {}).items()]
        result = subprocess.run(["nsenter", "-t", str(self.leader), "-a", "env", "-i", *environment,
                                 *argv], capture_output=True, text=True, timeout=timeout,
                                input=input)
        if check and result.returncode != 0:
            raise RuntimeError(f"in the container: {' '.join(argv)} exited {result.returncode}:\n"
                               f"{result.stdout}{result.stderr}")
        return result

    def teardown(self):
        if self.nspawn and self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                if self.leader:
                    try:
                        os.kill(self.leader, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.nspawn.kill()
                self.nspawn.wait()
        if self.mounted:
            if subprocess.run(["umount", self.root], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", self.root], capture_output=True)
            self.mounted = False
        if self.work and os.environ.get("E2E_KEEP_WORK") != "1":
            subprocess.run(["rm", "-rf", "--one-file-system", self.work])


def shared_libraries(program):
    out = subprocess.run(["ldd", program], capture_output=True, text=True).stdout
    libraries = []
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts and len(parts) > parts.index("=>") + 1:
            candidate = parts[parts.index("=>") + 1]
            if candidate.startswith("/"):
                libraries.append(candidate)
        elif parts and parts[0].startswith("/"):
            libraries.append(parts[0])
    return libraries


def find_namespace_init(nspawn_pid):
    """The host PID of the process under nspawn that is PID 1 of its own PID namespace."""
    queue = [nspawn_pid]
    while queue:
        pid = queue.pop(0)
        try:
            with open(f"/proc/{pid}/status") as status:
                nspid = [line.split()[-1] for line in status if line.startswith("NSpid:")]
        except OSError:
            continue
        if pid != nspawn_pid and nspid == ["1"]:
            return pid
        for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    queue.extend(int(c) for c in children.read().split())
            except OSError:
                pass
    return None
