#!/usr/bin/env python3
"""[service] type = "oneshot" of daemonize.exe run --service (cross-built with mingw-w64) under
Wine's service control manager (ctest label e2e-windows), with mingw/stop_child.cpp's `oneshot`
mode as the task:
- without remain_after_exit: START_PENDING while the task runs (the start completes when it
  succeeds), then STOPPED with exit code 0, and the task is never run again;
- with remain_after_exit = true: RUNNING once the task succeeded, still RUNNING seconds later
  with nothing left running, `sc stop` then ends it (STOPPED, exit 0);
- a failing task with policy = "never": STOPPED with the task's exit code, never RUNNING.
Outside CI a missing tool skips (exit 77); with CI=true it fails.
"""

import os
import shutil
import sys
import time

from wine_logs_health_e2e import dump_watchdog_log, read_text, register, uninstall
from wine_service_harness import (WineSession, build_child, check, e2e_arguments, e2e_tools,
                                  processes_running, report, wait_for)

INSTALL_DIR = "C:\\Program Files\\daemonize"
CHILD_NAME = "daemonize-rttype-child.exe"
CHILD = "C:\\daemonize-test\\" + CHILD_NAME

started_at = time.monotonic()


def live_children():
    return processes_running(CHILD_NAME)


def write_manifest(wine, name, seconds, code, service_lines, restart_lines):
    marker = f"C:\\daemonize-test\\{name}.marker"
    text = f"""[service]
name = "{name}"
description = "daemonize Windows oneshot e2e ({name})"
command = '{CHILD}'
args = ['oneshot', '{marker}', '{seconds}', '{code}']
type = "oneshot"
{service_lines}

[restart]
delay = "1s"
{restart_lines}

[logs]
directory = 'C:\\ProgramData\\{name}\\logs'

[windows]
start = "demand"
account = "LocalSystem"
"""
    manifest = f"C:\\ProgramData\\daemonize\\{name}.toml"
    os.makedirs(os.path.dirname(wine.host_path(manifest)), exist_ok=True)
    with open(wine.host_path(manifest), "w", encoding="utf-8") as file:
        file.write(text)
    return manifest, marker


def words(wine, marker, word):
    return [line for line in read_text(wine.host_path(marker)).splitlines()
            if line.startswith(word + " ")]


def run_oneshot(wine):
    name = "rtoneshot"
    manifest, marker = write_manifest(wine, name, 4, 0, "", "")
    if not register(wine, name, manifest):
        return
    wine.run(f"sc start {name}", ["sc", "start", name])
    started, _ = wait_for(lambda: words(wine, marker, "started"), 20)
    state = wine.service_state(name)
    check(bool(started) and state[0] == "START_PENDING",
          f"{name}: START_PENDING while the task runs (state {state[0]})")
    state, _ = wine.wait_for_state(name, "STOPPED", 30)
    check(bool(words(wine, marker, "finished")) and state[0] == "STOPPED" and state[1] == 0,
          f"{name}: STOPPED with exit 0 after the task succeeded (state {state})")
    time.sleep(2.5)  # longer than restart.delay: a restart would show now
    check(len(words(wine, marker, "started")) == 1,
          f"{name}: the task ran once ({len(words(wine, marker, 'started'))} starts)")
    log = read_text(wine.host_path(f"C:\\ProgramData\\{name}\\logs\\daemonize-watchdog.log"))
    if not check("finished successfully" in log, f"{name}: the watchdog logged the success"):
        dump_watchdog_log(wine, f"C:\\ProgramData\\{name}\\logs")
    uninstall(wine, name)


def run_remain_after_exit(wine):
    name = "rtremain"
    manifest, marker = write_manifest(wine, name, 1, 0, "remain_after_exit = true", "")
    if not register(wine, name, manifest):
        return
    wine.run(f"sc start {name}", ["sc", "start", name])
    state, _ = wine.wait_for_state(name, "RUNNING", 30)
    check(state[0] == "RUNNING" and bool(words(wine, marker, "finished")),
          f"{name}: RUNNING once the task succeeded (state {state[0]})")
    time.sleep(3)
    state = wine.service_state(name)
    check(state[0] == "RUNNING" and not live_children(),
          f"{name}: still RUNNING 3 s later, no task process left (state {state[0]}, "
          f"children {live_children()})")
    wine.run(f"sc stop {name}", ["sc", "stop", name])
    state, _ = wine.wait_for_state(name, "STOPPED", 30)
    check(state[0] == "STOPPED" and state[1] == 0,
          f"{name}: `sc stop` ends it, STOPPED with exit 0 (state {state})")
    check(len(words(wine, marker, "started")) == 1, f"{name}: the task ran once")
    uninstall(wine, name)


def run_failure(wine):
    name = "rtoneshotfail"
    manifest, marker = write_manifest(wine, name, 1, 3, "", 'policy = "never"')
    if not register(wine, name, manifest):
        return
    wine.run(f"sc start {name}", ["sc", "start", name])
    state, _ = wine.wait_for_state(name, "STOPPED", 30)
    check(state[0] == "STOPPED" and bool(words(wine, marker, "finished")) and
          (state[1] == 3 or state[2] == 3),
          f"{name}: STOPPED with the task's exit code 3 (state {state})")
    uninstall(wine, name)


def main():
    options = e2e_arguments().parse_args()
    tools = e2e_tools(options, live_children)
    if tools is None:
        return 1
    wine64, wineserver, mingw_cxx = tools
    child_exe = os.path.join(options.work_dir, CHILD_NAME)
    build_child(mingw_cxx, os.path.join(options.source_dir,
                                        "tests/windows-runtime/mingw/stop_child.cpp"),
                child_exe, ["-municode"])
    names = ("rtoneshot", "rtremain", "rtoneshotfail")
    with WineSession(wine64, wineserver, options, INSTALL_DIR, names) as wine:
        os.makedirs(wine.host_path("C:\\daemonize-test"), exist_ok=True)
        shutil.copy(child_exe, wine.host_path(CHILD))
        run_oneshot(wine)
        run_remain_after_exit(wine)
        run_failure(wine)
    return report(started_at, "oneshot services under Wine's SCM")


if __name__ == "__main__":
    sys.exit(main())
