#!/usr/bin/env python3
"""Checks the dependency rule of ARCHITECTURE.md against the code.

The rule, by folder (a backend is each folder under backends/):
    core            -> nothing
    backends/X      -> core, X
    watchdog        -> core
    deploy          -> core
    import          -> core
    cli             -> everything

An edge is any of:
  - an #include of another folder's public header ("daemonize/<ns>/...", mapped to the folder
    whose include/daemonize/<ns> holds it) or of a file inside another folder (a relative path);
  - a CMake target_link_libraries of a library defined in another folder;
  - a CMake target_include_directories or target_sources/add_executable naming a path in
    another folder (reaching into its private src/).
Also: deploy/ and watchdog/ hold no target-name string literal ("systemd", "windows-task", ...):
what differs per target is asked of the backend through core's interfaces. And ARCHITECTURE.md
stays true: every file, folder and CMake target it names in `backticks` exists, and its
directory table has a row for every folder of the rule.

usage: check_architecture.py SOURCE_DIR      prints every violation, exits 1 when there is one
       check_architecture.py --self-test     proves that each kind of violation is caught
"""
import re
import sys
import tempfile
from pathlib import Path

LAYERS = ["core", "watchdog", "deploy", "import", "cli"]
ALLOWED = {"core": set(), "watchdog": {"core"}, "deploy": {"core"}, "import": {"core"}}
TARGET_AGNOSTIC = ["deploy", "watchdog"]
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".in"}


def folders(root: Path) -> list[str]:
    found = [name for name in LAYERS if (root / name).is_dir()]
    backends = root / "backends"
    if backends.is_dir():
        found += sorted(f"backends/{d.name}" for d in backends.iterdir() if d.is_dir())
    return found


def allowed(folder: str) -> set[str] | None:
    """The folders `folder` may depend on; None = any (cli)."""
    if folder == "cli":
        return None
    if folder.startswith("backends/"):
        return {"core", folder}
    return ALLOWED[folder] | {folder}


def owner(path: Path, root: Path, all_folders: list[str]) -> str | None:
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    for folder in sorted(all_folders, key=len, reverse=True):
        if relative == folder or relative.startswith(folder + "/"):
            return folder
    return None


def header_namespaces(root: Path, all_folders: list[str]) -> dict[str, str]:
    """"daemonize/<ns>" -> the folder whose include/ holds it."""
    namespaces = {}
    for folder in all_folders:
        include = root / folder / "include" / "daemonize"
        if include.is_dir():
            for ns in include.iterdir():
                if ns.is_dir():
                    namespaces[ns.name] = folder
    return namespaces


def backend_target_names(root: Path) -> list[str]:
    """Each backend's --target names: the folder names, and the names() its sources return."""
    names = set()
    for backend in (root / "backends").glob("*"):
        if not backend.is_dir():
            continue
        names.add(backend.name)
        for source in backend.rglob("*.cpp"):
            text = source.read_text(errors="replace")
            names.update(re.findall(r'name\(\)\s*const\s*override\s*\{\s*return\s*"([a-z0-9-]+)"', text))
    return sorted(names)


def cmake_commands(text: str, command: str):
    """(line, argument text) of every `command(...)` call, nested parentheses included."""
    for match in re.finditer(rf"\b{command}\s*\(", text):
        depth, index = 1, match.end()
        while depth and index < len(text):
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            index += 1
        line = text.count("\n", 0, match.start()) + 1
        yield line, text[match.end(): index - 1]


def strip_cmake_comments(text: str) -> str:
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())


def check(root: Path) -> list[str]:
    all_folders = folders(root)
    namespaces = header_namespaces(root, all_folders)
    problems = []

    def edge(source_folder: str, target_folder: str | None, where: str, what: str) -> None:
        if target_folder is None or target_folder == source_folder:
            return
        permitted = allowed(source_folder)
        if permitted is not None and target_folder not in permitted:
            problems.append(f"{where}: {source_folder} -> {target_folder}: {what}")

    # Which folder defines each CMake library/executable.
    defined_in = {}
    cmake_files = {folder: sorted((root / folder).rglob("CMakeLists.txt")) for folder in all_folders}
    for folder, files in cmake_files.items():
        for cmake in files:
            text = strip_cmake_comments(cmake.read_text())
            for command in ("add_library", "add_executable"):
                for _, args in cmake_commands(text, command):
                    defined_in[args.split()[0]] = folder

    for folder in all_folders:
        for source in sorted((root / folder).rglob("*")):
            if source.suffix not in SOURCE_SUFFIXES or not source.is_file():
                continue
            where_file = source.relative_to(root).as_posix()
            for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
                match = re.match(r'\s*#\s*include\s*"([^"]+)"', line)
                if not match:
                    continue
                included = match.group(1)
                ns = re.match(r"daemonize/([^/]+)/", included)
                if ns and ns.group(1) in namespaces:
                    target = namespaces[ns.group(1)]
                elif (source.parent / included).exists():
                    target = owner(source.parent / included, root, all_folders)
                else:
                    target = None  # found through an include directory: checked in CMake below
                edge(folder, target, f"{where_file}:{number}", f'#include "{included}"')

        for cmake in cmake_files[folder]:
            text = strip_cmake_comments(cmake.read_text())
            where_file = cmake.relative_to(root).as_posix()
            for line, args in cmake_commands(text, "target_link_libraries"):
                for library in re.findall(r"\bdaemonize_\w+", args):
                    edge(folder, defined_in.get(library), f"{where_file}:{line}",
                         f"links {library}")
            for command in ("target_include_directories", "target_sources", "add_executable",
                            "add_library"):
                for line, args in cmake_commands(text, command):
                    for path in re.findall(r"\$\{(?:PROJECT|CMAKE)_SOURCE_DIR\}/([\w./-]+)", args):
                        edge(folder, owner(root / path, root, all_folders),
                             f"{where_file}:{line}", f"{command} {path}")

    names = backend_target_names(root) if (root / "backends").is_dir() else []
    for folder in TARGET_AGNOSTIC:
        for source in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if source.suffix not in SOURCE_SUFFIXES or not source.is_file():
                continue
            for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
                code = line.split("//", 1)[0]
                for name in names:
                    if f'"{name}"' in code:
                        problems.append(f"{source.relative_to(root).as_posix()}:{number}: "
                                        f'{folder} names the target "{name}"')
    return problems


PATH_LIKE = re.compile(r"^[\w.+-]+(/[\w.+-]*)*\.(cpp|hpp|py|sh|md|cmake|txt|in|mc)$|^[\w.-]+(/[\w.-]+)*/$")


def check_document(root: Path) -> list[str]:
    """What ARCHITECTURE.md names exists; every folder of the rule has a row."""
    document = root / "ARCHITECTURE.md"
    if not document.is_file():
        return []
    text = document.read_text()
    tracked = [p.relative_to(root).as_posix() for p in root.rglob("*")
               if "build" not in p.relative_to(root).parts[:1] and ".git" not in p.parts]
    defined = set()
    for cmake in root.rglob("CMakeLists.txt"):
        if "build" in cmake.relative_to(root).parts[:1]:
            continue
        body = strip_cmake_comments(cmake.read_text())
        for command in ("add_library", "add_executable"):
            defined.update(args.split()[0] for _, args in cmake_commands(body, command))
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        for token in re.findall(r"`([^`]+)`", line):
            for name in re.split(r"[\s,]+", token):
                name = name.strip("()")
                if re.fullmatch(r"daemonize_\w+", name) and name not in defined:
                    problems.append(f"ARCHITECTURE.md:{number}: no CMake target {name}")
                    continue
                if "{" in name or "*" in name or "<" in name or not PATH_LIKE.match(name):
                    continue
                bare = name.rstrip("/")
                if any(t == bare or t.endswith("/" + bare) for t in tracked):
                    continue
                problems.append(f"ARCHITECTURE.md:{number}: `{name}` names nothing in the tree")
    rows = set(re.findall(r"^\| `([\w/.-]+)/` \|", text, re.M))
    for folder in folders(root):
        if folder not in rows:
            problems.append(f"ARCHITECTURE.md: the directory table has no row for `{folder}/`")
    return problems


def self_test() -> int:
    """A tiny tree with one violation of each kind; the check must name all of them."""
    files = {
        "core/CMakeLists.txt": "add_library(daemonize_core src/a.cpp)\n",
        "core/include/daemonize/core/a.hpp": "",
        "core/src/a.cpp": '#include "daemonize/core/a.hpp"\n',
        "backends/alpha/CMakeLists.txt":
            "add_library(daemonize_alpha src/r.cpp)\n"
            "target_link_libraries(daemonize_alpha PUBLIC daemonize_core daemonize_beta)\n"
            "target_include_directories(daemonize_alpha PRIVATE ${PROJECT_SOURCE_DIR}/watchdog/src)\n",
        "backends/alpha/include/daemonize/alpha/r.hpp": "",
        "backends/alpha/src/r.cpp":
            'std::string_view name() const override { return "alpha"; }\n'
            '#include "daemonize/beta/b.hpp"\n#include "../../beta/src/private.hpp"\n',
        "backends/beta/CMakeLists.txt": "add_library(daemonize_beta src/b.cpp)\n",
        "backends/beta/include/daemonize/beta/b.hpp": "",
        "backends/beta/src/b.cpp": "",
        "backends/beta/src/private.hpp": "",
        "watchdog/CMakeLists.txt": "add_library(daemonize_watchdog src/w.cpp)\n",
        "watchdog/src/w.cpp": "",
        "deploy/CMakeLists.txt":
            "add_library(daemonize_deploy src/d.cpp)\n"
            "target_link_libraries(daemonize_deploy PUBLIC daemonize_core $<LINK_ONLY:daemonize_alpha>)\n",
        "deploy/src/d.cpp": 'if (target == "alpha") {}  // "beta" in a comment is fine\n',
        "cli/CMakeLists.txt": "add_executable(daemonize main.cpp)\n"
                              "target_link_libraries(daemonize daemonize_deploy daemonize_alpha)\n",
        "cli/main.cpp": '#include "daemonize/alpha/r.hpp"\n',
        "ARCHITECTURE.md": "| `core/` | `daemonize_core` |\n| `backends/alpha/` | |\n"
                           "| `backends/beta/` | |\n| `watchdog/` | `src/w.cpp` |\n"
                           "| `deploy/` | `deploy/src/gone.cpp`, `daemonize_gone` |\n",
    }
    expected = [
        "backends/alpha/CMakeLists.txt:2: backends/alpha -> backends/beta: links daemonize_beta",
        "backends/alpha/CMakeLists.txt:3: backends/alpha -> watchdog: target_include_directories watchdog/src",
        'backends/alpha/src/r.cpp:2: backends/alpha -> backends/beta: #include "daemonize/beta/b.hpp"',
        'backends/alpha/src/r.cpp:3: backends/alpha -> backends/beta: #include "../../beta/src/private.hpp"',
        "deploy/CMakeLists.txt:2: deploy -> backends/alpha: links daemonize_alpha",
        'deploy/src/d.cpp:1: deploy names the target "alpha"',
        "ARCHITECTURE.md:5: `deploy/src/gone.cpp` names nothing in the tree",
        "ARCHITECTURE.md:5: no CMake target daemonize_gone",
        "ARCHITECTURE.md: the directory table has no row for `cli/`",
    ]
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, content in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content)
        found = check(root) + check_document(root)
    if sorted(found) != sorted(expected):
        print("self-test failed\nexpected:\n  " + "\n  ".join(expected) + "\nfound:\n  " +
              "\n  ".join(found), file=sys.stderr)
        return 1
    print(f"self-test: all {len(expected)} planted violations found, nothing else")
    return 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(Path(sys.argv[1])) + check_document(Path(sys.argv[1]))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} edges break the dependency rule (ARCHITECTURE.md)", file=sys.stderr)
        return 1
    print("dependency rule holds: core -> nothing; backends/X -> core, X; watchdog, deploy, import "
          "-> core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
