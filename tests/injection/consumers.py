"""Reading rendered artifacts back the way each target's consumer does, for matrix.py cases."""

import collections
import json
import os
import plistlib
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import matrix

# ---------------------------------------------------------------------------------------------
# systemd: unit file syntax (systemd.syntax(7)) and the unquoting of Exec*=/Environment=.
C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
             "\\": "\\", '"': '"', "'": "'", "s": " "}


class SyntaxProblem(Exception):
    pass


def parse_unit(text):
    """[(section, key, value)] as systemd's config parser sees them (continuation lines joined)."""
    entries = []
    section = None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip(" \t")
        if not stripped or stripped[0] in "#;":
            continue
        while stripped.endswith("\\") and i < len(lines):
            stripped = stripped[:-1] + " " + lines[i].strip(" \t")
            i += 1
        if stripped.startswith("["):
            section = stripped[1:-1]
            continue
        if "=" not in stripped:
            raise SyntaxProblem(f"line without '=': {stripped!r}")
        key, value = stripped.split("=", 1)
        entries.append((section, key.strip(), value.strip(" \t")))
    return entries


def unspecifier(value):
    """%% -> %; any other specifier changes the meaning (returned as a marker)."""
    out = []
    i = 0
    while i < len(value):
        if value[i] == "%":
            if value[i + 1:i + 2] == "%":
                out.append("%")
                i += 2
                continue
            out.append("\0SPECIFIER\0")
            i += 2
            continue
        out.append(value[i])
        i += 1
    return "".join(out)


def split_words(value):
    """extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) over a whole value."""
    words = []
    i = 0
    n = len(value)
    while True:
        while i < n and value[i] in " \t\n\r":
            i += 1
        if i >= n:
            return words
        word = []
        quote = None
        while i < n:
            ch = value[i]
            if quote is None and ch in " \t\n\r":
                break
            if ch == "\\":
                i += 1
                if i >= n:
                    raise SyntaxProblem("trailing backslash")
                esc = value[i]
                if esc in C_ESCAPES:
                    word.append(C_ESCAPES[esc])
                    i += 1
                elif esc == "x":
                    word.append(bytes([int(value[i + 1:i + 3], 16)]).decode("latin-1"))
                    i += 3
                elif esc in "01234567":
                    word.append(chr(int(value[i:i + 3], 8)))
                    i += 3
                elif esc == "u":
                    word.append(chr(int(value[i + 1:i + 5], 16)))
                    i += 5
                elif esc == "U":
                    word.append(chr(int(value[i + 1:i + 9], 16)))
                    i += 9
                else:
                    raise SyntaxProblem(f"bad escape \\{esc}")
                continue
            if quote is None and ch in "\"'":
                quote = ch
                i += 1
                continue
            if quote is not None and ch == quote:
                quote = None
                i += 1
                continue
            word.append(ch)
            i += 1
        if quote is not None:
            raise SyntaxProblem("unterminated quote")
        words.append("".join(word))


def fix_hex_bytes(text):
    """\\xNN escapes are bytes: re-decode the latin-1 stand-ins as UTF-8."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def exec_expand(word, environment):
    """What systemd does to an ExecStart= word when it runs it: `$$` -> `$`, `${X}` -> X."""
    out = []
    i = 0
    while i < len(word):
        if word.startswith("$$", i):
            out.append("$")
            i += 2
        elif word.startswith("${", i):
            end = word.index("}", i)
            out.append(environment.get(word[i + 2:end], ""))
            i = end + 1
        elif word[i] == "$" and i + 1 < len(word) and re.match(r"[A-Za-z_]", word[i + 1]):
            out.append("\0UNBRACED-VARIABLE\0")
            i += 1
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def systemd_readback(case, files):
    """(meaning found, structure) of a systemd render."""
    unit = files.get(case.service_name + ".service")
    if unit is None:
        return None, {"missing unit": 1}
    entries = parse_unit(unit.decode("utf-8"))
    structure = collections.Counter((s, k) for s, k, _ in entries)
    for name, data in files.items():
        if not name.endswith(".service"):
            lines = [line for line in data.decode("utf-8").split("\n")
                     if line.strip() and not line.startswith("#")]
            structure[(name.replace(case.service_name, "NAME", 1), "lines")] = len(lines)
    values = collections.defaultdict(list)
    for section, key, value in entries:
        values[(section, key)].append(value)
    environment = {}
    for value in values[("Service", "Environment")]:
        for word in split_words(unspecifier(value)):
            name, _, val = fix_hex_bytes(word).partition("=")
            environment[name] = val
    found = {}
    exec_start = values[("Service", "ExecStart")]
    if exec_start:
        argv = [exec_expand(fix_hex_bytes(w), environment)
                for w in split_words(unspecifier(exec_start[0]))]
        found["argv"] = argv
    found["environment"] = environment
    for key in ("Description", "User", "Group", "WorkingDirectory", "EnvironmentFile",
                "StandardOutput", "After", "Wants", "Requires", "UMask"):
        section = "Unit" if key in ("Description", "After", "Wants", "Requires") else "Service"
        found[key] = [unspecifier(v) for v in values[(section, key)]]
    return found, structure


def systemd_expected(case, value):
    """{key: expected} for the field, or None when the field is not in a systemd unit."""
    field = case.field
    if field == "args":
        return {"argv": [case.command, "--base", value, "--end"]}
    if field == "command":
        return {"argv": [value]}
    if field == "description" or field == "display_name":
        return {"Description": [value]}
    if field == "user":
        return {"User": [value]}
    if field == "group":
        return {"Group": [value]}
    if field == "working_directory":
        return {"WorkingDirectory": [value]}
    if field == "env_files":
        # Every systemd base manifest sets [env] X: with env_files it is an env file of its own,
        # named last (docs/targets/systemd.md), so [env] wins.
        return {"EnvironmentFile": [value, f"/etc/daemonize/{case.service_name}.env"]}
    if field == "env-value":
        return {"environment": {"X": matrix.X_VALUE, "V": value}}
    if field == "env-name":
        return {"environment": {"X": matrix.X_VALUE, value: "v"}}
    if field == "logs.directory":
        return {"StandardOutput": [f"append:{value}/stdout.log"]}
    if field == "logs.stdout":
        if value in ("null", "inherit"):  # the keywords of manifest.md
            return {"StandardOutput": [] if value == "inherit" else ["null"]}
        return {"StandardOutput": [f"append:/var/log/{case.service_name}/{value}"]}
    if field == "umask":
        return {"UMask": [value]}
    if field in ("dependencies.after", "dependencies.requires"):
        unit = value if re.search(r"\.(service|target|socket|mount|timer|path|slice)$",
                                  value) else value + ".service"
        if field.endswith("after"):
            return {"After": [unit]}  # ordering only: no Wants=
        return {"After": [unit], "Requires": [unit]}
    return None


# ---------------------------------------------------------------------------------------------
# launchd
def launchd_readback(case, files):
    plist_name = [n for n in files if n.endswith(".plist")]
    if len(plist_name) != 1:
        return None, {"plists": len(plist_name)}
    data = plistlib.loads(files[plist_name[0]])
    structure = collections.Counter()

    def walk(prefix, node):
        if isinstance(node, dict):
            for key, item in node.items():
                if prefix == "/EnvironmentVariables":
                    key = "ENV"
                walk(f"{prefix}/{key}", item)
        elif isinstance(node, list):
            structure[prefix + "[]"] += len(node)
            for item in node:
                walk(prefix + "[]", item)
        else:
            structure[prefix] += 1

    walk("", data)
    return data, structure


def launchd_expected(case, value):
    field = case.field
    if field == "args":
        return {"ProgramArguments": [case.command, "--base", value, "--end"]}
    if field == "command":
        return {"ProgramArguments": [value]}
    if field == "working_directory":
        return {"WorkingDirectory": value}
    if field == "user":
        return {"UserName": value}
    if field == "group":
        return {"GroupName": value}
    if field == "env-value":
        return {"EnvironmentVariables": {"V": value}}
    if field == "env-name":
        return {"EnvironmentVariables": {value: "v"}}
    if field == "launchd.label":
        return {"Label": value}
    if field == "logs.directory":
        return {"StandardOutPath": value + "/stdout.log"}
    if field == "logs.stdout":
        if value in ("null", "inherit"):  # the keywords of manifest.md
            return {"StandardOutPath": "/dev/null" if value == "null" else None}
        return {"StandardOutPath": f"/Library/Logs/{case.service_name}/{value}"}
    if field == "name":
        return {"Label": "org.daemonize." + value}
    return None


# ---------------------------------------------------------------------------------------------
# Windows: CommandLineToArgvW / MSVC CRT rules (2008+), the model the Wine run checks for real.
def windows_split(line):
    args = []
    i = 0
    n = len(line)
    # argv[0]: up to the next space, or quoted without escapes.
    if line.startswith('"'):
        end = line.find('"', 1)
        end = n if end < 0 else end
        args.append(line[1:end])
        i = end + 1
    else:
        end = i
        while end < n and line[end] not in " \t":
            end += 1
        args.append(line[:end])
        i = end
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        word = []
        quoted = False
        while i < n:
            ch = line[i]
            if ch in " \t" and not quoted:
                break
            if ch == "\\":
                count = 0
                while i < n and line[i] == "\\":
                    count += 1
                    i += 1
                if i < n and line[i] == '"':
                    word.append("\\" * (count // 2))
                    if count % 2:
                        word.append('"')
                        i += 1
                else:
                    word.append("\\" * count)
                continue
            if ch == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    word.append('"')
                    i += 2
                    continue
                quoted = not quoted
                i += 1
                continue
            word.append(ch)
            i += 1
        args.append("".join(word))


TASK_NS = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


def task_readback(case, files):
    xml_name = [n for n in files if n.endswith(".xml")]
    if len(xml_name) != 1:
        return None, {"xml files": len(xml_name)}
    root = ET.fromstring(files[xml_name[0]].decode("utf-16"))
    structure = collections.Counter()
    for element in root.iter():
        structure[element.tag.replace(TASK_NS, "")] += 1
    found = {}
    exec_action = root.find(f"{TASK_NS}Actions/{TASK_NS}Exec")
    if exec_action is not None:
        command = exec_action.findtext(f"{TASK_NS}Command") or ""
        arguments = exec_action.findtext(f"{TASK_NS}Arguments") or ""
        found["command_line"] = command + (" " + arguments if arguments else "")
        found["argv"] = windows_split(found["command_line"])
        found["WorkingDirectory"] = exec_action.findtext(f"{TASK_NS}WorkingDirectory")
    found["Description"] = root.findtext(f"{TASK_NS}RegistrationInfo/{TASK_NS}Description")
    found["UserId"] = root.findtext(f"{TASK_NS}Principals/{TASK_NS}Principal/{TASK_NS}UserId")
    for name, data in files.items():
        if name.endswith(".cmd"):
            structure[("cmd lines", name.replace(case.service_name, "NAME", 1))] = \
                len(data.decode("utf-8").split("\n"))
    return found, structure


def task_expected(case, value):
    field = case.field
    native = matrix.supervisor_for(case.target, case.mode, field) == "native"
    if field == "args" and native:
        return {"argv": [case.command, "--base", value, "--end"]}
    if field == "working_directory" and native:
        return {"WorkingDirectory": value}
    if field == "description":
        return {"Description": value}
    return None


def service_readback(case, files):
    """Counts the script's command lines; `rem` lines and the UTF-8 `chcp` switch (written only
    for non-ASCII values) are not commands. wine_injection.py runs the script for real."""
    structure = collections.Counter()
    for name, data in files.items():
        text = data.decode("utf-8")
        lines = [line.rstrip("\r") for line in text.split("\n")]
        commands = [line for line in lines
                    if not line.startswith("rem") and line != "chcp 65001 >nul"]
        structure[("lines", name.replace(case.service_name, "NAME", 1))] = len(commands)
    return {}, structure


# ---------------------------------------------------------------------------------------------
# Kubernetes (documents parsed by node yaml@2; see yaml_parse.mjs)
def kubelet_expand(text, environment):
    out = []
    i = 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i):
            end = text.find(")", i)
            name = text[i + 2:end] if end > 0 else None
            if name is not None and name in environment:
                out.append(environment[name])
                i = end + 1
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def kubernetes_readback(case, documents):
    structure = collections.Counter()

    def walk(prefix, node):
        if isinstance(node, dict):
            for key, item in node.items():
                if prefix.endswith("/annotations") or prefix.endswith("/labels"):
                    key = "K"
                walk(f"{prefix}/{key}", item)
        elif isinstance(node, list):
            structure[prefix + "[]"] += len(node)
            for item in node:
                walk(prefix + "[]", item)
        else:
            structure[prefix] += 1

    structure["documents"] = len(documents)
    for document in documents:
        walk("/" + str(document.get("kind") if isinstance(document, dict) else "?"), document)
    found = {}
    for document in documents:
        if not isinstance(document, dict):
            continue
        found.setdefault("namespaces", []).append(document.get("metadata", {}).get("namespace"))
        if document.get("kind") != "Deployment":
            continue
        found["description"] = document["metadata"].get("annotations", {}).get(
            "kubernetes.io/description")
        pod = document["spec"]["template"]["spec"]
        found["serviceAccountName"] = pod.get("serviceAccountName")
        container = pod["containers"][0]
        environment = {}
        for entry in container.get("env", []):
            if "value" in entry:
                environment[entry["name"]] = kubelet_expand(entry["value"], environment)
            else:
                environment[entry["name"]] = "\0SECRET\0"
        found["environment"] = environment
        found["argv"] = [kubelet_expand(w, environment)
                         for w in container.get("command", []) + container.get("args", [])]
        found["image"] = container.get("image")
        found["workingDir"] = container.get("workingDir")
        probe = container.get("livenessProbe", {})
        if "exec" in probe:
            found["probe"] = [kubelet_expand(w, environment) for w in probe["exec"]["command"]]
        if "httpGet" in probe:
            found["probe_path"] = probe["httpGet"].get("path")
    return found, structure


def kubernetes_expected(case, value):
    field = case.field
    if field == "args":
        return {"argv": [case.command, "--base", value, "--end"]}
    if field == "command":
        return {"argv": [value]}
    if field == "env-value":
        return {"environment": {"X": matrix.X_VALUE, "V": value}}
    if field == "env-name":
        return {"environment": {"X": matrix.X_VALUE, value: "v"}}
    if field == "kubernetes.image":
        return {"image": value}
    if field == "kubernetes.service_account":
        return {"serviceAccountName": value}
    if field == "working_directory":
        return {"workingDir": value}
    if field == "description":
        return {"description": value or None}  # an empty description is no annotation
    if field == "health.command":
        return {"probe": ["/bin/true", value, "--end"]}
    return None


# ---------------------------------------------------------------------------------------------
# cron: the daemon's `%` rule, then sh -c; the recorder stands in for daemonize.
def cron_command(line):
    """The command part of a crontab line after cron's % processing (stdin text dropped)."""
    if line.startswith("@"):
        command = line.split(None, 1)[1]
    else:
        command = line.split(None, 5)[5]
    out = []
    i = 0
    while i < len(command):
        if command.startswith("\\%", i):
            out.append("%")
            i += 2
        elif command[i] == "%":
            break  # the rest is the command's standard input
        else:
            out.append(command[i])
            i += 1
    return "".join(out)


def cron_readback(case, files, recorder):
    structure = collections.Counter()
    found = {"argvs": []}
    for name, data in files.items():
        text = data.decode("utf-8")
        lines = [line for line in text.split("\n") if line]
        structure[("lines", name.replace(case.service_name, "NAME", 1))] = len(lines)
        for line in lines:
            if line.startswith("#"):
                continue
            command = cron_command(line).replace("/usr/local/bin/daemonize", recorder)
            with tempfile.NamedTemporaryFile() as out:
                subprocess.run(["sh", "-c", command], env={"PATH": "/usr/bin:/bin",
                               "INJ_ARGV_OUT": out.name}, timeout=10)
                argv = out.read().split(b"\0")[:-1]
            found["argvs"].append([a.decode("utf-8", "replace") for a in argv])
    return found, structure


def cron_expected(case, value):
    wanted = ["run", f"/etc/daemonize/{case.service_name}.toml", "--detach"]
    return {"argvs": [wanted, wanted]}


# ---------------------------------------------------------------------------------------------
class Checker:
    def __init__(self, options):
        self.options = options
        self.failures = []
        self.outcomes = collections.Counter()  # (field, target, outcome)
        self.recorder = os.path.join(options.work, "cron-recorder.sh")
        with open(self.recorder, "w") as file:
            file.write("#!/bin/sh\nprintf '%s\\0' \"$@\" >\"$INJ_ARGV_OUT\"\n")
        os.chmod(self.recorder, 0o755)

    def fail(self, case, message):
        self.failures.append(f"{case.target} {case.field} [{case.hostile_name}] {case.name}: "
                             f"{message}")

    def check_all(self, cases):
        groups = collections.defaultdict(list)
        for case in cases:
            groups[(case.target, case.field)].append(case)
        accepted = [c for c in cases if c.render_code == 0 and c.validate_code == 0]
        self.yaml = self.parse_yaml([c for c in accepted if c.target == "kubernetes"])
        self.analyze = self.systemd_analyze([c for c in accepted if c.target == "systemd"])
        self.xsd = self.xmllint([c for c in accepted if c.target == "windows-task"])
        for (target, field), group in groups.items():
            baseline = group[0]
            assert baseline.hostile_name == "benign"
            base_structure = None
            if baseline.render_code != 0:
                self.fail(baseline, f"the benign baseline was rejected: {baseline.render_stderr}")
            else:
                try:
                    _, base_structure = self.readback(baseline)
                except Exception as error:  # noqa: BLE001 - reported as a failure
                    self.fail(baseline, f"baseline unreadable: {error!r}")
            for case in group:
                self.check_case(case, base_structure)

    def check_case(self, case, base_structure):
        outcome = self.judge(case, base_structure)
        self.outcomes[(case.field, case.target, outcome)] += 1

    def judge(self, case, base_structure):
        if case.validate_code != case.render_code:
            self.fail(case, f"validate exits {case.validate_code} but render {case.render_code}")
            return "FAILED"
        if case.validate_code == 65:
            lines = {line for line, _, _ in case.errors}
            if case.key_line not in lines:
                self.fail(case, f"rejected, but no error at line {case.key_line}: "
                                f"{case.validate_stderr.strip()!r}")
                return "FAILED"
            return "rejected"
        if case.validate_code != 0:
            self.fail(case, f"exit {case.validate_code}: {case.validate_stderr.strip()!r}")
            return "FAILED"
        try:
            wanted = matrix.meaning(case, case.field_value())
        except matrix.Unresolvable as error:
            self.fail(case, f"accepted a value the manifest cannot mean ({error})")
            return "FAILED"
        try:
            found, structure = self.readback(case)
        except Exception as error:  # noqa: BLE001 - a consumer refusing the artifact is a failure
            self.fail(case, f"the consumer cannot read the artifact: {error!r}")
            return "FAILED"
        problems = self.consumer_problems(case)
        if base_structure is not None:
            for key, count in structure.items():
                if count > base_structure.get(key, 0):
                    problems.append(f"structure: {key} x{count} (benign: "
                                    f"x{base_structure.get(key, 0)})")
        expected = self.expected(case, wanted)
        if case.field in ("description", "display_name") and wanted == "" and expected:
            # An empty description is no description: the target's default (name) applies.
            expected = {k: v for k, v in expected.items() if k not in ("Description",)}
        if expected:
            for key, value in expected.items():
                got = found.get(key) if found else None
                if isinstance(value, dict) and isinstance(got, dict):
                    got = {k: got.get(k) for k in set(got) | set(value)
                           if k in value or k not in ("X",)}
                    if case.target == "systemd" or case.target == "kubernetes":
                        got = {k: v for k, v in got.items() if k in value or v is not None}
                if got != value and not equivalent(case, got, value):
                    problems.append(f"{key}: manifest means {value!r}, the consumer read {got!r}")
        if problems:
            for problem in problems:
                self.fail(case, problem[:600])
            return "FAILED"
        return "escaped"

    def expected(self, case, value):
        native = matrix.supervisor_for(case.target, case.mode, case.field) == "native"
        if case.target == "systemd":
            return systemd_expected(case, value) if native or case.field in (
                "description", "display_name", "user", "group") else None
        if case.target == "launchd":
            return launchd_expected(case, value)
        if case.target == "windows-task":
            return task_expected(case, value)
        if case.target == "kubernetes":
            return kubernetes_expected(case, value)
        if case.target == "cron":
            return cron_expected(case, value)
        return None

    def readback(self, case):
        files = matrix.artifacts(case)
        if case.target == "systemd":
            return systemd_readback(case, files)
        if case.target == "launchd":
            return launchd_readback(case, files)
        if case.target == "windows-task":
            return task_readback(case, files)
        if case.target == "windows-service":
            return service_readback(case, files)
        if case.target == "kubernetes":
            parsed = self.yaml.get(case.name)
            if parsed is None:
                raise ValueError("no YAML parse result")
            if "error" in parsed:
                raise ValueError(parsed["error"])
            if parsed["v12"] != parsed["v11"]:
                raise ValueError("YAML 1.1 and 1.2 readers disagree")
            return kubernetes_readback(case, parsed["v12"])
        if case.target == "cron":
            return cron_readback(case, files, self.recorder)
        raise ValueError(case.target)

    def consumer_problems(self, case):
        problems = []
        if case.target == "systemd" and self.analyze.get(case.name):
            problems.append("systemd-analyze verify: " + " | ".join(self.analyze[case.name]))
        if case.target == "windows-task" and self.xsd.get(case.name):
            problems.append("xmllint --schema: " + " | ".join(self.xsd[case.name]))
        if case.target == "launchd":
            for name in os.listdir(case.out_dir):
                result = subprocess.run(["plistutil", "-i", os.path.join(case.out_dir, name),
                                         "-o", "/dev/null"], capture_output=True, text=True)
                if result.returncode != 0:
                    problems.append(f"plistutil: {result.stderr.strip()}")
        return problems

    # Batched real consumers ------------------------------------------------------------------
    def parse_yaml(self, cases):
        if not cases:
            return {}
        listing = {c.name: os.path.join(c.out_dir, [n for n in os.listdir(c.out_dir)
                                                     if n.endswith(".yaml")][0]) for c in cases}
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "yaml_parse.mjs")
        result = subprocess.run(["node", script], input=json.dumps(listing),
                                capture_output=True, text=True,
                                env=dict(os.environ, INJ_VALIDATORS=self.options.validators))
        if result.returncode != 0:
            raise RuntimeError(f"yaml_parse.mjs failed: {result.stderr}")
        return json.loads(result.stdout)

    def systemd_analyze(self, cases):
        findings = collections.defaultdict(list)
        units = [(c.name, os.path.join(c.out_dir, c.service_name + ".service")) for c in cases]
        units = [(n, p) for n, p in units if os.path.exists(p)]
        unit_of = {c.name: c.service_name for c in cases}
        for start in range(0, len(units), 40):
            batch = units[start:start + 40]
            result = subprocess.run(["systemd-analyze", "verify", "--man=no"] +
                                    [p for _, p in batch], capture_output=True, text=True,
                                    errors="replace", env=dict(os.environ, SYSTEMD_LOG_COLOR="0"))
            owner = None
            # split("\n"), not splitlines(): a value may hold U+2028, which is no line end here.
            for line in (result.stdout + result.stderr).split("\n"):
                if not line.strip():
                    continue
                for name, _ in batch:
                    unit = re.escape(unit_of[name] + ".service")
                    if f"/{name}/" in line or re.search(rf"(^|[\s/']){unit}", line):
                        owner = name
                if owner is None:
                    for name, _ in batch:
                        findings[name].append("unattributed: " + line)
                elif "is not executable: No such file" in line and case_is_command(owner, cases):
                    continue  # the command field points at a path that does not exist here
                elif re.search(r"Failed to create .*/start: Unit .* not found\.", line):
                    continue  # Requires= names a unit this host does not have (expected)
                else:
                    findings[owner].append(line)
        return findings

    def xmllint(self, cases):
        findings = collections.defaultdict(list)
        files = {}
        for case in cases:
            for name in os.listdir(case.out_dir):
                if name.endswith(".xml"):
                    files[case.name] = os.path.join(case.out_dir, name)
        paths = list(files.items())
        for start in range(0, len(paths), 200):
            batch = paths[start:start + 200]
            result = subprocess.run(["xmllint", "--noout", "--schema", self.options.schema] +
                                    [p for _, p in batch], capture_output=True, text=True,
                                    errors="replace")
            for line in result.stderr.splitlines():
                if line.endswith(" validates"):
                    continue
                for name, path in batch:
                    if path in line:
                        findings[name].append(line)
        return findings

    # Summary ---------------------------------------------------------------------------------
    def report(self, cases):
        targets = [t for t in matrix.TARGETS if any(c.target == t for c in cases)]
        fields = [f for f in matrix.FIELDS if any(c.field == f for c in cases)]
        width = max(len(f) for f in fields) + 2
        print("\nfield x target: escaped/rejected (FAILED)")
        print(" " * width + "".join(f"{t:>17}" for t in targets))
        for field in fields:
            row = f"{field:<{width}}"
            for target in targets:
                escaped = self.outcomes[(field, target, "escaped")]
                rejected = self.outcomes[(field, target, "rejected")]
                failed = self.outcomes[(field, target, "FAILED")]
                cell = "-" if not (escaped or rejected or failed) else f"{escaped}/{rejected}"
                if failed:
                    cell += f" ({failed}!)"
                row += f"{cell:>17}"
            print(row)
        total = collections.Counter()
        for (_, _, outcome), count in self.outcomes.items():
            total[outcome] += count
        print(f"\n{sum(total.values())} cases: {total['escaped']} escaped (read back exactly), "
              f"{total['rejected']} rejected at the key's line, {total['FAILED']} failed")
        if self.failures:
            print(f"\n{len(self.failures)} failure(s):")
            for failure in self.failures[:300]:
                print("  - " + failure[:400])
            return 1
        print("zero cases alter structure: every accepted artifact reads back exactly the "
              "manifest's meaning, with no extra key, line, element or document")
        return 0


def equivalent(case, got, wanted):
    """Spellings that mean the same thing to the consumer: an octal umask with or without
    leading zeros; a path with "//" (the empty-directory case) and with "/"."""
    if case.field == "umask" and isinstance(got, list) and len(got) == 1 == len(wanted):
        try:
            return int(got[0], 8) == int(wanted[0], 8)
        except ValueError:
            return False
    if case.field == "logs.directory":
        return re.sub("/+", "/", str(got)) == re.sub("/+", "/", str(wanted))
    return False


def case_is_command(name, cases):
    return any(c.name == name and c.field == "command" for c in cases)
