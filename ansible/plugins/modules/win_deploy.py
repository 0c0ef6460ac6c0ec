# -*- coding: utf-8 -*-
# Documentation of win_deploy.ps1; the code is PowerShell.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: win_deploy
short_description: The Windows implementation of daemonize.daemonize.deploy
description:
  - Runs C(daemonize.exe deploy --json) or C(daemonize.exe remove) on a Windows host.
  - Use M(daemonize.daemonize.deploy) in playbooks; on Windows hosts it runs this module with the
    same options and results (and copies I(src) first). The options are documented there.
version_added: 0.1.0
author:
  - daemonize contributors
options:
  manifest:
    description: Path of the manifest on the host.
    type: path
  src:
    description: Handled by M(daemonize.daemonize.deploy); refused here.
    type: path
  name:
    description: The service name, for I(state=absent) without a manifest.
    type: str
  target:
    description: The daemonize target (C(--target)).
    type: str
    default: auto
  root:
    description: deploy's C(--root).
    type: path
  state:
    description: C(present) deploys, C(absent) removes.
    type: str
    choices: [present, absent]
    default: present
  daemonize:
    description: The daemonize.exe to run; a bare name is looked up in C(PATH), then in
      C(%ProgramFiles%\\daemonize\\daemonize.exe).
    type: str
    default: daemonize
  start:
    description: C(false) is C(--no-start).
    type: bool
    default: true
  wait:
    description: C(false) is C(--no-wait).
    type: bool
    default: true
  wait_timeout:
    description: C(--wait-timeout).
    type: int
  daemonize_path:
    description: C(--daemonize-path).
    type: str
  purge:
    description: With I(state=absent), C(--purge).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Deploy on Windows and Linux hosts alike (runs win_deploy on Windows)
  daemonize.daemonize.deploy:
    src: payments.toml
"""

RETURN = r"""
rc:
  description: daemonize's exit code; the other results are those of M(daemonize.daemonize.deploy).
  returned: always
  type: int
"""
