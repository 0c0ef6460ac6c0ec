#!/usr/bin/env python3
"""The watchdog state picture cannot drift from the code.

1. The states named in docs/images/watchdog-states.dot are exactly the SupervisorState values of
   core/include/daemonize/core/supervisor.hpp, spelled as to_string() in core/src/supervisor.cpp
   spells them (what `daemonize status` prints).
2. Every state the code enters with set_state()/exit_with() has an edge into it, and every
   non-final state has an edge out of it.
3. The committed docs/images/watchdog-states.svg shows the same nodes and edges as the .dot
   (re-render it with `dot -Tsvg` after editing the .dot).
4. With Graphviz installed (always under CI=true) the .dot renders.

usage: check_state_diagram.py SOURCE_DIR
"""
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


def dot_graph(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    text = re.sub(r"//[^\n]*", "", text)
    edges = set(re.findall(r"^\s*([a-z_]+)\s*->\s*([a-z_]+)", text, re.M))
    nodes = set(re.findall(r"^\s*([a-z_]+)\s*\[label=", text, re.M))
    for a, b in edges:
        nodes.update((a, b))
    return nodes, edges


def svg_graph(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    titles = [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", text)]
    edges = {tuple(t.split("->", 1)) for t in titles if "->" in t}
    nodes = {t for t in titles if "->" not in t and t != "watchdog_states"}
    return nodes, edges


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(sys.argv[1])
    problems = []
    header = (root / "core/include/daemonize/core/supervisor.hpp").read_text()
    source = (root / "core/src/supervisor.cpp").read_text()
    dot_path = root / "docs/images/watchdog-states.dot"
    svg_path = root / "docs/images/watchdog-states.svg"

    enum = re.search(r"enum class SupervisorState\s*\{([^}]*)\}", header)
    if not enum:
        print("FAIL: no `enum class SupervisorState` in supervisor.hpp (parser out of date)")
        return 1
    enumerators = [e.strip() for e in enum.group(1).split(",") if e.strip()]
    spelled = dict(re.findall(r'case SupervisorState::([a-z_]+):\s*return "([a-z_]+)";', source))
    if set(spelled) != set(enumerators):
        problems.append(f"supervisor.cpp to_string() covers {sorted(spelled)}, the enum has {enumerators}")
    code_states = {spelled.get(e, e) for e in enumerators}

    nodes, edges = dot_graph(dot_path.read_text())
    if nodes != code_states:
        problems.append(f"{dot_path.relative_to(root)}: states {sorted(nodes)} but the code has "
                        f"{sorted(code_states)} (missing: {sorted(code_states - nodes)}, "
                        f"extra: {sorted(nodes - code_states)})")

    entered = set(re.findall(r"(?:set_state|exit_with)\(SupervisorState::([a-z_]+)", source))
    for state in sorted(entered):
        name = spelled.get(state, state)
        if not any(b == name and a != b for a, b in edges):
            problems.append(f"{dot_path.relative_to(root)}: the code enters `{name}` but no edge leads there")
    finals = {"stopped", "gave_up"}
    for state in sorted(code_states - finals):
        if not any(a == state and a != b for a, b in edges):
            problems.append(f"{dot_path.relative_to(root)}: no edge leaves `{state}`")
    for a, b in sorted(edges):
        if a in finals:
            problems.append(f"{dot_path.relative_to(root)}: `{a}` is final, yet an edge leaves it to `{b}`")

    if not svg_path.exists():
        problems.append(f"{svg_path.relative_to(root)} is missing (dot -Tsvg {dot_path.name} -o {svg_path.name})")
    else:
        svg_nodes, svg_edges = svg_graph(svg_path.read_text())
        if svg_nodes != nodes or svg_edges != edges:
            problems.append(f"{svg_path.relative_to(root)} is stale: re-render it with "
                            f"`dot -Tsvg {dot_path.name} -o {svg_path.name}` in docs/images")

    dot = shutil.which("dot")
    if dot:
        rendered = subprocess.run([dot, "-Tsvg", str(dot_path)], capture_output=True, text=True)
        if rendered.returncode != 0:
            problems.append(f"dot -Tsvg {dot_path.name} failed: {rendered.stderr.strip()}")
    elif os.environ.get("CI") == "true":
        problems.append("Graphviz `dot` is missing under CI=true (scripts/deps/docs.txt: graphviz)")
    else:
        print("NOTE: Graphviz `dot` missing: the .dot was not rendered (the other checks ran)")

    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print(f"PASS: watchdog-states.dot names the {len(code_states)} states of the code "
          f"({', '.join(sorted(code_states))}), {len(edges)} transitions, and the committed SVG matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
