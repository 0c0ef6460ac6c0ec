# -*- coding: utf-8 -*-
"""Action plugin of daemonize.daemonize.deploy: copies `src` from the controller, then runs the
module on that copy (Linux, macOS and Windows hosts alike)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        src = args.pop("src", None)
        # Windows hosts run the PowerShell implementation; a module name cannot have both.
        windows = getattr(self._connection._shell, "_IS_WINDOWS", False)
        module = "daemonize.daemonize.win_deploy" if windows else "daemonize.daemonize.deploy"
        try:
            if src is None:
                result.update(self._execute_module(module_name=module, module_args=args,
                                                   task_vars=task_vars))
                return result
            if args.get("manifest"):
                result.update(failed=True, msg="src and manifest exclude each other")
                return result
            try:
                local = self._find_needle("files", src)
            except AnsibleError as e:
                result.update(failed=True, msg=to_text(e))
                return result
            shell = self._connection._shell
            # Keep the file name: daemonize names the manifest in its messages.
            remote = shell.join_path(shell.tmpdir, to_text(local).replace("\\", "/").split("/")[-1])
            self._transfer_file(local, remote)
            self._fixup_perms2((shell.tmpdir, remote))
            args["manifest"] = remote
            outcome = self._execute_module(module_name=module, module_args=args,
                                           task_vars=task_vars)
            # A manifest error names the controller's file, not the temporary copy.
            local = to_text(local)
            for key in ("msg", "stderr"):
                if isinstance(outcome.get(key), str):
                    outcome[key] = outcome[key].replace(remote, local)
            if isinstance(outcome.get("stderr_lines"), list):
                outcome["stderr_lines"] = [line.replace(remote, local) if isinstance(line, str)
                                           else line for line in outcome["stderr_lines"]]
            result.update(outcome)
            result["src"] = src
            return result
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
