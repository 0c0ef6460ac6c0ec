#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Ansible module: daemonize deploy / daemonize remove on the managed host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: deploy
short_description: Install, update or remove a service from a daemonize manifest
description:
  - Runs C(daemonize deploy MANIFEST --json) on the managed host, which renders the manifest for
    the host's service manager (systemd, launchd, the Windows SCM or Task Scheduler), installs
    what differs, restarts the service only when something changed and waits until it is ready.
  - The task reports C(changed) only when daemonize's plan was not empty, so a second run of the
    same manifest reports C(ok).
  - In check mode it runs C(daemonize deploy --dry-run) and reports the plan without touching
    the host; in diff mode it returns the unified diff of the unit files and the manifest.
  - With I(state=absent) it runs C(daemonize remove), which deletes exactly what deploy installed.
  - Windows hosts run the PowerShell implementation of this module (C(win_deploy)) with the
    same options.
version_added: 0.1.0
author:
  - daemonize contributors
options:
  manifest:
    description:
      - Path of the manifest (service.toml) on the managed host.
      - Exactly one of I(manifest) and I(src) is needed with I(state=present).
    type: path
  src:
    description:
      - Path of the manifest on the controller (relative paths are looked up in the role's or
        playbook's C(files/)). The action plugin copies it into the task's temporary directory
        and deploys that copy; daemonize installs the manifest where the units read it.
      - Error messages name the controller's file instead of the temporary copy.
    type: path
  name:
    description:
      - The service name, for I(state=absent) when the manifest is not on the host.
    type: str
  target:
    description:
      - The daemonize target (C(--target)); C(auto) is the host's service manager.
    type: str
    default: auto
  root:
    description:
      - Install under this directory as if it were C(/) and run no service-manager command
        (C(--root)).
    type: path
  state:
    description:
      - C(present) deploys the manifest, C(absent) removes the service.
    type: str
    choices: [present, absent]
    default: present
  daemonize:
    description:
      - The daemonize binary on the managed host, a path or a command name looked up in C(PATH)
        and C(/usr/local/bin).
    type: str
    default: daemonize
  start:
    description:
      - C(false) installs and enables the service without starting it (C(--no-start)).
    type: bool
    default: true
  wait:
    description:
      - C(false) does not wait until the service is ready (C(--no-wait)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for readiness (C(--wait-timeout)); daemonize's default is 120.
    type: int
  daemonize_path:
    description:
      - Where to install the daemonize binary the units execute (C(--daemonize-path)).
    type: str
  purge:
    description:
      - With I(state=absent), also delete logs, runtime state and the accounts deploy created
        (C(--purge)).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The daemonize binary must be on the host; the C(daemonize.daemonize.install) role puts it there.
  - "A failure returns daemonize's error lines in C(msg), for a manifest error
    C(FILE:LINE:COL: error: ...), and daemonize's exit code in C(rc)."
"""

EXAMPLES = r"""
- name: Deploy the web API from the controller's files/
  daemonize.daemonize.deploy:
    src: web-api.toml

- name: Deploy a manifest already on the host, into a staging root
  daemonize.daemonize.deploy:
    manifest: /srv/release/web-api.toml
    root: /srv/staging-root

- name: Remove it
  daemonize.daemonize.deploy:
    name: web-api
    state: absent
"""

RETURN = r"""
service:
  description: The service name from the manifest.
  returned: when daemonize printed a plan
  type: str
  sample: web-api
target:
  description: The target daemonize deployed to.
  returned: when daemonize printed a plan
  type: str
  sample: systemd
outcome:
  description: daemonize's outcome (C(deployed), C(up to date), C(installed), ...); absent in check mode.
  returned: when daemonize applied the plan
  type: str
  sample: deployed
plan:
  description: The JSON document of C(daemonize deploy --json) (files with their status, diff, warnings).
  returned: with state=present, when daemonize printed it
  type: dict
rc:
  description: daemonize's exit code.
  returned: always
  type: int
stdout_lines:
  description: daemonize's output lines (the remove steps for state=absent).
  returned: always
  type: list
  elements: str
stderr_lines:
  description: daemonize's progress, warning and error lines.
  returned: always
  type: list
  elements: str
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule

NOT_INSTALLED = "is not installed by daemonize"


def find_binary(module, name):
    if os.sep in name:
        return name
    return module.get_bin_path(name, required=True, opt_dirs=["/usr/local/bin"])


def error_message(stderr, fallback):
    """daemonize's error lines: diagnostics (FILE:LINE:COL: error: ...) and daemonize: lines."""
    lines = [line for line in stderr.splitlines() if ": error: " in line]
    if not lines:
        lines = [line for line in stderr.splitlines()
                 if line.startswith("daemonize: ") and not line.startswith("daemonize: --target auto")]
    return "\n".join(lines) if lines else fallback


def deploy(module, binary):
    params = module.params
    argv = [binary, "deploy", params["manifest"], "--json", "--target", params["target"]]
    if params["root"]:
        argv += ["--root", params["root"]]
    if not params["start"]:
        argv.append("--no-start")
    if not params["wait"]:
        argv.append("--no-wait")
    if params["wait_timeout"] is not None:
        argv += ["--wait-timeout", str(params["wait_timeout"])]
    if params["daemonize_path"]:
        argv += ["--daemonize-path", params["daemonize_path"]]
    if module.check_mode:
        argv.append("--dry-run")
    rc, out, err = module.run_command(argv)
    result = dict(cmd=argv, rc=rc, stdout=out, stderr=err, stdout_lines=out.splitlines(),
                  stderr_lines=err.splitlines())
    plan = None
    if out.strip():
        try:
            plan = json.loads(out)
        except ValueError:
            result["msg"] = "daemonize deploy printed no JSON document"
            module.fail_json(**result)
    if plan is not None:
        result.update(plan=plan, service=plan.get("service"), target=plan.get("target"))
        if "outcome" in plan:
            result["outcome"] = plan["outcome"]
        for warning in plan.get("warnings") or []:
            module.warn(warning if isinstance(warning, str) else json.dumps(warning))
    if rc != 0:
        errors = (plan or {}).get("errors") or []
        fallback = "\n".join(e if isinstance(e, str) else json.dumps(e) for e in errors)
        result["msg"] = error_message(err, fallback or "daemonize deploy exited %d" % rc)
        module.fail_json(**result)
    if plan is None:
        result["msg"] = "daemonize deploy printed no plan"
        module.fail_json(**result)
    result["changed"] = not plan.get("up_to_date", False)
    if module._diff and result["changed"]:
        result["diff"] = dict(prepared=plan.get("diff", ""))
    module.exit_json(**result)


def remove(module, binary):
    params = module.params
    argv = [binary, "remove", params["manifest"] or params["name"]]
    if params["root"]:
        argv += ["--root", params["root"]]
    if params["purge"]:
        argv.append("--purge")
    preview = None
    if module.check_mode or module._diff:
        rc, out, err = module.run_command(argv + ["--dry-run"])
        preview = (rc, out, err)
    if module.check_mode:
        rc, out, err = preview
    else:
        rc, out, err = module.run_command(argv)
    result = dict(cmd=argv, rc=rc, stdout=out, stderr=err, stdout_lines=out.splitlines(),
                  stderr_lines=err.splitlines(), changed=False)
    if rc != 0:
        if NOT_INSTALLED in err:
            result["rc"] = 0
            module.exit_json(**result)
        result["msg"] = error_message(err, "daemonize remove exited %d" % rc)
        module.fail_json(**result)
    result["changed"] = True
    if module._diff and preview is not None and preview[0] == 0:
        result["diff"] = dict(prepared=preview[1])
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            manifest=dict(type="path"),
            src=dict(type="path"),
            name=dict(type="str"),
            target=dict(type="str", default="auto"),
            root=dict(type="path"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            daemonize=dict(type="str", default="daemonize"),
            start=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int"),
            daemonize_path=dict(type="str"),
            purge=dict(type="bool", default=False),
        ),
        required_if=[("state", "present", ("manifest",)),
                     ("state", "absent", ("manifest", "name"), True)],
        mutually_exclusive=[("manifest", "src")],
        supports_check_mode=True,
    )
    if module.params["src"]:
        module.fail_json(msg="src is copied by the daemonize.daemonize.deploy action plugin; "
                             "call the module by its full name")
    binary = find_binary(module, module.params["daemonize"])
    if module.params["state"] == "present":
        deploy(module, binary)
    else:
        remove(module, binary)


if __name__ == "__main__":
    main()
