#!/usr/bin/env python3
"""`daemonize render/validate --target launchd` end to end, per cli.md.

  * every manifest without errors: `render --target launchd` exits 0, prints
    "# --- launchd/<label>.plist ---" and then exactly the golden, and a second run prints the
    same bytes; `render -o DIR` writes DIR/launchd/<label>.plist with the same bytes;
  * every error_*.toml: render exits 65 and each error line reads
    "FILE:LINE:COL: error: launchd: ..." with a real line and column;
  * `validate --target launchd` on native_lossy.toml exits 0 and prints the warnings with
    positions.
Exit 0 = pass, 1 = fail.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

POSITIONED = re.compile(r"^(?P<file>.+\.toml):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): "
                        r"launchd: ")


def run(command):
    return subprocess.run(command, capture_output=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize", required=True)
    parser.add_argument("--manifests", required=True)
    parser.add_argument("--goldens", required=True)
    arguments = parser.parse_args()
    failures = []

    cases = sorted(entry[:-5] for entry in os.listdir(arguments.manifests) if entry.endswith(".toml"))
    for case in cases:
        manifest = os.path.join(arguments.manifests, case + ".toml")
        golden = os.path.join(arguments.goldens, case + ".plist")
        first = run([arguments.daemonize, "render", manifest, "--target", "launchd"])
        if not os.path.exists(golden):  # an error case
            if first.returncode != 65:
                failures.append(f"{case}: render exit {first.returncode}, expected 65")
            errors = [line for line in first.stderr.decode().splitlines() if ": error: " in line]
            if not errors:
                failures.append(f"{case}: no error printed")
            for line in errors:
                match = POSITIONED.match(line)
                if not match or int(match["line"]) < 1 or int(match["column"]) < 1:
                    failures.append(f"{case}: error without FILE:LINE:COL: {line}")
            continue
        if first.returncode != 0:
            failures.append(f"{case}: render exit {first.returncode}: {first.stderr.decode()}")
            continue
        second = run([arguments.daemonize, "render", manifest, "--target", "launchd"])
        if first.stdout != second.stdout:
            failures.append(f"{case}: two renders differ")
        expected = open(golden, "rb").read()
        header, _, body = first.stdout.partition(b"\n")
        if not re.fullmatch(rb"# --- launchd/[A-Za-z0-9._-]+\.plist ---", header):
            failures.append(f"{case}: unexpected header line {header!r}")
        if body != expected:
            failures.append(f"{case}: render output differs from {golden}")
        with tempfile.TemporaryDirectory() as output:
            written = run([arguments.daemonize, "render", manifest, "--target", "launchd", "-o", output])
            name = header.decode().removeprefix("# --- launchd/").removesuffix(" ---")
            path = os.path.join(output, "launchd", name)
            if written.returncode != 0 or not os.path.exists(path):
                failures.append(f"{case}: render -o did not write {path} (exit {written.returncode})")
            elif open(path, "rb").read() != expected:
                failures.append(f"{case}: render -o wrote different bytes")

    lossy = os.path.join(arguments.manifests, "native_lossy.toml")
    validate = run([arguments.daemonize, "validate", lossy, "--target", "launchd"])
    warnings = [line for line in validate.stderr.decode().splitlines() if ": warning: launchd: " in line]
    if validate.returncode != 0:
        failures.append(f"validate native_lossy: exit {validate.returncode}")
    for key_text in ("memory limit", "health checks", "restart.max_restarts", "stop.signal"):
        if not any(key_text in line and POSITIONED.match(line) for line in warnings):
            failures.append(f"validate native_lossy: no positioned warning about {key_text}")

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(cases)} manifests, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
