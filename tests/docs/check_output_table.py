#!/usr/bin/env python3
"""The table "Where does my program's output go?" of docs/logs.md, row by row, against the real
binary: what each target renders for a file name, "inherit" and "null" in daemonize and native
mode, and where `daemonize logs` reads (the files, the journal of a systemd unit, a detached
watchdog's log, nothing for "null"). The watchdog's own file writing is proven by the logs tests.

usage: check_output_table.py SOURCE_DIR DAEMONIZE_BINARY
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

problems: list[str] = []


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        problems.append(what + (f"\n    {detail.strip()}" if detail else ""))


def manifest(work: Path, name: str, stdout: str, stderr: str, supervisor: str = "daemonize",
             extra: str = "", scope: str = "system") -> Path:
    path = work / f"{name}.toml"
    path.write_text(f'''[service]
name = "{name}"
command = "/usr/bin/env"
supervisor = "{supervisor}"
scope = "{scope}"

[os.windows]
command = 'C:\\app\\app.exe'

[kubernetes]
image = "registry.example.com/{name}:1"

[logs]
{'' if scope == "user" else f'directory = "/srv/{name}/logs"'}
stdout = "{stdout}"
stderr = "{stderr}"
{extra}''')
    return path


def render(binary: str, path: Path, target: str, out: Path) -> tuple[dict[str, str], str]:
    """The rendered files (name -> text) and the diagnostics."""
    result = subprocess.run([binary, "render", str(path), "--target", target, "--output-dir",
                             str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        problems.append(f"render {path.name} --target {target}: exit {result.returncode}: "
                        f"{result.stderr.strip()}")
    files = {}
    for file in (out / target).glob("*") if (out / target).exists() else []:
        data = file.read_bytes()
        files[file.name] = (data.decode("utf-16") if data.startswith(b"\xff\xfe")
                            else data.decode())
    return files, result.stderr


def unit_values(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


def plist_string(text: str, key: str) -> str | None:
    match = re.search(rf"<key>{key}</key>\s*<string>([^<]*)</string>", text)
    return match.group(1) if match else None


def renders(binary: str, work: Path) -> None:
    counter = iter(range(1000))

    def case(target: str, stdout: str, stderr: str, supervisor: str = "daemonize",
             extra: str = "", scope: str = "system") -> tuple[dict[str, str], str, str]:
        name = f"out{next(counter)}"
        path = manifest(work, name, stdout, stderr, supervisor, extra, scope)
        files, diagnostics = render(binary, path, target, work / f"render-{name}")
        return files, diagnostics, name

    # systemd, daemonize: the watchdog's stdout (and stderr, inherited) is the journal.
    for streams in (("app.log", "app.log"), ("inherit", "null")):
        files, _, name = case("systemd", *streams)
        unit = files.get(f"{name}.service", "")
        check(unit_values(unit, "StandardOutput") == ["journal"] and
              not unit_values(unit, "StandardError"),
              f"systemd daemonize {streams}: StandardOutput=journal only", unit)
        check(f"ExecStart=/usr/local/bin/daemonize run /etc/daemonize/{name}.toml" in unit,
              f"systemd daemonize {streams}: runs the watchdog", unit)
    # systemd, native: append:DIR/FILE, journal, null; logrotate rotates the files.
    files, _, name = case("systemd", "out.log", "err.log", "native")
    unit = files.get(f"{name}.service", "")
    check(unit_values(unit, "StandardOutput") == [f"append:/srv/{name}/logs/out.log"] and
          unit_values(unit, "StandardError") == [f"append:/srv/{name}/logs/err.log"],
          "systemd native: file names are StandardOutput/StandardError=append:DIR/FILE", unit)
    check(f"/srv/{name}/logs/out.log" in files.get(f"{name}.logrotate", ""),
          "systemd native: a logrotate file rotates DIR/FILE", str(sorted(files)))
    files, diagnostics, name = case("systemd", "out.log", "err.log", "native", scope="user")
    check(f"{name}.logrotate" not in files and "the log files of a native user service are not "
          "rotated" in diagnostics, "systemd native, user scope: no logrotate file, a warning",
          str(sorted(files)) + diagnostics)
    files, _, name = case("systemd", "inherit", "null", "native")
    unit = files.get(f"{name}.service", "")
    check(unit_values(unit, "StandardOutput") == ["journal"] and
          unit_values(unit, "StandardError") == ["null"],
          "systemd native: inherit -> journal, null -> null", unit)

    # launchd, daemonize: launchd captures the watchdog (and "inherit") in DIR/watchdog.log.
    for streams in (("app.log", "app.log"), ("inherit", "null")):
        files, _, name = case("launchd", *streams)
        plist = files.get(f"org.daemonize.{name}.plist", "")
        expected = f"/srv/{name}/logs/watchdog.log"
        check(plist_string(plist, "StandardOutPath") == expected and
              plist_string(plist, "StandardErrorPath") == expected,
              f"launchd daemonize {streams}: both paths are DIR/watchdog.log", plist)
    # launchd, native: DIR/FILE; null -> /dev/null; inherit -> not written, warning.
    files, _, name = case("launchd", "out.log", "null", "native")
    plist = files.get(f"org.daemonize.{name}.plist", "")
    check(plist_string(plist, "StandardOutPath") == f"/srv/{name}/logs/out.log" and
          plist_string(plist, "StandardErrorPath") == "/dev/null",
          "launchd native: file -> DIR/FILE, null -> /dev/null", plist)
    files, diagnostics, name = case("launchd", "inherit", "out.log", "native")
    plist = files.get(f"org.daemonize.{name}.plist", "")
    check(plist_string(plist, "StandardOutPath") is None and
          "\"inherit\" has nowhere to go on launchd" in diagnostics,
          "launchd native: inherit -> no StandardOutPath (launchd discards), warning",
          plist + diagnostics)
    check("launchd appends to StandardOutPath/StandardErrorPath forever" in diagnostics,
          "launchd native: a warning that nothing rotates the files", diagnostics)

    # windows-service: always the watchdog (also with native, warned); "inherit" is discarded.
    files, diagnostics, name = case("windows-service", "inherit", "app.log", "native")
    check("logs.stdout = \"inherit\": a Windows service has no console or journal, so this "
          "output is discarded" in diagnostics, "windows-service: inherit -> warning", diagnostics)
    script = files.get(f"install-{name}.cmd", "")
    check(f'binPath= "\\"C:\\Program Files\\daemonize\\daemonize.exe\\" run --service '
          f'\\"C:\\ProgramData\\daemonize\\{name}.toml\\""' in script and
          "supervisor = \"native\"" in diagnostics,
          "windows-service native: a warning, and the service runs the watchdog", script)

    # windows-task, daemonize: the action is daemonizew.exe (no console) running the watchdog.
    files, _, name = case("windows-task", "inherit", "app.log")
    task = files.get(f"{name}.xml", "")
    check(re.search(r"<Command>[^<]*\\daemonizew\.exe[^<]*</Command>", task) is not None and
          f"<Arguments>run " in task,
          "windows-task daemonize: the action runs daemonizew.exe run MANIFEST", task)
    # windows-task, native: output cannot be redirected.
    for streams, warned in ((("app.log", "null"), True), (("null", "null"), False)):
        _, diagnostics, _ = case("windows-task", *streams, "native")
        check(("a task cannot redirect output: the program's stdout and stderr are discarded"
               in diagnostics) == warned,
              f"windows-task native {streams}: warning {'expected' if warned else 'unexpected'}",
              diagnostics)

    # cron: always the detached watchdog; the crontab line discards only the caller's stdout.
    files, diagnostics, name = case("cron", "inherit", "app.log", "native")
    crontab = files.get(f"{name}.crontab", "")
    check(f"* * * * * '/usr/local/bin/daemonize' run '/etc/daemonize/{name}.toml' --detach "
          ">/dev/null\n" in crontab and "2>" not in crontab,
          "cron: the line runs run --detach, stdout discarded, stderr to cron's mail", crontab)
    check("supervisor = \"native\" is not expressible" in diagnostics,
          "cron: native mode warns and runs the watchdog", diagnostics)

    # kubernetes: the container's streams go to the cluster whatever [logs] says; the
    # Deployment `kubectl logs deployment/<name>` reads is named after the service.
    files, diagnostics, name = case("kubernetes", "app.log", "null")
    check(re.search(rf"kind: Deployment\nmetadata:\n  name: {name}\n",
                    "".join(files.values())) is not None,
          "kubernetes: the Deployment is named after the service", str(files))
    check("the container's stdout goes to the cluster's log collection, not to \"app.log\"" in
          diagnostics and "a container's stderr cannot be discarded; it goes to the cluster's "
          "logs" in diagnostics, "kubernetes: file and null -> warnings, cluster logs",
          diagnostics)


def logs_command(binary: str, work: Path) -> None:
    """Where `daemonize logs` reads, without a running service."""
    home = work / "home"
    state = home / ".local" / "state" / "daemonize"
    state.mkdir(parents=True)
    env = dict(os.environ, HOME=str(home), XDG_STATE_HOME=str(home / ".local" / "state"))
    env.pop("XDG_RUNTIME_DIR", None)
    name = f"docs-output-{os.getpid()}"

    def logs(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, "logs", *args], capture_output=True, text=True, env=env,
                              timeout=60)

    # A file name: the live file and its rotated predecessors, oldest first.
    logs_dir = work / "logs"
    logs_dir.mkdir()
    (logs_dir / "app.log.20261128T061500.000000Z").write_text("one\n")
    (logs_dir / "app.log").write_text("two\n")
    path = manifest(work, name, "app.log", "app.log")
    text = path.read_text().replace(f'"/srv/{name}/logs"', json.dumps(str(logs_dir)))
    path.write_text(text)
    result = logs(str(path))
    check(result.returncode == 0 and result.stdout == "one\ntwo\n",
          "logs FILE: the file with its rotated predecessor", result.stdout + result.stderr)

    # "null" only: nothing kept, exit 66.
    path = manifest(work, name, "null", "null")
    result = logs(str(path))
    check(result.returncode == 66 and
          result.stderr == f"daemonize: {name}: the selected output is not kept (\"null\")\n",
          "logs FILE with null streams: exit 66, not kept",
          f"exit {result.returncode}: {result.stderr}")

    # "inherit" of a systemd unit (a user-scope receipt): the journal of the unit.
    path = manifest(work, name, "inherit", "app.log")
    path.write_text(path.read_text().replace(f'"/srv/{name}/logs"', json.dumps(str(logs_dir))))
    receipt = {"schema": 1, "service": name, "target": "systemd", "scope": "user",
               "service_id": f"{name}.service",
               "files": [{"path": str(path), "kind": "manifest", "sha256": "", "mode": 420}]}
    (state / f"{name}.json").write_text(json.dumps(receipt))
    result = logs(name, "-n", "1")
    header = (f"==> journal (journalctl --no-pager --output short-iso --user --user-unit "
              f"{name}.service) <==")
    check(f"==> {logs_dir}/app.log <==\ntwo\n" in result.stdout and header in result.stdout,
          "logs NAME of a systemd unit: the file and, for inherit, the unit's journal",
          result.stdout + result.stderr)
    (state / f"{name}.json").unlink()

    # "inherit" of a detached watchdog (cron): its own log.
    detached_log = (Path("/var/log/daemonize") if os.geteuid() == 0 else state) / f"{name}.log"
    detached_log.parent.mkdir(parents=True, exist_ok=True)
    detached_log.write_text("2026-12-07T06:00:00.000Z daemonize[x] info: spawned pid 1\n"
                            "from the program\n")
    try:
        result = logs(str(path), "--stdout", "-n", "1")
        check(result.returncode == 0 and result.stdout == "from the program\n",
              "logs FILE, inherit with a detached watchdog: its log",
              result.stdout + result.stderr)
        result = logs(str(path), "--events", "-n", "2")
        check(result.returncode == 0 and result.stdout.startswith("2026-12-07T06:00:00.000Z"),
              "logs --events of a detached watchdog: its log", result.stdout + result.stderr)
    finally:
        detached_log.unlink()

    # "inherit" with neither: a note, nothing read.
    result = logs(str(path), "--stdout")
    check(result.returncode == 66 and "output with \"inherit\" goes where the watchdog's own "
          "output goes" in result.stderr, "logs FILE, inherit elsewhere: a note",
          f"exit {result.returncode}: {result.stderr}")


def main() -> int:
    source, binary = Path(sys.argv[1]), sys.argv[2]
    table = (source / "docs" / "logs.md").read_text()
    check("## Where does my program's output go?" in table, "docs/logs.md: the table's heading")
    for page in sorted((source / "docs" / "targets").glob("*.md")):
        check("../logs.md#where-does-my-programs-output-go" in page.read_text(),
              f"{page.relative_to(source)}: no link to the output table of docs/logs.md")
    with tempfile.TemporaryDirectory() as work:
        renders(binary, Path(work))
        logs_command(binary, Path(work))
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print("PASS: every row of docs/logs.md's output table matches what render and logs do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
