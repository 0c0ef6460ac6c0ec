#!/usr/bin/env python3
"""The conformance matrix: every row of rows.py under every runtime this machine has.

  conformance.py --daemonize BIN --child BIN --group host|systemd|cron --results DIR --doc MATRIX
  conformance.py --write-doc --results DIR --doc MATRIX      (regenerates docs/conformance.md)
  conformance.py --check-doc --doc MATRIX                     (no two runtimes disagree on a row)

A group run executes every row under its runtimes (rows in parallel: they use distinct names and
ports), writes DIR/<runtime>.json, and fails when a cell differs from the committed matrix.
Cells: ✓ (the documented behaviour was observed), ✗ (it was not), n/e (the runtime cannot express
the row and `daemonize validate --target` says so).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import Container, Unavailable  # noqa: E402
from rows import ROWS  # noqa: E402
import runtimes  # noqa: E402

COLUMNS = ["foreground", "cron", "systemd", "systemd-native", "launchd", "launchd-native", "wine"]
COLUMN_TITLES = {
    "foreground": "foreground `daemonize run`",
    "cron": "cron (`run --detach`, real cron)",
    "systemd": "systemd 252, d",
    "systemd-native": "systemd 252, native",
    "launchd": "launchd model, d",
    "launchd-native": "launchd model, native",
    "wine": "Wine SCM, daemonize.exe",
}
PORT_BASE = {"foreground": 41000, "launchd": 41100, "launchd-native": 41200}


class Context:
    """One row under one runtime: the service's name, files and the program's events."""

    def __init__(self, row, rt, index):
        self.row = row
        self.rt = rt
        prefix = {"systemd-native": "n", "launchd-native": "ln"}.get(rt.kind, rt.kind[:2])
        self.name = f"{prefix}-{row.id}"[:64]
        self.port = PORT_BASE.get(rt.kind, 42000) + index
        self.events_path = rt.path(f"{self.name}.events")

    def file(self, relative, text, mode=0o644):
        path = self.rt.path(f"{self.name}.{relative}")
        self.rt.write_file(path, text, mode)
        return path

    def events(self):
        text = runtimes.read_text(self.rt.host_path(self.events_path))
        events = []
        for line in text.splitlines():
            body, _, stamp = line.rpartition(" t=")
            kind, _, value = body.partition(" ")
            try:
                events.append((kind, value, float(stamp)))
            except ValueError:
                pass
        return events

    def event_values(self, kind):
        return [value for k, value, _ in self.events() if k == kind]

    def event_times(self, kind):
        return [t for k, _, t in self.events() if k == kind]

    def starts(self):
        return self.event_times("start")

    def exit_times(self):
        return self.event_times("exit")

    def alive(self, pid):
        """Whether the program's process `pid` (as it reported it) is still there, not a zombie."""
        return self.rt.alive(pid, self)

    def exited(self):
        starts = self.event_values("start")
        return bool(starts) and not self.alive(int(starts[-1].split()[0]))


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


def manifest_text(ctx):
    rt = ctx.rt
    sections = {"service": {"name": ctx.name, "command": rt.child,
                            "args": ["--events", ctx.events_path] + ctx.row.child_args(ctx),
                            "supervisor": "native" if rt.native else "daemonize"},
                "logs": {"directory": rt.path(f"{ctx.name}/logs")},
                "stop": {"timeout": "5s"},
                "restart": {"delay": "1s"}}
    for section, values in ctx.row.manifest(ctx).items():
        sections.setdefault(section, {}).update(values)
    lines = ["schema = 1"]
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in values.items())
    return "\n".join(lines) + "\n"


def validate_says(daemonize, manifest_host_path, target, key):
    result = subprocess.run([daemonize, "validate", manifest_host_path, "--target", target],
                            capture_output=True, text=True)
    text = result.stdout + result.stderr
    leaf = key.split(".")[-1]
    return any(("warning" in line or "error" in line) and (key in line or leaf in line)
               for line in text.splitlines())


def install_rows(rt, daemonize_host, scratch):
    """Writes and installs every row's service under one runtime. Returns ({row id: result} for
    the cells decided without running anything, [contexts to check])."""
    results, contexts = {}, []
    if hasattr(rt, "before_install"):
        rt.before_install()
    for index, row in enumerate(ROWS):
        ctx = Context(row, rt, index)
        manifest = ctx.rt.path(f"{ctx.name}.toml")
        text = manifest_text(ctx)
        rt.write_file(manifest, text, 0o644)
        cannot = next((getattr(rt, "cannot", {})[f] for f in row.features
                       if f in getattr(rt, "cannot", {})), None)
        if cannot:
            results[row.id] = {"cell": cannot[0], "detail": cannot[1], "seconds": 0}
            continue
        key = row.not_expressible(rt.kind)
        if key:
            host_copy = os.path.join(scratch, f"{rt.kind}-{row.id}.toml")
            with open(host_copy, "w") as out:
                out.write(text)
            said = validate_says(daemonize_host, host_copy, rt.target, key)
            results[row.id] = {"cell": "n/e" if said else "✗",
                               "detail": f"{key}: validate --target {rt.target} "
                               + ("says so" if said else "is silent"), "seconds": 0}
            continue
        try:
            rt.install(ctx.name, manifest)
        except Exception as error:  # noqa: BLE001 - the cell records it
            results[row.id] = {"cell": "✗", "detail": f"install: {error}", "seconds": 0}
            continue
        contexts.append(ctx)
    return results, contexts


def check_one(ctx):
    started = time.monotonic()
    try:
        passed, detail = ctx.row.check(ctx.rt, ctx)
    except Exception:  # noqa: BLE001 - the cell records it
        passed, detail = False, traceback.format_exc(limit=3)
    return {"cell": "✓" if passed else "✗", "detail": detail,
            "seconds": round(time.monotonic() - started, 1)}


def run_rows(rts, daemonize_host, scratch):
    """Every row under every runtime of a group: all installs first (a deploy's daemon-reload
    must not land in the middle of another row's check), then every check at once."""
    outcome, contexts = {}, []
    for rt in rts:
        outcome[rt.kind], installed = install_rows(rt, daemonize_host, scratch)
        contexts.extend(installed)
    # Wine's one services.exe has left a service unstarted when ~25 starts came at once: a few
    # checks at a time there; real managers take them all at once.
    workers = len(contexts) or 1
    if any(rt.kind == "wine" for rt in rts):
        workers = min(workers, 6)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for ctx, result in zip(contexts, pool.map(check_one, contexts)):
            outcome[ctx.rt.kind][ctx.row.id] = result
    return outcome


# ---- the committed matrix --------------------------------------------------------------------

def read_doc(path):
    """{row id: {column: cell}} from the matrix table of docs/conformance.md."""
    matrix, columns = {}, None
    if not os.path.exists(path):
        return matrix
    for line in open(path, encoding="utf-8"):
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "row":
            columns = [next((k for k, t in COLUMN_TITLES.items() if t == c), c) for c in cells[2:]]
            continue
        match = re.fullmatch(r"`([a-z0-9-]+)`", cells[0])
        if columns and match:
            matrix[match.group(1)] = dict(zip(columns, cells[2:]))
    return matrix


def read_details(path):
    """{row id: {column: detail}} from the "Cells that are not ✓" list, kept for the cells a
    partial run (--only, one group) did not run again."""
    details, titles = {}, {t: c for c, t in COLUMN_TITLES.items()}
    if not os.path.exists(path):
        return details
    for line in open(path, encoding="utf-8"):
        match = re.fullmatch(r"- `([a-z0-9-]+)` × (.+?): \S+ — (.*)\n?", line)
        if match and match.group(2) in titles:
            details.setdefault(match.group(1), {})[titles[match.group(2)]] = match.group(3)
    return details


def write_doc(path, results_dir):
    matrix = read_doc(path)
    details = read_details(path)
    for column in COLUMNS:
        file = os.path.join(results_dir, f"{column}.json")
        if os.path.exists(file):
            with open(file) as source:
                for row_id, result in json.load(source).items():
                    matrix.setdefault(row_id, {})[column] = result["cell"]
                    details.setdefault(row_id, {})[column] = result["detail"]
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "matrix-intro.md")) as intro:
        lines = [intro.read().rstrip("\n"), ""]
    lines.append("| row | behaviour | " + " | ".join(COLUMN_TITLES[c] for c in COLUMNS) + " |")
    lines.append("|---|---|" + "---|" * len(COLUMNS))
    for row in ROWS:
        cells = [matrix.get(row.id, {}).get(c, "—") for c in COLUMNS]
        lines.append(f"| `{row.id}` | {row.title} | " + " | ".join(cells) + " |")
    lines += ["", "## Cells that are not ✓", "",
              "What the suite printed for each of them in the run that wrote this page:", ""]
    for row in ROWS:
        for column in COLUMNS:
            cell = matrix.get(row.id, {}).get(column)
            detail = details.get(row.id, {}).get(column)
            if cell and cell != "✓" and detail:
                lines.append(f"- `{row.id}` × {COLUMN_TITLES[column]}: {cell} — {detail}")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def check_doc(path):
    """No two runtimes may disagree on a row both can express; every row is in the matrix."""
    matrix, problems = read_doc(path), []
    for row in ROWS:
        cells = matrix.get(row.id)
        if cells is None:
            problems.append(f"{row.id}: missing from {path}")
            continue
        verdicts = {c: v for c, v in cells.items() if v in ("✓", "✗")}
        if len(set(verdicts.values())) > 1:
            problems.append(f"{row.id}: runtimes disagree: {verdicts}")
    return problems


def run_wine(args, scratch):
    import wine_runtime
    for prerequisite in args.prerequisite:
        path, _, what = prerequisite.partition("=")
        if not os.path.exists(path):
            raise Unavailable(f"missing {what} ({path})")
    wine64 = shutil.which("wine64") or "/usr/lib/wine/wine64"
    wineserver = shutil.which("wineserver") or "/usr/lib/wine/wineserver"
    mingw_cxx = shutil.which("x86_64-w64-mingw32-g++-posix")
    if not (os.path.exists(wine64) and os.path.exists(wineserver) and mingw_cxx):
        raise Unavailable("wine64, wineserver or x86_64-w64-mingw32-g++-posix is missing")
    if args.build_command:
        build = subprocess.run(args.build_command.split(), capture_output=True, text=True)
        if build.returncode != 0:
            raise RuntimeError("the mingw build of daemonize.exe failed:\n" + build.stdout[-4000:])
    child_exe = os.path.join(scratch, "conformance_child.exe")
    subprocess.run([mingw_cxx, "-std=c++20", "-O1", "-static", "-o", child_exe,
                    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "conformance_child_windows.cpp"), "-lws2_32", "-luser32"],
                   check=True)
    rt = wine_runtime.WineScm(wine64, wineserver, args.daemonize_exe, child_exe,
                              os.path.join(scratch, "wine"))
    try:
        return run_rows([rt], args.daemonize, scratch)
    finally:
        rt.teardown()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize")
    parser.add_argument("--child")
    parser.add_argument("--group", choices=["host", "systemd", "cron", "wine"])
    parser.add_argument("--daemonize-exe", help="wine: daemonize.exe (cross-built)")
    parser.add_argument("--build-command", default="", help="wine: builds daemonize.exe first")
    parser.add_argument("--prerequisite", action="append", default=[],
                        help="wine: FILE=WHAT that must exist (the mingw caches)")
    parser.add_argument("--results", default="conformance-results")
    parser.add_argument("--doc", required=True)
    parser.add_argument("--write-doc", action="store_true")
    parser.add_argument("--check-doc", action="store_true")
    parser.add_argument("--only", help="run only the rows whose id matches this regex")
    args = parser.parse_args()

    if args.write_doc:
        write_doc(args.doc, args.results)
        return 0
    if args.check_doc:
        problems = check_doc(args.doc)
        for problem in problems:
            print(f"FAIL: {problem}")
        print(f"{len(ROWS) - len(problems)} passed, {len(problems)} failed")
        return 1 if problems else 0

    if args.only:
        ROWS[:] = [r for r in ROWS if re.search(args.only, r.id)]
    os.makedirs(args.results, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="conformance-")
    outcome = {}
    try:
        if args.group == "host":
            if os.geteuid() != 0:
                raise Unavailable("the host runtimes run programs as nobody: they need root")
            rts = [runtimes.Foreground(args.daemonize, args.child, scratch),
                   runtimes.LaunchdModel(args.daemonize, args.child, scratch, native=False),
                   runtimes.LaunchdModel(args.daemonize, args.child, scratch, native=True)]
            try:
                outcome = run_rows(rts, args.daemonize, scratch)
            finally:
                for rt in rts:
                    rt.teardown()
        elif args.group == "wine":
            outcome = run_wine(args, scratch)
        else:
            with Container() as container:
                runtimes.prepare_container(container, args.daemonize, args.child,
                                           with_cron=args.group == "cron")
                if args.group == "cron":
                    rts = [runtimes.CronContainer(container, "/usr/local/bin/daemonize",
                                                  "/usr/local/bin/conformance_child")]
                else:
                    rts = [runtimes.SystemdContainer(container, "/usr/local/bin/daemonize",
                                                     "/usr/local/bin/conformance_child", native)
                           for native in (False, True)]
                outcome = run_rows(rts, args.daemonize, scratch)
    except Unavailable as reason:
        if os.environ.get("CI") == "true":
            print(f"FAIL: {reason} (required under CI=true)")
            return 1
        print(f"SKIP: {reason}")
        return 77
    finally:
        subprocess.run(["rm", "-rf", scratch])

    committed = read_doc(args.doc)
    passed = failed = 0
    for kind, results in outcome.items():
        with open(os.path.join(args.results, f"{kind}.json"), "w") as out:
            json.dump(results, out, indent=1, ensure_ascii=False)
        for row in ROWS:
            result = results.get(row.id, {"cell": "—", "detail": "not run"})
            expected = committed.get(row.id, {}).get(kind, "(not in the matrix)")
            same = result["cell"] == expected
            passed, failed = passed + same, failed + (not same)
            print(f"{'ok  ' if same else 'FAIL'} {kind:15} {row.id:42} {result['cell']:4} "
                  f"(matrix: {expected}) {result.get('seconds', 0):5}s  {result['detail']}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
