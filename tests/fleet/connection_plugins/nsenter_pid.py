# -*- coding: utf-8 -*-
"""A test-only Ansible connection: runs every command inside the namespaces of a host process
(a container's PID 1) with nsenter, so the fleet test reaches systemd containers without sshd."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nsenter_pid
short_description: Execute inside the namespaces of a process with nsenter
description:
  - Runs commands and copies files inside all namespaces of the process I(nsenter_pid) (mount,
    PID, network, UTS, IPC, cgroup), as root.
author: daemonize contributors
options:
  nsenter_pid:
    description: Host PID of the target's init process.
    required: true
    vars:
      - name: nsenter_pid
"""

import shlex
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.connection import ConnectionBase

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Connection(ConnectionBase):
    transport = "nsenter_pid"
    has_pipelining = False

    def _connect(self):
        self._connected = True
        return self

    def _nsenter(self, argv):
        pid = str(self.get_option("nsenter_pid"))
        return ["nsenter", "-t", pid, "-a", "env", "-i", "PATH=" + PATH, "HOME=/root",
                "LANG=C.UTF-8"] + argv

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        argv = self._nsenter(["/bin/sh", "-c", cmd])
        self._display.vvv("EXEC %s" % " ".join(shlex.quote(a) for a in argv), host=self._play_context.remote_addr)
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        stdout, stderr = process.communicate(in_data)
        return process.returncode, stdout, stderr

    def put_file(self, in_path, out_path):
        super(Connection, self).put_file(in_path, out_path)
        try:
            source = open(to_bytes(in_path), "rb")
        except IOError:
            raise AnsibleFileNotFound("file or module does not exist: %s" % in_path)
        with source:
            argv = self._nsenter(["/bin/sh", "-c", "cat > " + shlex.quote(out_path)])
            result = subprocess.run(argv, stdin=source, capture_output=True)
        if result.returncode != 0:
            raise AnsibleConnectionFailure("failed to write %s: %s" % (out_path, result.stderr))

    def fetch_file(self, in_path, out_path):
        super(Connection, self).fetch_file(in_path, out_path)
        with open(to_bytes(out_path), "wb") as target:
            result = subprocess.run(self._nsenter(["cat", in_path]), stdout=target,
                                    stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise AnsibleConnectionFailure("failed to read %s: %s" % (in_path, result.stderr))

    def close(self):
        self._connected = False
