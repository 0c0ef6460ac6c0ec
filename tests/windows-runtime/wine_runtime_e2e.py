#!/usr/bin/env python3
"""daemonize.exe (cross-built with mingw-w64) as a real service under Wine's service control
manager (ctest label e2e-windows).

Steps, each timed: `daemonize.exe validate` runs; `daemonize.exe deploy` registers the service
through the SCM API (reg query shows the quoted ImagePath, Start, ObjectName, Description) and
starts it: RUNNING and the child writes a marker; a second deploy is "up to date"; the child killed
with taskkill /F is restarted by the watchdog; `daemonize.exe status` shows the SCM's state and the
watchdog's state file; `daemonize.exe stop`/`start` go through the SCM; `sc stop` reaches STOPPED
within stop.timeout plus a margin and no child is left; `daemonize.exe remove` deletes the service
and the installed files. The rendered install-<name>.cmd (`render --target windows-service`)
registers the services of the failure cases: a child that keeps failing makes the watchdog give
up: STOPPED with service-specific exit code 75; a missing required_env variable: STOPPED with
service-specific exit code 78; `install-<name>.cmd uninstall` deletes them. `deploy --target
windows-task` registers a task from its XML with schtasks /Create /XML and `remove` deletes it.
`daemonize.exe list` shows the running service's row (target, state, pid, restarts, memory) and
`list --json` parses; `daemonize.exe logs NAME -n 3` prints exactly the last lines of stdout.log
and stderr.log (`--stdout`, `--stderr`); an unknown name exits 66 with its message.
daemonizew.exe (GUI subsystem) runs too.

What Wine cannot show (docs/targets/windows-runtime.md, "proven on paper only"): the Event Log,
preshutdown, failure actions. The stop sequence and exec health probes are proven by
wine_stop_health_e2e.py. Outside CI a missing tool skips (exit 77); with CI=true it fails.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

from wine_service_harness import (Wine, check, failures, mingw_build_and_tools,
                                  prepare_prefix, processes_running, skip_or_fail, wait_for)

INSTALL_DIR = "C:\\Program Files\\daemonize"
CHILD = "C:\\daemonize-test\\daemonize-rt-marker-child.exe"
EVENT_SOURCE_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\"
STOP_TIMEOUT_S = 3
STOP_MARGIN_S = 12

started_at = time.monotonic()


def marker_lines(wine, marker):
    path = wine.host_path(marker)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as file:
        return [line.split() for line in file.read().splitlines() if line.strip()]


def live_children():
    """Linux pids of Wine processes running the marker child (its name is unique to this test)."""
    return processes_running("daemonize-rt-marker-child.exe")


def write_manifest(wine, name, child_args, restart, logs_dir, extra="", where=None,
                   backend="service", account="LocalSystem", tables=""):
    text = f"""[service]
name = "{name}"{extra}
description = "daemonize Windows runtime e2e ({name})"
command = '{CHILD}'
args = [{", ".join("'" + a + "'" for a in child_args)}]

[restart]
{restart}

[stop]
timeout = "{STOP_TIMEOUT_S}s"

[logs]
directory = '{logs_dir}'

[windows]
backend = "{backend}"
start = "demand"
""" + (f'account = "{account}"\n' if account else "") + tables
    manifest = where or f"C:\\ProgramData\\daemonize\\{name}.toml"
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
    check(code == 0 or all("failureflag" in line for line in failed),
          f"install script registered the service (exit {code}; {failed})")
    code, output = wine.run(f"reg query {name}",
                            ["reg", "query", f"HKLM\\System\\CurrentControlSet\\Services\\{name}"])
    image = re.search(r"ImagePath\s+REG_\w+\s+(.*)", output)
    expected = f'"{INSTALL_DIR}\\daemonize.exe" run --service "{manifest}"'
    return check(image is not None and image.group(1).strip() == expected,
                 f"ImagePath is {expected} (got {image.group(1).strip() if image else None})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--daemonize-exe", required=True)
    parser.add_argument("--daemonizew-exe", required=True)
    parser.add_argument("--helpers-dir", default="")
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--prerequisite", action="append", default=[],
                        help="FILE=WHAT: FILE must exist (e.g. a prepared cache's .complete)")
    parser.add_argument("--build-command", default="",
                        help="builds daemonize.exe/daemonizew.exe first (incremental)")
    options = parser.parse_args()

    tools = mingw_build_and_tools(options.prerequisite, options.build_command)
    if tools is None:
        return 1
    wine64, wineserver, mingw_cxx = tools
    for exe in (options.daemonize_exe, options.daemonizew_exe):
        if not os.path.exists(exe):
            skip_or_fail(f"{exe} was not built (the daemonize_mingw target)")
    objdump = shutil.which("x86_64-w64-mingw32-objdump")
    if objdump:
        sections = subprocess.run([objdump, "-h", options.daemonize_exe], capture_output=True,
                                  text=True).stdout
        check(".rsrc" in sections, "daemonize.exe carries its event message table (.rsrc)")
    if live_children():
        print(f"FAIL: marker children of an earlier run are still alive: {live_children()}")
        return 1

    os.makedirs(options.work_dir, exist_ok=True)
    child_exe = os.path.join(options.work_dir, "daemonize-rt-marker-child.exe")
    started = time.monotonic()
    subprocess.run([mingw_cxx, "-O1", "-municode", "-static", "-o", child_exe,
                    os.path.join(options.source_dir, "tests/windows-runtime/mingw/marker_child.cpp")],
                   check=True)
    print(f"[{time.monotonic() - started:5.1f} s] built the marker child")

    prefix = prepare_prefix(wine64, wineserver, options.work_dir)
    wine = Wine(wine64, wineserver, prefix)
    subprocess.run([wineserver, "-p"], env=wine.env, check=True)
    try:
        os.makedirs(wine.host_path(INSTALL_DIR), exist_ok=True)
        shutil.copy(options.daemonize_exe, wine.host_path(INSTALL_DIR + "\\daemonize.exe"))
        shutil.copy(options.daemonizew_exe, wine.host_path(INSTALL_DIR + "\\daemonizew.exe"))
        os.makedirs(wine.host_path("C:\\daemonize-test"), exist_ok=True)
        shutil.copy(child_exe, wine.host_path(CHILD))
        run_steps(wine)
    finally:
        wine.run("sc stop (cleanup)", ["sc", "stop", "rtdemo"], quiet=True)
        subprocess.run([wineserver, "-k"], env=wine.env, capture_output=True)
        subprocess.run([wineserver, "-w"], env=wine.env, capture_output=True, timeout=60)
    print(f"[{time.monotonic() - started_at:5.1f} s] total")
    if failures:
        print(f"{len(failures)} check(s) failed:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("windows runtime under Wine: all checks passed")
    return 0


def run_steps(wine):
    daemonize = INSTALL_DIR + "\\daemonize.exe"
    name = "rtdemo"
    marker = "C:\\daemonize-test\\marker.txt"
    logs_dir = f"C:\\ProgramData\\{name}\\logs"
    manifest = write_manifest(wine, name, [marker],
                              'policy = "always"\ndelay = "500ms"', logs_dir)

    print("daemonize.exe and daemonizew.exe")
    code, output = wine.run("daemonize.exe --version", [daemonize, "--version"])
    check(code == 0 and "daemonize" in output, f"--version runs ({output.strip()[:120]})")
    code, _ = wine.run("daemonizew.exe --version", [INSTALL_DIR + "\\daemonizew.exe", "--version"])
    check(code == 0, "daemonizew.exe (GUI subsystem) runs")
    code, output = wine.run("daemonize.exe validate", [daemonize, "validate", manifest, "--target",
                                                       "windows-service"])
    check(code == 0, f"validate --target windows-service exits 0 ({output.strip()[:300]})")
    code, output = wine.run("daemonize.exe validate (broken manifest)",
                            [daemonize, "validate", "C:\\daemonize-test\\missing.toml"])
    check(code == 66, f"validate of a missing file exits 66 (got {code})")

    print(f"service {name}: deploy, kill the child, stop/start, remove")
    source = f"C:\\daemonize-test\\{name}.toml"
    os.makedirs(os.path.dirname(wine.host_path(source)), exist_ok=True)
    shutil.copy(wine.host_path(manifest), wine.host_path(source))
    os.remove(wine.host_path(manifest))  # deploy installs it there
    if not deploy(wine, name, source, manifest):
        return
    state, _ = wine.wait_for_state(name, "RUNNING", 30)
    check(state[0] == "RUNNING", f"sc query shows RUNNING (got {state[0]})")
    lines, waited = wait_for(lambda: [l for l in marker_lines(wine, marker) if l[0] == "started"],
                             20)
    check(len(lines) >= 1, f"the child wrote its marker after {waited:.1f} s")
    if not lines:
        dump_logs(wine, logs_dir)
        return
    first_pid = lines[0][1]

    code, output = wine.run(f"taskkill /F /PID {first_pid}",
                            ["taskkill", "/F", "/PID", first_pid])
    check(code == 0, f"taskkill of the child exits 0 ({output.strip()[:200]})")
    lines, waited = wait_for(
        lambda: [l for l in marker_lines(wine, marker) if l[0] == "started" and l[1] != first_pid],
        20)
    check(len(lines) >= 1, f"the watchdog restarted the child after {waited:.1f} s "
                           f"(pid {first_pid} -> {lines[0][1] if lines else None})")
    state = wine.service_state(name)
    check(state[0] == "RUNNING", f"still RUNNING after the restart (got {state[0]})")
    # %ProgramData% of Wine's services is not the one of `wine cmd`: the watchdog logs the path.
    watchdog_log = wine.host_path(logs_dir + "\\daemonize-watchdog.log")
    log_text = open(watchdog_log, encoding="utf-8", errors="replace").read() \
        if os.path.exists(watchdog_log) else ""
    check(log_text != "", f"the watchdog writes its own log to {logs_dir}\\daemonize-watchdog.log")
    logged = re.search(r"state file ([A-Za-z]:\\\S*state\.json)", log_text)
    state_file = wine.host_path(logged.group(1)) if logged else ""
    check(os.path.exists(state_file), f"the watchdog wrote its state file "
                                      f"({logged.group(1) if logged else 'path not logged'})")
    if os.path.exists(state_file):
        with open(state_file, encoding="utf-8") as file:
            text = file.read()
        check('"restarts":1' in text.replace(" ", ""), f"state.json counts 1 restart ({text[:200]})")

    # status: the SCM's view (QueryServiceStatusEx) by name, the watchdog's from its state file.
    code, output = wine.run(f"daemonize.exe status {name}", [daemonize, "status", name])
    check(code == 0 and re.search(r"scm:\s+RUNNING \(pid \d+\)", output) is not None,
          f"status {name} exits 0 and shows the SCM's RUNNING ({output.strip()[:300]})")
    if logged:
        code, output = wine.run("daemonize.exe status state.json",
                                [daemonize, "status", logged.group(1)])
        check(code == 0 and f"{name}: running (pid " in output and "restarts:   1" in output,
              f"status STATE.JSON exits 0: running, 1 restart ({output.strip()[:300]})")
    list_and_logs(wine, name, [first_pid, lines[0][1]], logs_dir,
                  logged.group(1) if logged else None)
    code, output = wine.run("daemonize.exe deploy (again)", [daemonize, "deploy", source])
    check(code == 0 and f"{name}: up to date" in output,
          f"a second deploy is 'up to date' and changes nothing (exit {code}: "
          f"{output.strip()[-300:]})")

    upgrade(wine, name, source)

    check(len(live_children()) == 1, f"exactly one child runs (pids {live_children()})")
    code, output = wine.run(f"daemonize.exe stop {name}", [daemonize, "stop", name])
    state = wine.service_state(name)
    check(code == 0 and state[0] == "STOPPED",
          f"daemonize.exe stop exits 0 once the SCM says STOPPED (exit {code}, {state[0]}: "
          f"{output.strip()[-200:]})")
    remaining, _ = wait_for(lambda: not live_children(), 10)
    check(remaining, f"no child is left after daemonize.exe stop (pids {live_children()})")
    code, output = wine.run(f"daemonize.exe start {name}", [daemonize, "start", name])
    state, _ = wine.wait_for_state(name, "RUNNING", 30)
    check(code == 0 and state[0] == "RUNNING",
          f"daemonize.exe start exits 0 and the service runs (exit {code}, {state[0]}: "
          f"{output.strip()[-200:]})")
    wait_for(lambda: len(live_children()) == 1, 20)
    check(len(live_children()) == 1, f"one child runs again (pids {live_children()})")
    started = time.monotonic()
    code, output = wine.run(f"sc stop {name}", ["sc", "stop", name])
    check(code == 0, f"sc stop exits 0 ({output.strip()[:200]})")
    state, _ = wine.wait_for_state(name, "STOPPED", STOP_TIMEOUT_S + STOP_MARGIN_S + 10)
    elapsed = time.monotonic() - started
    check(state[0] == "STOPPED" and elapsed <= STOP_TIMEOUT_S + STOP_MARGIN_S,
          f"STOPPED {elapsed:.1f} s after sc stop (budget {STOP_TIMEOUT_S} s stop.timeout + "
          f"{STOP_MARGIN_S} s margin)")
    check(state[1] == 0, f"a clean stop reports WIN32_EXIT_CODE 0 (got {state[1]})")
    remaining, waited = wait_for(lambda: not live_children(), 10)
    check(remaining, f"no child is left after the stop (pids {live_children()})")
    code, output = wine.run(f"daemonize.exe status {name} (stopped)", [daemonize, "status", name])
    check(code == 1 and re.search(r"scm:\s+STOPPED", output) is not None,
          f"status {name} after the stop exits 1 and shows STOPPED ({output.strip()[:300]})")
    dump_logs(wine, logs_dir, only_tail=True)

    print(f"service {name}: give-up")
    failing = "rtfail"
    fail_manifest = write_manifest(
        wine, failing, [], 'policy = "always"\ndelay = "200ms"\nmax_restarts = 2\nwindow = "1m"',
        f"C:\\ProgramData\\{failing}\\logs")
    # Without its marker argument the child exits 2 at once: it keeps failing.
    if register(wine, failing, fail_manifest):
        wine.run(f"sc start {failing}", ["sc", "start", failing])
        state, _ = wine.wait_for_state(failing, "STOPPED", 30)
        check(state[0] == "STOPPED" and state[1] == 1066 and state[2] == 75,
              f"give-up: STOPPED with WIN32_EXIT_CODE 1066 (service-specific) and "
              f"SERVICE_EXIT_CODE 75 (got {state})")
        uninstall(wine, failing)

    print("service rtenv: a start-up error (required_env missing)")
    broken = "rtenv"
    broken_manifest = write_manifest(
        wine, broken, [marker], 'policy = "always"', f"C:\\ProgramData\\{broken}\\logs",
        extra='\nrequired_env = ["DAEMONIZE_E2E_NEVER_SET"]')
    if register(wine, broken, broken_manifest):
        wine.run(f"sc start {broken}", ["sc", "start", broken])
        state, _ = wine.wait_for_state(broken, "STOPPED", 30)
        check(state[0] == "STOPPED" and state[1] == 1066 and state[2] == 78,
              f"missing required_env: STOPPED with SERVICE_EXIT_CODE 78 (got {state})")
        uninstall(wine, broken)

    print(f"service {name}: remove")
    code, output = wine.run(f"daemonize.exe remove {name}", [daemonize, "remove", name])
    check(code == 0 and f"{name}: removed" in output,
          f"remove exits 0 ({output.strip()[-300:]})")
    code, _ = wine.run(f"reg query {name} (after remove)",
                       ["reg", "query", f"HKLM\\System\\CurrentControlSet\\Services\\{name}"])
    check(code != 0, "the service key is gone after remove")
    code, _ = wine.run(f"reg query EventLog\\Application\\{name} (after remove)",
                       ["reg", "query", EVENT_SOURCE_KEY + name])
    check(code != 0, "the event source is unregistered after remove")
    check(not os.path.exists(wine.host_path(manifest)),
          f"the installed manifest {manifest} is gone after remove")
    check(os.path.exists(wine.host_path(INSTALL_DIR + "\\daemonize.exe")),
          "daemonize.exe stays (other services use it)")

    deploy_missing_dependency(wine)
    deploy_task(wine)
    deploy_user_task(wine)


def list_and_logs(wine, name, child_pids, logs_dir, state_file):
    """`daemonize.exe list` and `daemonize.exe logs` on the deployed, running service whose two
    children (the first one killed) each wrote five stdout and two stderr lines."""
    daemonize = INSTALL_DIR + "\\daemonize.exe"
    print(f"service {name}: list, list --json, logs")
    # Wine's services.exe gives services another %ProgramData% (C:\users\Public) than `wine
    # cmd` (C:\ProgramData); on Windows both are C:\ProgramData. The console is given the
    # service's, so that `list` finds the watchdog's state file as it would on Windows.
    program_data = state_file[:state_file.lower().index("\\daemonize\\")] if state_file else None
    wrapper = "C:\\daemonize-test\\with-service-programdata.cmd"
    with open(wine.host_path(wrapper), "w", encoding="utf-8") as file:
        file.write(f'@set "ProgramData={program_data}"\r\n@"{daemonize}" %*\r\n')

    def in_console(label, args):
        if program_data is None:
            return wine.run(label, [daemonize, *args])
        return wine.run(label, ["cmd", "/c", wrapper, *args])
    if program_data and program_data.lower() != "c:\\programdata":
        print(f"  note: the service's %ProgramData% is {program_data} under Wine; list runs with it")

    # The children write their lines right after they start: wait for the last one's.
    out_lines = [f"marker_child {pid} out {n}" for pid in child_pids for n in range(1, 6)]
    err_lines = [f"marker_child {pid} err {n}" for pid in child_pids for n in range(1, 3)]
    def logged(file_name, line):
        path = wine.host_path(f"{logs_dir}\\{file_name}")
        return os.path.exists(path) and line in open(path, encoding="utf-8").read()
    wait_for(lambda: logged("stdout.log", out_lines[-1]) and logged("stderr.log", err_lines[-1]),
             10)

    # Without the state file (Wine's other %ProgramData%), the row is the SCM's view.
    code, output = wine.run("daemonize.exe list (the console's %ProgramData%)", [daemonize, "list"])
    row = next((line.split() for line in output.splitlines() if line.split()[:1] == [name]), None)
    check(code == 0 and row is not None and row[1:4] == ["windows-service", "system", "RUNNING"],
          f"list without the watchdog's state file shows the SCM's RUNNING (got {row})")

    code, output = in_console("daemonize.exe list", ["list"])
    print("\n".join("      " + line for line in output.strip().splitlines()))
    table = output.strip().splitlines()
    header = table[0].split() if table else []
    check(code == 0 and header == ["NAME", "TARGET", "SCOPE", "STATE", "PID", "UPTIME",
                                   "RESTARTS", "MEMORY", "HEALTH"],
          f"list exits 0 with its header (exit {code})")
    row = next((line.split() for line in table[1:] if line.split()[:1] == [name]), None)
    expected = [name, "windows-service", "system", "running", child_pids[-1]]
    check(row is not None and row[:5] == expected,
          f"list shows {' '.join(expected)} (got {row})")
    if row is not None and len(row) == 9:
        check(re.fullmatch(r"\d+s|\d+m\d+s", row[5]) is not None, f"uptime {row[5]}")
        check(row[6] == "1", f"restarts 1 (got {row[6]})")
        check(re.fullmatch(r"\d+(\.\d)?[KMG]", row[7]) is not None,
              f"memory of the watchdog's tree (got {row[7]})")

    code, output = in_console("daemonize.exe list --json", ["list", "--json"])
    try:
        services = json.loads(output)
    except ValueError as error:
        services = None
        check(False, f"list --json parses ({error}: {output.strip()[:300]})")
    if services is not None:
        entry = next((s for s in services if s.get("name") == name), None)
        check(code == 0 and entry is not None and entry["target"] == "windows-service" and
              entry["state"] == "running" and str(entry["pid"]) == child_pids[-1] and
              entry["restarts"] == 1 and (entry["memory_bytes"] or 0) > 0 and
              entry["receipt"].lower().endswith(f"\\receipts\\{name}.json"),
              f"list --json: one object for {name} with target, state, pid, restarts, memory, "
              f"receipt ({entry})")

    code, output = wine.run(f"daemonize.exe logs {name} -n 3 --stdout",
                            [daemonize, "logs", name, "-n", "3", "--stdout"])
    check(code == 0 and output.splitlines() == out_lines[-3:],
          f"logs -n 3 --stdout prints exactly the last 3 lines ({output.strip()[:300]!r})")
    code, output = wine.run(f"daemonize.exe logs {name} -n 3 --stderr",
                            [daemonize, "logs", name, "-n", "3", "--stderr"])
    check(code == 0 and output.splitlines() == err_lines[-3:],
          f"logs -n 3 --stderr prints the last 3 stderr lines ({output.strip()[:300]!r})")
    code, output = wine.run(f"daemonize.exe logs {name} -n 3", [daemonize, "logs", name, "-n", "3"])
    expected_both = ([f"==> {logs_dir}\\stdout.log <=="] + out_lines[-3:] + [""] +
                     [f"==> {logs_dir}\\stderr.log <=="] + err_lines[-3:])
    check(code == 0 and output.splitlines() == expected_both,
          f"logs -n 3: both files, 3 lines each under a header ({output.strip()[:400]!r})")
    code, output = wine.run("daemonize.exe logs (unknown name)",
                            [daemonize, "logs", "no-such-service"])
    check(code == 66 and output == "daemonize: no-such-service: no such service (no manifest, "
          "watchdog state, receipt or detached watchdog log found; give the manifest: "
          "daemonize logs FILE)\n", f"logs of an unknown name exits 66 with its message "
          f"(exit {code}: {output!r})")
    code, output = wine.run(f"daemonize.exe logs {name} --events",
                            [daemonize, "logs", name, "--events"])
    check(code == 69 and "Application event log" in output,
          f"logs --events names the Event Log and exits 69 (exit {code}: {output.strip()!r})")
    print("  note: Wine keeps no Event Log to read back; the events themselves are not checked")


def deploy_missing_dependency(wine):
    """A service that requires a service the SCM does not have: deploy refuses with exit 78,
    naming it, before it writes or registers anything."""
    daemonize = INSTALL_DIR + "\\daemonize.exe"
    name = "rtdepends"
    missing = "daemonize-no-such-service"
    print(f"service {name}: deploy refuses a dependency the SCM does not have")
    source = write_manifest(wine, name, ["C:\\daemonize-test\\depends-marker.txt"],
                            'policy = "always"', f"C:\\ProgramData\\{name}\\logs",
                            where=f"C:\\daemonize-test\\{name}.toml",
                            tables=f'\n[dependencies]\nrequires = ["{missing}.service"]\n')
    code, output = wine.run(f"daemonize.exe deploy {name} (missing dependency)",
                            [daemonize, "deploy", source])
    print("\n".join("      " + line for line in output.strip().splitlines()[-4:]))
    check(code == 78 and f"'{missing}'" in output and "nothing was changed" in output,
          f"deploy exits 78 naming '{missing}' (got {code})")
    code, _ = wine.run(f"reg query {name} (refused)",
                       ["reg", "query", f"HKLM\\System\\CurrentControlSet\\Services\\{name}"])
    check(code != 0, "the refused service was not registered")
    installed = wine.host_path(f"C:\\ProgramData\\daemonize\\{name}.toml")
    check(not os.path.exists(installed), f"the refused deploy installed no manifest ({installed})")


def deploy(wine, name, source, installed_manifest):
    """`daemonize.exe deploy`: the SCM API registers and starts the service."""
    daemonize = INSTALL_DIR + "\\daemonize.exe"
    code, output = wine.run(f"daemonize.exe deploy {name}", [daemonize, "deploy", source],
                            timeout=180)
    print("\n".join("      " + line for line in output.strip().splitlines()[-12:]))
    if not check(code == 0, f"deploy exits 0 (got {code})"):
        return False
    check(f"create service {name} (CreateServiceW, ChangeServiceConfig2W) ... ok" in output and
          f"start service {name} (StartServiceW) ... ok" in output,
          "deploy created and started the service through the SCM API, one line per step")
    check(os.path.exists(wine.host_path(installed_manifest)),
          f"deploy installed the manifest at {installed_manifest}")
    code, output = wine.run(f"reg query {name}",
                            ["reg", "query", f"HKLM\\System\\CurrentControlSet\\Services\\{name}"])
    values = dict(re.findall(r"^\s+(\w+)\s+REG_\w+\s+(.*?)\s*$", output, re.MULTILINE))
    expected_image = f'"{INSTALL_DIR}\\daemonize.exe" run --service "{installed_manifest}"'
    check(values.get("ImagePath") == expected_image,
          f"ImagePath is {expected_image} (got {values.get('ImagePath')})")
    check(values.get("Start") == "0x3", f"Start is 0x3 (demand) (got {values.get('Start')})")
    check(values.get("ObjectName") == "LocalSystem",
          f"ObjectName is LocalSystem (got {values.get('ObjectName')})")
    check(values.get("Description") == f"daemonize Windows runtime e2e ({name})",
          f"Description is set (got {values.get('Description')})")
    code, output = wine.run(f"reg query EventLog\\Application\\{name}",
                            ["reg", "query", EVENT_SOURCE_KEY + name])
    check(code == 0 and f"{INSTALL_DIR}\\daemonize.exe" in output and "EventMessageFile" in output,
          f"the event source is registered with daemonize.exe as its message file "
          f"({output.strip()[-200:]})")
    return True


def upgrade(wine, name, source):
    """A newer daemonize.exe (the same build with bytes appended) deployed over the one the
    service runs: Windows (and Wine) refuse to overwrite a running exe, so deploy renames it
    aside, installs the new one and restarts the service on it."""
    installed = wine.host_path(INSTALL_DIR + "\\daemonize.exe")
    with open(installed, "rb") as file:
        newer = file.read() + b"\0daemonize e2e upgrade"
    new_dir = "C:\\daemonize-test\\new"
    os.makedirs(wine.host_path(new_dir), exist_ok=True)
    with open(wine.host_path(new_dir + "\\daemonize.exe"), "wb") as file:
        file.write(newer)
    before = wine.service_state(name)
    def watchdog_pid():
        output = wine.run("daemonize.exe status (pid)", [INSTALL_DIR + "\\daemonize.exe", "status",
                                                         name], quiet=True)[1]
        found = re.search(r"scm:\s+RUNNING \(pid (\d+)\)", output)
        return found.group(1) if found else None

    pid_before = watchdog_pid()
    code, output = wine.run("daemonize.exe deploy (upgrade from another daemonize.exe)",
                            [new_dir + "\\daemonize.exe", "deploy", source], timeout=180)
    print("\n".join("      " + line for line in output.strip().splitlines()[-8:]))
    check(code == 0 and f"restart service {name}" in output,
          f"deploy of a newer daemonize.exe restarts the service (exit {code})")
    with open(installed, "rb") as file:
        check(file.read() == newer, "the running daemonize.exe was replaced by the newer one")
    leftovers = [entry for entry in os.listdir(os.path.dirname(installed)) if ".old-" in entry]
    check(len(leftovers) == 1, f"the old exe was renamed aside, not overwritten ({leftovers})")
    state, _ = wine.wait_for_state(name, "RUNNING", 30)
    pid_after = watchdog_pid()
    check(before[0] == "RUNNING" and state[0] == "RUNNING" and pid_before and pid_after and
          pid_before != pid_after,
          f"the service runs again in a new watchdog process ({pid_before} -> {pid_after})")
    wait_for(lambda: len(live_children()) == 1, 20)


def deploy_task(wine):
    """windows-task: schtasks /Create /XML registers the task, remove deletes it. Wine's
    schtasks has no /Query or /Run, so the task is registered with --no-start."""
    daemonize = INSTALL_DIR + "\\daemonize.exe"
    name = "rttask"
    print(f"task {name}: deploy --target windows-task, remove")
    # No account: the task runs as LocalService, which deploy grants the manifest and the logs.
    source = write_manifest(wine, name, ["C:\\daemonize-test\\task-marker.txt"],
                            'policy = "always"', f"C:\\ProgramData\\{name}\\logs",
                            where=f"C:\\daemonize-test\\{name}.toml", backend="task",
                            account=None)
    task_file = wine.host_path(f"C:\\windows\\system32\\tasks\\{name}")
    code, output = wine.run(f"daemonize.exe deploy --target windows-task {name}",
                            [daemonize, "deploy", source, "--target", "windows-task",
                             "--no-start"])
    print("\n".join("      " + line for line in output.strip().splitlines()[-8:]))
    check(code == 0 and os.path.exists(task_file),
          f"deploy --target windows-task registered the task with schtasks /Create /XML "
          f"(exit {code}, {task_file} exists: {os.path.exists(task_file)})")
    # Wine's Task Scheduler keeps the task but writes its Exec action back empty (<Exec/>), so
    # the command is checked in the XML deploy installed and registered from.
    installed_xml = wine.host_path(f"C:\\ProgramData\\daemonize\\tasks\\{name}.xml")
    if check(os.path.exists(installed_xml), f"deploy installed the task XML at {installed_xml}"):
        with open(installed_xml, "rb") as file:
            xml = file.read().decode("utf-16")
        check('<Command>"C:\\Program Files\\daemonize\\daemonizew.exe"</Command>' in xml,
              "the task runs daemonizew.exe (no console window)")
        check("<UserId>S-1-5-19</UserId>" in xml and "<RunLevel>LeastPrivilege</RunLevel>" in xml,
              "the task runs as LocalService with LeastPrivilege")
    check("grant NT AUTHORITY\\LocalService read access" in output,
          "deploy granted LocalService its access (SetNamedSecurityInfoW) before /Create")
    code, output = wine.run(f"daemonize.exe remove {name}", [daemonize, "remove", name])
    check(code == 0 and not os.path.exists(task_file),
          f"remove deleted the task (exit {code}: {output.strip()[-200:]})")


def machine_wide_snapshot(wine):
    """Every file under C:\\Program Files\\daemonize and C:\\ProgramData (path -> size, mtime)."""
    snapshot = {}
    for root in ("C:\\Program Files\\daemonize", "C:\\ProgramData"):
        for directory, _, files in os.walk(wine.host_path(root)):
            for file in files:
                path = os.path.join(directory, file)
                stat = os.stat(path)
                snapshot[path] = (stat.st_size, stat.st_mtime_ns)
    return snapshot


def deploy_user_task(wine):
    """A user-scope windows-task: deploy puts daemonize.exe, daemonizew.exe, the manifest, the
    task XML and the receipt under the user's %LOCALAPPDATA%, registers the
    task for that user (logon trigger naming the user, InteractiveToken, LeastPrivilege) and
    writes nothing under C:\\Program Files, C:\\ProgramData or HKLM; list shows it; remove
    deletes it. Wine runs every program with an administrator's token, so that deploy needs no
    elevation is shown by where it writes, not by a refused write."""
    daemonize = INSTALL_DIR + "\\daemonize.exe"
    name = "rtusertask"
    print(f"task {name}: scope = \"user\", deploy --target windows-task, list, remove")
    code, output = wine.run("cmd /c echo %LOCALAPPDATA%#%USERDOMAIN%\\%USERNAME%",
                            ["cmd", "/c", "echo %LOCALAPPDATA%#%USERDOMAIN%\\%USERNAME%"],
                            quiet=True)
    local_app_data, user = output.strip().splitlines()[-1].split("#")
    source = f"C:\\daemonize-test\\{name}.toml"
    with open(wine.host_path(source), "w", encoding="utf-8") as file:
        file.write(f"""[service]
name = "{name}"
description = "daemonize Windows runtime e2e ({name})"
command = '{CHILD}'
args = ['C:\\daemonize-test\\user-task-marker.txt']
scope = "user"

[windows]
backend = "task"
""")
    before = machine_wide_snapshot(wine)
    code, output = wine.run(f"daemonize.exe deploy {name} (scope user)",
                            [daemonize, "deploy", source, "--no-start"], timeout=180)
    print("\n".join("      " + line for line in output.strip().splitlines()[-12:]))
    check(code == 0, f"deploy of a user-scope task exits 0 (got {code})")
    programs = f"{local_app_data}\\Programs\\daemonize"
    data = f"{local_app_data}\\daemonize"
    expected = {
        "daemonize.exe": f"{programs}\\daemonize.exe",
        "daemonizew.exe": f"{programs}\\daemonizew.exe",
        "the manifest": f"{data}\\{name}.toml",
        "the task XML": f"{data}\\tasks\\{name}.xml",
        "the receipt": f"{data}\\receipts\\{name}.json",
    }
    for what, path in expected.items():
        check(os.path.exists(wine.host_path(path)), f"{what} is in the user's place: {path}")
    after = machine_wide_snapshot(wine)
    changed = sorted(path for path in after if before.get(path) != after[path])
    check(not changed, f"nothing written under C:\\Program Files\\daemonize or C:\\ProgramData "
                       f"({changed})")
    code, _ = wine.run(f"reg query EventLog\\Application\\{name}",
                       ["reg", "query", EVENT_SOURCE_KEY + name], quiet=True)
    check(code != 0, "no event source registered under HKLM")
    task_file = wine.host_path(f"C:\\windows\\system32\\tasks\\{name}")
    check(os.path.exists(task_file), f"the task is registered (schtasks /Create /XML)")
    xml_path = wine.host_path(expected["the task XML"])
    if os.path.exists(xml_path):
        with open(xml_path, "rb") as file:
            xml = file.read().decode("utf-16")
        check(f'<Command>"{programs}\\daemonizew.exe"</Command>' in xml and
              f'<Arguments>run "{data}\\{name}.toml"</Arguments>' in xml,
              "the task runs the user's daemonizew.exe on the user's manifest")
        check(re.search(r"<LogonTrigger>\s*<Enabled>true</Enabled>\s*<UserId>" +
                        re.escape(user) + r"</UserId>", xml) is not None,
              f"the logon trigger names the deploying user {user}")
        check("<LogonType>InteractiveToken</LogonType>" in xml and
              "<RunLevel>LeastPrivilege</RunLevel>" in xml and "S-1-5-" not in xml,
              "the task runs with the user's interactive token, least privilege")

    code, output = wine.run("daemonize.exe list (user task)", [daemonize, "list"])
    row = next((line.split() for line in output.splitlines() if line.split()[:1] == [name]), None)
    check(code == 0 and row is not None and row[1:3] == ["windows-task", "user"],
          f"list shows {name} windows-task user (got {row})")
    code, output = wine.run(f"daemonize.exe logs {name}", [daemonize, "logs", name])
    # The default log directory, %LOCALAPPDATA%\\<name>\\logs, expanded for this user.
    check(code == 0 and f"==> {local_app_data}\\{name}\\logs\\stdout.log <==" in output,
          f"logs {name} reads the user's log directory (exit {code}: {output.strip()[:300]!r})")
    print("  note: Wine's schtasks has no /Run, so the user task is not started here")

    code, output = wine.run(f"daemonize.exe remove {name}", [daemonize, "remove", name])
    check(code == 0 and not os.path.exists(task_file),
          f"remove deletes the user's task (exit {code}: {output.strip()[-300:]})")
    for what in ("the manifest", "the task XML", "the receipt"):
        check(not os.path.exists(wine.host_path(expected[what])), f"remove deleted {what}")


def uninstall(wine, name):
    script = f"C:\\daemonize-test\\render-{name}\\windows-service\\install-{name}.cmd"
    code, output = wine.run(f"install-{name}.cmd uninstall", ["cmd", "/c", script, "uninstall"])
    check(code == 0, f"uninstall exits 0 ({output.strip()[:200]})")
    code, _ = wine.run(f"reg query {name} (after uninstall)",
                       ["reg", "query", f"HKLM\\System\\CurrentControlSet\\Services\\{name}"])
    check(code != 0, "the service key is gone")


def dump_logs(wine, logs_dir, only_tail=False):
    directory = wine.host_path(logs_dir)
    if not os.path.isdir(directory):
        print(f"  (no log directory {logs_dir})")
        return
    for entry in sorted(os.listdir(directory)):
        with open(os.path.join(directory, entry), encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
        print(f"  --- {logs_dir}\\{entry} ({len(lines)} lines)")
        for line in lines[-8:] if only_tail else lines[-40:]:
            print(f"      {line}")


if __name__ == "__main__":
    sys.exit(main())
