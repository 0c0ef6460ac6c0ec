#!/usr/bin/env python3
"""`daemonize.exe import --service NAME --from scm` under Wine (ctest label e2e-windows):

- a service registered the NSSM way, its values written with `reg add` (ImagePath nssm.exe,
  Parameters with REG_EXPAND_SZ, REG_MULTI_SZ AppEnvironmentExtra, dwords, the AppExit subkey):
  the manifest it writes, value by value, and report lines naming the registry key;
- a WinSW service (ImagePath a wrapper with its XML next to it): the XML is imported, %BASE% is
  the wrapper's directory;
- a service `daemonize.exe deploy` registered: its installed manifest, written as it is;
- a service the SCM does not have: exit 66.
Outside CI a missing tool skips (exit 77); with CI=true it fails.
"""
import os
import sys
import time

from wine_service_harness import WineSession, check, e2e_arguments, e2e_tools, report

INSTALL_DIR = "C:\\Program Files\\daemonize"
DAEMONIZE = INSTALL_DIR + "\\daemonize.exe"
SERVICES = "HKLM\\SYSTEM\\CurrentControlSet\\Services"
NSSM = "impnssm"
WINSW = "impwinsw"
DEPLOYED = "impdeployed"
OUT = "C:\\daemonize-test\\imported"


def read_text(path):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def reg_add(wine, key, name, kind, data):
    args = ["reg", "add", key, "/f"]
    args += ["/ve"] if name is None else ["/v", name]
    args += ["/t", kind, "/d", data]
    code, output = wine.run(f"reg add {key} {name or '(default)'}", args, quiet=True)
    check(code == 0, f"reg add {key} {name} ({output.strip()[:200]})")


def nssm_service(wine):
    print(f"service {NSSM}: registered the NSSM way with reg add")
    key = f"{SERVICES}\\{NSSM}"
    parameters = key + "\\Parameters"
    reg_add(wine, key, "Type", "REG_DWORD", "16")
    reg_add(wine, key, "Start", "REG_DWORD", "3")
    reg_add(wine, key, "ErrorControl", "REG_DWORD", "1")
    reg_add(wine, key, "ImagePath", "REG_EXPAND_SZ", "C:\\tools\\nssm\\win64\\nssm.exe")
    reg_add(wine, key, "DisplayName", "REG_SZ", "NSSM-wrapped web")
    reg_add(wine, key, "ObjectName", "REG_SZ", "LocalSystem")
    reg_add(wine, key, "DependOnService", "REG_MULTI_SZ", "Tcpip\\0Dnscache")
    reg_add(wine, parameters, "Application", "REG_EXPAND_SZ", "%SystemRoot%\\system32\\cmd.exe")
    reg_add(wine, parameters, "AppParameters", "REG_EXPAND_SZ",
            '/c echo "hello world" %COMPUTERNAME%')
    reg_add(wine, parameters, "AppDirectory", "REG_EXPAND_SZ", "C:\\impnssm")
    reg_add(wine, parameters, "AppEnvironmentExtra", "REG_MULTI_SZ",
            "GREETING=hello\\0DATA_DIR=%ProgramData%\\impnssm")
    reg_add(wine, parameters, "AppStdout", "REG_EXPAND_SZ", "C:\\impnssm\\logs\\out.log")
    reg_add(wine, parameters, "AppStderr", "REG_EXPAND_SZ", "C:\\impnssm\\logs\\err.log")
    reg_add(wine, parameters, "AppRotateFiles", "REG_DWORD", "1")
    reg_add(wine, parameters, "AppRotateBytes", "REG_DWORD", "1048576")
    reg_add(wine, parameters, "AppRestartDelay", "REG_DWORD", "2000")
    reg_add(wine, parameters, "AppPriority", "REG_DWORD", "32768")
    reg_add(wine, parameters + "\\AppExit", None, "REG_SZ", "Restart")
    reg_add(wine, parameters + "\\AppExit", "0", "REG_SZ", "Exit")

    code, output = wine.run(f"daemonize.exe import --service {NSSM} --from scm",
                            [DAEMONIZE, "import", "--service", NSSM, "--from", "scm", "-o", OUT])
    print("\n".join("      " + line for line in output.strip().splitlines()))
    check(code == 0, f"import exits 0 (got {code})")
    where = f"HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\{NSSM}:"
    for line in (
            "carried: ImagePath — nssm.exe runs Parameters\\Application; the watchdog takes its "
            "place",
            "carried: DependOnService — [os.windows.dependencies] requires",
            "approximated: Application — service.command; %SystemRoot% as ${SystemRoot}: read "
            "from the watchdog's environment when the program starts",
            "approximated: AppEnvironmentExtra — env.GREETING, env.DATA_DIR; %ProgramData% as "
            "${ProgramData}: read from the watchdog's environment when the program starts",
            "carried: AppRotateBytes — logs.max_size = 1048576",
            "dropped: AppPriority — no process priority in the manifest",
            "carried: AppExit\\0 — restart.policy = \"on-failure\", "
            "restart.success_exit_codes"):
        check(any(l.startswith(where) and l.endswith(line) for l in output.splitlines()),
              f"the report has '{where}N: {line}'")
    manifest = read_text(wine.host_path(f"{OUT}\\{NSSM}.toml"))
    for line in (
            f'name = "{NSSM}"',
            'display_name = "NSSM-wrapped web"',
            'command = "${SystemRoot}\\\\system32\\\\cmd.exe"',
            'args = ["/c", "echo", "hello world", "${COMPUTERNAME}"]',
            'working_directory = "C:\\\\impnssm"',
            'GREETING = "hello"',
            'DATA_DIR = "${ProgramData}\\\\impnssm"',
            'policy = "on-failure"',
            'delay = "2s"',
            "success_exit_codes = [0]",
            'directory = "C:\\\\impnssm\\\\logs"',
            'stdout = "out.log"',
            'stderr = "err.log"',
            "max_size = 1048576",
            'start = "demand"',
            'account = "LocalSystem"',
            'requires = ["Tcpip", "Dnscache"]'):
        check(line in manifest.splitlines(), f"{NSSM}.toml has {line}")
    code, output = wine.run(f"daemonize.exe validate {NSSM}.toml",
                            [DAEMONIZE, "validate", f"{OUT}\\{NSSM}.toml", "--target",
                             "windows-service"])
    check(code == 0, f"the imported manifest validates for windows-service ({output.strip()[:300]})")


def winsw_service(wine):
    print(f"service {WINSW}: a WinSW wrapper with its XML next to it")
    wrapper_dir = f"C:\\{WINSW}"
    os.makedirs(wine.host_path(wrapper_dir), exist_ok=True)
    with open(wine.host_path(f"{wrapper_dir}\\{WINSW}.xml"), "w", encoding="utf-8") as file:
        file.write(f"""<service>
  <id>{WINSW}</id>
  <name>WinSW-wrapped app</name>
  <executable>%BASE%\\app.exe</executable>
  <arguments>--port 8081 --name "my app"</arguments>
  <onfailure action="restart" delay="5 sec"/>
  <serviceaccount><username>LocalSystem</username><password>never-copied</password></serviceaccount>
</service>
""")
    key = f"{SERVICES}\\{WINSW}"
    reg_add(wine, key, "Type", "REG_DWORD", "16")
    reg_add(wine, key, "Start", "REG_DWORD", "2")
    reg_add(wine, key, "ImagePath", "REG_EXPAND_SZ", f'"{wrapper_dir}\\{WINSW}.exe"')
    code, output = wine.run(f"daemonize.exe import --service {WINSW}",
                            [DAEMONIZE, "import", "--service", WINSW, "-o", OUT])
    print("\n".join("      " + line for line in output.strip().splitlines()[-4:]))
    check(code == 0, f"import exits 0 (got {code})")
    check(f"{wrapper_dir}\\{WINSW}.xml:7: dropped: serviceaccount/password — a password is never "
          "copied" in output, "the password is reported dropped, with the XML's path and line")
    manifest = read_text(wine.host_path(f"{OUT}\\{WINSW}.toml"))
    for line in ('command = "C:\\\\impwinsw\\\\app.exe"',
                 'args = ["--port", "8081", "--name", "my app"]',
                 'directory = "C:\\\\impwinsw"',
                 'stdout = "impwinsw.out.log"',
                 'delay = "5s"'):
        check(line in manifest.splitlines(), f"{WINSW}.toml has {line}")
    check("never-copied" not in manifest, "the password is not in the manifest")


def deployed_service(wine):
    print(f"service {DEPLOYED}: deployed by daemonize.exe, imported back as it is")
    source = f"C:\\daemonize-test\\{DEPLOYED}.toml"
    text = f"""[service]
name = "{DEPLOYED}"
description = "deployed, then imported"
command = 'C:\\windows\\system32\\cmd.exe'
args = ["/c", "ping", "-n", "60", "127.0.0.1"]

[restart]
policy = "never"

[stop]
timeout = "3s"

[windows]
start = "demand"
account = "LocalSystem"
"""
    os.makedirs(os.path.dirname(wine.host_path(source)), exist_ok=True)
    with open(wine.host_path(source), "w", encoding="utf-8") as file:
        file.write(text)
    code, output = wine.run(f"daemonize.exe deploy {DEPLOYED}", [DAEMONIZE, "deploy", source],
                            timeout=180)
    if not check(code == 0, f"deploy exits 0 ({output.strip()[-300:]})"):
        return
    code, output = wine.run(f"daemonize.exe import --service {DEPLOYED} --from scm",
                            [DAEMONIZE, "import", "--service", DEPLOYED, "--from", "scm", "-o",
                             OUT])
    print("\n".join("      " + line for line in output.strip().splitlines()))
    installed = f"C:\\ProgramData\\daemonize\\{DEPLOYED}.toml"
    check(code == 0, f"import exits 0 (got {code})")
    check(f"{installed}:1: carried: manifest — deployed by daemonize: written as it is" in output,
          "the report names the installed manifest")
    imported = read_text(wine.host_path(f"{OUT}\\{DEPLOYED}.toml"))
    expected = (f"# Imported by `daemonize import` from the service {DEPLOYED}, deployed by "
                f"daemonize from {installed}\n") + read_text(wine.host_path(installed))
    check(imported == expected, "the imported manifest is the installed one, after a comment "
          f"naming it ({imported[:200]!r})")
    wine.run(f"daemonize.exe remove {DEPLOYED}", [DAEMONIZE, "remove", DEPLOYED], quiet=True)


def missing_service(wine):
    code, output = wine.run("daemonize.exe import --service (missing)",
                            [DAEMONIZE, "import", "--service", "impmissing"])
    check(code == 66 and "daemonize: the service control manager has no service 'impmissing' "
          "(HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\impmissing does not exist)"
          in output, f"a missing service is exit 66, named (got {code}: {output.strip()[:200]})")


def main():
    options = e2e_arguments(source_dir=False).parse_args()
    tools = e2e_tools(options)
    if tools is None:
        return 1
    wine64, wineserver, _ = tools
    started = time.monotonic()
    with WineSession(wine64, wineserver, options, INSTALL_DIR, (DEPLOYED,)) as wine:
        nssm_service(wine)
        winsw_service(wine)
        deployed_service(wine)
        missing_service(wine)
    return report(started, "import --service --from scm under Wine")


if __name__ == "__main__":
    sys.exit(main())
