#!/usr/bin/env python3
"""Hostile children under `daemonize run` (issue 12), one case per invocation:

  close-stdout  the child closes stdout at once and keeps running: the watchdog neither spins on
                the closed pipe (< 0.2 s CPU in 1 s) nor restarts it; its stderr still reaches
                the log; SIGTERM stops it, exit 0
  flood         the child writes 1 GiB without a newline: the watchdog's peak RSS (VmHWM of the
                watchdog's pid, sampled from /proc all along) stays <= 16 MiB, and the log holds
                exactly the 1 GiB of NULs and the closing line
  binary        all 256 byte values, runs of NULs, 1 MiB of random bytes and a last line without
                a newline, on stdout and stderr: each log file equals the bytes byte for byte
  fork-loop     a fork loop (each child setsid()s and ignores SIGTERM) run as a throwaway
                non-root user with limits.nproc = 24: the user's process count never exceeds
                24, the watchdog stays idle and answers SIGTERM by killing the whole tree within
                stop.timeout + 3 s; no process of the user is left. Needs root (useradd);
                without root it exits 77 unless CI=true.

Usage: hostile_children.py --daemonize BIN --child HOSTILE_CHILD --case CASE [--work DIR]
"""
import argparse
import os
import pwd
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
KIB = 1024
MIB = 1024 * KIB
RSS_LIMIT_KIB = 16 * KIB


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def toml_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest(work, name, command, args, extra=""):
    path = os.path.join(work, name + ".toml")
    with open(path, "w") as handle:
        handle.write("[service]\nname = %s\ncommand = %s\nargs = [%s]\n%s" %
                     (toml_string(name), toml_string(command),
                      ", ".join(toml_string(a) for a in args), extra))
    return path


def proc_status(pid, key):
    """A field of /proc/PID/status in kB (VmHWM, VmRSS), or None when the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def processes_of(uid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/status" % entry) as handle:
                for line in handle:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except (FileNotFoundError, ProcessLookupError):
            continue
    return pids


class Watchdog:
    def __init__(self, daemonize, manifest, work):
        self.stderr_path = os.path.join(work, "watchdog.err")
        env = dict(os.environ, RUNTIME_DIRECTORY=os.path.join(work, "run"))
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        self.stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen([daemonize, "run", manifest], env=env,
                                        stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.pid = self.process.pid

    def log(self):
        with open(self.stderr_path, "rb") as handle:
            return handle.read().decode(errors="replace")

    def spawns(self):
        return self.log().count("spawned pid")

    def stop(self, timeout):
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise Failure("the watchdog did not exit within %.1f s of SIGTERM:\n%s" %
                          (timeout, self.log()))
        return code, time.monotonic() - started

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise Failure("timed out after %.0f s waiting for %s" % (timeout, what))


def read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return b""


def case_close_stdout(args, work):
    logs = os.path.join(work, "logs")
    manifest = write_manifest(
        work, "closes-stdout", args.child, ["close-stdout"],
        '[restart]\npolicy = "always"\n[logs]\ndirectory = %s\nstdout = "out.log"\n'
        'stderr = "err.log"\n' % toml_string(logs))
    watchdog = Watchdog(args.daemonize, manifest, work)
    try:
        wait_for(lambda: b"alive 20\n" in read(os.path.join(logs, "err.log")), 20,
                 "the child's 20 stderr lines")
        before = cpu_ticks(watchdog.pid)
        time.sleep(1.0)
        used = (cpu_ticks(watchdog.pid) - before) / os.sysconf("SC_CLK_TCK")
        check(used < 0.2, "the watchdog used %.2f s of CPU in 1 s after stdout closed" % used)
        check(watchdog.spawns() == 1, "the child was restarted:\n" + watchdog.log())
        expected = b"".join(b"alive %d\n" % n for n in range(1, 21))
        check(read(os.path.join(logs, "err.log")) == expected, "stderr log differs")
        check(read(os.path.join(logs, "out.log")) == b"", "stdout log is not empty")
        code, took = watchdog.stop(10)
        check(code == 0, "the watchdog exited %d after SIGTERM" % code)
    finally:
        watchdog.close()
    print("PASS: child closed stdout: watchdog used %.2f s CPU in 1 s, no restart, stderr logged "
          "(20 lines), stopped in %.2f s with exit 0" % (used, took))


def case_flood(args, work):
    logs = os.path.join(work, "logs")
    size = args.flood_bytes
    manifest = write_manifest(
        work, "flood", "/bin/sh",
        ["-c", "head -c %d /dev/zero; printf '\\nEND\\n'; exec sleep 1000" % size],
        '[logs]\ndirectory = %s\nstdout = "flood.log"\nstderr = "err.log"\nmax_size = 0\n' %
        toml_string(logs))
    log_path = os.path.join(logs, "flood.log")
    expected_size = size + len(b"\nEND\n")
    watchdog = Watchdog(args.daemonize, manifest, work)
    peak = 0
    samples = 0
    started = time.monotonic()
    try:
        deadline = started + 600
        while True:
            hwm = proc_status(watchdog.pid, "VmHWM")
            check(hwm is not None, "the watchdog died:\n" + watchdog.log())
            peak = max(peak, hwm)
            samples += 1
            current = os.path.getsize(log_path) if os.path.exists(log_path) else 0
            if current >= expected_size:
                break
            check(time.monotonic() < deadline, "the flood did not reach the log in 600 s "
                  "(%d of %d bytes)" % (current, expected_size))
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        time.sleep(0.2)
        peak = max(peak, proc_status(watchdog.pid, "VmHWM") or 0)
        check(os.path.getsize(log_path) == expected_size,
              "the log holds %d bytes, expected %d" % (os.path.getsize(log_path), expected_size))
        with open(log_path, "rb") as handle:
            remaining = size
            while remaining:
                chunk = handle.read(min(remaining, 8 * MIB))
                check(chunk.count(0) == len(chunk), "a byte of the flood was altered")
                remaining -= len(chunk)
            check(handle.read() == b"\nEND\n", "the closing line is missing or altered")
        check(watchdog.spawns() == 1, "the child was restarted:\n" + watchdog.log())
        code, _ = watchdog.stop(15)
        check(code == 0, "the watchdog exited %d after SIGTERM" % code)
    finally:
        watchdog.close()
        if os.path.exists(log_path):
            os.unlink(log_path)
    check(peak <= RSS_LIMIT_KIB, "the watchdog's peak RSS was %d KiB (> %d KiB)" %
          (peak, RSS_LIMIT_KIB))
    print("PASS: %d bytes without a newline in %.1f s (%.0f MiB/s): watchdog peak RSS (VmHWM) "
          "%d KiB <= %d KiB over %d samples; log byte-exact" %
          (size, elapsed, size / MIB / elapsed, peak, RSS_LIMIT_KIB, samples))


def case_binary(args, work):
    rng = random.Random(12)
    data = (bytes(range(256)) * 16 + b"\0" * 4096 + bytes(range(255, -1, -1)) +
            bytes(rng.getrandbits(8) for _ in range(MIB)) + b"\r\n\0last line\xff\0")
    blob = os.path.join(work, "blob.bin")
    with open(blob, "wb") as handle:
        handle.write(data)
    script = os.path.join(work, "emit.sh")
    with open(script, "w") as handle:
        handle.write('cat "%s"\ncat "%s" >&2\n' % (blob, blob))
    logs = os.path.join(work, "logs")
    manifest = write_manifest(
        work, "binary", "/bin/sh", [script],
        '[restart]\npolicy = "never"\n[logs]\ndirectory = %s\nstdout = "out.log"\n'
        'stderr = "err.log"\n' % toml_string(logs))
    watchdog = Watchdog(args.daemonize, manifest, work)
    try:
        code = watchdog.process.wait(timeout=60)
        check(code == 0, "the watchdog exited %d:\n%s" % (code, watchdog.log()))
    finally:
        watchdog.close()
    for stream in ("out.log", "err.log"):
        logged = read(os.path.join(logs, stream))
        if logged != data:
            at = next((i for i in range(min(len(logged), len(data))) if logged[i] != data[i]),
                      min(len(logged), len(data)))
            raise Failure("%s differs from the child's bytes at offset %d (%d vs %d bytes)" %
                          (stream, at, len(logged), len(data)))
    print("PASS: %d bytes (all 256 values, NUL runs, CR, no final newline) passed through to "
          "stdout and stderr logs byte for byte" % len(data))


def case_fork_loop(args, work):
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            raise Failure("the fork-loop case needs root (useradd) and CI=true")
        print("SKIP: the fork-loop case needs root to create a throwaway user")
        return SKIP
    for tool in ("useradd", "userdel"):
        if not shutil.which(tool):
            if os.environ.get("CI") == "true":
                raise Failure(tool + " is missing and CI=true")
            print("SKIP: %s is missing" % tool)
            return SKIP
    limit = 24
    user = "dzhostile%d" % (os.getpid() % 100000)
    subprocess.run(["userdel", user], capture_output=True)
    created = subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                              "/nonexistent", "--shell", "/usr/sbin/nologin", "--user-group",
                              user], capture_output=True)
    check(created.returncode == 0, "useradd failed: " + created.stderr.decode())
    uid = pwd.getpwnam(user).pw_uid
    logs = os.path.join(work, "logs")
    watchdog = None
    try:
        os.chmod(work, 0o755)
        manifest = write_manifest(
            work, "forker", args.child, ["fork-loop"],
            'user = %s\n[limits]\nnproc = %d\n[stop]\ntimeout = "2s"\n[logs]\ndirectory = %s\n'
            'stdout = "out.log"\nstderr = "err.log"\n' % (toml_string(user), limit,
                                                           toml_string(logs)))
        watchdog = Watchdog(args.daemonize, manifest, work)
        wait_for(lambda: b"held by the process limit" in read(os.path.join(logs, "out.log")), 30,
                 "the fork loop to hit RLIMIT_NPROC:\n" + watchdog.log())
        # Held: sample the user's process count and the watchdog's CPU for 2 s.
        most = 0
        before = cpu_ticks(watchdog.pid)
        held_until = time.monotonic() + 2.0
        while time.monotonic() < held_until:
            most = max(most, len(processes_of(uid)))
            check(watchdog.process.poll() is None, "the watchdog exited:\n" + watchdog.log())
            time.sleep(0.05)
        used = (cpu_ticks(watchdog.pid) - before) / os.sysconf("SC_CLK_TCK")
        check(most <= limit, "the user had %d processes (limit %d)" % (most, limit))
        check(most >= limit - 2, "only %d processes: the loop did not reach the limit" % most)
        check(used < 0.5, "the watchdog used %.2f s CPU in 2 s while the loop was held" % used)
        code, took = watchdog.stop(2 + 3)
        check(code == 0, "the watchdog exited %d after SIGTERM:\n%s" % (code, watchdog.log()))
        time.sleep(0.2)
        left = processes_of(uid)
        check(not left, "%d processes of %s survived the stop" % (len(left), user))
        print("PASS: fork loop as %s held at %d processes (limit %d); watchdog used %.2f s CPU "
              "in 2 s, stopped the whole tree %.2f s after SIGTERM (stop.timeout 2 s), exit 0, "
              "nothing left" % (user, most, limit, used, took))
    finally:
        if watchdog:
            watchdog.close()
        for pid in processes_of(uid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
        subprocess.run(["userdel", user], capture_output=True)
    return 0


CASES = {"close-stdout": case_close_stdout, "flood": case_flood, "binary": case_binary,
         "fork-loop": case_fork_loop}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize", required=True)
    parser.add_argument("--child", required=True)
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--flood-bytes", type=int, default=1024 * MIB)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="daemonize-hostile-")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    try:
        result = CASES[args.case](args, work) or 0
    except Failure as failure:
        print("FAIL: %s: %s" % (args.case, failure), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
