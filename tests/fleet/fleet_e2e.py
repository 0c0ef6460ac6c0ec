#!/usr/bin/env python3
"""The daemonize.daemonize collection against a fleet of two Debian 12 containers, each booted with
a real systemd (tests/conformance/container.py) and reached through its namespaces by the
nsenter_pid connection: install role + deploy module, first run, second run, --check, --diff, and
one host with a broken manifest while the other succeeds.

Usage: fleet_e2e.py --daemonize PATH   (exit 77: skipped, a prerequisite is missing)"""
import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "conformance"))
from container import Container, Unavailable, shared_libraries  # noqa: E402

HOSTS = ("web1", "web2")
PYTHON = "/usr/bin/python3.11"
SERVICE = "greeter.service"
INSTALLED_MANIFEST = "/etc/daemonize/greeter.toml"


def install_python(box):
    """Ansible modules need a Python on the host; the minimal rootfs has none, so the host's
    Debian Python (same release) goes into the container's overlay."""
    box.copy_in_with_libraries(PYTHON, PYTHON)
    os.symlink("python3.11", box.host_path("/usr/bin/python3"))
    shutil.copytree("/usr/lib/python3.11", box.host_path("/usr/lib/python3.11"), symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "test", "idlelib", "tkinter",
                                                  "turtledemo", "ensurepip"),
                    dirs_exist_ok=True)
    dynload = "/usr/lib/python3.11/lib-dynload"
    for module in os.listdir(dynload):
        copy_libraries(box, os.path.join(dynload, module))


def copy_libraries(box, program):
    for library in shared_libraries(program):
        if not os.path.exists(box.host_path(library)):
            box.copy_in(library, library)


class Fleet:
    def __init__(self, work, boxes):
        self.work = work
        self.boxes = boxes
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(work, "collections"),
                        ANSIBLE_CONNECTION_PLUGINS=os.path.join(here, "connection_plugins"),
                        ANSIBLE_LOCAL_TEMP=os.path.join(work, "ansible-local"),
                        ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
                        ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_FORCE_COLOR="0")

    def inventory(self, manifests):
        path = os.path.join(self.work, "inventory.ini")
        with open(path, "w", encoding="utf-8") as out:
            out.write("[linux]\n")
            for host in HOSTS:
                out.write(f"{host} nsenter_pid={self.boxes[host].leader} "
                          f"fleet_manifest={manifests[host]}\n")
            out.write("\n[linux:vars]\nansible_connection=nsenter_pid\n"
                      "ansible_python_interpreter=/usr/bin/python3\n")
        return path

    def play(self, title, manifests, *flags):
        argv = ["/usr/bin/ansible-playbook", "-i", self.inventory(manifests),
                os.path.join(here, "site.yml"), "-e", f"daemonize_binary={self.binary}", *flags]
        print(f"\n===== {title}: ansible-playbook site.yml {' '.join(flags)}", flush=True)
        result = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=600)
        print(result.stdout + result.stderr, flush=True)
        return result.returncode, result.stdout


def recap(output):
    hosts = {}
    for match in re.finditer(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+"
                             r"failed=(\d+)", output, re.M):
        hosts[match.group(1)] = dict(ok=int(match.group(2)), changed=int(match.group(3)),
                                     unreachable=int(match.group(4)), failed=int(match.group(5)))
    return hosts


def task_status(output, task):
    """{host: ok|changed|fatal} of one task in the default callback's output."""
    section = output.split(f"TASK [{task}]", 1)
    if len(section) < 2:
        return {}
    body = section[1].split("\nTASK [", 1)[0].split("\nPLAY RECAP", 1)[0]
    return {m.group(2): m.group(1) for m in
            re.finditer(r"^(ok|changed|fatal|skipping): \[([^\]]+)\]", body, re.M)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemonize", required=True)
    args = parser.parse_args()
    binary = os.path.realpath(args.daemonize)
    failures = []

    def check(condition, what):
        print(("ok:     " if condition else "FAILED: ") + what, flush=True)
        if not condition:
            failures.append(what)

    if not os.path.exists("/usr/bin/ansible-playbook"):
        raise Unavailable("ansible-playbook is missing (scripts/install-deps.sh)")
    if not os.path.exists(PYTHON):
        raise Unavailable(f"{PYTHON} is missing")

    work = tempfile.mkdtemp(prefix="daemonize-fleet-")
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, work, True)
        boxes = {}
        for host in HOSTS:
            box = stack.enter_context(Container())
            install_python(box)
            copy_libraries(box, binary)  # the install role copies the binary itself
            boxes[host] = box
        for host in HOSTS:
            print(f"{host}: systemd {boxes[host].boot()}", flush=True)

        os.makedirs(os.path.join(work, "collections", "ansible_collections", "daemonize"))
        os.symlink(os.path.join(here, "..", "..", "ansible"),
                   os.path.join(work, "collections", "ansible_collections", "daemonize",
                                "daemonize"))
        manifests = os.path.join(work, "manifests")
        shutil.copytree(os.path.join(here, "manifests"), manifests)
        v1 = os.path.join(manifests, "greeter.toml")
        v2 = os.path.join(manifests, "greeter-v2.toml")
        v3 = os.path.join(manifests, "greeter-v3.toml")
        with open(v1, encoding="utf-8") as src, open(v3, "w", encoding="utf-8") as out:
            out.write(src.read().replace('"86400"', '"86402"'))
        broken = os.path.join(manifests, "broken.toml")
        fleet = Fleet(work, boxes)
        fleet.binary = binary

        def inside(host, *argv):
            return boxes[host].run(list(argv), check=False).stdout.strip()

        def installed(host):
            path = boxes[host].host_path(INSTALLED_MANIFEST)
            return open(path, encoding="utf-8").read() if os.path.exists(path) else None

        def main_pid(host):
            return inside(host, "systemctl", "show", "-p", "MainPID", "--value", SERVICE)

        # 1. First run: everything is new.
        rc, out = fleet.play("first run", {h: v1 for h in HOSTS})
        check(rc == 0, f"first run exits 0 (got {rc})")
        deploy = task_status(out, "Deploy the greeter")
        for host in HOSTS:
            check(deploy.get(host) == "changed", f"first run: {host} deploy reports changed")
            check(inside(host, "systemctl", "is-active", SERVICE) == "active",
                  f"first run: {SERVICE} is active on {host}")
        pids = {h: main_pid(h) for h in HOSTS}

        # 2. Second run: nothing to do anywhere.
        rc, out = fleet.play("second run", {h: v1 for h in HOSTS})
        check(rc == 0, f"second run exits 0 (got {rc})")
        for host, counts in ((h, recap(out).get(h, {})) for h in HOSTS):
            check(counts.get("changed") == 0, f"second run: {host} changed=0 ({counts})")

        # 3. --check --diff with an edited manifest: reports the change, touches nothing.
        before = {h: installed(h) for h in HOSTS}
        rc, out = fleet.play("check run", {h: v2 for h in HOSTS}, "--check", "--diff")
        check(rc == 0, f"check run exits 0 (got {rc})")
        deploy = task_status(out, "Deploy the greeter")
        for host in HOSTS:
            check(deploy.get(host) == "changed", f"check run: {host} deploy reports changed")
            check(installed(host) == before[host], f"check run: {host} manifest untouched")
            check(main_pid(host) == pids[host], f"check run: {host} service not restarted")
        check('-args = ["86400"]' in out and '+args = ["86401"]' in out,
              "check run: the diff shows the edited args line")

        # 4. --diff for real: the change is shown and applied, the service restarted.
        rc, out = fleet.play("diff run", {h: v2 for h in HOSTS}, "--diff")
        check(rc == 0, f"diff run exits 0 (got {rc})")
        check(out.count('+args = ["86401"]') == len(HOSTS), "diff run: each host shows the diff")
        for host in HOSTS:
            check('"86401"' in (installed(host) or ""), f"diff run: {host} has the new manifest")
            check(inside(host, "systemctl", "is-active", SERVICE) == "active",
                  f"diff run: {SERVICE} is active on {host}")
            check(main_pid(host) != pids[host], f"diff run: {host} service restarted")

        # 5. web2 gets a broken manifest: it fails with FILE:LINE:COL, web1 goes on.
        rc, out = fleet.play("broken run", {"web1": v3, "web2": broken})
        check(rc == 2, f"broken run exits 2, a host failed (got {rc})")
        deploy = task_status(out, "Deploy the greeter")
        check(deploy.get("web1") == "changed", "broken run: web1 deploy reports changed")
        check(deploy.get("web2") == "fatal", "broken run: web2 deploy fails")
        message = f"{broken}:8:1: error: unknown key 'polcy' in [restart]; did you mean 'policy'?"
        check(f'"msg": "{message}"' in out, f"broken run: web2's msg is {message!r}")
        check('"rc": 65' in out, "broken run: web2 carries daemonize's exit code 65")
        counts = recap(out)
        check(counts.get("web1", {}).get("failed") == 0 and counts.get("web2", {}).get("failed") == 1,
              f"broken run: recap failed web1=0 web2=1 ({counts})")
        check('"86402"' in (installed("web1") or ""), "broken run: web1 has the new manifest")
        check('"86401"' in (installed("web2") or ""), "broken run: web2 keeps its manifest")
        for host in HOSTS:
            check(inside(host, "systemctl", "is-active", SERVICE) == "active",
                  f"broken run: {SERVICE} is still active on {host}")

    if failures:
        print(f"\nfleet_e2e: {len(failures)} check(s) failed", flush=True)
        return 1
    print("\nfleet_e2e: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Unavailable as reason:
        if os.environ.get("CI") == "true":
            print(f"fleet_e2e: {reason} (required under CI=true)")
            sys.exit(1)
        print(f"skipped: {reason}")
        sys.exit(77)
