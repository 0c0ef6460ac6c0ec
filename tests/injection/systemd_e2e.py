#!/usr/bin/env python3
"""Injection matrix in a real systemd (label e2e): `prepare` renders native units for every
hostile string in args and [env] values (matrix.py, command = the static recorder); `check`
compares what each started unit's program received (recorded by recorder.cpp) with what the
manifest means. systemd_e2e.sh boots ONE container for all of them."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402

RECORDER = "/usr/local/bin/inj-recorder"


def prepare(daemonize, work):
    cases = matrix.all_cases(["systemd"], ["args", "env-value"], e2e=True)
    matrix.run_all(daemonize, cases, os.path.join(work, "cases"), 2)
    units = os.path.join(work, "units")
    os.makedirs(units, exist_ok=True)
    expected = {}
    rejected = 0
    for case in cases:
        if case.render_code != 0:
            rejected += 1
            continue
        unit = f"{case.name}.service"
        with open(os.path.join(case.out_dir, unit), "rb") as source:
            data = source.read()
        with open(os.path.join(units, unit), "wb") as target:
            target.write(data)
        value = matrix.meaning(case, case.field_value())
        if case.field == "args":
            expected[unit] = {"case": f"args [{case.hostile_name}]",
                              "argv": [RECORDER, "--base", value, "--end"],
                              "env": {"X": matrix.X_VALUE}}
        else:
            expected[unit] = {"case": f"env [{case.hostile_name}]", "argv": [RECORDER],
                              "env": {"X": matrix.X_VALUE, "V": value}}
    with open(os.path.join(work, "expected.json"), "w") as file:
        json.dump(expected, file)
    print(f"{len(expected)} units rendered, {rejected} cases rejected by the renderer")


SYSTEMD_SET = {"PATH", "LANG", "LANGUAGE", "INVOCATION_ID", "JOURNAL_STREAM", "SYSTEMD_EXEC_PID",
               "MANAGERPID", "NOTIFY_SOCKET", "HOME", "USER", "LOGNAME", "SHELL", "TERM"}


def entries(path):
    with open(path, "rb") as file:
        data = file.read()
    return [e.decode("utf-8", "surrogateescape") for e in data.split(b"\0")[:-1]]


def check(work):
    with open(os.path.join(work, "expected.json")) as file:
        expected = json.load(file)
    recorded = os.path.join(work, "recorded")
    failures = []
    for unit, want in sorted(expected.items()):
        base = os.path.join(recorded, unit)
        if not os.path.exists(base + ".done"):
            failures.append(f"{unit} ({want['case']}): the program never ran")
            continue
        argv = entries(base + ".argv")
        env = dict(e.split("=", 1) for e in entries(base + ".environ"))
        env = {k: v for k, v in env.items() if k not in SYSTEMD_SET}
        if argv != want["argv"]:
            failures.append(f"{unit} ({want['case']}): argv {argv!r} != {want['argv']!r}")
        if env != want["env"]:
            failures.append(f"{unit} ({want['case']}): env {env!r} != {want['env']!r}")
    print(f"{len(expected)} units ran in one container: {len(expected) - len(failures)} "
          f"received exactly the manifest's argv and environment")
    for failure in failures:
        print("  FAIL " + failure[:400])
    if not failures:
        print("zero cases alter structure (systemd runtime)")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(check(sys.argv[2]))
