#!/usr/bin/env python3
"""Injection matrix, static consumers (ctest label integration).

For every case of matrix.py: `daemonize validate --target T` and `daemonize render --target T`
must agree; a rejection must be exit 65 with an error at the key's line; an accepted artifact is
read back by the target's consumer and must hold exactly what the manifest means with no extra
key/line/element/document (compared with the same field holding a benign value):
  systemd: `systemd-analyze verify` (no diagnostics; batched) + systemd's unquoting rules for
           ExecStart=/Environment= (the container run, systemd_e2e.sh, proves them for real);
  launchd: plutil-compatible `plistutil` + Python's plistlib;
  windows-task: xmllint + the Task Scheduler XSD + Python's XML parser, Arguments split by the
           CommandLineToArgvW rules (wine_injection.py runs the real parser);
  windows-service: the .cmd's line structure (wine_injection.py runs it under Wine);
  kubernetes: node yaml@2, YAML 1.2 and 1.1 (must agree), kubelet's $(VAR)/$$ expansion;
  cron: the crontab line through cron's `%` rule and `sh -c`, argv recorded.
Usage: injection_static.py --daemonize PATH --work DIR [--schema XSD] [--validators DIR]
"""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402
import consumers  # noqa: E402


def skip_or_fail(message):
    if os.environ.get("CI") == "true":
        print(f"FAIL: {message} (CI=true: required)")
        sys.exit(1)
    print(f"SKIP: {message}")
    sys.exit(77)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--validators", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--targets", nargs="*")
    parser.add_argument("--fields", nargs="*")
    options = parser.parse_args()

    for tool, package in (("systemd-analyze", "systemd"), ("plistutil", "libplist-utils"),
                          ("xmllint", "libxml2-utils"), ("node", "nodejs")):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} missing (package {package})")
    if not os.path.isfile(options.schema):
        skip_or_fail(f"no Task Scheduler schema at {options.schema}")
    if not os.path.isdir(os.path.join(options.validators, "node_modules", "yaml")):
        skip_or_fail(f"{options.validators}/node_modules/yaml missing (scripts/install-deps.sh)")

    if os.path.isdir(options.work):
        shutil.rmtree(options.work)
    os.makedirs(options.work)
    cases = matrix.all_cases(options.targets, options.fields)
    print(f"{len(cases)} cases: {len(matrix.HOSTILE)} hostile strings, "
          f"{len(matrix.FIELDS)} fields, targets {', '.join(options.targets or matrix.TARGETS)}")
    matrix.run_all(options.daemonize, cases, options.work, options.jobs)

    checker = consumers.Checker(options)
    checker.check_all(cases)
    return checker.report(cases)


if __name__ == "__main__":
    sys.exit(main())
