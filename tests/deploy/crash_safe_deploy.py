#!/usr/bin/env python3
"""Crash-safe deploy (issue 12): `daemonize deploy --root DIR` killed with SIGKILL at every step
of its host changes and at random times; every installed file must at all times be its complete
old or its complete new version (never partial, never missing when it existed), and the next
deploy must converge to exactly the new set (files, modes, receipt, no leftover temporaries),
after which a further deploy is "up to date".

Kills come from two sources:
  - DAEMONIZE_FAULT_KILL_AT=N (PosixSystemOps, test-only): the deploy SIGKILLs itself at the Nth
    step (before each write half, chmod, fsync, rename, directory fsync, mkdir, removal); N is
    swept from 1 until a deploy finishes unharmed, for an upgrade and for a first install;
  - SIGKILL sent from here after a random delay while a reader thread checks every installed
    file continuously (the "at all times" part).

Usage: crash_safe_deploy.py --daemonize BIN [--kills 120] [--seed S] [--work DIR]
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

OLD_MANIFEST = """[service]
name = "crashy"
description = "old version"
command = "/bin/sleep"
args = ["1000"]

[env]
GENERATION = "old"

[logs]
stdout = "null"
stderr = "null"
"""

# Native supervision with file logs: a changed unit, a changed manifest and a logrotate file
# that did not exist before.
NEW_MANIFEST = """[service]
name = "crashy"
description = "new version"
command = "/bin/sleep"
args = ["2000"]
supervisor = "native"

[env]
GENERATION = "new"

[logs]
stdout = "out.log"
stderr = "out.log"
"""

RECEIPT = "var/lib/daemonize/crashy.json"
TEMPORARY_MARKER = ".daemonize-"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def snapshot(root):
    """{relative path: (sha256, mode)} of every regular file under root."""
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                data = handle.read()
            files[os.path.relpath(path, root)] = (sha(data), os.stat(path).st_mode & 0o7777)
    return files


def clone(source, destination):
    """A copy of the tree whose files are hard links: deploy only ever renames over a file,
    never writes into one, so the source stays intact (and a deploy that did write in place
    would show up as a file matching neither version)."""
    if os.path.exists(destination):
        shutil.rmtree(destination)
    if os.path.exists(source):
        shutil.copytree(source, destination, copy_function=os.link, symlinks=True)
    else:
        os.makedirs(destination)


class Scenario:
    def __init__(self, name, base, old, new, new_receipt_check):
        self.name = name
        self.base = base  # the tree before the deploy ("" for a first install)
        self.old = old  # {path: (sha, mode)}
        self.new = new
        self.check_new_receipt = new_receipt_check


class Checker:
    def __init__(self, daemonize, work, manifest):
        self.daemonize = daemonize
        self.work = work
        self.manifest = manifest
        self.failures = []
        self.kills = 0

    def deploy(self, root, fault_step=None):
        env = dict(os.environ)
        env.pop("DAEMONIZE_FAULT_KILL_AT", None)
        if fault_step is not None:
            env["DAEMONIZE_FAULT_KILL_AT"] = str(fault_step)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        return subprocess.run([self.daemonize, "deploy", self.manifest, "--root", root],
                              env=env, capture_output=True, timeout=120)

    def fail(self, message):
        self.failures.append(message)
        print("FAIL: " + message, file=sys.stderr)

    def file_state(self, scenario, root, path):
        """'old', 'new', 'absent' or a description of what is wrong."""
        full = os.path.join(root, path)
        try:
            with open(full, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return "absent"
        digest = sha(data)
        if path == RECEIPT:
            if path in scenario.old and digest == scenario.old[path][0]:
                return "old"
            try:
                receipt = json.loads(data)
            except ValueError:
                return "a receipt that is not JSON (%d bytes)" % len(data)
            return "new" if scenario.check_new_receipt(receipt) else "a receipt of neither set"
        if path in scenario.old and digest == scenario.old[path][0]:
            return "old"
        if path in scenario.new and digest == scenario.new[path][0]:
            return "new"
        return "neither version (%d bytes, sha256 %s)" % (len(data), digest[:12])

    def check_interrupted(self, scenario, root, context):
        for path in sorted(set(scenario.old) | set(scenario.new)):
            state = self.file_state(scenario, root, path)
            if state == "absent" and path in scenario.old:
                self.fail("%s: %s is missing (it existed before)" % (context, path))
            elif state not in ("old", "new", "absent"):
                self.fail("%s: %s is %s" % (context, path, state))

    def check_converged(self, scenario, root, context):
        now = snapshot(root)
        for path, (digest, mode) in scenario.new.items():
            if path not in now:
                self.fail("%s: converged deploy lacks %s" % (context, path))
                continue
            if path == RECEIPT:
                state = self.file_state(scenario, root, path)
                if state != "new":
                    self.fail("%s: receipt after convergence is %s" % (context, state))
            elif now[path][0] != digest:
                self.fail("%s: %s is not the new version after convergence" % (context, path))
            if now[path][1] != mode:
                self.fail("%s: %s has mode %o, expected %o" % (context, path, now[path][1], mode))
        for path in now:
            if TEMPORARY_MARKER in os.path.basename(path):
                self.fail("%s: leftover temporary %s" % (context, path))
            elif path not in scenario.new and path not in scenario.old:
                self.fail("%s: unexpected file %s" % (context, path))

    def converge(self, scenario, root, context, check_up_to_date):
        result = self.deploy(root)
        if result.returncode != 0:
            self.fail("%s: the next deploy exited %d: %s" %
                      (context, result.returncode, result.stderr.decode(errors="replace")))
            return
        self.check_converged(scenario, root, context)
        if check_up_to_date:
            again = self.deploy(root)
            if again.returncode != 0 or b"up to date" not in again.stdout:
                self.fail("%s: a third deploy was not 'up to date': %s" %
                          (context, again.stdout.decode(errors="replace")))

    def sweep(self, scenario):
        """Kills at step 1, 2, ... until a deploy finishes; returns the number of kills."""
        root = os.path.join(self.work, "sweep-" + scenario.name)
        step = 0
        while True:
            step += 1
            clone(scenario.base, root)
            result = self.deploy(root, step)
            if result.returncode == 0:
                break
            context = "%s, killed at step %d" % (scenario.name, step)
            if result.returncode != -signal.SIGKILL:
                self.fail("%s: deploy exited %d instead of being killed: %s" %
                          (context, result.returncode, result.stderr.decode(errors="replace")))
                break
            self.kills += 1
            self.check_interrupted(scenario, root, context)
            self.converge(scenario, root, context, check_up_to_date=step % 4 == 0)
            if step > 500:
                self.fail("%s: more than 500 fault points" % scenario.name)
                break
        if step == 1:
            self.fail("%s: no fault point was reached: is DAEMONIZE_FAULT_KILL_AT compiled in?" %
                      scenario.name)
        return step - 1

    def random_kills(self, scenario, count, rng):
        root = os.path.join(self.work, "random-" + scenario.name)
        clone(scenario.base, root)
        started = time.monotonic()
        if self.deploy(root).returncode != 0:
            self.fail("%s: an uninterrupted deploy failed" % scenario.name)
            return 0, 0
        duration = time.monotonic() - started
        kills = 0
        late = 0
        reads = [0]
        for attempt in range(count * 3):
            if kills >= count:
                break
            clone(scenario.base, root)
            env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
            env.pop("DAEMONIZE_FAULT_KILL_AT", None)
            stop = threading.Event()
            context = "%s, random kill %d" % (scenario.name, attempt)
            reader = threading.Thread(target=self.watch, args=(scenario, root, stop, context, reads))
            process = subprocess.Popen(
                [self.daemonize, "deploy", self.manifest, "--root", root], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            reader.start()
            time.sleep(rng.uniform(0.3, 1.05) * duration)
            process.send_signal(signal.SIGKILL)
            code = process.wait()
            stop.set()
            reader.join()
            if code == -signal.SIGKILL:
                kills += 1
                self.kills += 1
                self.check_interrupted(scenario, root, context)
                self.converge(scenario, root, context, check_up_to_date=False)
            elif code == 0:
                late += 1
            else:
                self.fail("%s: deploy exited %d" % (context, code))
        return kills, reads[0]

    def watch(self, scenario, root, stop, context, reads):
        """Reads every file over and over while a deploy runs."""
        paths = sorted(set(scenario.old) | set(scenario.new))
        while not stop.is_set():
            for path in paths:
                state = self.file_state(scenario, root, path)
                reads[0] += 1
                if state == "absent" and path in scenario.old:
                    self.fail("%s: a reader found %s missing" % (context, path))
                elif state not in ("old", "new", "absent"):
                    self.fail("%s: a reader found %s %s" % (context, path, state))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize", required=True)
    parser.add_argument("--kills", type=int, default=120, help="at least this many SIGKILLs")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = args.work or tempfile.mkdtemp(prefix="daemonize-crash-")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    started = time.monotonic()

    # The old daemonize differs from the new one by a trailing comment: the binary, the largest
    # file, is part of the changed set.
    old_binary = os.path.join(work, "old-daemonize")
    with open(args.daemonize, "rb") as source, open(old_binary, "wb") as target:
        target.write(source.read() + b"\n# the previous daemonize\n")
    os.chmod(old_binary, 0o755)
    old_manifest = os.path.join(work, "old.toml")
    new_manifest = os.path.join(work, "new.toml")
    with open(old_manifest, "w") as handle:
        handle.write(OLD_MANIFEST)
    with open(new_manifest, "w") as handle:
        handle.write(NEW_MANIFEST)

    checker = Checker(args.daemonize, work, new_manifest)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    env.pop("DAEMONIZE_FAULT_KILL_AT", None)
    old_root = os.path.join(work, "old-root")
    result = subprocess.run([old_binary, "deploy", old_manifest, "--root", old_root], env=env,
                            capture_output=True)
    if result.returncode != 0:
        print(result.stdout.decode(), result.stderr.decode(), file=sys.stderr)
        print("FAIL: the old deploy failed")
        return 1
    old = snapshot(old_root)

    reference = os.path.join(work, "reference")
    clone(old_root, reference)
    if checker.deploy(reference).returncode != 0:
        print("FAIL: the reference deploy failed")
        return 1
    new = snapshot(reference)
    changed = sorted(p for p in new if p != RECEIPT and old.get(p, ("",))[0] != new[p][0])
    print("old set: %d files; new set: %d files; changed or new: %s" %
          (len(old), len(new), ", ".join(changed)))
    if len(changed) < 3:
        print("FAIL: the scenario changes too few files")
        return 1

    def is_new_receipt(receipt):
        recorded = {entry["path"].lstrip("/"): entry["sha256"] for entry in receipt["files"]}
        recorded[receipt["daemonize_path"].lstrip("/")] = receipt["daemonize_sha256"]
        wanted = {p: new[p][0] for p in new if p != RECEIPT}
        return recorded == wanted

    upgrade = Scenario("upgrade", old_root, old, new, is_new_receipt)
    first = Scenario("first-install", os.path.join(work, "empty"), {}, new, is_new_receipt)

    swept = {s.name: checker.sweep(s) for s in (upgrade, first)}
    print("fault-point sweep: upgrade %d kills, first install %d kills" %
          (swept["upgrade"], swept["first-install"]))
    remaining = max(20, args.kills - checker.kills)
    random_upgrade, reads_upgrade = checker.random_kills(upgrade, (remaining + 1) // 2, rng)
    random_first, reads_first = checker.random_kills(first, remaining // 2, rng)
    print("random-time SIGKILLs: upgrade %d, first install %d (%d concurrent file reads)" %
          (random_upgrade, random_first, reads_upgrade + reads_first))
    elapsed = time.monotonic() - started
    print("total SIGKILLs: %d in %.1f s (seed %d)" % (checker.kills, elapsed, seed))
    if checker.kills < args.kills:
        checker.fail("only %d SIGKILLs, wanted %d" % (checker.kills, args.kills))
    if checker.failures:
        print("FAIL: %d problems (first: %s)" % (len(checker.failures), checker.failures[0]))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("PASS: every file was old or new after each kill and while deploys ran; every next "
          "deploy converged to the new set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
