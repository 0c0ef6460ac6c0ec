"""The conformance table: one row per behaviour, each a manifest plus the observable result.

A row's `check(rt, name)` drives one runtime (runtimes.py) through the product's own commands and
returns (passed, detail). `not_expressible` names, per runtime, the manifest key that runtime
cannot express; for those cells the suite checks instead that `daemonize validate --target`
says so (a warning or an error naming the key).
"""
import re
import time

RESTART_EXITS = {
    # outcome for the child's --plan, and whether each policy restarts it
    "exit-0": ("0", {"always": True, "on-failure": False, "never": False}),
    "exit-3": ("3", {"always": True, "on-failure": True, "never": False}),
    "success-code-42": ("42", {"always": True, "on-failure": False, "never": False}),
    "killed-by-signal": ("kill", {"always": True, "on-failure": True, "never": False}),
}

NATIVE_LAUNCHD_UNSUPPORTED = {
    "backoff": "restart.multiplier", "give-up": "restart.max_restarts",
    "required-env": "service.required_env", "health": "health", "env-file": "service.env_files",
    "success-codes": "restart.success_exit_codes", "stop-signal": "stop.signal",
    "hooks": "hooks.pre_start", "reload-hook": "hooks.reload",
    "prevent-codes": "restart.prevent_exit_codes",
}
NATIVE_SYSTEMD_UNSUPPORTED = {
    "backoff": "restart.multiplier", "required-env": "service.required_env", "health": "health",
}
# launchd (both modes) and Windows have no subreaper and no sd_notify: validate refuses the types.
LAUNCHD_UNSUPPORTED = {"forking": "service.type", "notify": "service.type"}
NATIVE_LAUNCHD_UNSUPPORTED.update(LAUNCHD_UNSUPPORTED)
NATIVE_LAUNCHD_UNSUPPORTED["directories"] = "directories.runtime"
WINDOWS_UNSUPPORTED = {"forking": "service.type", "notify": "service.type",
                       "kill-main": "stop.kill", "reload-signal": "reload.signal"}


class Row:
    def __init__(self, id, title, features, manifest, child_args, check, wait_ticks=False):
        self.id = id
        self.title = title
        self.features = features      # what the row relies on (see the *_UNSUPPORTED tables)
        self.manifest = manifest      # function(ctx) -> dict of TOML sections
        self.child_args = child_args  # function(ctx) -> list of extra child arguments
        self.check = check            # function(rt, ctx) -> (passed, detail)
        self.wait_ticks = wait_ticks  # the row waits for the manager's next chance to restart

    def not_expressible(self, runtime_kind):
        table = {"launchd-native": NATIVE_LAUNCHD_UNSUPPORTED,
                 "systemd-native": NATIVE_SYSTEMD_UNSUPPORTED,
                 "launchd": LAUNCHD_UNSUPPORTED,
                 "wine": WINDOWS_UNSUPPORTED}.get(runtime_kind, {})
        for feature in self.features:
            if feature in table:
                return table[feature]
        return None


def wait_for(predicate, seconds, step=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


# ---- restart policy x how the program ends -------------------------------------------------

def restart_row(policy, ending):
    outcome, restarts = RESTART_EXITS[ending]
    expect_restart = restarts[policy]

    def manifest(ctx):
        restart = {"policy": policy, "delay": "1s", "max_restarts": 0}
        if ending == "success-code-42":
            restart["success_exit_codes"] = [0, 42]
        return {"restart": restart}

    def check(rt, ctx):
        rt.start(ctx.name)
        if expect_restart:
            starts = wait_for(lambda: len(ctx.starts()) >= 2 and len(ctx.starts()), 12)
            return (bool(starts), f"{len(ctx.starts())} starts (restart expected)")
        # A loaded Wine may take seconds to start the service: the start first, then its end.
        if not wait_for(lambda: ctx.starts(), 20):
            return False, "the program did not start"
        if not wait_for(lambda: ctx.exited(), 10):
            return False, "the program did not end"
        time.sleep(2.5)  # longer than delay = 1s: a restart by the watchdog would show now
        rt.manager_tick(ctx.name)
        starts = len(ctx.starts())
        return starts == 1, f"{starts} start(s) after the manager's next chance (1 expected)"

    # success_exit_codes only matter when the policy looks at the exit status.
    features = ["success-codes"] if ending == "success-code-42" and policy == "on-failure" else []
    if ending == "killed-by-signal":
        features.append("signal-exit")
    how = {"exit-0": "exits 0", "exit-3": "exits 3",
           "success-code-42": "exits 42, one of success_exit_codes",
           "killed-by-signal": "is killed by a signal"}[ending]
    return Row(f"restart-{policy}-{ending}",
               f"policy = \"{policy}\", the program {how}: "
               + ("restarted" if expect_restart else "not restarted"),
               features, manifest, lambda ctx: ["--plan", f"1:{outcome}"], check,
               wait_ticks=not expect_restart)


def prevent_exit_codes_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.starts(), 20):
        return False, "the program did not start"
    if not wait_for(lambda: ctx.exited(), 10):
        return False, "the program did not end"
    time.sleep(2.5)  # longer than delay = 1s: a restart would show now
    rt.manager_tick(ctx.name)
    starts = len(ctx.starts())
    status = rt.status(ctx.name)
    code = status.get("exit_code")
    # Not restarted although policy = "always", and a failure: the service ends with code 3.
    ok = starts == 1 and not status["running"] and code == 3
    return ok, f"{starts} start(s), exit code {code} (1 start, exit code 3 expected)"


PREVENT_EXIT_CODES = Row(
    "restart-prevent-exit-code",
    "policy = \"always\", prevent_exit_codes = [3], the program exits 3: not restarted, ends failed "
    "with 3",
    ["prevent-codes"],
    lambda ctx: {"restart": {"policy": "always", "delay": "1s", "max_restarts": 0,
                             "prevent_exit_codes": [3]}},
    lambda ctx: ["--plan", "1:3"], prevent_exit_codes_check, wait_ticks=True)


# ---- backoff growth and reset ----------------------------------------------------------------

def backoff_check(rt, ctx):
    rt.start(ctx.name)
    wait_for(lambda: len(ctx.starts()) >= 5, 25)
    starts, exits = ctx.starts(), ctx.exit_times()
    if len(starts) < 5 or len(exits) < 4:
        return False, f"{len(starts)} starts, {len(exits)} exits in 25 s"
    delays = [round(starts[i + 1] - exits[i], 2) for i in range(4)]
    bounds = [(0.7, 1.7), (1.6, 2.9), (3.4, 5.2), (0.7, 1.9)]
    ok = all(low <= d <= high for d, (low, high) in zip(delays, bounds))
    return ok, f"delays {delays} s (expected ~1, ~2, ~4, then ~1 after an uptime > reset_after)"


BACKOFF = Row(
    "backoff-growth-and-reset", "delays grow by multiplier (1 s, 2 s, 4 s) and reset after reset_after of uptime",
    ["backoff"],
    lambda ctx: {"restart": {"policy": "always", "delay": "1s", "multiplier": 2.0, "max_delay": "10s",
                             "reset_after": "3s", "max_restarts": 0}},
    lambda ctx: ["--plan", "0.2:1,0.2:1,0.2:1,3.5:1,0.2:1"], backoff_check)


# ---- give-up is final, and what clears it ----------------------------------------------------

def give_up_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: len(ctx.starts()) >= 3 and not rt.status(ctx.name)["running"], 20):
        return False, f"did not give up: {len(ctx.starts())} starts, {rt.status(ctx.name)}"
    time.sleep(1.5)
    rt.manager_tick(ctx.name)
    starts = len(ctx.starts())
    status = rt.status(ctx.name)
    if starts != 3 or status["running"]:
        return False, f"after giving up: {starts} starts (3 expected), {status}"
    if status.get("exit_code") not in (75, None) and rt.kind != "systemd-native":
        return False, f"gave up with exit {status.get('exit_code')}, 75 expected"
    if not rt.can_clear:
        return True, "3 starts, exit 75, stays down"
    rt.clear(ctx.name)
    if not wait_for(lambda: len(ctx.starts()) >= 4, 10):
        return False, "`daemonize start NAME` did not start it again"
    return True, "3 starts, stays down after the manager's next chance; `daemonize start` starts it again"


GIVE_UP = Row(
    "give-up-is-final", "more than max_restarts in window: gives up, stays down, `daemonize start NAME` clears it",
    ["give-up"],
    lambda ctx: {"restart": {"policy": "on-failure", "delay": "500ms", "multiplier": 1.0,
                             "max_restarts": 2, "window": "1m"}},
    lambda ctx: ["--plan", "0.5:1"], give_up_check, wait_ticks=True)


# ---- stop ------------------------------------------------------------------------------------

def stop_signal_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("grandchild"), 10):
        return False, "the program did not start its grandchild"
    child = int(ctx.event_values("start")[0].split()[0])
    grandchild = int(ctx.event_values("grandchild")[0].split()[0])
    rt.stop(ctx.name)
    signals = ctx.event_values("signal")
    if not any(s.startswith("INT ") for s in signals):
        return False, f"the program's handler saw {signals or 'no signal'}, INT expected"
    survivors = [pid for pid in (child, grandchild) if wait_for(lambda p=pid: not ctx.alive(p), 5) is False]
    if survivors:
        return False, f"survivors after stop: {survivors}"
    if ctx.row.wait_ticks:
        rt.manager_tick(ctx.name)
        if len(ctx.starts()) != 1:
            return False, "started again after `stop` by the manager's next chance"
    return True, "stop.signal INT reached the program's handler; program and grandchild gone"


STOP_SIGNAL = Row(
    "stop-signal-then-tree", "stop delivers stop.signal first and leaves no survivor (grandchild too)",
    ["stop-signal"], lambda ctx: {"stop": {"signal": "INT", "timeout": "5s"}},
    lambda ctx: ["--grandchild"], stop_signal_check, wait_ticks=True)


def stop_timeout_row(seconds):
    def check(rt, ctx):
        rt.start(ctx.name)
        if not wait_for(lambda: ctx.starts(), 10):
            return False, "the program did not start"
        time.sleep(0.5)
        child = int(ctx.event_values("start")[0].split()[0])
        started = time.monotonic()
        rt.stop(ctx.name)
        wait_for(lambda: not ctx.alive(child), 15, step=0.05)
        took = time.monotonic() - started
        if ctx.alive(child):
            return False, "the program survived the stop"
        low, high = (1.5, 6.0) if seconds else (0.0, 1.5)
        return low <= took <= high, f"program gone {took:.2f} s after the stop (expected {low}-{high} s)"

    return Row(f"stop-timeout-{seconds}s",
               f"stop.timeout = \"{seconds}s\", the program ignores the signal: killed "
               + (f"after {seconds} s" if seconds else "at once"),
               [], lambda ctx: {"stop": {"timeout": f"{seconds}s"}},
               lambda ctx: ["--stop", "ignore"], check)


def kill_main_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("grandchild"), 10):
        return False, "the program did not start its grandchild"
    child = int(ctx.event_values("start")[0].split()[0])
    grandchild = int(ctx.event_values("grandchild")[0].split()[0])
    rt.stop(ctx.name)
    try:
        if not wait_for(lambda: not ctx.alive(child), 8):
            return False, "the main process survived the stop"
        time.sleep(1)
        kept = ctx.alive(grandchild)
        return kept, ("the main process is gone; what it started still runs" if kept
                      else "the grandchild was killed too (kill = \"main\" keeps it)")
    finally:
        rt.kill(grandchild)  # what survives by design must not outlive the suite


KILL_MAIN = Row(
    "stop-kill-main-keeps-children",
    "stop.kill = \"main\": the stop reaches the main process only; what it started keeps running",
    ["kill-main"], lambda ctx: {"stop": {"kill": "main", "timeout": "5s"}},
    lambda ctx: ["--grandchild"], kill_main_check)


def kill_mixed_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("grandchild"), 10):
        return False, "the program did not start its grandchild"
    child = int(ctx.event_values("start")[0].split()[0])
    grandchild = int(ctx.event_values("grandchild")[0].split()[0])
    time.sleep(0.5)  # the grandchild's handlers are in place
    started = time.monotonic()
    rt.stop(ctx.name)
    try:
        if not wait_for(lambda: not ctx.alive(child), 10):
            return False, "the main process survived the stop"
        # The main process exits at once on its signal: the rest is killed then, long before
        # stop.timeout (20 s), and without a signal of its own.
        gone = wait_for(lambda: not ctx.alive(grandchild), 8, step=0.05)
        took = time.monotonic() - started
        signals = [v.split()[0] for v in ctx.event_values("signal") if v.split()[1] == str(child)]
        to_grandchild = [v for v in ctx.event_values("signal") if v.split()[1] == str(grandchild)]
        ok = bool(signals) and not to_grandchild and gone and took < 8
        return ok, (f"main process got {signals or 'no signal'}; grandchild got "
                    f"{to_grandchild or 'no signal'} and was "
                    + (f"killed {took:.1f} s after the stop" if gone else "still running"))
    finally:
        if ctx.alive(grandchild):  # a failed row must not leave it running
            try:
                rt.kill(grandchild)
            except NotImplementedError:
                pass  # Wine: the job of the removed service ends it


KILL_MIXED = Row(
    "stop-kill-mixed",
    "stop.kill = \"mixed\": the signal reaches the main process only; once it exits, what it "
    "started is killed without a signal",
    ["kill-mixed"], lambda ctx: {"stop": {"kill": "mixed", "timeout": "20s"}},
    lambda ctx: ["--grandchild-records"], kill_mixed_check)


# ---- service types -----------------------------------------------------------------------------

def oneshot_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: "0" in ctx.event_values("exit"), 10):
        return False, f"the task did not run to its end; events {ctx.events()[-4:]}"
    time.sleep(2.5)  # longer than delay = 1s: a restart would show now
    rt.manager_tick(ctx.name)
    starts = len(ctx.starts())
    code = rt.status(ctx.name).get("exit_code")
    return starts == 1 and code in (0, None), f"{starts} start(s), exit code {code} (1 start, 0 expected)"


ONESHOT = Row(
    "oneshot-runs-once", "type = \"oneshot\", the task exits 0: it ran once, not restarted, not failed",
    ["oneshot"], lambda ctx: {"service": {"type": "oneshot"},
                              "restart": {"policy": "on-failure", "delay": "1s", "max_restarts": 0}},
    lambda ctx: ["--plan", "1:0"], oneshot_check)


def forking_pid_file(ctx):
    return ctx.rt.path(f"{ctx.name}.pid")


def forking_check(rt, ctx):
    rt.start(ctx.name)
    # The first daemon exits 3 after 2 s: the adopted daemon's end is a crash, restarted.
    if not wait_for(lambda: len(ctx.event_values("daemon")) >= 2, 20):
        return False, f"no second daemon; events {ctx.events()[-6:]}"
    launchers = [int(v.split()[0]) for v in ctx.event_values("launcher")]
    daemons = [int(v.split()[0]) for v in ctx.event_values("daemon")]
    if set(daemons) & set(launchers):
        return False, f"daemon pids {daemons} are launcher pids {launchers}"
    rt.stop(ctx.name)
    if not wait_for(lambda: not ctx.alive(daemons[1]), 10):
        return False, f"the adopted daemon {daemons[1]} survived the stop"
    return True, "launcher exited 0, the daemon from pid_file was supervised, restarted when it died, stopped"


FORKING = Row(
    "forking-daemon-adopted",
    "type = \"forking\": the daemon named by pid_file is supervised, restarted when it dies and stopped",
    ["forking"], lambda ctx: {"service": {"type": "forking", "pid_file": forking_pid_file(ctx)},
                              "restart": {"policy": "always", "delay": "1s", "max_restarts": 0}},
    lambda ctx: ["--pid-file", forking_pid_file(ctx), "--plan", "2:3,run"], forking_check)


def notify_check(rt, ctx):
    started_at = time.time()
    rt.start(ctx.name, wait_ready=True)
    ready_at = rt.ready_time(ctx.name, started_at)
    notified = ctx.event_times("notified")
    if ready_at is None or not notified:
        return False, f"never ready (ready_at={ready_at}, events {ctx.events()[-4:]})"
    gap = ready_at - notified[0]
    return gap >= -0.05, f"started/ready {gap:+.2f} s after the program's READY=1 (≥ 0 expected)"


NOTIFY = Row(
    "notify-ready-gates-started",
    "type = \"notify\": the manager's \"started\" (or status ready) comes only after the program's READY=1",
    ["notify"], lambda ctx: {"service": {"type": "notify"}},
    lambda ctx: ["--notify-after", "2"], notify_check)


# ---- directories -------------------------------------------------------------------------------

def runtime_directory_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("env"), 10):
        return False, f"the program did not start; {rt.messages(ctx.name)[-300:]}"
    value = ctx.event_values("env")[0]
    if not value.startswith("RUNTIME_DIRECTORY="):
        return False, f"program saw {value}"
    # Several directories of a kind are joined by ":" (";" on Windows); the watchdog's own
    # runtime directory may be among them.
    listed = re.split("[;:]" if rt.kind != "wine" else ";", value.split("=", 1)[1])
    path = next((p for p in listed if p.rstrip("/\\").endswith(f"{ctx.name}-rt")), None)
    if path is None:
        return False, f"$RUNTIME_DIRECTORY does not name {ctx.name}-rt: {value}"
    mode = rt.directory_mode(path)
    if mode is None:
        return False, f"{path} does not exist while the program runs"
    if rt.kind != "wine" and mode != 0o750:
        return False, f"{path} has mode {oct(mode)}, 0o750 expected"
    rt.stop(ctx.name)
    if not wait_for(lambda: rt.directory_mode(path) is None, 10):
        return False, f"{path} is still there after the stop"
    return True, f"{path} existed while running" + ("" if rt.kind == "wine" else " (mode 0750)") \
        + ", removed at stop"


RUNTIME_DIRECTORY = Row(
    "runtime-directory-lifecycle",
    "[directories] runtime: created with mode before the start, named in $RUNTIME_DIRECTORY, removed at stop",
    ["directories"], lambda ctx: {"directories": {"runtime": [f"{ctx.name}-rt"], "mode": "0750"}},
    lambda ctx: ["--env", "RUNTIME_DIRECTORY"], runtime_directory_check)


# ---- hooks -----------------------------------------------------------------------------------

HOOK_PHASES = ["pre_start", "post_start", "stop", "post_stop"]


def hooks_manifest(ctx):
    def hook(phase):
        return [ctx.rt.child, "--events", ctx.events_path, "--hook", phase]
    return {"hooks": {phase: [hook(phase)] for phase in HOOK_PHASES}}


def hooks_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: "post_start" in ctx.event_values("hook"), 10):
        return False, f"no post_start hook; events {ctx.events()[-6:]}"
    rt.stop(ctx.name)
    if not wait_for(lambda: "post_stop" in ctx.event_values("hook"), 10):
        return False, f"no post_stop hook; events {ctx.events()[-6:]}"
    order = [value if kind == "hook" else kind for kind, value, _ in ctx.events()
             if kind in ("hook", "start", "signal")]
    # post_start runs once the program was started (exec'd), as ExecStartPost= does: it may
    # record itself before the program's own first line. The program still runs when the stop
    # hook ends: stop.signal follows it, then post_stop.
    seen = [step for step in order if step != "signal"]
    ok = (len(seen) == 5 and seen[0] == "pre_start" and sorted(seen[1:3]) == ["post_start", "start"]
          and seen[3:] == ["stop", "post_stop"]
          and all(order.index("stop") < i < order.index("post_stop")
                  for i, step in enumerate(order) if step == "signal"))
    return ok, "order: " + ", ".join(order)


HOOKS = Row(
    "hooks-in-order",
    "[hooks]: pre_start, the program, post_start, the stop hook (then stop.signal), post_stop, in order",
    ["hooks"], hooks_manifest, lambda ctx: [], hooks_check)


def reload_hook_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.starts(), 10):
        return False, "the program did not start"
    time.sleep(0.5)
    rt.reload(ctx.name)
    if not wait_for(lambda: "reload" in ctx.event_values("hook"), 10):
        return False, f"no reload hook; events {ctx.events()[-4:]}"
    time.sleep(1)
    child = int(ctx.event_values("start")[0].split()[0])
    starts = len(ctx.starts())
    kept = ctx.alive(child) and starts == 1
    return kept, f"the reload hook ran; {starts} start(s), the program " + \
        ("still runs" if ctx.alive(child) else "is gone")


RELOAD_HOOK = Row(
    "reload-runs-hooks",
    "`daemonize reload`: the [hooks] reload commands run, the program keeps running",
    ["reload-hook"],
    lambda ctx: {"hooks": {"reload": [[ctx.rt.child, "--events", ctx.events_path, "--hook", "reload"]]}},
    lambda ctx: [], reload_hook_check)


def reload_hooks_then_signal_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("start"), 10):
        return False, "the program did not start"
    time.sleep(0.5)
    child = int(ctx.event_values("start")[0].split()[0])
    rt.reload(ctx.name)
    signalled = lambda: [v for v in ctx.event_values("signal") if v.startswith("USR1 ")]
    if not wait_for(signalled, 10):
        return False, f"no USR1 after the reload; events {ctx.events()[-4:]}"
    order = [f"{kind} {value.split()[0]}" for kind, value, _ in ctx.events()
             if (kind, value) == ("hook", "reload") or (kind == "signal" and value.startswith("USR1 "))]
    ok = order == ["hook reload", "signal USR1"] and ctx.alive(child) and len(ctx.starts()) == 1
    return ok, "order " + " → ".join(order) + f"; {len(ctx.starts())} start(s), the program " + \
        ("still runs" if ctx.alive(child) else "is gone")


RELOAD_HOOKS_THEN_SIGNAL = Row(
    "reload-hooks-then-signal",
    "[hooks] reload and reload.signal = \"USR1\": the hook runs, then the program gets USR1",
    ["reload-hook", "reload-signal"],
    lambda ctx: {"hooks": {"reload": [[ctx.rt.child, "--events", ctx.events_path, "--hook", "reload"]]},
                 "reload": {"signal": "USR1"}},
    lambda ctx: ["--stop", "ignore"], reload_hooks_then_signal_check)


# ---- environment -----------------------------------------------------------------------------

def required_env_check(rt, ctx):
    rt.start(ctx.name, expect_failure=True)
    if not wait_for(lambda: not rt.status(ctx.name)["running"], 10):
        return False, "still running"
    time.sleep(1)
    messages = rt.messages(ctx.name)
    starts = len(ctx.starts())
    named = "CONF_MISSING_TOKEN" in messages
    code = rt.status(ctx.name).get("exit_code")
    ok = starts == 0 and named and code in (78, None)
    return ok, f"{starts} starts, exit {code}, message {'names' if named else 'does not name'} the variable"


REQUIRED_ENV = Row(
    "required-env-missing", "a missing required_env variable is named, exit 78, the program never starts",
    ["required-env"], lambda ctx: {"service": {"required_env": ["CONF_MISSING_TOKEN"]}},
    lambda ctx: [], required_env_check)


def env_precedence_check(rt, ctx):
    rt.start(ctx.name, inherit={"CONF_B": "inherited", "CONF_C": "inherited"})
    if not wait_for(lambda: len(ctx.event_values("env")) >= 3, 10):
        return False, "the program did not report its environment"
    seen = dict(v.split("=", 1) if "=" in v else (v.split()[0], None) for v in ctx.event_values("env"))
    expected = {"CONF_A": "env", "CONF_B": "file"}
    if rt.injects_inherited:
        expected["CONF_C"] = "inherited"
    got = {k: seen.get(k) for k in expected}
    return got == expected, f"program saw {got}"


ENV_PRECEDENCE = Row(
    "env-precedence", "[env] wins over env_files, which win over the inherited environment",
    ["env-file"],
    lambda ctx: {"service": {"env_files": [ctx.file("precedence.env", "CONF_A=file\nCONF_B=file\n")]},
                 "env": {"CONF_A": "env"}},
    lambda ctx: ["--env", "CONF_A", "--env", "CONF_B", "--env", "CONF_C"], env_precedence_check)


def root_only_env_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("env"), 10):
        return False, f"the program did not start; {rt.messages(ctx.name)[-300:]}"
    env = ctx.event_values("env")[0].split(" t=")[0]
    uid = ctx.event_values("uid")[0].split()[0]
    ok = env == "CONF_SECRET=s3cret" and uid == str(rt.nobody_uid)
    return ok, f"program (uid {uid}) saw {env}"


ROOT_ONLY_ENV = Row(
    "root-only-env-file-service-account",
    "a root-owned 0600 env file reaches a program that runs as a service account (user = \"nobody\")",
    ["env-file", "service-account"],
    lambda ctx: {"service": {"user": "nobody",
                             "env_files": [ctx.file("secret.env", "CONF_SECRET=s3cret\n", mode=0o600)]}},
    lambda ctx: ["--env", "CONF_SECRET"], root_only_env_check)


# ---- health and readiness --------------------------------------------------------------------

def health_manifest(ctx, start_period="0s"):
    return {"health": {"check": "tcp", "address": f"127.0.0.1:{ctx.port}", "interval": "1s",
                       "timeout": "1s", "retries": 2, "start_period": start_period},
            "restart": {"policy": "always", "delay": "1s", "max_restarts": 0}}


def slow_starter_check(rt, ctx):
    rt.start(ctx.name)
    if not wait_for(lambda: ctx.event_values("listening"), 10):
        return False, "the program never listened"
    time.sleep(4)
    starts = len(ctx.starts())
    ready = rt.status(ctx.name).get("ready")
    return starts == 1 and ready is not False, f"{starts} start(s), ready={ready}"


SLOW_STARTER = Row(
    "health-slow-starter-not-killed", "a program that listens 1.5 s after start (start_period 0) is not restarted",
    ["health"], health_manifest, lambda ctx: ["--listen", str(ctx.port), "--listen-after", "1.5"],
    slow_starter_check)


def unhealthy_check(rt, ctx):
    rt.start(ctx.name, expect_failure=True)
    starts = wait_for(lambda: len(ctx.starts()) >= 2, 15)
    return bool(starts), f"{len(ctx.starts())} starts (a restart expected)"


UNHEALTHY = Row(
    "health-unhealthy-restarted", "a program that never becomes healthy is restarted",
    ["health"], health_manifest, lambda ctx: [], unhealthy_check)


def readiness_check(rt, ctx):
    started_at = time.time()
    rt.start(ctx.name, wait_ready=True)
    ready_at = rt.ready_time(ctx.name, started_at)
    listening = ctx.event_times("listening")
    if ready_at is None or not listening:
        return False, f"never ready (ready_at={ready_at}, listening={listening})"
    gap = ready_at - listening[0]
    return gap >= -0.05, f"started/ready {gap:+.2f} s after the program listened (≥ 0 expected)"


READINESS = Row(
    "readiness-gates-started", "the manager's \"started\" (or status ready) comes only after the first healthy check",
    ["health"], lambda ctx: health_manifest(ctx, start_period="5s"),
    lambda ctx: ["--listen", str(ctx.port), "--listen-after", "2"], readiness_check)


# ---- output ----------------------------------------------------------------------------------

def streams_check(rt, ctx):
    rt.start(ctx.name)
    wait_for(lambda: ctx.starts(), 10)
    got = wait_for(lambda: "stdout-line 1" in rt.log(ctx.name, "stdout")
                   and "stderr-line 1" in rt.log(ctx.name, "stderr"), 10)
    return bool(got), ("stdout.log and stderr.log hold the program's lines" if got else
                       f"stdout.log: {rt.log(ctx.name, 'stdout')!r}, stderr.log: {rt.log(ctx.name, 'stderr')!r}")


STREAMS = Row("both-streams-captured", "stdout and stderr each reach their log file", [],
              lambda ctx: {}, lambda ctx: ["--print"], streams_check)


ROWS = ([restart_row(p, e) for p in ("always", "on-failure", "never") for e in RESTART_EXITS]
        + [BACKOFF, GIVE_UP, STOP_SIGNAL, stop_timeout_row(2), stop_timeout_row(0), PREVENT_EXIT_CODES, KILL_MAIN, KILL_MIXED, HOOKS, RELOAD_HOOK,
           RELOAD_HOOKS_THEN_SIGNAL,
           ONESHOT, FORKING, NOTIFY, RUNTIME_DIRECTORY, REQUIRED_ENV, ENV_PRECEDENCE, ROOT_ONLY_ENV,
           SLOW_STARTER, UNHEALTHY, READINESS, STREAMS])
