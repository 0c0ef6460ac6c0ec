#!/usr/bin/env python3
"""Many services on one host: N `daemonize run` watchdogs against N s6-supervise and N runsv, in
the same run. Each supervises one sleeping child (bench/watchdog/restart_child.c).

Per peer and N: time to start all N (first launch -> the N-th child's first instruction), total
Pss and Private_Dirty of the N supervisor processes, system calls of all N over 5 idle seconds
(`strace -c -f`), and the time to list them (`daemonize list`; `sv status DIR...` for runit;
one `s6-svstat DIR` per service for s6, which has no list command).

Usage: bench/fleet/run.py DAEMONIZE [N...]   (default N: 20 200; needs root, strace, s6, runit)
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def smaps_kib(pid, field):
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def count_stamps(path):
    try:
        return sum(1 for line in open(path) if line.startswith("S "))
    except OSError:
        return 0


def idle_syscalls(pids):
    if not shutil.which("strace"):
        return "n/a"
    argv = ["strace", "-c", "-f"]
    for pid in pids:
        argv += ["-p", str(pid)]
    tracer = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(5 + len(pids) * 0.01)  # attaching to many processes takes a moment
    tracer.send_signal(signal.SIGINT)
    _, err = tracer.communicate(timeout=60)
    for line in err.splitlines():
        fields = line.split()
        if fields and fields[-1] == "total":
            numbers = [f for f in fields if f.isdigit()]
            return numbers[0] if numbers else "0"
    return "0"


class Peer:
    def __init__(self, name, work, child, daemonize):
        self.name, self.work, self.child, self.daemonize = name, work, child, daemonize
        self.processes = []
        self.dirs = []

    def service_name(self, index):
        return f"bench-fleet-{index:03d}"

    def start(self, index, stamps):
        directory = self.work / self.name / self.service_name(index)
        directory.mkdir(parents=True)
        self.dirs.append(directory)
        command = f"{self.child} {stamps} 3600000"
        if self.name == "daemonize":
            manifest = directory / "service.toml"
            manifest.write_text(
                f'[service]\nname = "{self.service_name(index)}"\ncommand = "{self.child}"\n'
                f'args = ["{stamps}", "3600000"]\n[logs]\nstdout = "null"\nstderr = "null"\n')
            argv = [self.daemonize, "run", str(manifest)]
        else:
            run = directory / "run"
            run.write_text(f"#!/bin/sh\nexec {command}\n")
            run.chmod(0o755)
            argv = ["runsv" if self.name == "runsv" else "s6-supervise", str(directory)]
        self.processes.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, start_new_session=True))

    def list_seconds(self):
        started = time.monotonic()
        if self.name == "daemonize":
            subprocess.run([self.daemonize, "list"], stdout=subprocess.DEVNULL, check=False)
        elif self.name == "runsv":
            subprocess.run(["sv", "status", *map(str, self.dirs)], stdout=subprocess.DEVNULL, check=False)
        else:
            for directory in self.dirs:
                subprocess.run(["s6-svstat", str(directory)], stdout=subprocess.DEVNULL, check=False)
        return time.monotonic() - started

    def stop(self):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        subprocess.run(["pkill", "-KILL", "-f", str(self.child)], check=False)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    daemonize = os.path.realpath(sys.argv[1])
    sizes = [int(n) for n in sys.argv[2:]] or [20, 200]
    work = Path(tempfile.mkdtemp(prefix="daemonize-bench-fleet."))
    child = work / "child"
    subprocess.run(["cc", "-O2", "-static", "-o", str(child),
                    str(HERE.parent / "watchdog" / "restart_child.c")], check=True)
    subprocess.run(["sync"], check=True)
    peers = ["daemonize"] + [p for p, tool in (("s6-supervise", "s6-supervise"), ("runsv", "runsv"))
                             if shutil.which(tool)]
    rows = []
    for size in sizes:
        for name in peers:
            peer = Peer(name, work / str(size), child, daemonize)
            stamps = work / f"{size}-{name}-stamps"
            started = time.monotonic()
            try:
                for index in range(1, size + 1):
                    peer.start(index, stamps)
                deadline = time.monotonic() + 120
                while count_stamps(stamps) < size and time.monotonic() < deadline:
                    time.sleep(0.005)
                start_all = time.monotonic() - started
                time.sleep(2)  # past the watchdogs' one-off release of start-up memory
                pids = [p.pid for p in peer.processes]
                pss = sum(smaps_kib(pid, "Pss") for pid in pids)
                dirty = sum(smaps_kib(pid, "Private_Dirty") for pid in pids)
                syscalls = idle_syscalls(pids)
                listing = peer.list_seconds()
                rows.append((size, name, start_all * 1000, pss, dirty, syscalls, listing * 1000))
            finally:
                peer.stop()
    print(f"{os.cpu_count()} CPUs, load: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"{'N':>4} {'supervisor':<13} {'start_all_ms':>12} {'total_pss_kib':>13} "
          f"{'total_private_dirty_kib':>23} {'idle_syscalls_5s':>16} {'list_ms':>8}")
    for size, name, start_all, pss, dirty, syscalls, listing in rows:
        print(f"{size:>4} {name:<13} {start_all:>12.0f} {pss:>13} {dirty:>23} {syscalls:>16} {listing:>8.1f}")
    for size in sizes:
        ours = next(r for r in rows if r[0] == size and r[1] == "daemonize")
        for row in rows:
            if row[0] == size and row[1] != "daemonize" and row[3]:
                print(f"N={size}: daemonize / {row[1]}: total Pss {ours[3] / row[3]:.2f}x, "
                      f"start all {ours[2] / row[2]:.2f}x, list {ours[6] / row[6]:.2f}x")
        if size == 20:
            print(f"N=20: total Pss {ours[3] / 1024:.1f} MiB; target <= 12.5 MiB: "
                  f"{'met' if ours[3] <= 12.5 * 1024 else 'not met'}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
