#!/usr/bin/env python3
"""Checks every launchd golden plist with the tools a Mac would use, without a Mac.

For each tests/golden/launchd/<case>.plist:
  * `plistutil -i FILE -o /dev/null` (libplist) must accept it, and converting it to a binary
    plist and back with plistutil must give the same values as the XML;
  * Python's plistlib must parse it, and the document must declare UTF-8 and the Apple DOCTYPE;
  * the values must be exactly what tests/manifests/launchd/<case>.toml says (parsed
    independently here with tomllib, [os.macos] merged): for native-mode manifests
    ProgramArguments, EnvironmentVariables, KeepAlive, WorkingDirectory and the log paths; for
    daemonize mode the watchdog command line, KeepAlive {Crashed = true} and no environment.

Exit 0 = all good, 1 = a check failed, 77 = a tool is missing (only when CI is not "true").
"""
import argparse
import datetime
import os
import plistlib
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def missing_tool(message):
    if os.environ.get("CI") == "true":
        print(f"FAIL: {message} (CI=true: missing tools are failures)")
        sys.exit(1)
    print(f"SKIP: {message}")
    sys.exit(SKIP)


try:
    import tomllib  # Python >= 3.11
except ModuleNotFoundError:
    missing_tool(f"python {sys.version.split()[0]} has no tomllib (needs >= 3.11)")

DAEMONIZE_PATH = "/usr/local/bin/daemonize"


def deep_merge(base, override):
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def seconds_rounded_up(text, default):
    """A manifest duration ("500ms", "30s", "5m", "1h", "1d", bare seconds) in whole seconds."""
    value = text if text is not None else default
    if isinstance(value, int):
        return value
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    for suffix in sorted(units, key=len, reverse=True):
        if value.endswith(suffix):
            milliseconds = int(value[: -len(suffix)]) * round(units[suffix] * 1000)
            return -(-milliseconds // 1000)
    return int(value)


def manifest_for_macos(path):
    with open(path, "rb") as handle:
        document = tomllib.load(handle)
    overrides = document.get("os", {}).get("macos", {})
    document = {key: value for key, value in document.items() if key != "os"}
    # [os.macos] holds [service] keys directly (command = ...) and other tables by name
    # ([os.macos.env]); manifest.md: "ANY key of ANY table above, deep-merged".
    tables = {key: value for key, value in overrides.items() if isinstance(value, dict)}
    service_keys = {key: value for key, value in overrides.items() if not isinstance(value, dict)}
    merged = deep_merge(document, tables)
    merged["service"] = deep_merge(merged.get("service", {}), service_keys)
    return merged


def literal(text):
    """The value launchd must see for a native-mode manifest string: `$$` is a literal `$`."""
    assert "${" not in text.replace("$$", ""), f"native golden with a variable reference: {text!r}"
    return text.replace("$$", "$")


def expected_values(manifest):
    """The launchd values the manifest asks for, computed independently of the C++ renderer."""
    service = manifest["service"]
    name = service["name"]
    scope = service.get("scope", "system")
    native = service.get("supervisor", "daemonize") == "native"
    policy = manifest.get("restart", {}).get("policy", "on-failure")
    logs = manifest.get("logs", {})
    if scope == "user":
        default_logs = f"~/Library/Logs/{name}"
    else:
        default_logs = f"/Library/Logs/{name}"
    directory = logs.get("directory", default_logs)
    expected = {"Label": manifest.get("launchd", {}).get("label", f"org.daemonize.{name}"),
                "RunAtLoad": True}
    absent = []
    if native:
        expected["ProgramArguments"] = [literal(service["command"])] + [
            literal(argument) for argument in service.get("args", [])]
        env = {key: literal(value) for key, value in manifest.get("env", {}).items()}
        if env:
            expected["EnvironmentVariables"] = env
        else:
            absent.append("EnvironmentVariables")
        expected["KeepAlive"] = {"always": True, "on-failure": {"SuccessfulExit": False},
                                 "never": False}[policy]
        if "working_directory" in service:
            expected["WorkingDirectory"] = literal(service["working_directory"])
        else:
            absent.append("WorkingDirectory")
        for stream, plist_key, default in (("stdout", "StandardOutPath", "stdout.log"),
                                           ("stderr", "StandardErrorPath", "stderr.log")):
            target = logs.get(stream, default)
            if target == "null":
                expected[plist_key] = "/dev/null"
            elif target == "inherit":
                absent.append(plist_key)
            else:
                expected[plist_key] = directory.rstrip("/") + "/" + target
    else:
        # The paths deploy installs to (a user agent's in the user's home).
        if scope == "user":
            daemonize_path = "~/.local/bin/daemonize"
            manifest_path = f"~/Library/Application Support/daemonize/{name}.toml"
        else:
            daemonize_path = DAEMONIZE_PATH
            manifest_path = f"/usr/local/etc/daemonize/{name}.toml"
        expected["ProgramArguments"] = [daemonize_path, "run", manifest_path]
        expected["KeepAlive"] = {"Crashed": True}
        absent += ["EnvironmentVariables", "WorkingDirectory"]
        watchdog_log = directory.rstrip("/") + "/watchdog.log"
        expected["StandardOutPath"] = watchdog_log
        expected["StandardErrorPath"] = watchdog_log
    if scope == "system" and native:
        for key, plist_key in (("user", "UserName"), ("group", "GroupName")):
            if key in service:
                expected[plist_key] = service[key]
            else:
                absent.append(plist_key)
    else:
        absent += ["UserName", "GroupName"]
    delay = seconds_rounded_up(manifest.get("restart", {}).get("delay"), "1s")
    timeout = seconds_rounded_up(manifest.get("stop", {}).get("timeout"), "30s")
    expected["ThrottleInterval"] = max(1, delay)
    # launchd's ExitTimeOut 0 means "forever"; daemonize mode adds the watchdog's 5 s margin.
    expected["ExitTimeOut"] = max(1, timeout) if native else timeout + 5
    if "umask" in service:
        expected["Umask"] = int(service["umask"], 8)
    expected["ProcessType"] = manifest.get("launchd", {}).get("process_type", "Standard")
    limits = manifest.get("limits", {})
    resource_limits = {}
    if "nofile" in limits:
        resource_limits["NumberOfFiles"] = limits["nofile"]
    if "nproc" in limits:
        resource_limits["NumberOfProcesses"] = limits["nproc"]
    if resource_limits:
        expected["SoftResourceLimits"] = resource_limits
        expected["HardResourceLimits"] = resource_limits
    if "schedule" in manifest:
        # A job: started by its schedule, never at load, never kept alive.
        del expected["RunAtLoad"]
        del expected["KeepAlive"]
        absent += ["RunAtLoad", "KeepAlive"]
        if "every" in manifest["schedule"]:
            expected["StartInterval"] = seconds_rounded_up(manifest["schedule"]["every"], "1s")
    return expected, absent


CRON_NAMES = {3: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                  "dec"],
              4: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]}
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def cron_sets(expression):
    """crontab(5) fields as value sets, written independently of the C++ parser."""
    sets = []
    for index, field in enumerate(expression.split()):
        low, high = CRON_RANGES[index]
        names = CRON_NAMES.get(index, [])

        def number(text):
            if text.lower() in names:
                return names.index(text.lower()) + (1 if index == 3 else 0)
            return int(text)
        values = set()
        for item in field.split(","):
            part, _, step = item.partition("/")
            step = int(step) if step else 1
            if part == "*":
                first, last = low, high
            elif "-" in part:
                first, last = (number(bound) for bound in part.split("-"))
            else:
                first = last = number(part)
            values.update(range(first, last + 1, step))
        if index == 4 and 7 in values:
            values.discard(7)
            values.add(0)
        sets.append((values, field.startswith("*")))
    return sets


def schedule_mismatch(expression, entries):
    """The first minute of 2027 where cron and the StartCalendarInterval entries disagree."""
    (minutes, _), (hours, _), (days, day_star), (months, _), (weekdays, weekday_star) = \
        cron_sets(expression)
    keys = {"Minute": lambda t: t.minute, "Hour": lambda t: t.hour, "Day": lambda t: t.day,
            "Month": lambda t: t.month, "Weekday": lambda t: (t.weekday() + 1) % 7}
    # Only minutes and hours someone names can differ (a key an entry lacks matches them all).
    def candidates(values, key, count):
        if any(key not in entry for entry in entries):
            return range(count)
        return sorted(values | {entry[key] for entry in entries})
    day = datetime.datetime(2027, 1, 1)
    moments = []
    while day.year == 2027:
        moments += [day.replace(hour=h, minute=m) for h in candidates(hours, "Hour", 24)
                    for m in candidates(minutes, "Minute", 60)]
        day += datetime.timedelta(days=1)
    for moment in moments:
        weekday = (moment.weekday() + 1) % 7
        if day_star or weekday_star:
            day_ok = moment.day in days and weekday in weekdays
        else:
            day_ok = moment.day in days or weekday in weekdays
        cron = (moment.minute in minutes and moment.hour in hours and moment.month in months
                and day_ok)
        launchd = any(all(keys[key](moment) == value for key, value in entry.items())
                      for entry in entries)
        if cron != launchd:
            return f"{moment:%Y-%m-%d %H:%M} (a {moment:%a}): cron {cron}, launchd {launchd}"
    return None


def check_types(plist):
    """launchd.plist(5) types of every key the renderer writes."""
    types = {"Label": str, "ProgramArguments": list, "RunAtLoad": bool, "KeepAlive": (bool, dict),
             "ThrottleInterval": int, "ExitTimeOut": int, "ProcessType": str, "UserName": str,
             "GroupName": str, "Umask": int, "WorkingDirectory": str, "EnvironmentVariables": dict,
             "StandardOutPath": str, "StandardErrorPath": str, "SoftResourceLimits": dict,
             "HardResourceLimits": dict, "StartCalendarInterval": (dict, list),
             "StartInterval": int}
    problems = []
    for key, value in plist.items():
        if key not in types:
            problems.append(f"unexpected key {key!r}")
        elif not isinstance(value, types[key]) or (types[key] is int and isinstance(value, bool)):
            problems.append(f"{key} has type {type(value).__name__}")
    for key in ("ThrottleInterval", "ExitTimeOut"):
        if not isinstance(plist.get(key), int) or plist[key] < 1:
            problems.append(f"{key} must be a positive integer, got {plist.get(key)!r}")
    return problems


def check_case(golden, manifest_path, plistutil):
    problems = []
    raw = open(golden, "rb").read()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"not UTF-8: {error}")
    if not raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC '
                          b'"-//Apple//DTD PLIST 1.0//EN" '
                          b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'):
        problems.append("missing the UTF-8 XML declaration or the Apple plist DOCTYPE")

    run = subprocess.run([plistutil, "-i", golden, "-o", "/dev/null"], capture_output=True)
    if run.returncode != 0:
        problems.append(f"plistutil rejected it (exit {run.returncode}): "
                        f"{run.stderr.decode(errors='replace').strip()}")

    try:
        plist = plistlib.loads(raw)
    except Exception as error:  # noqa: BLE001 - any parse failure is the finding
        return problems + [f"plistlib cannot parse it: {error}"]

    # libplist's reading must agree with plistlib's: XML -> binary -> plistlib.
    with tempfile.TemporaryDirectory() as scratch:
        binary = os.path.join(scratch, "converted.bplist")
        run = subprocess.run([plistutil, "-i", golden, "-o", binary, "-f", "bin"],
                             capture_output=True)
        if run.returncode != 0:
            problems.append(f"plistutil cannot convert it to binary (exit {run.returncode})")
        else:
            with open(binary, "rb") as handle:
                if plistlib.load(handle) != plist:
                    problems.append("libplist reads different values than plistlib")

    problems += check_types(plist)
    expected, absent = expected_values(manifest_for_macos(manifest_path))
    for key, value in expected.items():
        if key not in plist:
            problems.append(f"{key} missing (manifest says {value!r})")
        elif plist[key] != value:
            problems.append(f"{key} is {plist[key]!r}, manifest says {value!r}")
    for key in absent:
        if key in plist:
            problems.append(f"{key} must be absent, got {plist[key]!r}")
    with open(manifest_path, "rb") as handle:
        schedule = tomllib.load(handle).get("schedule")
    if schedule and "cron" in schedule:
        entries = plist.get("StartCalendarInterval")
        entries = [entries] if isinstance(entries, dict) else entries or []
        mismatch = schedule_mismatch(schedule["cron"], entries)
        if mismatch:
            problems.append(f"StartCalendarInterval differs from cron = {schedule['cron']!r} at "
                            f"{mismatch}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", required=True)
    parser.add_argument("--goldens", required=True)
    arguments = parser.parse_args()

    plistutil = shutil.which("plistutil")
    if plistutil is None:
        missing_tool("plistutil not found (Debian package libplist-utils)")

    goldens = sorted(entry for entry in os.listdir(arguments.goldens) if entry.endswith(".plist"))
    if len(goldens) < 10:
        print(f"FAIL: only {len(goldens)} golden plists in {arguments.goldens} (need >= 10)")
        return 1
    failures = 0
    for entry in goldens:
        case = entry[: -len(".plist")]
        manifest = os.path.join(arguments.manifests, case + ".toml")
        if not os.path.exists(manifest):
            print(f"FAIL {case}: no manifest {manifest}")
            failures += 1
            continue
        problems = check_case(os.path.join(arguments.goldens, entry), manifest, plistutil)
        if problems:
            failures += 1
            print(f"FAIL {case}:")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"ok   {case}")
    # Issue 4's acceptance case, spelled out independently of the manifest parser.
    acceptance = os.path.join(arguments.goldens, "native_acceptance_args.plist")
    if not os.path.exists(acceptance):
        print("FAIL: the acceptance golden native_acceptance_args.plist is missing")
        failures += 1
    else:
        with open(acceptance, "rb") as handle:
            arguments_seen = plistlib.load(handle).get("ProgramArguments")
        if arguments_seen != ["/usr/bin/printf", "<a&b>", "]]>", "x y"]:
            print(f"FAIL acceptance: ProgramArguments is {arguments_seen!r}")
            failures += 1
    print(f"{len(goldens) - failures}/{len(goldens)} golden plists pass plistutil, plistlib and "
          "the manifest comparison")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
