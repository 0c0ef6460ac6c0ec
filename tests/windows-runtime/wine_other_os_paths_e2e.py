#!/usr/bin/env python3
"""A Linux-first manifest under Wine's service control manager (ctest label e2e-windows),
docs/manifest.md "Paths of the other OS": only [os.windows] command is set; logs.directory
"/var/log/rtpaths", env_files ["-/etc/rtpaths/env"] and working_directory "/srv/rtpaths" are
POSIX paths. daemonize.exe renders windows-service with warnings, and the service runs: the env
file is not read, no working directory is set, and the program's output lands in the Windows
default log directory %ProgramData%\\rtpaths\\logs, expanded by the watchdog (before, the
default was used literally: a directory named "%ProgramData%" under the service's working
directory).
Outside CI a missing tool skips (exit 77); with CI=true it fails.
"""
import os
import sys
import time

from wine_service_harness import WineSession, check, e2e_arguments, e2e_tools, report

INSTALL_DIR = "C:\\Program Files\\daemonize"
NAME = "rtpaths"
MANIFEST = f"C:\\ProgramData\\daemonize\\{NAME}.toml"
TEXT = f"""[service]
name = "{NAME}"
command = "/usr/bin/{NAME}"
args = ["/c", "echo", "fallback-ok"]
env_files = ["-/etc/{NAME}/env"]
working_directory = "/srv/{NAME}"
[restart]
policy = "never"
[stop]
timeout = "3s"
[logs]
directory = "/var/log/{NAME}"
[windows]
start = "demand"
account = "LocalSystem"
[os.windows]
command = 'C:\\windows\\system32\\cmd.exe'
"""


def read_text(path):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def run(wine):
    os.makedirs(os.path.dirname(wine.host_path(MANIFEST)), exist_ok=True)
    with open(wine.host_path(MANIFEST), "w", encoding="utf-8") as file:
        file.write(TEXT)
    out_dir = f"C:\\daemonize-test\\render-{NAME}"
    code, output = wine.run("daemonize.exe render --target all",
                            [f"{INSTALL_DIR}\\daemonize.exe", "render", MANIFEST, "--target", "all",
                             "-o", out_dir])
    script = f"{out_dir}\\windows-service\\install-{NAME}.cmd"
    check(code == 0 and os.path.exists(wine.host_path(script)),
          f"render --target all exits 0 and writes install-{NAME}.cmd ({output.strip()[:300]})")
    for key in ("logs.directory", "service.env_files[0]", "service.working_directory"):
        check(f"warning: windows-service: '{key}' = '" in output,
              f"render warns about {key} for windows-service")
    if not os.path.exists(wine.host_path(script)):
        return
    code, output = wine.run(f"cmd /c install-{NAME}.cmd", ["cmd", "/c", script])
    failed = [line for line in output.splitlines() if " failed with exit code " in line]
    if not check(code == 0 or all("failureflag" in line for line in failed),
                 f"install script registered the service (exit {code}; {failed})"):
        return
    wine.run(f"sc start {NAME}", ["sc", "start", NAME])
    state, _ = wine.wait_for_state(NAME, "STOPPED", 60)
    check(state[0] == "STOPPED" and state[1] == 0,
          f"the service ran cmd.exe and stopped with exit 0 (got {state})")
    # The service's %ProgramData% is its own environment's (C:\\users\\Public under Wine 8's
    # services.exe, C:\\ProgramData for a console): find the one stdout.log the service wrote,
    # and check its directory against the state file the watchdog put in %ProgramData% too.
    drive_c = wine.host_path("C:\\x")[:-2]
    found = [root for root, _, files in os.walk(drive_c)
             if root.endswith(os.path.join(NAME, "logs")) and "stdout.log" in files]
    if not check(len(found) == 1 and "%" not in found[0],
                 f"one {NAME}\\logs\\stdout.log, in an expanded path ({found})"):
        return
    program_data = os.path.dirname(os.path.dirname(found[0]))
    stdout = read_text(os.path.join(found[0], "stdout.log"))
    check("fallback-ok" in stdout, f"the program's output is in stdout.log ({stdout.strip()!r})")
    watchdog = read_text(os.path.join(found[0], "daemonize-watchdog.log"))
    windows_program_data = "C:\\" + os.path.relpath(program_data, drive_c).replace("/", "\\")
    check(f"state file {windows_program_data}\\daemonize\\{NAME}\\state.json" in watchdog,
          f"the log directory is %ProgramData%\\{NAME}\\logs = {windows_program_data}\\{NAME}"
          "\\logs (the state file is in the same %ProgramData%)")
    wine.run(f"cmd /c install-{NAME}.cmd uninstall", ["cmd", "/c", script, "uninstall"],
             quiet=True)


def main():
    options = e2e_arguments(source_dir=False).parse_args()
    tools = e2e_tools(options)
    if tools is None:
        return 1
    wine64, wineserver, _ = tools
    started = time.monotonic()
    with WineSession(wine64, wineserver, options, INSTALL_DIR, (NAME,)) as wine:
        run(wine)
    return report(started, "a Linux-first manifest under Wine's SCM")


if __name__ == "__main__":
    sys.exit(main())
