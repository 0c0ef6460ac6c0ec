"""launchd, as far as its documented semantics go, applied to a rendered plist (there is no macOS
here). What it models, from launchd.plist(5):

- ProgramArguments are executed with EnvironmentVariables (launchd gives jobs a minimal
  environment), in WorkingDirectory, as UserName/GroupName, with StandardOutPath/StandardErrorPath
  appended to.
- KeepAlive: `true` relaunches after every exit; a dictionary relaunches when one of its conditions
  holds: SuccessfulExit=true after exit status 0, SuccessfulExit=false after anything else (a
  non-zero status, or death by a signal: only a normal exit with status 0 is successful),
  Crashed=true after the job was terminated by a signal.
- ThrottleInterval: a relaunch happens no sooner than that many seconds after the previous launch
  (default 10).
- Stop (bootout): SIGTERM to the job, SIGKILL after ExitTimeOut seconds (default 20; 0 means no
  timeout), then, unless AbandonProcessGroup is true, SIGKILL to what is left of its process
  group.
What it does not model: launchd's own start-up ordering, sockets, and everything macOS-specific.
"""
import os
import plistlib
import pwd
import signal
import subprocess
import threading
import time


class LaunchdJob:
    def __init__(self, plist_path, base_environment=None):
        with open(plist_path, "rb") as source:
            self.plist = plistlib.load(source)
        self.base_environment = base_environment or {}
        self.process = None
        self.launches = 0
        self.last_status = None  # ("exit", code) or ("signal", number)
        self.stopping = False
        self.lock = threading.Lock()
        self.thread = None

    def _keep_alive(self, status):
        keep_alive = self.plist.get("KeepAlive", False)
        if isinstance(keep_alive, bool):
            return keep_alive
        kind, value = status
        successful = kind == "exit" and value == 0
        if "SuccessfulExit" in keep_alive and successful == keep_alive["SuccessfulExit"]:
            return True
        if keep_alive.get("Crashed") and kind == "signal":
            return True
        return False

    def _spawn(self):
        environment = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
        environment.update(self.base_environment)
        environment.update(self.plist.get("EnvironmentVariables", {}))
        user = self.plist.get("UserName")
        preexec = None
        if user:
            entry = pwd.getpwnam(user)
            environment.update({"HOME": entry.pw_dir, "USER": user, "LOGNAME": user})

            def preexec():
                os.setgid(entry.pw_gid)
                os.initgroups(user, entry.pw_gid)
                os.setuid(entry.pw_uid)
                os.setsid()
        else:
            def preexec():
                os.setsid()
        stdout = open(self.plist.get("StandardOutPath", "/dev/null"), "ab")
        stderr = open(self.plist.get("StandardErrorPath", "/dev/null"), "ab")
        umask = self.plist.get("Umask")
        process = subprocess.Popen(self.plist["ProgramArguments"], env=environment,
                                   cwd=self.plist.get("WorkingDirectory", "/"),
                                   stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                   preexec_fn=(lambda: (os.umask(umask), preexec()))
                                   if umask is not None else preexec)
        stdout.close()
        stderr.close()
        return process

    def _loop(self):
        throttle = self.plist.get("ThrottleInterval", 10)
        while True:
            with self.lock:
                if self.stopping:
                    return
                launched_at = time.monotonic()
                self.process = self._spawn()
                self.launches += 1
            code = self.process.wait()
            self.last_status = ("signal", -code) if code < 0 else ("exit", code)
            with self.lock:
                if self.stopping or not self._keep_alive(self.last_status):
                    return
            wait = launched_at + throttle - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def load(self):
        """launchctl bootstrap with RunAtLoad: launch now, keep alive per KeepAlive."""
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def running(self):
        return self.process is not None and self.process.poll() is None

    def bootout(self):
        """SIGTERM, SIGKILL after ExitTimeOut, then the rest of the process group (unless abandoned)."""
        with self.lock:
            self.stopping = True
            process = self.process
        if process is None or process.poll() is not None:
            return
        exit_timeout = self.plist.get("ExitTimeOut", 20)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=exit_timeout if exit_timeout > 0 else None)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self.plist.get("AbandonProcessGroup", False):
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
