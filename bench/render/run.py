#!/usr/bin/env python3
"""Render and validate speed: `daemonize render --target all` of the fullest example, and
`daemonize validate` of a generated manifest of about 1 MB (2 000 arguments, 4 000 environment
variables). Medians of RUNS invocations, each a whole process as an operator runs it; the same
run times `/bin/true` as the floor of starting any process here.

Usage: bench/render/run.py DAEMONIZE [RUNS=20]
Targets: render <= 10 ms, validate of 1 MB <= 100 ms.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(argv, runs):
    samples = []
    for _ in range(runs):
        started = time.monotonic()
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append((time.monotonic() - started) * 1000)
        if result.returncode not in (0,):
            raise SystemExit(f"bench: {' '.join(argv)} exited {result.returncode}")
    return statistics.median(samples)


def big_manifest(path):
    lines = ['[service]', 'name = "big"', 'command = "/usr/bin/env"',
             'args = [' + ", ".join(f'"--arg-{i}=${{VALUE_{i % 100}}}"' for i in range(2000)) + ']',
             '[restart]', 'delay = "250ms"', '[logs]', 'max_size = "50MiB"', '[env]']
    padding = "a setting as long as a certificate fingerprint list or a connection string " * 3
    lines += [f'VALUE_{i} = "{i}: {padding}"' for i in range(4000)]  # 4096 is the limit
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    return len(text)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    daemonize = os.path.realpath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    work = Path(tempfile.mkdtemp(prefix="daemonize-bench-render."))
    example = ROOT / "examples" / "everything.toml"
    floor = timed(["/bin/true"], runs)
    render = timed([daemonize, "render", str(example), "--target", "all"], runs)
    size = big_manifest(work / "big.toml")
    validate = timed([daemonize, "validate", str(work / "big.toml")], runs)
    print(f"runs: {runs}, {os.cpu_count()} CPUs, load: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"{'command':<48} {'median_ms':>10} {'target_ms':>10}")
    print(f"{'/bin/true (starting any process)':<48} {floor:>10.2f} {'':>10}")
    print(f"{'render --target all examples/everything.toml':<48} {render:>10.2f} {10:>10}")
    print(f"{f'validate of a {size / 1e6:.2f} MB manifest':<48} {validate:>10.2f} {100:>10}")
    print(f"render: {render / 10:.2f}x its target ({'met' if render <= 10 else 'not met'}); "
          f"validate: {validate / 100:.2f}x its target ({'met' if validate <= 100 else 'not met'})")
    subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
