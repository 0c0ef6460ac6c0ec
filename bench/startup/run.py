#!/usr/bin/env python3
"""Start-up benchmark: from `daemonize run MANIFEST` to the program's first instruction, against a
bare fork + exec of the same program, in the same run (medians of RUNS starts each).

Usage: bench/startup/run.py DAEMONIZE [RUNS=30]
Needs a C compiler with a static libc. Target: daemonize <= 2.5 x bare + 1 ms.
"""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_for_line(path, prefix, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text().splitlines():
                if line.startswith(prefix):
                    return int(line.split()[1])
        time.sleep(0.002)
    raise SystemExit(f"bench: no '{prefix}' line in {path} after {timeout} s")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    daemonize = os.path.realpath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    work = Path(tempfile.mkdtemp(prefix="daemonize-bench-startup."))
    child = work / "child"
    launcher = work / "timed_fork_exec"
    subprocess.run(["cc", "-O2", "-static", "-o", str(child), str(HERE.parent / "watchdog" / "restart_child.c")], check=True)
    subprocess.run(["cc", "-O2", "-static", "-o", str(launcher), str(HERE / "timed_fork_exec.c")], check=True)
    subprocess.run(["sync"], check=True)
    runtime = Path(tempfile.mkdtemp(prefix="daemonize-bench-startup.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))

    def measure(kind, index):
        stamps = work / f"{kind}-{index}"
        if kind == "bare":
            argv = [str(launcher), str(stamps), str(child), str(stamps), "3600000"]
            env = dict(os.environ)
        else:
            manifest = work / f"service-{index}.toml"
            manifest.write_text(
                f'[service]\nname = "bench-startup"\ncommand = "{child}"\n'
                f'args = ["{stamps}", "3600000"]\n[logs]\nstdout = "null"\nstderr = "null"\n')
            argv = [str(launcher), str(stamps), daemonize, "run", str(manifest)]
            env = dict(os.environ, RUNTIME_DIRECTORY=str(runtime / str(index)))
            (runtime / str(index)).mkdir()
        process = subprocess.Popen(argv, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = wait_for_line(stamps, "T ")
        exec_ns = wait_for_line(stamps, "S ")
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        return (exec_ns - started) / 1e6

    results = {"bare": [], "daemonize": []}
    for index in range(runs):  # interleaved, so that load changes hit both alike
        results["bare"].append(measure("bare", index))
        results["daemonize"].append(measure("daemonize", index))
    bare = statistics.median(results["bare"])
    ours = statistics.median(results["daemonize"])
    target = 2.5 * bare + 1.0
    print(f"starts per kind: {runs}, {os.cpu_count()} CPUs, load: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"{'path':<28} {'median_ms':>10} {'p90_ms':>8}")
    for name, values in (("bare fork + exec", results["bare"]), ("daemonize run -> child exec", results["daemonize"])):
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        print(f"{name:<28} {statistics.median(values):>10.2f} {p90:>8.2f}")
    print(f"ratio daemonize / bare: {ours / bare:.2f}x; target 2.5 x bare + 1 ms = {target:.2f} ms: "
          f"{'met' if ours <= target else 'not met'}")
    subprocess.run(["rm", "-rf", str(work), str(runtime)], check=False)


if __name__ == "__main__":
    main()
