#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Ansible module: daemonize list / status of the managed host, as facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: info
short_description: The daemonize services of a host and their state, as facts
description:
  - Runs C(daemonize list --json) and, for each name in I(services), C(daemonize status NAME --json)
    on the managed host and returns the results as the facts C(daemonize_services) and
    C(daemonize_status).
  - Changes nothing on the host.
version_added: 0.1.0
author:
  - daemonize contributors
options:
  services:
    description:
      - Services (names or manifest paths) whose detailed status to return in C(daemonize_status).
    type: list
    elements: str
    default: []
  daemonize:
    description:
      - The daemonize binary on the managed host, a path or a command name looked up in C(PATH)
        and C(/usr/local/bin).
    type: str
    default: daemonize
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
"""

EXAMPLES = r"""
- name: Read the daemonize services
  daemonize.daemonize.info:
    services: [web-api]

- name: Fail unless web-api runs
  ansible.builtin.assert:
    that: daemonize_status['web-api'].running
"""

RETURN = r"""
ansible_facts:
  description: The facts.
  returned: always
  type: complex
  contains:
    daemonize_services:
      description: C(daemonize list --json), one object per service (name, target, scope, state, pid,
        uptime_seconds, restarts, memory_bytes, health, state_file, receipt).
      type: list
      elements: dict
    daemonize_status:
      description: C(daemonize status NAME --json) per requested service; C(running) is false when
        its watchdog is not running.
      type: dict
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule


def run_json(module, argv, accepted):
    rc, out, err = module.run_command(argv)
    if rc not in accepted:
        module.fail_json(msg=err.strip() or "%s exited %d" % (" ".join(argv), rc), rc=rc,
                         cmd=argv, stdout=out, stderr=err)
    try:
        return json.loads(out)
    except ValueError:
        module.fail_json(msg="%s printed no JSON document" % " ".join(argv), rc=rc, cmd=argv,
                         stdout=out, stderr=err)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            services=dict(type="list", elements="str", default=[]),
            daemonize=dict(type="str", default="daemonize"),
        ),
        supports_check_mode=True,
    )
    binary = module.params["daemonize"]
    if os.sep not in binary:
        binary = module.get_bin_path(binary, required=True, opt_dirs=["/usr/local/bin"])
    services = run_json(module, [binary, "list", "--json"], (0,))
    status = {}
    for name in module.params["services"]:
        # status exits 1 when the service is not running; its JSON says so.
        status[name] = run_json(module, [binary, "status", name, "--json"], (0, 1))
    module.exit_json(changed=False, ansible_facts=dict(daemonize_services=services,
                                                       daemonize_status=status))


if __name__ == "__main__":
    main()
