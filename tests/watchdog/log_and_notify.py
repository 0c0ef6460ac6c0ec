#!/usr/bin/env python3
"""What docs/watchdog.md says about the watchdog's own log, its sd_notify messages and a log
directory it cannot create, through the real `daemonize run` and real child processes:

  - its lines are `TIME daemonize[NAME] LEVEL: message`, or `<N>LEVEL: message` when stderr is
    the stream JOURNAL_STREAM names (and only then);
  - DAEMONIZE_LOG_LEVEL=debug adds a line per reaped descendant, which is absent otherwise;
  - a crash loop with max_restarts = 2 starts the program 3 times, sends READY=1 once, the
    STATUS= lines "backing off N ms before restart K of 2 (after exit code 3)" and
    "giving up after 2 restarts within 1m (...)", and exits 75;
  - a log directory that cannot be created: exit 73, a `daemonize:` message, nothing started;
  - a log file that cannot be opened at start (a directory of that name): exit 73 naming it;
  - a normal user on a system-scope manifest: that message, then a hint to use scope = "user".

usage: log_and_notify.py DAEMONIZE
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

problems: list[str] = []


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        problems.append(what + (f"\n    {detail.strip()}" if detail else ""))


def write_manifest(work: Path, name: str, script: str, extra: str) -> Path:
    path = work / f"{name}.toml"
    path.write_text(f'''[service]
name = "{name}"
command = "/bin/sh"
args = ["-c", {script!r}]

[logs]
directory = "{work / "logs"}"
{extra}''')
    return path


def run(binary: str, manifest: Path, work: Path, env_extra: dict[str, str],
        journal: bool = False) -> tuple[int, str]:
    runtime = work / f"runtime-{manifest.stem}"
    runtime.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("NOTIFY_SOCKET", "JOURNAL_STREAM", "DAEMONIZE_LOG_LEVEL",
                        "WATCHDOG_USEC", "WATCHDOG_PID")}
    env["RUNTIME_DIRECTORY"] = str(runtime)
    env.update(env_extra)
    err_path = work / f"{manifest.stem}.err"
    with open(err_path, "wb") as err:
        if journal:
            info = os.fstat(err.fileno())
            env["JOURNAL_STREAM"] = f"{info.st_dev}:{info.st_ino}"
        code = subprocess.run([binary, "run", str(manifest)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=err, env=env,
                              timeout=60).returncode
    return code, err_path.read_text()


def main() -> int:
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        name = f"wlog{os.getpid()}"

        # The line format, plain and for the journal.
        once = write_manifest(work, f"{name}-once", "exit 3", '[restart]\npolicy = "never"\n')
        code, text = run(binary, once, work, {})
        lines = text.splitlines()
        plain = re.compile(rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z daemonize\[{name}-once\] "
                           r"(debug|info|notice|warning|error): ")
        check(code == 3 and lines and all(plain.match(line) for line in lines),
              "plain log lines: TIME daemonize[NAME] LEVEL: message (and exit 3 for policy never)",
              f"exit {code}\n{text}")
        check(any(re.search(r"info: spawned pid \d+$", line) for line in lines),
              "the log names the spawned pid", text)
        code, text = run(binary, once, work, {}, journal=True)
        lines = text.splitlines()
        journal_line = re.compile(r"^<[4-7]>(debug|info|notice|warning|error): ")
        check(code == 3 and lines and all(journal_line.match(line) for line in lines),
              "journal log lines: <N>LEVEL: message", f"exit {code}\n{text}")
        code, text = run(binary, once, work, {"JOURNAL_STREAM": "1:1"})
        check(text.splitlines() and all(plain.match(line) for line in text.splitlines()),
              "a JOURNAL_STREAM that is not stderr keeps the plain format", text)

        # Debug lines for reaped descendants, only on request.
        orphan = write_manifest(work, f"{name}-orphan", "(sleep 0.3 &); exit 0",
                                '[restart]\npolicy = "never"\n[stop]\ntimeout = "2s"\n')
        code, text = run(binary, orphan, work, {"DAEMONIZE_LOG_LEVEL": "debug"})
        check(code == 0 and re.search(r"debug: reaped adopted descendant pid \d+", text),
              "DAEMONIZE_LOG_LEVEL=debug: a line per reaped descendant", f"exit {code}\n{text}")
        code, text = run(binary, orphan, work, {})
        check(code == 0 and "debug:" not in text, "without DAEMONIZE_LOG_LEVEL: no debug lines",
              f"exit {code}\n{text}")

        # The crash loop under a notify socket.
        starts = work / "starts"
        loop = write_manifest(work, f"{name}-loop", f"echo start >> {starts}; exit 3",
                              '[restart]\ndelay = "100ms"\nmultiplier = 2.0\nmax_restarts = 2\n'
                              'window = "1m"\n')
        notify_path = work / "notify"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(notify_path))
        sock.settimeout(0.2)
        code, text = run(binary, loop, work, {"NOTIFY_SOCKET": str(notify_path)})
        messages = []
        while True:
            try:
                messages += sock.recv(4096).decode().splitlines()
            except (TimeoutError, socket.timeout):
                break
        sock.close()
        statuses = [m[len("STATUS="):] for m in messages if m.startswith("STATUS=")]
        start_count = len(starts.read_text().splitlines()) if starts.exists() else 0
        check(code == 75 and start_count == 3,
              "max_restarts = 2: 3 starts (1 + 2 restarts), then exit 75",
              f"exit {code}, {start_count} starts\n{text}")
        check(messages.count("READY=1") == 1, "READY=1 exactly once", str(messages))
        check("backing off 100 ms before restart 1 of 2 (after exit code 3)" in statuses and
              "backing off 200 ms before restart 2 of 2 (after exit code 3)" in statuses,
              "STATUS= backing off N ms before restart K of M (after ...)", str(statuses))
        check(any(s.startswith("giving up after 2 restarts within 1m (last: exit code 3)")
                  for s in statuses), "STATUS= giving up after N restarts within WINDOW",
              str(statuses))
        check(any(re.fullmatch(r"running, pid \d+", s) for s in statuses),
              "STATUS= running, pid N", str(statuses))

        # A log directory that cannot be created.
        blocker = work / "a-file"
        blocker.write_text("")
        cannot = write_manifest(work, f"{name}-nodir", f"echo start >> {work / 'nodir-starts'}",
                                "")
        cannot.write_text(cannot.read_text().replace(str(work / "logs"),
                                                     str(blocker / "logs")))
        code, text = run(binary, cannot, work, {})
        check(code == 73 and text.startswith("daemonize: ") and str(blocker / "logs") in text and
              not (work / "nodir-starts").exists(),
              "an uncreatable log directory: exit 73, a message naming it, nothing started",
              f"exit {code}\n{text}")

        # A log file that cannot be opened at start (here a directory of that name, which
        # stops root too): exit 73 naming it, nothing started, rather than every line dropped.
        unopenable = write_manifest(work, f"{name}-nofile", f"echo start >> {work / 'nofile-starts'}",
                                    "")
        unopenable.write_text(unopenable.read_text().replace(str(work / "logs"),
                                                             str(work / "logs-nofile")))
        (work / "logs-nofile" / "stdout.log").mkdir(parents=True)
        code, text = run(binary, unopenable, work, {})
        check(code == 73 and text.startswith("daemonize: cannot open log file ") and
              str(work / "logs-nofile" / "stdout.log") in text and
              not (work / "nofile-starts").exists(),
              "an unopenable log file: exit 73, a message naming it, nothing started",
              f"exit {code}\n{text}")

        # As root: no hint. As a normal user (setpriv to nobody) on a system-scope manifest whose
        # log directory it cannot create: the hint to use scope = "user".
        check(text.count("\n") == 1, "root: the message alone, no hint", text)
        if os.geteuid() == 0 and shutil.which("setpriv"):
            shared = Path(tempfile.mkdtemp())
            try:
                shared.chmod(0o755)
                manifest = shared / "hint.toml"
                manifest.write_text(f'[service]\nname = "{name}-hint"\ncommand = "/bin/true"\n'
                                    f'[logs]\ndirectory = "/var/log/{name}-hint"\n')
                manifest.chmod(0o644)
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(shared)}
                done = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                                       "--clear-groups", binary, "run", str(manifest)],
                                      stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                      env=env, timeout=60)
                check(done.returncode == 73 and
                      f"daemonize: cannot create log directory /var/log/{name}-hint: "
                      "Permission denied\n" in done.stderr and
                      'daemonize: hint: as a normal user, set scope = "user" in [service]'
                      in done.stderr,
                      "a normal user, system scope: exit 73 and the scope hint",
                      f"exit {done.returncode}\n{done.stderr}")
            finally:
                shutil.rmtree(shared, ignore_errors=True)

    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print("PASS: log line formats, debug lines, STATUS= texts and the give-up count, exit 73")
    return 0


if __name__ == "__main__":
    sys.exit(main())
