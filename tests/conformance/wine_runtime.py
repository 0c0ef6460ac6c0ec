"""The Wine runtime of the conformance suite: `daemonize.exe deploy --target windows-service`
under Wine's service control manager, the watchdog as the SCM service host, the rows' program
cross-built from conformance_child_windows.cpp. Wine's own limits (no accounts or ACLs, no
failure actions, no event log to read back) are cells marked "unproven", never passes."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "windows-runtime"))
from wine_service_harness import Wine, prepare_prefix  # noqa: E402

import runtimes  # noqa: E402
from runtimes import Runtime, read_text  # noqa: E402

INSTALL_DIR = "C:\\Program Files\\daemonize"
BASE = "C:\\conformance"


class WineScm(Runtime):
    kind = "wine"
    target = "windows-service"
    # What this runtime cannot show: n/a = Windows has no such thing; unproven = Windows has it,
    # Wine does not (docs/targets/windows-runtime.md).
    cannot = {
        "signal-exit": ("n/a", "Windows has no signals: a program ends with an exit code"),
        "service-account": ("unproven", "Wine has no service accounts and keeps no ACLs"),
    }

    def __init__(self, wine64, wineserver, daemonize_exe, child_exe, work):
        prefix = prepare_prefix(wine64, wineserver, work)
        self.wine = Wine(wine64, wineserver, prefix)
        subprocess.run([wineserver, "-p"], env=self.wine.env, check=True)
        os.makedirs(self.wine.host_path(INSTALL_DIR), exist_ok=True)
        os.makedirs(self.wine.host_path(BASE), exist_ok=True)
        self.daemonize_host = self.wine.host_path(BASE + "\\daemonize.exe")
        shutil.copy(daemonize_exe, self.daemonize_host)
        shutil.copy(child_exe, self.wine.host_path(BASE + "\\conformance_child.exe"))
        self.daemonize = BASE + "\\daemonize.exe"  # deploy installs it under INSTALL_DIR
        self.child = BASE + "\\conformance_child.exe"
        self.base = BASE

    def path(self, relative):
        return BASE + "\\" + relative.replace("/", "\\")

    def host_path(self, path):
        return self.wine.host_path(path)

    def write_file(self, path, text, mode):
        target = self.host_path(path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as out:
            out.write(text)

    def run(self, args, timeout=120):
        return self.wine.run(" ".join(args), args, timeout=timeout, quiet=True)

    def install(self, name, manifest):
        code, output = self.run([self.daemonize, "deploy", manifest, "--target", "windows-service",
                                 "--no-start", "--quiet"])
        if code != 0:
            raise RuntimeError(f"deploy of {name} exited {code}: {output[-800:]}")

    def start(self, name, inherit=None, expect_failure=False, wait_ready=False):
        self.run(["sc", "start", name])

    def clear(self, name):
        self.run([INSTALL_DIR + "\\daemonize.exe", "start", name])

    def stop(self, name):
        self.run(["sc", "stop", name])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.wine.service_state(name)[0] != "STOPPED":
            time.sleep(0.2)

    def reload(self, name):
        self.run([INSTALL_DIR + "\\daemonize.exe", "reload", name])

    def status(self, name):
        state, win32, specific = self.wine.service_state(name)
        running = state in ("RUNNING", "START_PENDING", "STOP_PENDING")
        status = {"running": running, "ready": state == "RUNNING"}
        if state == "STOPPED":
            status["exit_code"] = specific if win32 == 1066 else win32
        return status

    def messages(self, name):
        code, output = self.run([INSTALL_DIR + "\\daemonize.exe", "status", name])
        return output + read_text(self.host_path(self.path(f"{name}/logs/daemonize-watchdog.log")))

    def log(self, name, stream):
        return read_text(self.host_path(self.path(f"{name}/logs/{stream}.log")))

    def alive(self, pid, ctx):
        """Wine's pids are not Linux pids: the row's program is found by its command line (its
        events file is unique to the row; the grandchild's also says --grandchild-sleep)."""
        grandchild = any(v.split()[0] == str(pid) for v in ctx.event_values("grandchild"))
        events = ctx.events_path.encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or not runtimes.host_alive(int(entry)):
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as source:
                    cmdline = source.read()
            except OSError:
                continue
            if events in cmdline and b"conformance_child" in cmdline and \
                    (b"--grandchild-sleep" in cmdline) == grandchild:
                return True
        return False

    def manager_tick(self, name):
        time.sleep(3)

    def teardown(self):
        subprocess.run([self.wine.wineserver, "-k"], env=self.wine.env, capture_output=True)
        subprocess.run([self.wine.wineserver, "-w"], env=self.wine.env, capture_output=True,
                       timeout=60)
