"""The injection matrix (issue 12): hostile strings x string fields x targets.

Shared by the static run (injection_static.py, label integration), the systemd container run
(systemd_e2e.sh, label e2e) and the Wine run (wine_injection.py, label e2e-windows).

Each case is one manifest: a per-target base manifest with ONE field set to one hostile string,
TOML-escaped by toml_string() below. A case passes when either `daemonize validate --target T`
and `daemonize render --target T` both exit 65 with an error at that key's line, or both accept it
and the artifact, read back by the target's consumer, holds exactly what the manifest means
(manifest.md: `$$` is a literal `$`, `${X}` per target) with no extra key, line, element or
document compared with the same manifest holding a benign value.
"""

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

# ---------------------------------------------------------------------------------------------
# The hostile strings (name, value). Keep >= 40; names are used in reports and unit names.
HOSTILE = [
    ("newline", "a\nb"),
    ("newline-section", "x\n[Service]\nExecStartPre=/bin/false"),
    ("cr", "a\rb"),
    ("crlf", "a\r\nb"),
    ("tab", "a\tb"),
    ("control-01", "a\x01b"),
    ("del", "a\x7fb"),
    ("percent", "50%"),
    ("percent-n", "%n"),
    ("percent-percent", "%%"),
    ("windows-var", "%PATH%"),
    ("dollar", "$"),
    ("dollar-home", "$HOME"),
    ("braced-var", "${X}"),
    ("var-in-word", "a${X}b"),
    ("var-default", "${X:-d}"),
    ("double-dollar", "$$"),
    ("escaped-var", "$${X}"),
    ("kube-var", "$$(X)"),
    ("backslash", "back\\slash"),
    ("trailing-backslash", "trail\\"),
    ("unc", "\\\\server\\share"),
    ("backslash-quote", "a\\\"b"),
    ("double-quote", 'q"uote'),
    ("lone-quote", '"'),
    ("single-quote", "it's"),
    ("backtick", "`id`"),
    ("command-subst", "$$(id)"),
    ("semicolon", "a;b"),
    ("lone-semicolon", ";"),
    ("ampersand", "a&b"),
    ("pipe", "a|b"),
    ("less", "<x"),
    ("greater", ">out"),
    ("cmd-specials", "^&()!"),
    ("cdata-end", "]]>"),
    ("xml-entity", "&amp;"),
    ("xml-tag", "<a>b</a>"),
    ("bidi-rlo", "\u202eevil\u202c"),
    ("bidi-isolate", "\u2066iso\u2069"),
    ("non-ascii", "gr\u00fc\u00dfe \u2713 \u65e5\u672c"),
    ("line-separator", "a\u2028b"),
    ("bom", "\ufeffbom"),
    ("nbsp", "a\u00a0b"),
    ("leading-dash", "-x"),
    ("leading-dashes", "--flag=1"),
    ("only-spaces", "   "),
    ("spaces-around", " a b "),
    ("empty", ""),
    ("long-4k", "L" * 4096),
    ("dotdot", "..\\..\\x"),
    ("dotdot-posix", "../../x"),
    ("program-files", "C:\\Program Files\\x"),
    ("glob", "*?[a]"),
    ("yaml-yes", "yes"),
    ("yaml-no", "no"),
    ("yaml-on", "on"),
    ("yaml-null", "null"),
    ("yaml-tilde", "~"),
    ("yaml-hex", "0x10"),
    ("yaml-float", "1e3"),
    ("yaml-octal", "012"),
    ("yaml-list", "- item"),
    ("yaml-map", "key: value"),
    ("yaml-comment", "#c"),
    ("yaml-anchor", "&a *b"),
    ("yaml-doc", "---"),
    ("json-like", "{\"a\": [1]}"),
]

BENIGN = "benign"
X_VALUE = "xval"  # [env] X of every base manifest where the target can carry it

# ---------------------------------------------------------------------------------------------
TARGETS = ["systemd", "launchd", "windows-service", "windows-task", "kubernetes", "cron"]
WINDOWS_TARGETS = {"windows-service", "windows-task"}
INTERPOLATED = {"args", "env-value", "working_directory", "health.url", "health.address",
                "health.command", "command"}

# Fields: name -> (table, key, how the value is written). Kinds:
#   plain: key = V            array: key = ["--base", V, "--end"] (element 1)
#   path:  key = PREFIX + V   path-array: key = [PREFIX + V]      env-name: "V" = "v"
#   url:   key = "http://127.0.0.1:8080/" + V
FIELDS = {
    "description": ("service", "description", "plain"),
    "display_name": ("service", "display_name", "plain"),
    "args": ("service", "args", "array"),
    "command": ("service", "command", "path"),
    "working_directory": ("service", "working_directory", "path"),
    "user": ("service", "user", "plain"),
    "group": ("service", "group", "plain"),
    "env_files": ("service", "env_files", "path-array"),
    "required_env": ("service", "required_env", "plain-array"),
    "name": ("service", "name", "plain"),
    "umask": ("service", "umask", "plain"),
    "env-value": ("env", "V", "env-value"),
    "env-name": ("env", None, "env-name"),
    "logs.directory": ("logs", "directory", "path"),
    "logs.stdout": ("logs", "stdout", "plain"),
    "stop.signal": ("stop", "signal", "plain"),
    "health.url": ("health", "url", "url"),
    "health.address": ("health", "address", "plain"),
    "health.command": ("health", "command", "array"),
    "dependencies.after": ("dependencies", "after", "plain-array"),
    "dependencies.requires": ("dependencies", "requires", "plain-array"),
    "launchd.label": ("launchd", "label", "plain"),
    "windows.account": ("windows", "account", "plain"),
    "kubernetes.image": ("kubernetes", "image", "plain"),
    "kubernetes.namespace": ("kubernetes", "namespace", "plain"),
    "kubernetes.service_account": ("kubernetes", "service_account", "plain"),
}


# Where a field reaches a target's artifact (or its loader/renderer checks): the matrix runs each
# field for these targets only (every target would be ~4x the runtime for cases that cannot reach
# the artifact; the fuzzer covers the rest).
APPLIES = {
    "description": TARGETS,
    "display_name": ["systemd", "windows-service", "windows-task"],
    "args": TARGETS,
    "command": ["systemd", "launchd", "windows-task", "kubernetes"],
    "working_directory": TARGETS,
    "user": ["systemd", "launchd", "windows-task", "cron"],
    "group": ["systemd", "launchd"],
    "env_files": ["systemd", "windows-service"],
    "required_env": ["systemd", "kubernetes"],
    "name": ["systemd", "launchd", "windows-service", "kubernetes", "cron"],
    "umask": ["systemd"],
    "env-value": TARGETS,
    "env-name": ["systemd", "launchd", "windows-task", "kubernetes"],
    "logs.directory": ["systemd", "launchd", "windows-service"],
    "logs.stdout": ["systemd", "launchd"],
    "stop.signal": ["systemd"],
    "health.url": ["systemd", "kubernetes"],
    "health.address": ["kubernetes"],
    "health.command": ["kubernetes", "windows-service"],
    "dependencies.after": ["systemd", "windows-service"],
    "dependencies.requires": ["systemd", "windows-service"],
    "launchd.label": ["launchd"],
    "windows.account": ["windows-service", "windows-task"],
    "kubernetes.image": ["kubernetes"],
    "kubernetes.namespace": ["kubernetes"],
    "kubernetes.service_account": ["kubernetes"],
}

# A valid value per field for the baseline (structure reference) of each (target, field).
# windows.account: an ordinary account, whose script has the most lines (the password check).
BENIGN_VALUES = {"umask": "0027", "stop.signal": "TERM", "name": "benign",
                 "windows.account": "EXAMPLE\\benign", "launchd.label": "org.example.benign",
                 "health.address": "127.0.0.1:8080"}


def toml_string(value):
    """A TOML basic string holding exactly `value` (control characters as \\uXXXX)."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append("\\u%04X" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def is_windows(target):
    return target in WINDOWS_TARGETS


def supervisor_for(target, mode, field=None):
    # A task action has no environment of its own: [env] is only possible in daemonize mode.
    if target == "windows-task" and field in ("env-value", "env-name"):
        return "daemonize"
    return mode if target in ("systemd", "launchd", "windows-task", "kubernetes") else "daemonize"


def path_prefix(target):
    return "C:\\srv\\" if is_windows(target) else "/srv/"


class Case:
    """One manifest: `field` = hostile `value` for `target` in `mode` (native | daemonize)."""

    def __init__(self, index, field, hostile_name, value, target, mode, command):
        self.index = index
        self.field = field
        self.hostile_name = hostile_name
        self.value = value
        self.target = target
        self.mode = mode
        self.command = command
        self.name = f"inj{index:05d}"
        # The service name the artifacts carry (the hostile value when `name` is the field).
        self.service_name = value if field == "name" else self.name
        self.key_line = None
        self.text = self._manifest()

    # The manifest value of the field (prefix included) as the loader sees it.
    def field_value(self):
        table, key, kind = FIELDS[self.field]
        if kind in ("path", "path-array"):
            return path_prefix(self.target) + self.value
        if kind == "url":
            return "http://127.0.0.1:8080/" + self.value
        return self.value

    def _manifest(self):
        field = self.field
        table, key, kind = FIELDS[field]
        windows = is_windows(self.target)
        supervisor = supervisor_for(self.target, self.mode, field)
        native = supervisor == "native"
        service = {
            "name": toml_string(self.service_name),
            "command": toml_string(self.command),
            "supervisor": toml_string(supervisor),
        }
        env = {}
        # [env] X is the variable ${X} refers to, where the target can resolve it.
        if self.target in ("systemd", "kubernetes") or (not native and self.target != "windows-task"):
            env["X"] = toml_string(X_VALUE)
        tables = {"service": service, "env": env, "restart": {"policy": '"never"'},
                  "logs": {"stdout": '"inherit"', "stderr": '"inherit"'}}
        if self.target == "kubernetes":
            tables["kubernetes"] = {"image": '"registry.example/inj:1"'}
        if self.target == "windows-task":
            tables["windows"] = {"backend": '"task"'}
        if field.startswith("health."):
            check = {"health.url": "http", "health.address": "tcp", "health.command": "exec"}[field]
            tables["health"] = {"check": toml_string(check)}
        if field == "logs.directory" or field == "logs.stdout":
            tables["logs"] = {}
        written = None
        if kind == "plain":
            written = toml_string(self.value)
        elif kind in ("path", "url"):
            written = toml_string(self.field_value())
        elif kind == "array":
            first = "/bin/true" if field == "health.command" else "--base"
            if field == "health.command" and windows:
                first = "C:\\inj\\check.exe"
            written = "[" + toml_string(first) + ", " + toml_string(self.value) + ", \"--end\"]"
        elif kind == "plain-array":
            written = "[" + toml_string(self.value) + "]"
        elif kind == "path-array":
            written = "[" + toml_string(self.field_value()) + "]"
        lines = []
        key_line = None
        for table_name in ["service", "env", "restart", "stop", "logs", "health", "dependencies",
                           "launchd", "windows", "kubernetes"]:
            entries = dict(tables.get(table_name, {}))
            if table_name == table and kind not in ("env-value", "env-name"):
                entries[key] = written
            if not entries and not (table_name == table):
                continue
            lines.append(f"[{table_name}]")
            for entry_key, entry_value in entries.items():
                if table_name == table and entry_key == key and kind not in ("env-value",
                                                                             "env-name"):
                    key_line = len(lines) + 1
                lines.append(f"{entry_key} = {entry_value}")
            if table_name == "env" and kind == "env-value":
                key_line = len(lines) + 1
                lines.append(f"V = {toml_string(self.value)}")
            if table_name == "env" and kind == "env-name":
                key_line = len(lines) + 1
                lines.append(f"{toml_string(self.value)} = \"v\"")
            lines.append("")
        self.key_line = key_line
        return "\n".join(lines) + "\n"


def command_for(target, e2e=False):
    if is_windows(target):
        return "C:\\inj\\argv_printer.exe"
    return "/usr/local/bin/inj-recorder" if e2e else "/bin/true"


def all_cases(targets=None, fields=None, mode="native", e2e=False):
    cases = []
    index = 0
    for target in targets or TARGETS:
        for field in fields or FIELDS:
            if target not in APPLIES[field]:
                continue
            benign = ("benign", BENIGN_VALUES.get(field, BENIGN))
            for hostile_name, value in [benign] + HOSTILE:
                cases.append(Case(index, field, hostile_name, value, target, mode,
                                  command_for(target, e2e)))
                index += 1
    return cases


# ---------------------------------------------------------------------------------------------
# Running daemonize.
DIAGNOSTIC = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): ")


def run_case(daemonize, case, work):
    directory = os.path.join(work, case.name)
    os.makedirs(directory, exist_ok=True)
    manifest = os.path.join(directory, "service.toml")
    with open(manifest, "w", encoding="utf-8") as file:
        file.write(case.text)
    validate = subprocess.run([daemonize, "validate", manifest, "--target", case.target],
                              capture_output=True, text=True, errors="replace")
    render = subprocess.run([daemonize, "render", manifest, "--target", case.target,
                             "-o", os.path.join(directory, "out")],
                            capture_output=True, text=True, errors="replace")
    case.manifest_path = manifest
    case.validate_code = validate.returncode
    case.validate_stderr = validate.stderr
    case.render_code = render.returncode
    case.render_stderr = render.stderr
    case.out_dir = os.path.join(directory, "out", case.target)
    case.errors = []
    for line in validate.stderr.splitlines():
        match = DIAGNOSTIC.match(line)
        if match and match["sev"] == "error":
            case.errors.append((int(match["line"]), int(match["col"]), line))
    return case


def run_all(daemonize, cases, work, jobs=2):
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda c: run_case(daemonize, c, work), cases))


def artifacts(case):
    found = {}
    if os.path.isdir(case.out_dir):
        for name in sorted(os.listdir(case.out_dir)):
            with open(os.path.join(case.out_dir, name), "rb") as file:
                found[name] = file.read()
    return found


# ---------------------------------------------------------------------------------------------
# Meaning of a manifest value (manifest.md "Interpolation").
class Unresolvable(Exception):
    pass


def interpolate(text, variables):
    """Resolves `$$` and `${X}` forms; a lone `$` is an error (the manifest must be rejected)."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        if text.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if text.startswith("${", i):
            end = text.find("}", i)
            if end < 0:
                raise Unresolvable("unterminated ${")
            body = text[i + 2:end]
            match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?::-?(.*))?", body, re.S)
            if not match:
                raise Unresolvable("bad ${}")
            name, default = match.group(1), match.group(2)
            value = variables.get(name)
            if not value and default is not None:
                value = default
            if value is None:
                raise Unresolvable(f"${{{name}}} unset")
            out.append(value)
            i = end + 1
            continue
        raise Unresolvable("lone $")
    return "".join(out)


def meaning(case, text):
    """What the manifest means for `text` of the case's field on its target (raises
    Unresolvable when the manifest cannot have a meaning: it must be rejected)."""
    if case.field in INTERPOLATED:
        return interpolate(text, {"X": X_VALUE})
    return text
