#!/usr/bin/env python3
"""Replays docs/first-session.md: a new user's first ten minutes, typed into a real terminal.

The page's ```console blocks are terminal recordings: each holds the commands of one step, typed
at a `$ ` prompt in a tmux pane, and what the terminal showed. This script types the same
commands (SESSION below) into a fresh tmux session running the built binary, captures the pane
after each step (capture-pane) and compares every block with the page's, after normalising what
differs from run to run:

  1. process ids: `pid 12345` -> `pid N`;
  2. uptimes: `up 4s`, `up 1m2s` -> `up T`;
  3. instants: `2026-12-07T10:36:25.158Z` -> `TIME`;
  4. the version: `daemonize 0.1.0`, `version 0.1.0` -> `VERSION`;
  5. the table of `daemonize list`: the PID, UPTIME and MEMORY cells -> N, T, M, and the columns
     joined by two spaces (their widths follow the widths of those cells).

Nothing else varies: the session runs in a private mount namespace (tmpfs over /run, /var/lib,
/var/log and /home, the user's home is /home/you), so no path of this host and no other service
appears, and the test leaves nothing behind. The program prints one line a second; the replay
waits for the lines a step shows before typing it, and presses Ctrl-C in `logs -f` once the
lines of the page are on the screen.

Usage: first_session.py DAEMONIZE PAGE [--update]
  --update  rewrite the page's console blocks from a fresh recording (the prose is kept).
Exit: 0 the page matches, 1 it does not (a diff is printed), 77 skipped (no tmux or unshare, or
no private mount namespace allowed here; under CI=true that is a failure).
Runs as root (unshare --mount) or as a normal user (unshare --map-root-user --mount).
"""

import difflib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HOME = "/home/you"
LOG = "/var/log/greeter/stdout.log"
PROGRAM = 'while :; do echo "$GREETING from greeter"; sleep 1; done'

# One list per console block of the page, in order. An entry is a command typed at the prompt,
# or a tuple: ("wait", N, TEXT) waits until the program's log holds N lines containing TEXT
# (before the next command is typed; nothing is typed); ("interrupt", COMMAND, N, TEXT) types
# COMMAND and presses Ctrl-C once the screen shows N lines containing TEXT; ("answer", COMMAND,
# QUESTION, ANSWER) types COMMAND and, when QUESTION is on the screen, ANSWER.
SESSION = [
    ["daemonize init --name greeter --command /bin/sh --env GREETING=hello -o service.toml -- "
     "-c " + shlex.quote(PROGRAM),
     "cat service.toml"],
    ["daemonize validate service.toml"],
    ["daemonize deploy service.toml --target systemd --output-dir review/"],
    ["ls review/", "cat review/greeter.service"],
    ["daemonize run service.toml --detach", ("wait", 3, "hello from greeter")],
    ["daemonize list"],
    [("interrupt", "daemonize logs greeter -f -n 3", 5, "hello from greeter")],
    ["export EDITOR='sed -i s/hello/bonjour/'",
     ("answer", "daemonize edit greeter", "[y/N]", "y"),
     ("wait", 5, "bonjour from greeter")],
    ["daemonize status greeter"],
    ["daemonize stop greeter"],
]

STEP_TIMEOUT = 30.0


class Failure(Exception):
    pass


def normalise(text):
    text = re.sub(r"\bpid \d+", "pid N", text)
    text = re.sub(r"\bup (\d+[dhms])+", "up T", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TIME", text)
    text = re.sub(r"\b(daemonize|version) \d+\.\d+\.\d+\b", r"\1 VERSION", text)
    lines = text.split("\n")
    columns = None
    for i, line in enumerate(lines):
        cells = line.split()
        if cells[:1] == ["NAME"] and "PID" in cells and "MEMORY" in cells:
            columns = cells
            lines[i] = "  ".join(cells)
        elif columns and len(cells) == len(columns) and not line.startswith("$"):
            for name, value in (("PID", "N"), ("UPTIME", "T"), ("MEMORY", "M")):
                if cells[columns.index(name)] != "-":
                    cells[columns.index(name)] = value
            lines[i] = "  ".join(cells)
        else:
            columns = None
    return "\n".join(lines)


def page_blocks(page_text):
    return re.findall(r"^```console\n(.*?)^```$", page_text, flags=re.S | re.M)


def with_blocks(page_text, blocks):
    parts = iter(blocks)
    return re.sub(r"^```console\n(.*?)^```$", lambda _: "```console\n" + next(parts) + "\n```",
                  page_text, flags=re.S | re.M)


class Session:
    """A tmux server in a private mount namespace, one pane running bash at a `$ ` prompt."""

    def __init__(self, daemonize):
        self.work = tempfile.mkdtemp(prefix="daemonize-first-session-")
        os.chmod(self.work, 0o755)
        self.socket = os.path.join(self.work, "tmux.sock")
        self.prompts = os.path.join(self.work, "prompts")
        self.server_pid = None
        bin_dir = os.path.join(self.work, "bin")
        tmp_dir = os.path.join(self.work, "tmp")
        os.mkdir(bin_dir)
        os.mkdir(tmp_dir)
        os.symlink(os.path.abspath(daemonize), os.path.join(bin_dir, "daemonize"))
        with open(os.path.join(self.work, "bashrc"), "w") as rc:
            # PROMPT_COMMAND tells the replay that a command has finished; it prints nothing.
            rc.write(f"PS1='$ '\nPROMPT_COMMAND='echo >> {self.prompts}'\nHISTFILE=/dev/null\n"
                     f"cd {HOME}\n")
        with open(os.path.join(self.work, "tmux.conf"), "w") as conf:
            conf.write("set -g history-limit 20000\nset -g status off\n")
        shell = (f"env -i PATH={bin_dir}:/usr/bin:/bin HOME={HOME} TMPDIR={tmp_dir} TERM=screen "
                 f"LANG=C.UTF-8 USER=you bash --noprofile --rcfile {self.work}/bashrc -i")
        inner = (f"for d in /run /var/lib /var/log /home; do mount -t tmpfs tmpfs $d || exit 1; done; "
                 f"mkdir -p {HOME} && exec tmux -S {self.socket} -f {self.work}/tmux.conf "
                 f"new-session -d -x 200 -y 50 -s first {shlex.quote(shell)}")
        unshare = ["unshare", "--mount", "--propagation", "private"]
        if os.geteuid() != 0:
            unshare = ["unshare", "--map-root-user", "--mount", "--propagation", "private"]
        started = subprocess.run(unshare + ["sh", "-c", inner], capture_output=True, text=True)
        if started.returncode != 0:
            raise PermissionError("no private mount namespace here: " + started.stderr.strip())
        self.server_pid = int(self.tmux("display-message", "-p", "#{pid}").strip())
        self.until("the first prompt", lambda: self.prompt_count() > 0 and self.screen() == ["$"])

    def tmux(self, *args):
        done = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise Failure(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def screen(self, history=False):
        args = ["capture-pane", "-p", "-J", "-t", "first"]
        if history:
            args += ["-S", "-", "-E", "-"]
        lines = [line.rstrip() for line in self.tmux(*args).split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def prompt_count(self):
        try:
            with open(self.prompts) as f:
                return f.read().count("\n")
        except FileNotFoundError:
            return 0

    def until(self, what, ready):
        deadline = time.monotonic() + STEP_TIMEOUT
        while not ready():
            if time.monotonic() > deadline:
                raise Failure(f"timed out waiting for {what}; the screen:\n" +
                              "\n".join(self.screen(history=True)))
            time.sleep(0.05)

    def log_count(self, text):
        # The namespace's files, seen through the tmux server's root directory.
        try:
            with open(f"/proc/{self.server_pid}/root{LOG}") as f:
                return sum(text in line for line in f)
        except FileNotFoundError:
            return 0

    def type(self, command, answer=None, interrupt=None):
        before = self.prompt_count()
        self.tmux("send-keys", "-t", "first", "-l", command)
        self.tmux("send-keys", "-t", "first", "Enter")
        if answer:
            question, reply = answer
            self.until(repr(question), lambda: any(question in l for l in self.screen()))
            self.tmux("send-keys", "-t", "first", "-l", reply)
            self.tmux("send-keys", "-t", "first", "Enter")
        if interrupt:
            count, text = interrupt
            self.until(f"{count} lines with {text!r}",
                       lambda: sum(text in l for l in self.screen()) >= count)
            self.tmux("send-keys", "-t", "first", "C-c")
        self.until(f"the prompt after {command!r}", lambda: self.prompt_count() > before)

    def record(self, steps):
        # A clear screen and no history: the block starts at this step's first prompt.
        # (Not at the start: a Ctrl-L read after the check would push the prompt into history.)
        if self.screen() != ["$"]:
            self.tmux("send-keys", "-t", "first", "C-l")
            self.until("a clear screen", lambda: self.screen() == ["$"])
        self.tmux("clear-history", "-t", "first")
        for step in steps:
            if isinstance(step, str):
                self.type(step)
            elif step[0] == "wait":
                _, count, text = step
                self.until(f"{count} log lines with {text!r}", lambda: self.log_count(text) >= count)
            elif step[0] == "interrupt":
                self.type(step[1], interrupt=(step[2], step[3]))
            elif step[0] == "answer":
                self.type(step[1], answer=(step[2], step[3]))
        lines = self.screen(history=True)
        if lines and lines[-1] == "$":
            lines.pop()
        return "\n".join(lines)

    def close(self):
        # Every process of the namespace (the watchdog and its program too, if a step failed),
        # then the server; the namespace and its tmpfs mounts go with the last of them.
        if self.server_pid:
            try:
                namespace = os.readlink(f"/proc/{self.server_pid}/ns/mnt")
                for pid in filter(str.isdigit, os.listdir("/proc")):
                    try:
                        if int(pid) != self.server_pid and \
                                os.readlink(f"/proc/{pid}/ns/mnt") == namespace:
                            os.kill(int(pid), signal.SIGKILL)
                    except OSError:
                        pass
            except OSError:
                pass
            subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        print("usage: first_session.py DAEMONIZE PAGE [--update]", file=sys.stderr)
        return 2
    daemonize, page = args
    strict = os.environ.get("CI") == "true"
    for tool in ("tmux", "unshare"):
        if shutil.which(tool) is None:
            print(f"{'FAIL' if strict else 'SKIP'}: {tool} is missing (scripts/deps/docs.txt)")
            return 1 if strict else 77
    with open(page) as f:
        page_text = f.read()
    expected = page_blocks(page_text)
    if len(expected) != len(SESSION):
        print(f"FAIL: {page} has {len(expected)} console blocks, the session {len(SESSION)} steps")
        return 1

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(1))
    session = None
    try:
        try:
            session = Session(daemonize)
        except PermissionError as error:
            print(f"{'FAIL' if strict else 'SKIP'}: {error}")
            return 1 if strict else 77
        recorded = [session.record(steps) for steps in SESSION]
    except Failure as error:
        print(f"FAIL: {error}")
        return 1
    finally:
        if session:
            session.close()

    if update:
        with open(page, "w") as f:
            f.write(with_blocks(page_text, recorded))
        print(f"rewrote the {len(recorded)} console blocks of {page}")
        return 0
    failed = 0
    for number, (want, got) in enumerate(zip(expected, recorded), start=1):
        want, got = normalise(want.rstrip("\n")), normalise(got)
        if want == got:
            first = SESSION[number - 1][0]
            print(f"PASS: block {number}: {first if isinstance(first, str) else first[1]}")
            continue
        failed += 1
        print(f"FAIL: block {number} differs from the page (normalised; - page, + this run):")
        sys.stdout.writelines(difflib.unified_diff(
            (want + "\n").splitlines(True), (got + "\n").splitlines(True), "page", "replay"))
    if failed:
        print(f"{failed} block(s) differ; if the change is intended: {sys.argv[0]} "
              f"DAEMONIZE {page} --update")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
