#!/usr/bin/env python3
"""The Windows stop sequence and the exec health probe of daemonize.exe run --service (cross-built
with mingw-w64) under Wine's service control manager (ctest label e2e-windows).

Stop (stop.timeout = 10 s, one service per child of mingw/stop_child.cpp), each `sc stop` timed:
- a child that handles Ctrl+C writes "ctrl_c" from its handler and exits: the stop helper
  (daemonize.exe internal-ctrl-c) reached its console, STOPPED well before stop.timeout; with
  stop.signal = "QUIT" the helper generates Ctrl+Break instead (Wine refuses
  CTRL_BREAK_EVENT with error 6: there the sequence must go on with WM_CLOSE at once and end at
  stop.timeout);
- a child that ignores Ctrl+C but owns a top-level window gets WM_CLOSE (after the console step's
  half of stop.timeout) and writes "wm_close";
- a child that ignores Ctrl+C and has only a message queue gets WM_QUIT and writes "wm_quit";
- a child that ignores everything (and has a grandchild that does too) is terminated with its
  job when stop.timeout expires: STOPPED after >= stop.timeout, no process of either left.
Health: [health] check = "exec" runs the probe (the same child in `probe FILE` mode: exit 0 while
FILE exists) in a job of its own: healthy → RUNNING and "ready" in the watchdog's log; FILE
removed → the probe fails `retries` times and the watchdog restarts the child; a probe that
hangs (with a child of its own) is ended with its job at health.timeout, counts as a failure,
and leaves no process behind.

The prefix uses Wine's null display driver (HKCU\\Software\\Wine\\Drivers Graphics=null): there is
no X server here, and without a driver CreateWindow fails. Outside CI a missing tool skips
(exit 77); with CI=true it fails.
"""

import os
import shutil
import sys
import time

from wine_logs_health_e2e import dump_watchdog_log, read_text, register, uninstall
from wine_service_harness import (WineSession, build_child, check, e2e_arguments, e2e_tools,
                                  failures, processes_running, report, wait_for)

INSTALL_DIR = "C:\\Program Files\\daemonize"
CHILD_NAME = "daemonize-rtstop-child.exe"
CHILD = "C:\\daemonize-test\\" + CHILD_NAME
STOP_TIMEOUT_S = 10
MARGIN_S = 8  # Wine steps (sc query every 0.25 s, process start-up) on two shared cores

started_at = time.monotonic()


def live_children():
    """Linux pids of Wine processes running this test's child (its name is unique to it)."""
    return processes_running(CHILD_NAME)


def write_manifest(wine, name, child_args, extra_tables="", restart='policy = "always"',
                   stop_signal="TERM"):
    text = f"""[service]
name = "{name}"
description = "daemonize Windows stop/exec-health e2e ({name})"
command = '{CHILD}'
args = [{", ".join("'" + a + "'" for a in child_args)}]

[restart]
{restart}

[stop]
signal = "{stop_signal}"
timeout = "{STOP_TIMEOUT_S}s"

[logs]
directory = 'C:\\ProgramData\\{name}\\logs'
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


def marker_words(wine, marker):
    return [line.split() for line in read_text(wine.host_path(marker)).splitlines() if line]


def start_service(wine, name, marker, first_word="started"):
    wine.run(f"sc start {name}", ["sc", "start", name])
    state, _ = wine.wait_for_state(name, "RUNNING", 30)
    lines, waited = wait_for(lambda: [w for w in marker_words(wine, marker)
                                      if w[0] == first_word], 20)
    ok = check(state[0] == "RUNNING" and bool(lines),
               f"{name}: RUNNING, the child wrote '{first_word}' after {waited:.1f} s "
               f"(state {state[0]}, marker {marker_words(wine, marker)})")
    return ok


def timed_stop(wine, name):
    started = time.monotonic()
    wine.run(f"sc stop {name}", ["sc", "stop", name])
    state, _ = wine.wait_for_state(name, "STOPPED", STOP_TIMEOUT_S + MARGIN_S + 15)
    return state, time.monotonic() - started


def run_stop_case(wine, name, mode, expected_word, log_phrase, lower_s, upper_s,
                  stop_signal="TERM"):
    """`mode` of stop_child; after `sc stop` the marker must gain `expected_word` (None: nothing)
    and the watchdog's log `log_phrase`; the stop takes lower_s..upper_s seconds."""
    logs_dir = f"C:\\ProgramData\\{name}\\logs"
    marker = f"C:\\daemonize-test\\{name}-marker.txt"
    print(f"service {name}: a child in mode '{mode}', stop.signal {stop_signal}, stop.timeout "
          f"{STOP_TIMEOUT_S} s")
    manifest = write_manifest(wine, name, [mode, marker], stop_signal=stop_signal)
    if not register(wine, name, manifest):
        return
    ready_word = {"window": "window", "queue": "queue"}.get(mode, "started")
    if not start_service(wine, name, marker, ready_word):
        dump_watchdog_log(wine, logs_dir)
        uninstall(wine, name)
        return
    if mode == "stubborn":
        wait_for(lambda: len(live_children()) >= 2, 10)
        check(len(live_children()) >= 2,
              f"{name}: the child and its grandchild run (pids {live_children()})")
    state, elapsed = timed_stop(wine, name)
    words = [w[0] for w in marker_words(wine, marker)]
    check(state[0] == "STOPPED" and state[1] == 0,
          f"{name}: STOPPED with WIN32_EXIT_CODE 0 (got {state})")
    if expected_word:
        check(expected_word in words,
              f"{name}: the child wrote '{expected_word}' from its handler (marker: {words})")
    else:
        check(not {"ctrl_c", "ctrl_break", "wm_close", "wm_quit"} & set(words),
              f"{name}: the child reacted to nothing (marker: {words})")
    check(lower_s <= elapsed <= upper_s,
          f"{name}: the stop took {elapsed:.1f} s (expected {lower_s:.1f}..{upper_s:.1f} s; "
          f"stop.timeout {STOP_TIMEOUT_S} s)")
    log_text = read_text(wine.host_path(logs_dir + "\\daemonize-watchdog.log"))
    check(log_phrase in log_text, f"{name}: the watchdog logged '{log_phrase}'")
    gone, _ = wait_for(lambda: not live_children(), 10)
    check(gone, f"{name}: no process of the child's tree is left (pids {live_children()})")
    if failures:
        dump_watchdog_log(wine, logs_dir, 30)
    uninstall(wine, name)


WINE_NO_CTRL_BREAK = ("stop: Ctrl+Break reached nothing (GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT): "
                      "Invalid handle (error 6)); WM_CLOSE now")


def run_ctrl_break_case(wine, half):
    """stop.signal = "QUIT": Ctrl+Break through the same helper. Wine 8 refuses
    GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, 0) with error 6 (CTRL_C_EVENT works), so there the
    check is that the sequence hands over at once: this child has no window and no message
    queue, so no step reaches it and the job is terminated at once, with no survivor; that
    Ctrl+Break reaches the program stays unproven (windows-runtime.md)."""
    name = "rtbreak"
    marker = f"C:\\daemonize-test\\{name}-marker.txt"
    log_path = wine.host_path(f"C:\\ProgramData\\{name}\\logs\\daemonize-watchdog.log")
    print(f"service {name}: stop.signal QUIT, a child that handles Ctrl+Break")
    manifest = write_manifest(wine, name, ["ctrl-c", marker], stop_signal="QUIT")
    if not register(wine, name, manifest):
        return
    if start_service(wine, name, marker):
        state, elapsed = timed_stop(wine, name)
        words = [w[0] for w in marker_words(wine, marker)]
        log_text = read_text(log_path)
        check(state[0] == "STOPPED" and state[1] == 0,
              f"{name}: STOPPED with WIN32_EXIT_CODE 0 (got {state})")
        if WINE_NO_CTRL_BREAK in log_text:
            print(f"  note  {name}: Wine refused CTRL_BREAK_EVENT (error 6): Ctrl+Break delivery "
                  f"is unproven here")
            check(elapsed <= half and "stop: no step reached the program: TerminateJobObject: "
                  "terminated the job" in log_text and "ctrl_break" not in words,
                  f"{name}: after the refused Ctrl+Break no step reached the child (no window, no "
                  f"message queue) and the job was terminated at once ({elapsed:.1f} s)")
        else:
            check("ctrl_break" in words and elapsed <= half - 1 and
                  "stop: Ctrl+Break: generated on the console of pid" in log_text,
                  f"{name}: the child wrote 'ctrl_break' from its handler, STOPPED after "
                  f"{elapsed:.1f} s (marker: {words})")
        gone, _ = wait_for(lambda: not live_children(), 10)
        check(gone, f"{name}: no process of the child's tree is left (pids {live_children()})")
    uninstall(wine, name)


def run_exec_health(wine):
    name = "rtexec"
    logs_dir = f"C:\\ProgramData\\{name}\\logs"
    marker = f"C:\\daemonize-test\\{name}-marker.txt"
    healthy_file = f"C:\\daemonize-test\\{name}-healthy"
    print(f"service {name}: [health] check = \"exec\" ({CHILD_NAME} probe {healthy_file})")
    with open(wine.host_path(healthy_file), "w") as file:
        file.write("ok\n")
    manifest = write_manifest(
        wine, name, ["ctrl-c", marker],
        f'\n[health]\ncheck = "exec"\ncommand = [\'{CHILD}\', "probe", \'{healthy_file}\']\n'
        f'interval = "500ms"\ntimeout = "5s"\nretries = 2\n',
        restart='policy = "always"\ndelay = "500ms"')
    if not register(wine, name, manifest):
        return
    if not start_service(wine, name, marker):
        dump_watchdog_log(wine, logs_dir)
        uninstall(wine, name)
        return
    log_path = wine.host_path(logs_dir + "\\daemonize-watchdog.log")
    ready, waited = wait_for(lambda: "ready" in read_text(log_path), 20)
    check(ready and "not supported" not in read_text(log_path),
          f"{name}: the exec probe passed: the watchdog logged 'ready' after {waited:.1f} s")
    first = [w for w in marker_words(wine, marker) if w[0] == "started"]
    os.remove(wine.host_path(healthy_file))
    restarted, waited = wait_for(
        lambda: len([w for w in marker_words(wine, marker) if w[0] == "started"]) > len(first),
        30)
    check(restarted, f"{name}: the failing probe restarted the child after {waited:.1f} s "
                     f"(marker: {marker_words(wine, marker)})")
    check("restarting: health" in read_text(log_path),
          f"{name}: the watchdog logged the health restart")
    state, _ = timed_stop(wine, name)
    check(state[0] == "STOPPED", f"{name}: sc stop → STOPPED (got {state})")
    gone, _ = wait_for(lambda: not live_children(), 10)
    check(gone, f"{name}: no child or probe is left (pids {live_children()})")
    if failures:
        dump_watchdog_log(wine, logs_dir, 40)
    uninstall(wine, name)


def run_exec_health_timeout(wine):
    """A probe that never exits (and starts a child of its own): health.timeout terminates its
    job, the failure counts, `retries` of them restart the program, and no probe is left."""
    name = "rtexechang"
    logs_dir = f"C:\\ProgramData\\{name}\\logs"
    marker = f"C:\\daemonize-test\\{name}-marker.txt"
    probe_marker = f"C:\\daemonize-test\\{name}-probes.txt"
    print(f"service {name}: [health] check = \"exec\" with a probe that hangs (timeout 1s)")
    manifest = write_manifest(
        wine, name, ["ctrl-c", marker],
        f'\n[health]\ncheck = "exec"\ncommand = [\'{CHILD}\', "probe-hang", \'{probe_marker}\']\n'
        f'interval = "500ms"\ntimeout = "1s"\nretries = 2\n',
        restart='policy = "always"\ndelay = "500ms"')
    if not register(wine, name, manifest):
        return
    wine.run(f"sc start {name}", ["sc", "start", name])
    log_path = wine.host_path(logs_dir + "\\daemonize-watchdog.log")
    restarted, waited = wait_for(lambda: "restarting: health" in read_text(log_path), 30)
    log_text = read_text(log_path)
    check(restarted and "health check failed (2 of 2): timed out after 1s" in log_text,
          f"{name}: two probes timed out after 1s and the watchdog restarted the child "
          f"({waited:.1f} s)")
    check(wine.service_state(name)[0] == "START_PENDING",
          f"{name}: never healthy, so never RUNNING (got {wine.service_state(name)[0]})")
    # A hung probe that outlived its timeout would pile up with its child: after several
    # timeouts at most the program, the current probe and that probe's child may run.
    wait_for(lambda: len([w for w in marker_words(wine, probe_marker) if w[0] == "probe"]) >= 5,
             20)
    probes = [w for w in marker_words(wine, probe_marker) if w[0] == "probe"]
    running = live_children()
    check(len(probes) >= 5 and len(running) <= 3,
          f"{name}: {len(probes)} hanging probes ran, each ended with its job at the timeout: "
          f"{len(running)} processes of the test child run (at most 3: the program, one probe "
          f"and its child)")
    # The SCM accepts no STOP while START_PENDING: the prefix's wineserver ends this service.
    if failures:
        dump_watchdog_log(wine, logs_dir, 40)


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
    names = ("rtctrlc", "rtbreak", "rtwindow", "rtqueue", "rtstubborn", "rtexec", "rtexechang")
    with WineSession(wine64, wineserver, options, INSTALL_DIR, names) as wine:
        wine.run("reg add Graphics=null", ["reg", "add", "HKCU\\Software\\Wine\\Drivers", "/v",
                                           "Graphics", "/d", "null", "/f"])
        os.makedirs(wine.host_path("C:\\daemonize-test"), exist_ok=True)
        shutil.copy(child_exe, wine.host_path(CHILD))
        only = os.environ.get("DAEMONIZE_E2E_ONLY", "")
        half, three_quarters = STOP_TIMEOUT_S / 2, STOP_TIMEOUT_S * 3 / 4
        if only in ("", "stop", "ctrl-c"):
            run_stop_case(wine, "rtctrlc", "ctrl-c", "ctrl_c",
                          "stop: Ctrl+C: generated on the console of pid", 0, half - 1)
        if only in ("", "stop", "ctrl-break"):
            run_ctrl_break_case(wine, half)
        if only in ("", "stop", "window"):
            run_stop_case(wine, "rtwindow", "window", "wm_close",
                          "stop: WM_CLOSE: posted to", half - 0.5,
                          STOP_TIMEOUT_S - 0.5)
        if only in ("", "stop", "queue"):
            # No window: WM_CLOSE reaches nothing and hands over to WM_QUIT at once, at half.
            run_stop_case(wine, "rtqueue", "queue", "wm_quit", "stop: WM_QUIT: posted to",
                          half - 0.5, three_quarters)
        if only in ("", "stop", "stubborn"):
            run_stop_case(wine, "rtstubborn", "stubborn", None,
                          "stop: TerminateJobObject: terminated the job", STOP_TIMEOUT_S,
                          STOP_TIMEOUT_S + MARGIN_S)
        if only in ("", "health"):
            run_exec_health(wine)
            run_exec_health_timeout(wine)
    return report(started_at, "windows stop sequence and exec health under Wine")


if __name__ == "__main__":
    sys.exit(main())
