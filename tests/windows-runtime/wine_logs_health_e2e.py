#!/usr/bin/env python3
"""Logs and [health] of the Windows watchdog (daemonize.exe run --service, cross-built with
mingw-w64) under Wine's service control manager (ctest label e2e-windows).

Logs: a child writes N numbered lines (one WriteFile each; every 10th also to stderr) and exits 0
at once. The watchdog reads its pipes and writes them through the same RotatingLogWriter as on
POSIX: with a small logs.max_size the lines end up in rotated files (counted), every line exactly
once and in order across the files (checked by number), the rotated files gzip'd when
logs.compress is on (decompressed with Python's gzip) and within max_size; with max_files = 3
exactly three rotated files remain and hold the newest lines. Nothing of the output written just
before the child exits is lost.

Health: a child that opens its port only after a delay, with [health] http (then tcp) pointing
at it: `sc query` stays START_PENDING while the child runs without its port, and turns RUNNING
only after the first healthy probe (elapsed time >= the delay); the watchdog logs "ready".

Outside CI a missing tool skips (exit 77); with CI=true it fails.
"""

import gzip
import os
import re
import shutil
import socket
import sys
import time

from wine_service_harness import (WineSession, build_child, check, e2e_arguments, e2e_tools,
                                  failures, processes_running, report, wait_for)

INSTALL_DIR = "C:\\Program Files\\daemonize"
CHILD_NAME = "daemonize-rtlh-child.exe"
CHILD = "C:\\daemonize-test\\" + CHILD_NAME
LINE_COUNT = 6000
LINE_BYTES = 95  # "line NNNNNN " + 82 letters and digits + "\n" (logs_health_child.cpp)
MAX_SIZE = 65536  # bytes ("64KiB")
SERVE_DELAY_MS = 8000

started_at = time.monotonic()


def live_children():
    """Linux pids of Wine processes running this test's child (its name is unique to it)."""
    return processes_running(CHILD_NAME)


def write_manifest(wine, name, child_args, restart, logs, extra_tables=""):
    text = f"""[service]
name = "{name}"
description = "daemonize Windows logs/health e2e ({name})"
command = '{CHILD}'
args = [{", ".join("'" + a + "'" for a in child_args)}]

[restart]
{restart}

[stop]
timeout = "3s"

[logs]
{logs}
{extra_tables}
[windows]
start = "demand"
account = "LocalSystem"
"""
    manifest = f"C:\\ProgramData\\daemonize\\{name}.toml"
    os.makedirs(os.path.dirname(wine.host_path(manifest)), exist_ok=True)
    with open(wine.host_path(manifest), "w", encoding="utf-8") as file:
        file.write(text)
    return manifest


def register(wine, name, manifest):
    """Renders windows-service with daemonize.exe itself and runs the install script."""
    out_dir = f"C:\\daemonize-test\\render-{name}"
    code, output = wine.run(f"daemonize.exe render {name} --target windows-service",
                            [f"{INSTALL_DIR}\\daemonize.exe", "render", manifest, "--target",
                             "windows-service", "-o", out_dir])
    script = f"{out_dir}\\windows-service\\install-{name}.cmd"
    if not check(code == 0 and os.path.exists(wine.host_path(script)),
                 f"render wrote install-{name}.cmd ({output.strip()[:300]})"):
        return False
    code, output = wine.run(f"cmd /c install-{name}.cmd", ["cmd", "/c", script])
    # Wine's sc.exe has no `failureflag` (verification.md): the script stops there, after the
    # service exists; anything else failing is an error.
    failed = [line for line in output.splitlines() if " failed with exit code " in line]
    return check(code == 0 or all("failureflag" in line for line in failed),
                 f"install script registered the service (exit {code}; {failed})")


def uninstall(wine, name):
    script = f"C:\\daemonize-test\\render-{name}\\windows-service\\install-{name}.cmd"
    code, output = wine.run(f"install-{name}.cmd uninstall", ["cmd", "/c", script, "uninstall"])
    check(code == 0, f"uninstall exits 0 ({output.strip()[:200]})")


def read_text(path):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def dump_watchdog_log(wine, logs_dir, lines=25):
    text = read_text(wine.host_path(logs_dir + "\\daemonize-watchdog.log"))
    print(f"  --- {logs_dir}\\daemonize-watchdog.log (last {lines} lines)")
    for line in text.splitlines()[-lines:]:
        print(f"      {line}")


# --- the checks ------------------------------------------------------------------------------

ROTATED = re.compile(r"^stdout\.log\.(\d{8}T\d{6}\.\d{6}Z)(\.gz)?$")


def read_log_files(directory):
    """(rotated names oldest first, {name: bytes}) of stdout.log in `directory`."""
    names = sorted(os.listdir(directory))
    rotated = sorted((n for n in names if ROTATED.match(n)), key=lambda n: ROTATED.match(n)[1])
    contents = {}
    for name in rotated + ["stdout.log"]:
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as file:
            data = file.read()
        contents[name] = gzip.decompress(data) if name.endswith(".gz") else data
    return names, rotated, contents


def line_numbers(data):
    numbers = []
    for line in data.decode("utf-8", "replace").splitlines():
        match = re.match(r"^line (\d{6}) ", line)
        if match:
            numbers.append(int(match[1]))
    return numbers


def run_logs(wine, name, max_files, compress):
    logs_dir = f"C:\\ProgramData\\{name}\\logs"
    print(f"service {name}: {LINE_COUNT} lines, max_size {MAX_SIZE} B, max_files {max_files}, "
          f"compress {str(compress).lower()}")
    manifest = write_manifest(
        wine, name, ["lines", str(LINE_COUNT)], 'policy = "on-failure"',
        f"directory = '{logs_dir}'\nmax_size = \"64KiB\"\nmax_files = {max_files}\n"
        f"compress = {str(compress).lower()}")
    if not register(wine, name, manifest):
        return
    started = time.monotonic()
    wine.run(f"sc start {name}", ["sc", "start", name])
    # The child exits 0 after its last line: on-failure ends the service with exit 0.
    state, _ = wine.wait_for_state(name, "STOPPED", 90)
    elapsed = time.monotonic() - started
    check(state[0] == "STOPPED" and state[1] == 0,
          f"the service ran the child and stopped cleanly in {elapsed:.1f} s (got {state})")
    directory = wine.host_path(logs_dir)
    if not check(os.path.isdir(directory), f"{logs_dir} exists"):
        dump_watchdog_log(wine, logs_dir)
        return
    names, rotated, contents = read_log_files(directory)
    print(f"  files in {logs_dir}: {len(names)}: {', '.join(names[:6])}"
          f"{' ...' if len(names) > 6 else ''}")
    numbers = []
    for file_name in rotated + ["stdout.log"]:
        numbers += line_numbers(contents.get(file_name, b""))
    total_bytes = sum(len(data) for data in contents.values())
    print(f"  {len(rotated)} rotated files + stdout.log, {total_bytes} bytes, "
          f"{len(numbers)} numbered lines, sizes: "
          f"{[len(contents[n]) for n in rotated][:12]} + {len(contents.get('stdout.log', b''))}")
    if max_files >= 50:
        # Files are cut between lines: each holds max_size // line bytes lines.
        per_file = MAX_SIZE // LINE_BYTES
        expected_rotations = -(-LINE_COUNT // per_file) - 1
        check(len(rotated) == expected_rotations,
              f"{len(rotated)} rotated files ({expected_rotations} expected: {LINE_COUNT} lines "
              f"of {LINE_BYTES} bytes, {per_file} per file of max_size {MAX_SIZE})")
        check(numbers == list(range(1, LINE_COUNT + 1)),
              f"every line 1..{LINE_COUNT} exactly once and in order across the files "
              f"(got {len(numbers)} lines, {len(set(numbers))} distinct, first "
              f"{numbers[:2]}, last {numbers[-2:]})")
    else:
        check(len(rotated) == max_files,
              f"exactly max_files = {max_files} rotated files remain (got {len(rotated)})")
        first = numbers[0] if numbers else None
        check(bool(numbers) and numbers == list(range(first, LINE_COUNT + 1)) and first > 1,
              f"the kept files hold the newest lines {first}..{LINE_COUNT}, contiguous, no "
              f"duplicate (got {len(numbers)} lines)")
    check(all(len(line) + 1 == LINE_BYTES for data in contents.values()
              for line in data.split(b"\n")[:-1]),
          f"every line of stdout is whole ({LINE_BYTES} bytes with its newline)")
    check(all(len(contents[n]) <= MAX_SIZE for n in rotated),
          f"every rotated file holds at most max_size = {MAX_SIZE} bytes (largest "
          f"{max((len(contents[n]) for n in rotated), default=0)})")
    gz = [n for n in rotated if n.endswith(".gz")]
    if compress:
        check(len(gz) == len(rotated) and rotated,
              f"all {len(rotated)} rotated files are gzip'd and decompress ({len(gz)} .gz)")
    else:
        check(not gz, f"no rotated file is gzip'd with compress = false ({len(gz)} .gz)")
    check(not [n for n in names if n.endswith(".tmp")], "no temporary file is left")
    errors = [int(m) for m in re.findall(r"^err (\d{6})$",
                                          read_text(os.path.join(directory, "stderr.log")),
                                          re.MULTILINE)]
    check(errors == list(range(10, LINE_COUNT + 1, 10)),
          f"stderr.log holds every 10th line once ({len(errors)} of {LINE_COUNT // 10})")
    uninstall(wine, name)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_health(wine, name, check_kind):
    logs_dir = f"C:\\ProgramData\\{name}\\logs"
    marker = f"C:\\daemonize-test\\{name}-marker.txt"
    port = free_port()
    if check_kind == "http":
        target = f'url = "http://127.0.0.1:{port}/health"'
    else:
        target = f'address = "127.0.0.1:{port}"'
    print(f"service {name}: [health] {check_kind} on port {port}, the child listens after "
          f"{SERVE_DELAY_MS} ms")
    manifest = write_manifest(
        wine, name, ["serve", str(SERVE_DELAY_MS), str(port), marker],
        'policy = "always"\ndelay = "500ms"', f"directory = '{logs_dir}'",
        f'\n[health]\ncheck = "{check_kind}"\n{target}\ninterval = "500ms"\ntimeout = "1s"\n'
        f'retries = 3\nstart_period = "60s"\n')
    if not register(wine, name, manifest):
        return
    started = time.monotonic()
    wine.run(f"sc start {name}", ["sc", "start", name])
    samples = []  # (seconds since sc start, SCM state, child started, child listening)
    while time.monotonic() - started < 60:
        state = wine.service_state(name)[0]
        # The marker is read after the query: "not listening" then held at the query too.
        lines = read_text(wine.host_path(marker)).split()
        samples.append((time.monotonic() - started, state, "started" in lines,
                        "listening" in lines))
        if state in ("RUNNING", "STOPPED"):
            break
        time.sleep(0.25)
    print("  samples (s, state, child started, listening): " +
          ", ".join(f"{t:.1f} {s} {int(a)}{int(b)}" for t, s, a, b in samples))
    pending_without_port = [s for s in samples
                            if s[1] == "START_PENDING" and s[2] and not s[3]]
    check(bool(pending_without_port),
          f"START_PENDING while the child runs without its port ({len(pending_without_port)} "
          f"samples, the last at {pending_without_port[-1][0]:.1f} s)" if pending_without_port
          else "START_PENDING while the child runs without its port (no such sample)")
    running = [s for s in samples if s[1] == "RUNNING"]
    check(bool(running) and running[0][0] >= SERVE_DELAY_MS / 1000,
          f"RUNNING only after the first healthy probe: {running[0][0]:.1f} s after sc start "
          f"(the child listens after {SERVE_DELAY_MS / 1000:.1f} s)" if running
          else f"RUNNING after the first healthy probe (last state {samples[-1][1]})")
    log_text = read_text(wine.host_path(logs_dir + "\\daemonize-watchdog.log"))
    check("ready" in log_text and "not supported" not in log_text,
          "the watchdog logged 'ready' (and no 'not supported' warning)")
    started_stop = time.monotonic()
    wine.run(f"sc stop {name}", ["sc", "stop", name])
    state, _ = wine.wait_for_state(name, "STOPPED", 30)
    check(state[0] == "STOPPED" and state[1] == 0,
          f"sc stop: STOPPED with exit 0 in {time.monotonic() - started_stop:.1f} s (got {state})")
    if failures:
        dump_watchdog_log(wine, logs_dir)
    gone, _ = wait_for(lambda: not live_children(), 10)
    check(gone, f"no child is left after the stop (pids {live_children()})")
    uninstall(wine, name)


def main():
    options = e2e_arguments().parse_args()
    tools = e2e_tools(options, live_children)
    if tools is None:
        return 1
    wine64, wineserver, mingw_cxx = tools
    child_exe = os.path.join(options.work_dir, CHILD_NAME)
    build_child(mingw_cxx, os.path.join(options.source_dir,
                                        "tests/windows-runtime/mingw/logs_health_child.cpp"),
                child_exe, ["-lws2_32"])
    with WineSession(wine64, wineserver, options, INSTALL_DIR,
                     ("rtlogs", "rtkeep", "rthttp", "rttcp")) as wine:
        os.makedirs(wine.host_path("C:\\daemonize-test"), exist_ok=True)
        shutil.copy(child_exe, wine.host_path(CHILD))
        only = os.environ.get("DAEMONIZE_E2E_ONLY", "")
        if only in ("", "logs"):
            run_logs(wine, "rtlogs", max_files=100, compress=True)
            run_logs(wine, "rtkeep", max_files=3, compress=False)
        if only in ("", "health"):
            run_health(wine, "rthttp", "http")
            run_health(wine, "rttcp", "tcp")
    return report(started_at, "windows logs and health under Wine")


if __name__ == "__main__":
    sys.exit(main())
