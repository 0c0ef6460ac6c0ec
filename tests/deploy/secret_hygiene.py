#!/usr/bin/env python3
"""Secret hygiene (issue 12), label integration:

 1. `render` for every target, in both supervisor modes where the target accepts the manifest,
    with env_files naming a file that holds a sentinel secret: no rendered byte holds the
    secret (nor its plain SHA-256); the same for `deploy --output-dir` and `deploy --root`.
 2. `deploy --root` installs the manifest 0640 (systemd and launchd): nothing world-readable
    holds the manifest, and the receipt's env-file fingerprint is not the plain SHA-256 of the
    env file.
 3. `validate` warns (exit 0, FILE:LINE:COL of the key) when a world-readable manifest sets a
    `required_env` name to a literal in [env]; `${NAME}` and names not in required_env do not
    warn.

Usage: secret_hygiene.py --daemonize BIN [--work DIR]
"""
import argparse
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile

SECRET = "s3cr3t-SENTINEL-7f1e9a"
TARGETS = ["systemd", "launchd", "windows-service", "windows-task", "kubernetes", "cron"]

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def run(daemonize, *args):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    return subprocess.run([daemonize, *args], capture_output=True, env=env)


def manifest_text(env_file, supervisor, windows_backend="service"):
    return """[service]
name = "vault-client"
command = "/usr/bin/python3"
args = ["-m", "http.server"]
supervisor = "%s"
env_files = ["%s"]
required_env = ["DB_PASSWORD"]

[env]
DB_PASSWORD = "${DB_PASSWORD}"

[kubernetes]
image = "registry.example.com/vault-client:1.0"

[windows]
backend = "%s"

[os.windows]
command = 'C:\\Python\\python.exe'
env_files = ['C:\\secrets\\vault.env']
""" % (supervisor, env_file, windows_backend)


def needles():
    data = ("DB_PASSWORD=%s\n" % SECRET).encode()
    return [SECRET.encode(), hashlib.sha256(data).hexdigest().encode(),
            hashlib.sha256(SECRET.encode()).hexdigest().encode()]


def scan(directory, what):
    """Fails for every file under directory that holds the secret or a plain hash of it."""
    files = 0
    for base, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(base, name)
            if os.path.islink(path):
                continue
            files += 1
            with open(path, "rb") as handle:
                data = handle.read()
            for needle in needles():
                if needle in data:
                    fail("%s: %s holds %s" % (what, os.path.relpath(path, directory),
                                               needle.decode()[:20]))
    return files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize", required=True)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="daemonize-secrets-")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    daemonize = args.daemonize

    env_file = os.path.join(work, "secrets.env")
    with open(env_file, "w") as handle:
        handle.write("DB_PASSWORD=%s\n" % SECRET)
    os.chmod(env_file, 0o600)

    # 1. Rendered artifacts never hold values read from env_files.
    rendered = 0
    rendered_by = {target: 0 for target in TARGETS}
    for supervisor, backend in (("daemonize", "service"), ("daemonize", "task"),
                                ("native", "service"), ("native", "task")):
        manifest = os.path.join(work, "%s-%s.toml" % (supervisor, backend))
        with open(manifest, "w") as handle:
            handle.write(manifest_text(env_file, supervisor, backend))
        for target in TARGETS:
            out = os.path.join(work, "render-%s-%s-%s" % (supervisor, backend, target))
            result = run(daemonize, "render", manifest, "--target", target, "-o", out)
            if result.returncode == 65:
                continue  # the target rejects this manifest (e.g. native env_files): nothing out
            if result.returncode != 0:
                fail("render %s %s exited %d: %s" % (supervisor, target, result.returncode,
                                                     result.stderr.decode(errors="replace")))
                continue
            for stream in (result.stdout, result.stderr):
                if SECRET.encode() in stream:
                    fail("render %s %s printed the secret" % (supervisor, target))
            count = scan(out, "render %s %s" % (supervisor, target))
            rendered += count
            rendered_by[target] += count
    for target, count in rendered_by.items():
        if count == 0:
            fail("%s rendered nothing in either supervisor mode" % target)

    manifest = os.path.join(work, "daemonize-service.toml")
    bundle = os.path.join(work, "bundle")
    result = run(daemonize, "deploy", manifest, "--target", "systemd", "--output-dir", bundle)
    if result.returncode != 0:
        fail("deploy --output-dir exited %d: %s" % (result.returncode, result.stderr.decode()))
    bundled = scan(bundle, "deploy --output-dir")

    # 2. deploy --root: the manifest is not world-readable; the receipt has no plain hash.
    installed = 0
    for target in ("systemd", "launchd"):
        root = os.path.join(work, "root-" + target)
        # The env file as deploy sees it under --root.
        inside = os.path.join(root, env_file.lstrip("/"))
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        shutil.copy(env_file, inside)
        result = run(daemonize, "deploy", manifest, "--target", target, "--root", root)
        if result.returncode != 0:
            fail("deploy --root (%s) exited %d: %s" % (target, result.returncode,
                                                       result.stderr.decode(errors="replace")))
            continue
        if SECRET.encode() in result.stdout + result.stderr:
            fail("deploy --root (%s) printed the secret" % target)
        os.unlink(inside)
        installed += scan(root, "deploy --root " + target)
        manifests = []
        for base, _, names in os.walk(root):
            for name in names:
                path = os.path.join(base, name)
                with open(path, "rb") as handle:
                    if handle.read() == open(manifest, "rb").read():
                        manifests.append(path)
        if not manifests:
            fail("deploy --root (%s) installed no manifest" % target)
        for path in manifests:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode & 0o007:
                fail("deploy --root (%s): %s is mode %04o (world-accessible)" %
                     (target, os.path.relpath(path, root), mode))
            else:
                print("  %s: installed manifest %s mode %04o" %
                      (target, os.path.relpath(path, root), mode))

    # 3. validate warns about a literal for a required_env name in a world-readable manifest.
    literal = os.path.join(work, "literal.toml")
    with open(literal, "w") as handle:
        handle.write('[service]\nname = "leaky"\ncommand = "/bin/true"\n'
                     'required_env = ["DB_PASSWORD", "TOKEN"]\n\n[env]\n'
                     'DB_PASSWORD = "hunter2"\nTOKEN = "${TOKEN}"\nLOG_LEVEL = "debug"\n')
    os.chmod(literal, 0o644)
    result = run(daemonize, "validate", literal)
    stderr = result.stderr.decode(errors="replace")
    warnings = [line for line in stderr.splitlines() if "warning" in line]
    if result.returncode != 0:
        fail("validate of the literal manifest exited %d: %s" % (result.returncode, stderr))
    if not any(line.startswith(literal + ":7:") and "DB_PASSWORD" in line and
               "env_files" in line for line in warnings):
        fail("validate did not warn at %s:7 about DB_PASSWORD: %s" % (literal, stderr))
    if any("TOKEN" in line or "LOG_LEVEL" in line for line in warnings):
        fail("validate warned about TOKEN or LOG_LEVEL: %s" % stderr)
    clean = os.path.join(work, "clean.toml")
    with open(clean, "w") as handle:
        handle.write('[service]\nname = "clean"\ncommand = "/bin/true"\n'
                     'required_env = ["DB_PASSWORD"]\n\n[env]\nDB_PASSWORD = "${DB_PASSWORD}"\n')
    os.chmod(clean, 0o644)
    result = run(daemonize, "validate", clean)
    if result.returncode != 0 or b"warning" in result.stderr:
        fail("validate of a manifest without literals: exit %d, %s" %
             (result.returncode, result.stderr.decode(errors="replace")))

    if failures:
        print("FAIL: %d problems" % len(failures))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("PASS: %d rendered files (6 targets x 2 supervisor modes x 2 windows backends), %d bundle files and %d installed files "
          "hold no env-file secret; installed manifests not world-readable; validate warns at "
          "the literal required_env value only" % (rendered, bundled, installed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
