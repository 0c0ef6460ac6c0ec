#!/usr/bin/env python3
"""Checks that the documentation keeps up with the code.

1. docs/manifest.md names every manifest key of the key table (core/src/schema.cpp, printed as
   JSON by the test tool dump_manifest_keys) as `section.key`.
2. Every subcommand and long flag that `daemonize [COMMAND] --help` prints appears in
   docs/cli.md, man/daemonize.1, completions/daemonize.bash and completions/_daemonize.
3. docs/README.md links every page under docs/, and every relative link in docs/ resolves.
4. examples/everything.toml (the example "using every key") sets every schema key.

usage: check_docs_consistency.py SOURCE_DIR DAEMONIZE_BINARY DUMP_MANIFEST_KEYS_BINARY
Prints every missing item with the file to fix; exits 1 when anything is missing.
"""
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path


def schema_keys(dump_binary: str) -> list[str]:
    """`section.key` for every key of the key table; a free-form table like [env] is `section`."""
    result = subprocess.run([dump_binary], capture_output=True, text=True, check=True)
    keys = []
    for section in json.loads(result.stdout)["sections"]:
        if section["free_form"]:
            keys.append(section["name"])
        keys.extend(f"{section['name']}.{key['name']}" for key in section["keys"])
    return keys


def help_text(binary: str, *args: str) -> str:
    result = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"`daemonize {' '.join(args)} --help` exited {result.returncode}: {result.stderr}")
    return result.stdout


def subcommands(top_help: str) -> list[str]:
    section = top_help.split("Subcommands:", 1)[1]
    return re.findall(r"^\s{2}([a-z][a-z-]*)\s", section, re.M)


def long_flags(command_help: str) -> list[str]:
    flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", command_help))
    flags.discard("--help")
    return sorted(flags)


def man_text(path: Path) -> str:
    # roff writes '-' as '\-' in flags; compare against the plain spelling.
    return path.read_text().replace("\\-", "-").replace("\\&", "")


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    root, binary, dump_binary = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    problems = []

    keys = schema_keys(dump_binary)
    if len(keys) < 40:
        problems.append(f"{dump_binary}: printed only {len(keys)} keys; is the key table complete?")
    manifest_doc = (root / "docs/manifest.md").read_text()
    for key in keys:
        if f"`{key}`" not in manifest_doc and f"`[{key}]`" not in manifest_doc:
            problems.append(f"docs/manifest.md: key `{key}` is not documented")

    everything = tomllib.loads((root / "examples/everything.toml").read_text())
    # The key may be set in the base tables or in an [os.X] override ([os.X] holds [service] keys
    # directly). Keys that exclude each other: one manifest holds exactly one key of each group
    # (one health check kind's key; one way to reload).
    layers = [everything, *everything.get("os", {}).values()]
    exclusive_groups = [
        {"health.url", "health.address", "health.command"},
        {"reload.signal", "reload.command", "hooks.reload"},
        # pid_file needs type = "forking", remain_after_exit type = "oneshot": one manifest sets one.
        {"service.pid_file", "service.remain_after_exit"},
    ]
    set_exclusive = {index: [] for index in range(len(exclusive_groups))}

    def is_set(layer: dict, key: str) -> bool:
        section, _, name = key.partition(".")
        table = layer.get(section, layer if section == "service" and layer is not everything else None)
        if not isinstance(table, dict):
            return False
        value = table.get(name) if name else table
        return value is not None and value != {}

    # [schedule] makes a service a job (a oneshot), which everything.toml is not: its keys are
    # shown by examples/nightly-backup.toml ('every' excludes 'cron', which the example uses).
    nightly = tomllib.loads((root / "examples/nightly-backup.toml").read_text())
    for key in [key for key in keys if key.startswith("schedule.")]:
        keys.remove(key)
        if key != "schedule.every" and not is_set(nightly, key):
            problems.append(f"examples/nightly-backup.toml: key `{key}` is not set")

    for key in keys:
        found = any(is_set(layer, key) for layer in layers)
        group = next((i for i, members in enumerate(exclusive_groups) if key in members), None)
        if group is not None:
            set_exclusive[group] += [key] if found else []
        elif not found:
            problems.append(f"examples/everything.toml: key `{key}` is not set (it should use every key)")
    for group, members in enumerate(exclusive_groups):
        if len(set_exclusive[group]) != 1:
            problems.append(f"examples/everything.toml: expected one of {sorted(members)}, found {set_exclusive[group]}")

    documents = {
        "docs/cli.md": (root / "docs/cli.md").read_text(),
        "man/daemonize.1": man_text(root / "man/daemonize.1"),
        "completions/daemonize.bash": (root / "completions/daemonize.bash").read_text(),
        "completions/_daemonize": (root / "completions/_daemonize").read_text(),
    }
    commands = subcommands(help_text(binary))
    if not commands:
        problems.append("`daemonize --help` lists no subcommands (did its format change?)")
    flag_count = 0
    for command in commands:
        flags = long_flags(help_text(binary, command))
        flag_count += len(flags)
        for name, text in documents.items():
            if not re.search(rf"(?<![\w-]){re.escape(command)}(?![\w-])", text):
                problems.append(f"{name}: subcommand `{command}` is missing")
            for flag in flags:
                if not re.search(rf"{re.escape(flag)}(?![\w-])", text):
                    problems.append(f"{name}: flag `{command} {flag}` is missing")

    docs = root / "docs"
    index = (docs / "README.md").read_text()
    pages = sorted(p for p in docs.rglob("*.md") if p.name != "README.md")
    for page in pages:
        relative = page.relative_to(docs).as_posix()
        if f"]({relative})" not in index and f"]({relative}#" not in index:
            problems.append(f"docs/README.md: no link to {relative}")
    for page in [docs / "README.md", *pages]:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if not (page.parent / path).exists():
                problems.append(f"{page.relative_to(root)}: broken link ({target})")

    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        print(f"{len(problems)} documentation gaps (see above)")
        return 1
    print(f"PASS: docs/manifest.md documents all {len(keys)} schema keys; docs/cli.md, the man page "
          f"and both completions know all {len(commands)} commands and {flag_count} flags; "
          f"docs/README.md links all {len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
