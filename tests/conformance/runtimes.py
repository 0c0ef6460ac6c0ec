"""The runtimes a conformance row runs under. Each one installs and drives a service the way an
operator would on that manager, and reports what the manager and the program did:

- Foreground: `daemonize run MANIFEST` as a plain process (what every rendered unit executes).
- LaunchdModel: the rendered plist under launchd_model.py (no macOS here), d and native mode.
- SystemdContainer: `daemonize deploy --target systemd` in a container booted with systemd 252,
  d and native mode.
- CronContainer: `daemonize deploy --target cron` in the same kind of container with Debian's cron
  daemon running the rendered crontab block.
"""
import glob
import json
import os
import plistlib
import shutil
import signal
import subprocess
import tempfile
import time

from container import Container
from launchd_model import LaunchdJob

NOBODY_UID = 65534


def host_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_text(path):
    try:
        with open(path, errors="replace") as text:
            return text.read()
    except OSError:
        return ""


class Runtime:
    kind = ""
    target = ""
    native = False
    can_clear = True
    injects_inherited = False
    nobody_uid = NOBODY_UID

    def ready_time(self, name, started_at):
        """When the runtime first said the service is ready (wall clock), by polling status."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.status(name).get("ready"):
                return time.time()
            time.sleep(0.05)
        return None

    def directory_mode(self, path):
        """The permission bits of directory `path` as the service sees it, None when missing."""
        host = self.host_path(path)
        return os.stat(host).st_mode & 0o777 if os.path.isdir(host) else None

    def kill(self, pid):
        """SIGKILL to a process a row left running on purpose (kill = "main")."""
        raise NotImplementedError(f"{self.kind} cannot kill a leftover process")


# ---- on this host ---------------------------------------------------------------------------

class HostRuntime(Runtime):
    def __init__(self, daemonize, child, work):
        self.daemonize = daemonize
        self.child = child
        self.base = os.path.join(work, self.kind)
        os.makedirs(self.base, exist_ok=True)
        os.chmod(work, 0o755)
        os.chmod(self.base, 0o1777)  # the program may run as nobody and writes its events here

    def path(self, relative):
        return os.path.join(self.base, relative)

    def host_path(self, path):
        return path

    def write_file(self, path, text, mode):
        with open(path, "w") as out:
            out.write(text)
        os.chmod(path, mode)

    def log(self, name, stream):
        return read_text(os.path.join(self.base, name, "logs", f"{stream}.log"))

    def alive(self, pid, ctx=None):
        return host_alive(pid)

    def kill(self, pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def manager_tick(self, name):
        pass


class Foreground(HostRuntime):
    kind = "foreground"
    target = "systemd"  # any d-mode target: the watchdog is the same
    can_clear = False
    injects_inherited = True

    def __init__(self, *args):
        super().__init__(*args)
        self.processes = {}

    def install(self, name, manifest):
        self.manifests = getattr(self, "manifests", {})
        self.manifests[name] = manifest

    def state_directory(self, name):
        return os.path.join(self.base, name, "state")

    def start(self, name, inherit=None, expect_failure=False, wait_ready=False):
        environment = {"PATH": "/usr/bin:/bin", "RUNTIME_DIRECTORY": self.state_directory(name)}
        environment.update(inherit or {})
        os.makedirs(self.state_directory(name), exist_ok=True)
        errors = open(os.path.join(self.base, f"{name}.watchdog.log"), "ab")
        self.processes[name] = subprocess.Popen([self.daemonize, "run", self.manifests[name]],
                                                env=environment, stdin=subprocess.DEVNULL,
                                                stdout=errors, stderr=errors)
        errors.close()

    def reload(self, name):
        # No manager: SIGHUP to the watchdog is what `daemonize reload` sends a detached one.
        self.processes[name].send_signal(signal.SIGHUP)

    def stop(self, name):
        process = self.processes[name]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    def status(self, name):
        process = self.processes[name]
        state = {}
        try:
            with open(os.path.join(self.state_directory(name), "state.json")) as source:
                state = json.load(source)
        except (OSError, ValueError):
            pass
        return {"running": process.poll() is None, "exit_code": process.poll(),
                "ready": state.get("ready")}

    def messages(self, name):
        return read_text(os.path.join(self.base, f"{name}.watchdog.log"))

    def teardown(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


class LaunchdModel(HostRuntime):
    """Renders the plist and runs it under the launchd model. The installed manifest path in
    ProgramArguments is mapped to the test's copy (there is no /Library here)."""
    target = "launchd"

    def __init__(self, daemonize, child, work, native):
        self.native = native
        self.kind = "launchd-native" if native else "launchd"
        super().__init__(daemonize, child, work)
        self.jobs = {}

    def install(self, name, manifest):
        out = os.path.join(self.base, name + ".render")
        subprocess.run([self.daemonize, "render", manifest, "--target", "launchd", "-o", out,
                        "--daemonize-path", self.daemonize], check=True, capture_output=True)
        plist_path = glob.glob(os.path.join(out, "launchd", "*.plist"))[0]
        with open(plist_path, "rb") as source:
            plist = plistlib.load(source)
        arguments = plist["ProgramArguments"]
        if not self.native:
            arguments[arguments.index("run") + 1] = manifest
        for key in ("StandardOutPath", "StandardErrorPath"):
            if key in plist:
                os.makedirs(os.path.dirname(plist[key]), exist_ok=True)
        with open(plist_path, "wb") as target:
            plistlib.dump(plist, target)
        self.jobs[name] = (plist_path, None)

    def start(self, name, inherit=None, expect_failure=False, wait_ready=False):
        plist_path, job = self.jobs[name]
        job = LaunchdJob(plist_path)
        self.jobs[name] = (plist_path, job)
        job.load()
        time.sleep(0.2)

    def clear(self, name):
        self.start(name)  # launchctl kickstart: load the job again

    def job(self, name):
        return self.jobs[name][1]

    def stop(self, name):
        self.job(name).bootout()

    def reload(self, name):
        # `daemonize reload` under launchd is `launchctl kill HUP`: SIGHUP to the job (the watchdog).
        os.kill(self.job(name).process.pid, signal.SIGHUP)

    def status(self, name):
        job = self.job(name)
        status = {"running": job.running() or (job.thread and job.thread.is_alive()
                                               and job.process is None)}
        if job.last_status and job.last_status[0] == "exit":
            status["exit_code"] = job.last_status[1]
        if not self.native:
            result = subprocess.run([self.daemonize, "status", name, "--json"], capture_output=True,
                                    text=True)
            try:
                status["ready"] = json.loads(result.stdout).get("ready")
            except ValueError:
                status["ready"] = None
        return status

    def messages(self, name):
        plist = self.job(name).plist
        return read_text(plist.get("StandardErrorPath", "/dev/null"))

    def manager_tick(self, name):
        time.sleep(max(self.job(name).plist.get("ThrottleInterval", 10), 1) + 1.5)

    def teardown(self):
        for _, job in self.jobs.values():
            if job:
                job.bootout()


# ---- in a container with systemd 252 ------------------------------------------------------------

BASE = "/var/lib/conformance"


class ContainerRuntime(Runtime):
    def __init__(self, container, daemonize_in, child_in):
        self.container = container
        self.daemonize = daemonize_in
        self.child = child_in
        self.base = BASE

    def path(self, relative):
        return f"{BASE}/{relative}"

    def host_path(self, path):
        return self.container.host_path(path)

    def write_file(self, path, text, mode):
        self.container.write_file(path, text, mode)

    def log(self, name, stream):
        return read_text(self.host_path(f"{BASE}/{name}/logs/{stream}.log"))

    def alive(self, pid, ctx=None):
        result = self.container.run(["sh", "-c", f"test -d /proc/{pid} && ! grep -q '^State:.*Z' "
                                     f"/proc/{pid}/status"], check=False)
        return result.returncode == 0

    def kill(self, pid):
        self.container.run(["kill", "-9", str(pid)], check=False)

    def reload(self, name):
        self.container.run([self.daemonize, "reload", name], check=False, timeout=60)

    def directory_mode(self, path):
        # /run is the container's own tmpfs: not visible in the root file system from here.
        result = self.container.run(["sh", "-c", f"test -d '{path}' && stat -c %a '{path}'"],
                                    check=False)
        return int(result.stdout.strip(), 8) if result.returncode == 0 else None

    def install(self, name, manifest):
        result = self.container.run([self.daemonize, "deploy", manifest, "--target", self.target,
                                     "--no-start", "--quiet"], check=False)
        if result.returncode != 0:
            raise RuntimeError(f"deploy of {name} failed: {result.stderr}")

    def clear(self, name):
        self.container.run([self.daemonize, "start", name], check=False)


class SystemdContainer(ContainerRuntime):
    target = "systemd"

    def __init__(self, container, daemonize_in, child_in, native):
        super().__init__(container, daemonize_in, child_in)
        self.native = native
        self.kind = "systemd-native" if native else "systemd"
        self.injects_inherited = True
        self.ready_times = {}

    def start(self, name, inherit=None, expect_failure=False, wait_ready=False):
        if wait_ready:
            try:
                self.container.run(["systemctl", "start", f"{name}.service"], check=False, timeout=30)
                self.ready_times[name] = time.time()
            except subprocess.TimeoutExpired:
                pass
        else:
            self.container.run(["systemctl", "start", "--no-block", f"{name}.service"])

    def ready_time(self, name, started_at):
        return self.ready_times.get(name)

    def stop(self, name):
        try:
            self.container.run(["systemctl", "stop", f"{name}.service"], check=False, timeout=30)
        except subprocess.TimeoutExpired:
            pass  # the row sees the survivor

    def properties(self, name):
        out = self.container.run(["systemctl", "show", f"{name}.service", "-p", "ActiveState",
                                  "-p", "ExecMainStatus", "-p", "NRestarts", "-p", "SubState"]).stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def status(self, name):
        p = self.properties(name)
        running = p.get("ActiveState") in ("active", "activating", "reloading", "deactivating")
        status = {"running": running, "ready": p.get("ActiveState") == "active"}
        if not running:
            status["exit_code"] = int(p.get("ExecMainStatus") or 0)
        return status

    def messages(self, name):
        return self.container.run(["journalctl", "--no-pager", "-u", f"{name}.service"],
                                  check=False).stdout

    def manager_tick(self, name):
        time.sleep(3)  # RestartSec= of these rows is at most 1 s


class CronContainer(ContainerRuntime):
    kind = "cron"
    target = "cron"

    def __init__(self, container, daemonize_in, child_in):
        super().__init__(container, daemonize_in, child_in)
        self.start_output = {}

    def before_install(self):
        # Every row is installed and started within one minute, before cron's next per-minute
        # line: what a row then sees of cron is what cron does after the start.
        now = float(self.container.run(["date", "+%s.%N"]).stdout)
        if now % 60 > 2:
            time.sleep(60 - now % 60 + 0.5)

    def install(self, name, manifest):
        super().install(name, manifest)
        result = self.container.run([self.daemonize, "start", name], check=False)
        self.start_output[name] = result.stdout + result.stderr

    def start(self, name, inherit=None, expect_failure=False, wait_ready=False):
        pass  # started by install(), right after the deploy

    def stop(self, name):
        self.container.run([self.daemonize, "stop", name], check=False, timeout=120)

    def status(self, name):
        result = self.container.run([self.daemonize, "status", name, "--json"], check=False)
        try:
            record = json.loads(result.stdout)
        except ValueError:
            return {"running": False, "exit_code": None, "ready": None}
        return {"running": bool(record.get("watchdog_alive")), "exit_code": record.get("exit_code"),
                "ready": record.get("ready")}

    def messages(self, name):
        return self.start_output.get(name, "") + read_text(self.host_path(f"/var/log/daemonize/{name}.log"))

    def manager_tick(self, name):
        # cron runs the per-minute line at second 0: wait past the next one.
        now = float(self.container.run(["date", "+%s.%N"]).stdout)
        time.sleep(60 - now % 60 + 6)


def prepare_container(container, daemonize, child, with_cron):
    container.copy_in_with_libraries(daemonize, "/usr/local/bin/daemonize")
    container.copy_in(child, "/usr/local/bin/conformance_child", 0o755)
    if with_cron:
        # Debian's cron and crontab from this host (the rootfs is minbase), with their PAM file.
        container.copy_in_with_libraries("/usr/sbin/cron", "/usr/sbin/cron")
        container.copy_in_with_libraries("/usr/bin/crontab", "/usr/bin/crontab")
        container.copy_in("/etc/pam.d/cron", "/etc/pam.d/cron")
    container.boot()
    container.run(["mkdir", "-p", BASE])
    container.run(["chmod", "1777", BASE])
    if with_cron:
        container.run(["sh", "-c", "getent group crontab >/dev/null || groupadd -r crontab; "
                       "chgrp crontab /usr/bin/crontab && chmod 2755 /usr/bin/crontab; "
                       "mkdir -p /var/spool/cron/crontabs && chgrp crontab /var/spool/cron/crontabs && "
                       "chmod 1730 /var/spool/cron/crontabs"])
        container.run(["systemd-run", "--unit=cron", "--property=Type=simple", "/usr/sbin/cron", "-f"])
    else:
        container.run(["systemctl", "set-environment", "CONF_B=inherited", "CONF_C=inherited"])
