#!/usr/bin/env python3
"""User documentation speaks of the product, not of its code or its issue tracker.

Scans README.md, docs/*.md (but contributing.md, which is for developers), docs/targets/*.md,
the comments of examples/*.toml and man/daemonize.1 for:
  - C++ scoped names (`Artifact::install_path`, `std::thread`);
  - issue references ("issue 8", "the issue's targets", "#21");
  - names of the project's own C++ types (`RenderOptions`, `SupervisorDriver`), found by reading
    the class/struct/enum declarations under core/, watchdog/, deploy/, backends/ and cli/;
    a few of those are also the public name of a thing (a Kubernetes `ServiceAccount`, the
    registry key `EventLog`) and are allowed.
It also checks that the give-up count in the comments of examples/*.toml matches their
max_restarts: "at the Nth failure" with N = max_restarts + 1 (one start plus max_restarts
restarts; the watchdog's count itself is proven by RunTest.CrashingChildIsRestartedWith...).

usage: check_user_docs.py SOURCE_DIR        check the tree
       check_user_docs.py --self-test        the patterns catch a bad sample, pass a good one
"""
import re
import sys
import tomllib
from pathlib import Path

# Public names that happen to be spelled like one of the project's C++ types.
PUBLIC_NAMES = {
    "ServiceAccount",  # the Kubernetes object, and the Task Scheduler LogonType value
    "EventLog",        # HKLM\SYSTEM\CurrentControlSet\Services\EventLog, the Windows registry key
}

SCOPED = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*::~?[A-Za-z_][A-Za-z0-9_]*")
ISSUE = re.compile(r"\bissue(?:s|'s)?\b", re.IGNORECASE)
HASH_NUMBER = re.compile(r"(?<![\w&#/\\])#[0-9]+\b")
ORDINAL = re.compile(r"at the (\d+)(?:st|nd|rd|th) failure")


def user_docs(root: Path) -> list[Path]:
    files = [root / "README.md", root / "man" / "daemonize.1"]
    files += sorted(p for p in (root / "docs").glob("*.md") if p.name != "contributing.md")
    files += sorted((root / "docs" / "targets").glob("*.md"))
    files += sorted((root / "examples").glob("*.toml"))
    return files


def code_type_names(root: Path) -> set[str]:
    """CamelCase (two capitals or more) class, struct and enum names of the project's code."""
    names = set()
    declaration = re.compile(r"\b(?:struct|class|enum class|enum)\s+([A-Z][A-Za-z0-9_]*)")
    for folder in ("core", "watchdog", "deploy", "backends", "cli"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".hpp", ".cpp", ".h", ".in"):
                for match in declaration.finditer(path.read_text(errors="replace")):
                    name = match.group(1)
                    if len(re.findall(r"[A-Z]", name)) >= 2:
                        names.add(name)
    return names - PUBLIC_NAMES


def text_lines(path: Path, text: str) -> list[tuple[int, str]]:
    """The lines a reader sees: for a TOML example only its comments."""
    lines = list(enumerate(text.splitlines(), 1))
    if path.suffix == ".toml":
        lines = [(n, line[line.index("#") + 1:]) for n, line in lines if "#" in line and
                 line.lstrip().startswith("#")]
    return lines


def problems_in(name: str, path: Path, text: str, types: set[str]) -> list[str]:
    problems = []
    type_pattern = (re.compile(r"\b(" + "|".join(sorted(types, key=len, reverse=True)) + r")\b")
                    if types else None)
    for number, line in text_lines(path, text):
        found = [m.group(0) for m in SCOPED.finditer(line)]
        found += [m.group(0) for m in ISSUE.finditer(line)]
        found += [m.group(0) for m in HASH_NUMBER.finditer(line)]
        if type_pattern:
            found += [m.group(0) for m in type_pattern.finditer(line)]
        for item in found:
            problems.append(f"{name}:{number}: internal name or issue reference `{item}`: "
                            f"{line.strip()}")
    if path.suffix == ".toml":
        comments = " ".join(line for _, line in text_lines(path, text))
        ordinal = ORDINAL.search(re.sub(r"\s+", " ", comments))
        if ordinal:
            restarts = tomllib.loads(text).get("restart", {}).get("max_restarts", 10)
            if int(ordinal.group(1)) != restarts + 1:
                problems.append(f"{name}: the comment says the watchdog gives up at failure "
                                f"{ordinal.group(1)}, but max_restarts = {restarts} gives up at "
                                f"failure {restarts + 1} (one start plus {restarts} restarts)")
    return problems


def self_test() -> int:
    types = {"RenderOptions", "SupervisorDriver"}
    bad_md = ("The path is `Artifact::install_path`, see issue 8 and #21.\n"
              "`RenderOptions` and the SupervisorDriver decide; the issue's targets.\n")
    bad_toml = ("# gives up (exit 75) at the 5th failure within 10 minutes\n"
                "[restart]\nmax_restarts = 5\n")
    good_md = ("Listen on `http://[::1]:8080/`, `std_dev` aside; see [logs](logs.md#logs) and\n"
               "the registry key `EventLog`; HTML `&#35;` and the `\\#` of groff stay.\n"
               "```sh\ndaemonize render service.toml --target systemd\n```\n")
    good_toml = ("# gives up (exit 75) at the 6th failure within 10 minutes\n"
                 "[restart]\nmax_restarts = 5\n")
    bad = problems_in("bad.md", Path("bad.md"), bad_md, types)
    bad += problems_in("bad.toml", Path("bad.toml"), bad_toml, types)
    good = problems_in("good.md", Path("good.md"), good_md, types)
    good += problems_in("good.toml", Path("good.toml"), good_toml, types)
    expected = ["`Artifact::install_path`", "`issue`", "`#21`", "`RenderOptions`",
                "`SupervisorDriver`", "`issue's`", "failure 5, but max_restarts = 5"]
    missing = [item for item in expected if not any(item in problem for problem in bad)]
    for item in missing:
        print(f"FAIL: self-test: the bad sample's {item} was not reported")
    for problem in good:
        print(f"FAIL: self-test: the good sample was reported: {problem}")
    if missing or good:
        return 1
    print(f"PASS: self-test: {len(bad)} problems in the bad samples, none in the good ones")
    return 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = Path(sys.argv[1])
    types = code_type_names(root)
    problems = []
    files = user_docs(root)
    for path in files:
        problems += problems_in(str(path.relative_to(root)), path, path.read_text(), types)
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        print(f"{len(problems)} internal names or issue references in user documentation")
        return 1
    print(f"PASS: {len(files)} user documents name no C++ type ({len(types)} known), no scoped "
          f"name and no issue; the examples' give-up counts match max_restarts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
