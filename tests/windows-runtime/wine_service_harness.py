"""What the Wine e2e tests of the Windows runtime share: a skip that fails under CI=true, checks
that collect their failures, and a Wine prefix (copied from the one scripts/prepare.d/
wine-prefix.sh caches) with its service control manager asked through sc.exe."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PREFIX_CACHE = os.environ.get("DAEMONIZE_CACHE", "/var/cache/daemonize")

failures = []


def skip_or_fail(message):
    if os.environ.get("CI") == "true":
        print(f"FAIL: {message} (CI=true: required)")
        sys.exit(1)
    print(f"SKIP: {message}")
    sys.exit(77)


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message)
    if not condition:
        failures.append(message)
    return condition


def find_tool(name, fallback):
    return shutil.which(name) or (fallback if os.path.exists(fallback) else None)


class Wine:
    def __init__(self, wine64, wineserver, prefix):
        self.wine64 = wine64
        self.wineserver = wineserver
        self.prefix = prefix
        self.env = dict(os.environ, WINEPREFIX=prefix, WINEDEBUG="-all",
                        WINEDLLOVERRIDES="mscoree,mshtml=")

    def host_path(self, windows_path):
        assert windows_path[1:3] == ":\\", windows_path
        return os.path.join(self.prefix, "drive_c", *windows_path[3:].split("\\"))

    def run(self, label, args, timeout=120, quiet=False):
        # Output through a file: Wine's background processes inherit handles and would hold a
        # pipe open.
        started = time.monotonic()
        with tempfile.TemporaryFile() as output_file:
            result = subprocess.run([self.wine64, *args], env=self.env, stdin=subprocess.DEVNULL,
                                    stdout=output_file, stderr=subprocess.STDOUT, timeout=timeout)
            output_file.seek(0)
            output = output_file.read().decode("utf-8", "replace").replace("\r", "")
        if not quiet:
            print(f"  [{time.monotonic() - started:5.1f} s] {label}: exit {result.returncode}")
        return result.returncode, output

    def service_state(self, name):
        code, output = self.run(f"sc query {name}", ["sc", "query", name], quiet=True)
        state = re.search(r"STATE\s*:\s*\d+\s+(\w+)", output)
        win32 = re.search(r"WIN32_EXIT_CODE\s*:\s*(\d+)", output)
        specific = re.search(r"SERVICE_EXIT_CODE\s*:\s*(\d+)", output)
        return (state.group(1) if state else f"(sc query exit {code})",
                int(win32.group(1)) if win32 else None,
                int(specific.group(1)) if specific else None)

    def wait_for_state(self, name, wanted, timeout):
        started = time.monotonic()
        state = None
        while time.monotonic() - started < timeout:
            state = self.service_state(name)
            if state[0] == wanted:
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        print(f"  [{elapsed:5.1f} s] sc query {name}: {state[0]} (waited for {wanted})")
        return state, elapsed


def prepare_prefix(wine64, wineserver, work_dir):
    prefix = os.path.join(work_dir, "prefix")
    if os.path.exists(prefix):
        subprocess.run([wineserver, "-k"], env=dict(os.environ, WINEPREFIX=prefix),
                       capture_output=True)
        shutil.rmtree(prefix)
    os.makedirs(work_dir, exist_ok=True)
    version = subprocess.run([wine64, "--version"], capture_output=True,
                             text=True).stdout.splitlines()[0].strip()
    cached = os.path.join(PREFIX_CACHE, "wine-prefix-" + re.sub(r"[^A-Za-z0-9.~-]", "_", version))
    started = time.monotonic()
    if os.path.isfile(os.path.join(cached, "system.reg")):
        subprocess.run(["cp", "-a", "--reflink=auto", cached, prefix], check=True)
        how = f"copied the prepared prefix {cached}"
    else:
        how = "created a prefix with wineboot --init (scripts/prepare.d/wine-prefix.sh caches one)"
        subprocess.run([wine64, "wineboot", "--init"], check=True, capture_output=True,
                       env=dict(os.environ, WINEPREFIX=prefix, WINEDEBUG="-all",
                                WINEDLLOVERRIDES="mscoree,mshtml="), timeout=300)
    print(f"[{time.monotonic() - started:5.1f} s] {how} ({version})")
    return prefix


def processes_running(name):
    """Linux pids of the (Wine) processes whose command line contains `name`, e.g. a test child's
    exe name that is unique to one test."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                cmdline = file.read()
        except OSError:
            continue
        if name.encode() in cmdline:
            pids.append(int(entry))
    return pids


def wait_for(predicate, timeout, step=0.2):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        value = predicate()
        if value:
            return value, time.monotonic() - started
        time.sleep(step)
    return predicate(), time.monotonic() - started


def mingw_build_and_tools(prerequisites, build_command):
    """Checks the prerequisites (FILE=WHAT: a prepared cache's .complete), finds Wine and the
    mingw compiler (skip, or fail under CI=true, when missing), runs the incremental cross build.
    Returns (wine64, wineserver, mingw_cxx), or None when the build failed."""
    for prerequisite in prerequisites:
        path, _, what = prerequisite.partition("=")
        if not os.path.exists(path):
            skip_or_fail(f"the mingw build cannot be made: missing {what} ({path})")
    wine64 = find_tool("wine64", "/usr/lib/wine/wine64")
    wineserver = find_tool("wineserver", "/usr/lib/wine/wineserver")
    mingw_cxx = shutil.which("x86_64-w64-mingw32-g++-posix")
    if not wine64 or not wineserver:
        skip_or_fail("wine64/wineserver not found (packages wine, wine64)")
    if not mingw_cxx:
        skip_or_fail("x86_64-w64-mingw32-g++-posix not found (package g++-mingw-w64-x86-64)")
    if build_command:
        started = time.monotonic()
        build = subprocess.run(build_command.split(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        print(f"[{time.monotonic() - started:5.1f} s] mingw build of daemonize.exe: exit "
              f"{build.returncode}")
        if build.returncode != 0:
            print(build.stdout[-6000:])
            print("FAIL: the mingw cross build failed")
            return None
    return wine64, wineserver, mingw_cxx


def e2e_arguments(source_dir=True):
    """The command line every Wine e2e script takes from its CMakeLists.txt entry."""
    import argparse
    parser = argparse.ArgumentParser()
    if source_dir:
        parser.add_argument("--source-dir", required=True)
    parser.add_argument("--daemonize-exe", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--prerequisite", action="append", default=[],
                        help="FILE=WHAT: FILE must exist (e.g. a prepared cache's .complete)")
    parser.add_argument("--build-command", default="",
                        help="builds daemonize.exe first (incremental)")
    return parser


def e2e_tools(options, live_children=None):
    """The common start of an e2e script: builds daemonize.exe, finds Wine and mingw, checks the
    exe was built and that no test child of an earlier run is alive. Returns (wine64, wineserver,
    mingw_cxx), or None when the build failed or children are left (the script then exits 1)."""
    tools = mingw_build_and_tools(options.prerequisite, options.build_command)
    if tools is None:
        return None
    if not os.path.exists(options.daemonize_exe):
        skip_or_fail(f"{options.daemonize_exe} was not built (the daemonize_mingw target)")
    if live_children and live_children():
        print(f"FAIL: children of an earlier run are still alive: {live_children()}")
        return None
    return tools


def build_child(mingw_cxx, source, exe, flags=()):
    """Cross-builds one test child (a single .cpp, statically linked)."""
    started = time.monotonic()
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    subprocess.run([mingw_cxx, "-O1", "-static", "-o", exe, source, *flags], check=True)
    print(f"[{time.monotonic() - started:5.1f} s] built {os.path.basename(exe)}")


class WineSession:
    """A copied Wine prefix with its wineserver kept up (-p) and daemonize.exe installed under
    install_dir. Leaving it stops `services` and ends the wineserver."""

    def __init__(self, wine64, wineserver, options, install_dir, services=()):
        prefix = prepare_prefix(wine64, wineserver, options.work_dir)
        self.wine = Wine(wine64, wineserver, prefix)
        self.services = list(services)
        subprocess.run([wineserver, "-p"], env=self.wine.env, check=True)
        os.makedirs(self.wine.host_path(install_dir), exist_ok=True)
        shutil.copy(options.daemonize_exe, self.wine.host_path(install_dir + "\\daemonize.exe"))

    def __enter__(self):
        return self.wine

    def __exit__(self, *exc):
        for name in self.services:
            self.wine.run("sc stop (cleanup)", ["sc", "stop", name], quiet=True)
        subprocess.run([self.wine.wineserver, "-k"], env=self.wine.env, capture_output=True)
        subprocess.run([self.wine.wineserver, "-w"], env=self.wine.env, capture_output=True,
                       timeout=60)


def report(started_at, what):
    """The closing lines of an e2e script and its exit code."""
    print(f"[{time.monotonic() - started_at:5.1f} s] total")
    if failures:
        print(f"{len(failures)} check(s) failed:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print(f"{what}: all checks passed")
    return 0
