// Render back: every example input under tests/import/<format>/, imported, rendered by daemonize
// (launchd: the plist; NSSM and WinSW: the windows-service registration and the manifest its
// watchdog runs; supervisord and PM2: the model the watchdog runs), is equivalent to the input
// for every directive the report calls carried. One comparison per carried directive; a
// carried directive nothing here knows how to compare fails too.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "daemonize/launchd/backend.hpp"
#include "daemonize/windows/render.hpp"
#include "import_common.hpp"
#include "plist_parse.hpp"
#include "reg_file.hpp"
#include "test_support.hpp"
#include "windows_syntax.hpp"
#include "xml_document.hpp"

namespace daemonize::import {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> inputs(const std::string& directory, const std::string& extension) {
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(test::example(directory))) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string relative(const std::string& path) {
  return fs::relative(path, DAEMONIZE_SOURCE_DIR).generic_string();
}

// Failures as "FILE:LINE: KEY: ..." and the number of directives compared.
struct Tally {
  std::vector<std::string> failures;
  int compared = 0;

  void check(const ReportLine& line, bool same, const std::string& detail) {
    ++compared;
    if (!same) {
      failures.push_back(relative(line.file) + ":" + std::to_string(line.line) + ": " + line.key +
                         ": " + detail);
    }
  }
  void unknown(const ReportLine& line) {
    failures.push_back(relative(line.file) + ":" + std::to_string(line.line) + ": " + line.key +
                       ": carried, but nothing compares it");
  }
  void expect_clean(int at_least) const {
    EXPECT_GE(compared, at_least);
    std::string list;
    for (const auto& failure : failures) list += failure + "\n";
    EXPECT_TRUE(failures.empty()) << list;
  }
};

std::optional<Service> imported_service(const ImportResult& result, const std::string& name,
                                        TargetOs os, Tally& tally) {
  for (const auto& service : result.services) {
    if (service.name != name) continue;
    auto loaded = load_manifest_text(service.manifest, name + ".toml", os);
    if (!loaded.service) tally.failures.push_back(name + ": does not validate");
    return loaded.service;
  }
  tally.failures.push_back(name + ": not imported");
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// launchd: plist → manifest → plist

std::string show(const PlistNode* node) {
  if (node == nullptr) return "absent";
  switch (node->kind) {
    case PlistNode::Kind::boolean:
      return node->boolean ? "true" : "false";
    case PlistNode::Kind::integer:
      return std::to_string(node->integer);
    case PlistNode::Kind::real:
      return std::to_string(node->real);
    case PlistNode::Kind::array: {
      std::string out = "[";
      for (const auto& element : node->elements)
        out += (out.size() > 1 ? ", " : "") + show(&element);
      return out + "]";
    }
    case PlistNode::Kind::dictionary: {
      std::string out = "{";
      for (std::size_t i = 0; i < node->keys.size(); ++i) {
        out += (out.size() > 1 ? ", " : "") + node->keys[i] + "=" + show(&node->elements[i]);
      }
      return out + "}";
    }
    default:
      return "\"" + node->text + "\"";
  }
}

bool same_node(const PlistNode* a, const PlistNode* b) {
  if (a == nullptr || b == nullptr) return a == b;
  // An integer and a real of the same value (Umask, limits) mean the same to launchd.
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case PlistNode::Kind::boolean:
      return a->boolean == b->boolean;
    case PlistNode::Kind::integer:
      return a->integer == b->integer;
    case PlistNode::Kind::real:
      return a->real == b->real;
    case PlistNode::Kind::array:
      if (a->elements.size() != b->elements.size()) return false;
      for (std::size_t i = 0; i < a->elements.size(); ++i) {
        if (!same_node(&a->elements[i], &b->elements[i])) return false;
      }
      return true;
    case PlistNode::Kind::dictionary: {
      if (a->keys.size() != b->keys.size()) return false;
      for (std::size_t i = 0; i < a->keys.size(); ++i) {
        if (!same_node(&a->elements[i], b->find(a->keys[i]))) return false;
      }
      return true;
    }
    default:
      return a->text == b->text;
  }
}

const PlistNode* at_path(const PlistNode& root, const std::string& dotted) {
  const PlistNode* node = &root;
  std::size_t start = 0;
  while (node != nullptr) {
    const auto dot = dotted.find('.', start);
    node = node->find(dotted.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

// What launchd does when a job ends: restart after a clean exit, after a failure.
struct KeepAlive {
  bool after_success = false;
  bool after_failure = false;
  bool operator==(const KeepAlive&) const = default;
};
KeepAlive keep_alive(const PlistNode& job) {
  const PlistNode* node = job.find("KeepAlive");
  if (node == nullptr) return {};
  if (node->kind == PlistNode::Kind::boolean) return {node->boolean, node->boolean};
  KeepAlive result;
  if (const auto* successful = node->find("SuccessfulExit")) {
    result.after_success = successful->boolean;
    result.after_failure = !successful->boolean;
  }
  if (const auto* crashed = node->find("Crashed"); crashed != nullptr && crashed->boolean) {
    result.after_failure = true;
  }
  return result;
}
std::string show(const KeepAlive& k) {
  return std::string("after success ") + (k.after_success ? "yes" : "no") + ", after failure " +
         (k.after_failure ? "yes" : "no");
}

// What launchd runs: Program, else ProgramArguments[0], and the arguments after argv[0].
std::vector<std::string> launched(const PlistNode& job) {
  std::vector<std::string> words;
  const PlistNode* program = job.find("Program");
  const PlistNode* arguments = job.find("ProgramArguments");
  if (program != nullptr) words.push_back(program->text);
  if (arguments != nullptr) {
    for (std::size_t i = 0; i < arguments->elements.size(); ++i) {
      if (i == 0 && program != nullptr) continue;
      words.push_back(arguments->elements[i].text);
    }
  }
  return words;
}

TEST(ImportRenderBack, LaunchdPlistsRenderToTheSameJobForEveryCarriedKey) {
  Tally tally;
  for (const auto& path : inputs("launchd", ".plist")) {
    const std::string text = test::read_text(path);
    const auto result = import_launchd({path, text});
    ASSERT_TRUE(result.errors.empty()) << path;
    ASSERT_EQ(result.services.size(), 1U) << path;
    auto service = imported_service(result, result.services.front().name, TargetOs::macos, tally);
    if (!service) continue;
    service->supervisor = SupervisorMode::native;  // the plist runs the program itself
    const auto rendered = launchd::render_launchd_plist(*service, RenderOptions{});
    ASSERT_FALSE(rendered.artifacts.empty()) << path;
    const auto before = parse_plist(text);
    const auto after = parse_plist(rendered.artifacts.front().content);
    ASSERT_TRUE(before.root && after.root) << path;
    for (const auto& line : result.report) {
      if (line.outcome != Outcome::carried) continue;
      const std::string& key = line.key;
      if (key == "Program" || key == "ProgramArguments") {
        const auto want = launched(*before.root);
        const auto got = launched(*after.root);
        tally.check(line, want == got, "runs a different command line");
      } else if (key == "KeepAlive" || key.starts_with("KeepAlive.")) {
        const auto want = keep_alive(*before.root);
        const auto got = keep_alive(*after.root);
        tally.check(line, want == got, "before " + show(want) + "; after " + show(got));
      } else if (key == "Disabled" || key == "RunAtLoad" || key == "AbandonProcessGroup") {
        // Booleans launchd reads as false when absent.
        const auto* a = at_path(*before.root, key);
        const auto* b = at_path(*after.root, key);
        const bool want = a != nullptr && a->boolean;
        const bool got = b != nullptr && b->boolean;
        tally.check(line, want == got, "before " + show(a) + ", after " + show(b));
      } else {
        const auto* a = at_path(*before.root, key);
        const auto* b = at_path(*after.root, key);
        tally.check(line, same_node(a, b), "before " + show(a) + ", after " + show(b));
      }
    }
  }
  tally.expect_clean(39);
}

// ---------------------------------------------------------------------------------------------
// NSSM and WinSW: the windows-service registration daemonize makes and the manifest its watchdog
// runs, against what NSSM or WinSW would do with the input.

// Would the watchdog restart the program after it exits with `code`?
bool restarts(const Service& service, int code) {
  switch (service.restart.policy) {
    case RestartPolicy::always:
      return true;
    case RestartPolicy::never:
      return false;
    case RestartPolicy::on_failure:
      break;
  }
  const auto& ok = service.restart.success_exit_codes;
  return std::find(ok.begin(), ok.end(), code) == ok.end();
}

// The watchdog's wait before the n-th restart (0-based).
long long nth_delay_ms(const Service& service, int n) {
  double delay = static_cast<double>(service.restart.delay.count());
  const double cap =
      static_cast<double>(std::max(service.restart.max_delay, service.restart.delay).count());
  for (int i = 0; i < n; ++i) delay = std::min(delay * service.restart.multiplier, cap);
  return std::llround(delay);
}

std::string log_path(const Service& service, const LogStream& stream) {
  if (stream.kind != LogStream::Kind::file) return "(not a file)";
  return service.logs.directory + "\\" + stream.file_name;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + item;
  return out + "]";
}

// The SCM's start type for NSSM's Start and DelayedAutostart.
WindowsStart scm_start(std::uint64_t start, bool delayed) {
  if (start == 2) return delayed ? WindowsStart::delayed_automatic : WindowsStart::automatic;
  if (start == 4) return WindowsStart::disabled;
  return WindowsStart::demand;
}

TEST(ImportRenderBack, NssmRegistrationsDoWhatTheExportSaysForEveryCarriedValue) {
  Tally tally;
  for (const auto& path : inputs("nssm", ".reg")) {
    const std::string text = test::read_text(path);
    const auto result = import_nssm({path, text});
    ASSERT_TRUE(result.errors.empty()) << path;
    ASSERT_EQ(result.services.size(), 1U) << path;
    auto service = imported_service(result, result.services.front().name, TargetOs::windows, tally);
    if (!service) continue;
    std::vector<Diagnostic> ignored;
    const auto registration = windows::service_registration(*service, RenderOptions{}, ignored);
    ASSERT_TRUE(registration) << path;
    const auto reg = parse_reg_file(text);
    std::map<int, const RegValue*> by_line;
    for (const auto& key : reg.keys) {
      for (const auto& value : key.values) by_line[value.line] = &value;
    }
    const auto find = [&reg](std::string_view name) -> const RegValue* {
      for (const auto& key : reg.keys) {
        for (const auto& value : key.values) {
          if (lowercase(value.name) == lowercase(std::string(name))) return &value;
        }
      }
      return nullptr;
    };
    const RegValue* delayed = find("DelayedAutostart");
    for (const auto& line : result.report) {
      if (line.outcome != Outcome::carried) continue;
      const RegValue* value = by_line.count(line.line) ? by_line.at(line.line) : nullptr;
      if (value == nullptr) {
        tally.unknown(line);
        continue;
      }
      const std::string name = lowercase(value->name);
      const std::string& v = value->text;
      if (name == "type") {
        tally.check(line, value->number == 0x10, "daemonize registers SERVICE_WIN32_OWN_PROCESS");
      } else if (name == "errorcontrol") {
        tally.check(line, value->number == 1, "daemonize registers SERVICE_ERROR_NORMAL");
      } else if (name == "start" || name == "delayedautostart") {
        const auto start = find("Start");
        const auto want = scm_start(start ? start->number : 3, delayed && delayed->number != 0);
        tally.check(line, registration->start == want,
                    std::string("start ") + to_string(registration->start));
      } else if (name == "imagepath") {
        if (lowercase_file_name(split_image_path(v).front()) == "nssm.exe") {
          tally.check(
              line,
              registration->image_path.find("daemonize.exe\" run --service") != std::string::npos,
              "the registration does not run the watchdog: " + registration->image_path);
        } else {
          auto words = split_image_path(v);
          const std::vector<std::string> args(words.begin() + 1, words.end());
          tally.check(line, service->command == words.front() && service->args == args,
                      "runs " + service->command + " " + joined(service->args));
        }
      } else if (name == "displayname") {
        tally.check(line, registration->display_name == v, registration->display_name);
      } else if (name == "description") {
        tally.check(line, registration->description == v, registration->description);
      } else if (name == "objectname") {
        tally.check(line, registration->account.scm_name == windows::service_account(v).scm_name,
                    registration->account.scm_name);
      } else if (name == "dependonservice") {
        tally.check(line, registration->dependencies == value->strings,
                    joined(registration->dependencies));
      } else if (name == "application") {
        tally.check(line, service->command == v, service->command);
      } else if (name == "appparameters") {
        tally.check(line, service->args == split_windows_command_line(v, false),
                    joined(service->args));
      } else if (name == "appdirectory") {
        tally.check(line, service->working_directory == v, service->working_directory);
      } else if (name == "appenvironmentextra") {
        for (const auto& pair : value->strings) {
          const auto equals = pair.find('=');
          const auto got = service->env.find(pair.substr(0, equals));
          tally.check(line, got != service->env.end() && got->second == pair.substr(equals + 1),
                      pair + ": " + (got == service->env.end() ? "unset" : got->second));
        }
      } else if (name == "appstdout") {
        tally.check(line, log_path(*service, service->logs.stdout_stream) == v,
                    log_path(*service, service->logs.stdout_stream));
      } else if (name == "appstderr") {
        tally.check(line, log_path(*service, service->logs.stderr_stream) == v,
                    log_path(*service, service->logs.stderr_stream));
      } else if (name == "approtatebytes") {
        tally.check(line, service->logs.max_size == value->number,
                    std::to_string(service->logs.max_size));
      } else if (name == "approtateonline") {
        tally.check(
            line, value->number != 0 && service->logs.max_size != 0,
            "NSSM rotates while the program runs; so does the watchdog when max_size is set");
      } else if (name == "apprestartdelay") {
        tally.check(line, service->restart.delay.count() == static_cast<long long>(value->number),
                    std::to_string(service->restart.delay.count()) + "ms");
      } else if (name == "appstopmethodskip") {
        // 0: NSSM tries Ctrl+C, WM_CLOSE, WM_QUIT, then terminates: the watchdog's stop.
        tally.check(line, value->number == 0, "steps were skipped");
      } else if (name == "appkillprocesstree") {
        tally.check(line, (service->stop.kill == KillScope::group) == (value->number != 0),
                    std::string("stop.kill = ") + to_string(service->stop.kill));
      } else if (name == "appnoconsole") {
        tally.check(line, value->number == 0, "the watchdog always gives the program a console");
      } else if (name == "apptimestamplog") {
        tally.check(line, service->logs.timestamps == (value->number != 0), "logs.timestamps");
      } else if (line.key.starts_with("AppExit\\")) {
        const std::string action = lowercase(v);
        const std::string code = line.key.substr(8);
        std::vector<int> codes;
        if (code == "(default)") {
          codes = {1, 2, 3, 137};  // codes without a value of their own
          for (int c = 0; c < 256; ++c) {
            if (find(std::to_string(c)) != nullptr) std::erase(codes, c);
          }
        } else {
          codes = {std::stoi(code)};
        }
        for (const int c : codes) {
          tally.check(line, restarts(*service, c) == (action == "restart"),
                      "exit code " + std::to_string(c) + ": NSSM " + action);
        }
      } else if (line.key.starts_with("AppEvents\\")) {
        const auto& hooks = line.key == "AppEvents\\Start\\Pre"   ? service->hooks.pre_start
                            : line.key == "AppEvents\\Exit\\Post" ? service->hooks.post_stop
                                                                  : service->hooks.post_start;
        const auto words = split_windows_command_line(v, true);
        tally.check(line, !hooks.empty() && hooks.front().argv == words,
                    hooks.empty() ? "no hook" : joined(hooks.front().argv));
      } else {
        tally.unknown(line);
      }
    }
  }
  tally.expect_clean(79);
}

// WinSW's time span: a number and a unit (none: milliseconds).
long long winsw_span_ms(std::string text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) {
    ++digits;
  }
  const long long number = std::stoll(text.substr(0, digits));
  std::string unit = text.substr(digits);
  std::erase(unit, ' ');
  unit = lowercase(unit);
  if (unit.starts_with("sec")) return number * 1000;
  if (unit.starts_with("min")) return number * 60000;
  if (unit.starts_with("hour")) return number * 3600000;
  if (unit.starts_with("day")) return number * 86400000;
  return number;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

const XmlElement* child_named(const XmlElement& parent, std::string_view name) {
  for (const auto& element : parent.children) {
    if (lowercase(element.name) == name) return &element;
  }
  return nullptr;
}

TEST(ImportRenderBack, WinswServicesDoWhatTheXmlSaysForEveryCarriedElement) {
  Tally tally;
  for (const auto& path : inputs("winsw", ".xml")) {
    const std::string text = test::read_text(path);
    const auto result = import_winsw({path, text});
    ASSERT_TRUE(result.errors.empty()) << path;
    ASSERT_EQ(result.services.size(), 1U) << path;
    auto service = imported_service(result, result.services.front().name, TargetOs::windows, tally);
    if (!service) continue;
    std::vector<Diagnostic> ignored;
    const auto registration = windows::service_registration(*service, RenderOptions{}, ignored);
    ASSERT_TRUE(registration) << path;
    const auto document = parse_xml(text);
    ASSERT_TRUE(document.root) << path;
    const XmlElement& root = *document.root;
    // The element a report line names: KEY's last part (or `log` for "mode=…") at LINE.
    const auto element_at = [&root](int line, std::string name) -> const XmlElement* {
      if (name.starts_with("log mode=")) name = "log";
      name = lowercase(name.substr(name.find_last_of('/') + 1));
      std::function<const XmlElement*(const XmlElement&)> search =
          [&](const XmlElement& element) -> const XmlElement* {
        if (element.line == line && lowercase(element.name) == name) return &element;
        for (const auto& inner : element.children) {
          if (const auto* found = search(inner)) return found;
        }
        return nullptr;
      };
      return search(root);
    };
    // The index of `element` among its siblings of the same name.
    const auto index_of = [&root](const XmlElement* element) {
      int index = 0;
      for (const auto& sibling : root.children) {
        if (&sibling == element) return index;
        if (sibling.name == element->name) ++index;
      }
      return -1;
    };
    const auto* start_mode = child_named(root, "startmode");
    const auto* delayed = child_named(root, "delayedautostart");
    for (const auto& line : result.report) {
      if (line.outcome != Outcome::carried) continue;
      const XmlElement* e = element_at(line.line, line.key);
      if (e == nullptr) {
        tally.unknown(line);
        continue;
      }
      const std::string name =
          line.key.starts_with("log mode=") ? line.key.substr(4) : lowercase(line.key);
      const std::string value = trimmed(e->text);
      if (name == "id") {
        tally.check(line, service->name == value, service->name);
      } else if (name == "name") {
        tally.check(line, registration->display_name == value, registration->display_name);
      } else if (name == "description") {
        tally.check(line, registration->description == value, registration->description);
      } else if (name == "executable") {
        tally.check(line, service->command == value, service->command);
      } else if (name == "arguments" || name == "startarguments") {
        std::string flat = e->text;
        std::replace_if(
            flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
        tally.check(line, service->args == split_windows_command_line(flat, false),
                    joined(service->args));
      } else if (name == "argument") {
        const int i = index_of(e);
        tally.check(line,
                    i >= 0 && static_cast<std::size_t>(i) < service->args.size() &&
                        service->args[static_cast<std::size_t>(i)] == e->text,
                    joined(service->args));
      } else if (name == "env") {
        const auto* key = e->attribute("name");
        const auto* env_value = e->attribute("value");
        const auto got = key != nullptr ? service->env.find(*key) : service->env.end();
        tally.check(line,
                    got != service->env.end() && env_value != nullptr && got->second == *env_value,
                    got == service->env.end() ? "unset" : got->second);
      } else if (name == "workingdirectory") {
        tally.check(line, service->working_directory == value, service->working_directory);
      } else if (name == "logpath") {
        tally.check(line, service->logs.directory == value, service->logs.directory);
      } else if (name == "onfailure") {
        const int i = index_of(e);
        const auto* action = e->attribute("action");
        const auto* delay = e->attribute("delay");
        if (action != nullptr && *action == "restart") {
          const long long want = delay != nullptr ? winsw_span_ms(*delay) : 0;
          tally.check(line, restarts(*service, 1) && nth_delay_ms(*service, i) == want,
                      "restart " + std::to_string(i + 1) + " after " +
                          std::to_string(nth_delay_ms(*service, i)) + "ms");
        } else {  // none: give up after the restarts before it
          tally.check(line,
                      i == 0 ? !restarts(*service, 1)
                             : service->restart.max_restarts == static_cast<std::uint32_t>(i),
                      "max_restarts " + std::to_string(service->restart.max_restarts));
        }
      } else if (name == "resetfailure") {
        tally.check(line, service->restart.window.count() == winsw_span_ms(value),
                    std::to_string(service->restart.window.count()) + "ms");
      } else if (name == "stoptimeout") {
        tally.check(line, service->stop.timeout.count() == winsw_span_ms(value),
                    std::to_string(service->stop.timeout.count()) + "ms");
      } else if (name == "startmode" || name == "delayedautostart") {
        const std::string mode =
            start_mode != nullptr ? lowercase(trimmed(start_mode->text)) : "automatic";
        const bool is_delayed = delayed != nullptr && lowercase(trimmed(delayed->text)) == "true";
        const WindowsStart want = mode == "manual"     ? WindowsStart::demand
                                  : mode == "disabled" ? WindowsStart::disabled
                                  : is_delayed         ? WindowsStart::delayed_automatic
                                                       : WindowsStart::automatic;
        tally.check(line, registration->start == want, to_string(registration->start));
      } else if (name == "depend") {
        const auto& deps = registration->dependencies;
        tally.check(line, std::find(deps.begin(), deps.end(), value) != deps.end(), joined(deps));
      } else if (name == "serviceaccount/username" || name == "serviceaccount/user" ||
                 name == "serviceaccount/domain") {
        const XmlElement* account = child_named(root, "serviceaccount");
        const auto* username = account ? child_named(*account, "username") : nullptr;
        const auto* domain = account ? child_named(*account, "domain") : nullptr;
        const auto* user = account ? child_named(*account, "user") : nullptr;
        const std::string want =
            username != nullptr
                ? trimmed(username->text)
                : (domain ? trimmed(domain->text) + "\\" : "") + (user ? trimmed(user->text) : "");
        tally.check(line, registration->account.scm_name == windows::service_account(want).scm_name,
                    registration->account.scm_name);
      } else if (name == "log/sizethreshold") {
        tally.check(line, service->logs.max_size == std::stoull(value) * 1024,
                    std::to_string(service->logs.max_size));
      } else if (name == "log/keepfiles") {
        tally.check(line, service->logs.max_files == std::stoul(value),
                    std::to_string(service->logs.max_files));
      } else if (name == "logmode" && value == "rotate") {
        // WinSW's rotate: roll by size at 10 MiB, keeping 8 files.
        tally.check(line, service->logs.max_size == 10240U * 1024U && service->logs.max_files == 8,
                    std::to_string(service->logs.max_size) + " bytes, " +
                        std::to_string(service->logs.max_files) + " files");
      } else if (name == "stopexecutable") {
        const auto* arguments = child_named(root, "stoparguments");
        std::vector<std::string> want{value};
        if (arguments != nullptr) {
          for (auto& word : split_windows_command_line(arguments->text, false))
            want.push_back(word);
        }
        const auto& hooks = service->hooks.stop;
        tally.check(line, !hooks.empty() && hooks.front().argv == want,
                    hooks.empty() ? "no hook" : joined(hooks.front().argv));
      } else if (name == "mode=roll-by-size") {
        tally.check(line, service->logs.max_size != 0, "no size rotation");
      } else if (name == "mode=none") {
        tally.check(line,
                    service->logs.stdout_stream.kind == LogStream::Kind::null &&
                        service->logs.stderr_stream.kind == LogStream::Kind::null,
                    "output is kept");
      } else if (name == "prestop" || name == "poststop" || name == "poststart") {
        const auto& hooks = name == "prestop"    ? service->hooks.stop
                            : name == "poststop" ? service->hooks.post_stop
                                                 : service->hooks.post_start;
        const auto* executable = child_named(*e, "executable");
        const auto* arguments = child_named(*e, "arguments");
        std::vector<std::string> want{executable ? trimmed(executable->text) : ""};
        if (arguments != nullptr) {
          for (auto& word : split_windows_command_line(arguments->text, false))
            want.push_back(word);
        }
        tally.check(line, !hooks.empty() && hooks.front().argv == want,
                    hooks.empty() ? "no hook" : joined(hooks.front().argv));
      } else {
        tally.unknown(line);
      }
    }
  }
  tally.expect_clean(62);
}

// ---------------------------------------------------------------------------------------------
// supervisord: each carried key of a [program:x] against the model the watchdog runs.

// A command line as supervisord splits it (Python's shlex, POSIX mode).
std::vector<std::string> shlex_split(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        word += c;
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else if (c == '\\' && i + 1 < text.size() &&
               std::string("\\\"$`").find(text[i + 1]) != std::string::npos)
        word += text[++i];
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// supervisord's byte sizes: a number with an optional KB, MB or GB (powers of 1024).
std::uint64_t supervisord_bytes(std::string value) {
  std::uint64_t factor = 1;
  const std::string upper = [&] {
    std::string u = value;
    for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  if (upper.ends_with("KB")) factor = 1024;
  if (upper.ends_with("MB")) factor = 1024 * 1024;
  if (upper.ends_with("GB")) factor = 1024 * 1024 * 1024;
  if (factor != 1) value.resize(value.size() - 2);
  return std::stoull(value) * factor;
}

std::vector<int> int_list(const std::string& text) {
  std::vector<int> numbers;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) numbers.push_back(std::stoi(trimmed(item)));
  return numbers;
}

std::string log_file_path(const Service& service, const LogStream& stream) {
  if (stream.kind != LogStream::Kind::file) return "(not a file)";
  return service.logs.directory + "/" + stream.file_name;
}

TEST(ImportRenderBack, SupervisordProgramsRunAsTheConfigurationSaysForEveryCarriedKey) {
  Tally tally;
  for (const auto& path : inputs("supervisord", ".conf")) {
    const std::string text = test::read_text(path);
    const auto result = import_supervisord({path, text});
    ASSERT_TRUE(result.errors.empty()) << path;
    std::vector<std::string> lines;
    std::stringstream stream(text);
    for (std::string l; std::getline(stream, l);) lines.push_back(l);
    for (const auto& line : result.report) {
      if (line.outcome != Outcome::carried) continue;
      // The program: the [program:x] above the line.
      std::string program;
      for (int i = line.line - 1; i >= 0 && program.empty(); --i) {
        const std::string& header = lines[static_cast<std::size_t>(i)];
        if (header.starts_with("[program:")) program = header.substr(9, header.find(']') - 9);
      }
      const std::string raw = lines[static_cast<std::size_t>(line.line - 1)];
      const auto equals = raw.find_first_of("=:");
      const std::string key = trimmed(raw.substr(0, equals));
      // supervisord's own expansions: the configuration's directory and the program's name.
      std::string value = trimmed(raw.substr(equals + 1));
      for (const auto& [name, replacement] :
           {std::pair<std::string, std::string>{"%(here)s", fs::path(path).parent_path().string()},
            {"%(program_name)s", program}}) {
        for (auto at = value.find(name); at != std::string::npos; at = value.find(name, at)) {
          value.replace(at, name.size(), replacement);
          at += replacement.size();
        }
      }
      auto service = imported_service(result, service_name_from(program), TargetOs::linux, tally);
      if (!service) continue;
      if (key == "command") {
        std::vector<std::string> got{service->command};
        got.insert(got.end(), service->args.begin(), service->args.end());
        tally.check(line, got == shlex_split(value), "runs " + joined(got));
      } else if (key == "directory") {
        tally.check(line, service->working_directory == value, service->working_directory);
      } else if (key == "user") {
        tally.check(line, service->user == value, service->user);
      } else if (key == "umask") {
        tally.check(line,
                    service->umask == std::optional<std::uint32_t>(std::stoul(value, nullptr, 8)),
                    service->umask ? std::to_string(*service->umask) : "unset");
      } else if (key == "environment") {
        for (const auto& pair : shlex_split([&] {
               std::string spaced = value;
               std::replace(spaced.begin(), spaced.end(), ',', ' ');
               return spaced;
             }())) {
          const auto at = pair.find('=');
          const auto got = service->env.find(pair.substr(0, at));
          tally.check(line, got != service->env.end() && got->second == pair.substr(at + 1),
                      pair + ": " + (got == service->env.end() ? "unset" : got->second));
        }
      } else if (key == "autorestart") {
        // true: always; false: never; unexpected: when the code is not one of exitcodes.
        for (const int code : {0, 1, 2, 143}) {
          bool want = value == "true";
          if (value == "unexpected") {
            std::vector<int> expected{0};
            for (const auto& other : lines) {
              if (other.starts_with("exitcodes"))
                expected = int_list(other.substr(other.find_first_of("=:") + 1));
            }
            want = std::find(expected.begin(), expected.end(), code) == expected.end();
          }
          tally.check(line, restarts(*service, code) == want,
                      "exit code " + std::to_string(code) + ": autorestart=" + value);
        }
      } else if (key == "exitcodes") {
        tally.check(line, service->restart.success_exit_codes == int_list(value), "success codes");
      } else if (key == "stopsignal") {
        tally.check(line, lowercase(to_string(service->stop.signal)) == lowercase(value),
                    to_string(service->stop.signal));
      } else if (key == "stopwaitsecs") {
        tally.check(line, service->stop.timeout.count() == std::stoll(value) * 1000,
                    std::to_string(service->stop.timeout.count()) + "ms");
      } else if (key == "stdout_logfile") {
        tally.check(line, log_file_path(*service, service->logs.stdout_stream) == value,
                    log_file_path(*service, service->logs.stdout_stream));
      } else if (key == "stderr_logfile") {
        tally.check(line, log_file_path(*service, service->logs.stderr_stream) == value,
                    log_file_path(*service, service->logs.stderr_stream));
      } else if (key == "stdout_logfile_maxbytes") {
        tally.check(line, service->logs.max_size == supervisord_bytes(value),
                    std::to_string(service->logs.max_size));
      } else if (key == "stdout_logfile_backups") {
        tally.check(line, service->logs.max_files == std::stoul(value),
                    std::to_string(service->logs.max_files));
      } else if (key == "redirect_stderr") {
        tally.check(line,
                    value == "true" && log_file_path(*service, service->logs.stderr_stream) ==
                                           log_file_path(*service, service->logs.stdout_stream),
                    "stderr goes to " + log_file_path(*service, service->logs.stderr_stream));
      } else if (key == "autostart") {
        tally.check(line, value == "true", "a deployed service starts");
      } else if (key == "numprocs") {
        tally.check(line, value == "1", "one process");
      } else if (key == "process_name") {
        tally.check(line, service->name == service_name_from(program), service->name);
      } else {
        tally.unknown(line);
      }
    }
  }
  tally.expect_clean(66);
}

// ---------------------------------------------------------------------------------------------
// PM2: each carried key of an app against the model the watchdog runs.

std::vector<std::string> words_of(const YAML::Node& node) {
  if (!node) return {};
  if (node.IsSequence()) {
    std::vector<std::string> words;
    for (const auto& item : node) words.push_back(item.as<std::string>());
    return words;
  }
  return shlex_split(node.as<std::string>());
}

// A PM2 duration: milliseconds, or a number with ms, s, m or h.
long long pm2_ms(const YAML::Node& node) {
  const std::string text = node.as<std::string>();
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) {
    ++digits;
  }
  const long long number = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "s") return number * 1000;
  if (unit == "m") return number * 60000;
  if (unit == "h") return number * 3600000;
  return number;
}

TEST(ImportRenderBack, Pm2AppsRunAsTheEcosystemSaysForEveryCarriedKey) {
  Tally tally;
  std::vector<std::string> paths = inputs("pm2", ".json");
  for (const auto* extension : {".yaml", ".yml"}) {
    for (auto& p : inputs("pm2", extension)) paths.push_back(p);
  }
  for (const auto& path : paths) {
    const std::string text = test::read_text(path);
    const auto result = import_pm2({path, text});
    ASSERT_TRUE(result.errors.empty()) << path;
    const YAML::Node root = YAML::Load(text);
    ASSERT_EQ(result.services.size(), root["apps"].size()) << path;
    std::size_t index = 0;
    for (const auto& app : root["apps"]) {
      // One manifest per app, in order (an app without a name is named after its script).
      const std::string app_name = result.services[index++].name;
      auto service = imported_service(result, app_name, TargetOs::linux, tally);
      if (!service) continue;
      // The key of this app at each line (env.X for the variables).
      std::map<int, std::pair<std::string, YAML::Node>> keys;
      for (const auto& entry : app) {
        const std::string key = entry.first.as<std::string>();
        keys[entry.first.Mark().line + 1] = {key, entry.second};
        if (key == "env" && entry.second.IsMap()) {
          for (const auto& variable : entry.second) {
            keys[variable.first.Mark().line + 1] = {"env." + variable.first.as<std::string>(),
                                                    variable.second};
          }
        }
      }
      // What PM2 runs: [interpreter] interpreter_args script args, the script under cwd.
      const std::string cwd = app["cwd"] ? app["cwd"].as<std::string>() : "";
      std::string script = app["script"].as<std::string>();
      // A bare name is looked up in PATH; a relative path is under cwd.
      if (!script.starts_with("/") && script.find('/') != std::string::npos) {
        script = cwd + "/" + (script.starts_with("./") ? script.substr(2) : script);
      }
      std::vector<std::string> tail =
          words_of(app["interpreter_args"] ? app["interpreter_args"] : app["node_args"]);
      tail.push_back(script);
      for (auto& word : words_of(app["args"])) tail.push_back(word);
      std::vector<std::string> argv{service->command};
      argv.insert(argv.end(), service->args.begin(), service->args.end());
      const bool ends_with_tail = argv.size() >= tail.size() &&
                                  std::equal(tail.begin(), tail.end(),
                                             argv.end() - static_cast<std::ptrdiff_t>(tail.size()));
      const std::string interpreter =
          app["interpreter"] ? app["interpreter"].as<std::string>() : "";
      for (const auto& line : result.report) {
        if (line.outcome != Outcome::carried || !keys.count(line.line)) continue;
        const auto& [key, value] = keys.at(line.line);
        if (key != line.key) continue;  // another app's key on this line
        if (key == "name") {
          tally.check(line, service->name == value.as<std::string>(), service->name);
        } else if (key == "script" || key == "args" || key == "interpreter_args" ||
                   key == "node_args") {
          tally.check(line, ends_with_tail, "runs " + joined(argv));
        } else if (key == "interpreter") {
          // A bare interpreter is looked up in PATH, by /usr/bin/env here.
          const std::vector<std::string> head =
              interpreter == "none" ? std::vector<std::string>{}
              : interpreter.starts_with("/")
                  ? std::vector<std::string>{interpreter}
                  : std::vector<std::string>{"/usr/bin/env", interpreter};
          tally.check(line,
                      argv.size() == tail.size() + head.size() && ends_with_tail &&
                          std::equal(head.begin(), head.end(), argv.begin()),
                      "runs " + joined(argv));
        } else if (key == "cwd") {
          tally.check(line, service->working_directory == cwd, service->working_directory);
        } else if (key.starts_with("env.")) {
          const auto got = service->env.find(key.substr(4));
          // The manifest writes a literal `$` as `$$`; the program sees one.
          std::string seen = got == service->env.end() ? "unset" : got->second;
          for (auto at = seen.find("$$"); at != std::string::npos; at = seen.find("$$", at + 1)) {
            seen.erase(at, 1);
          }
          tally.check(line, got != service->env.end() && seen == value.as<std::string>(), seen);
        } else if (key == "autorestart") {
          // PM2 restarts after every exit but those of stop_exit_codes.
          std::vector<int> stop_codes;
          if (const auto listed = app["stop_exit_codes"]; listed && listed.IsSequence()) {
            for (const auto& code : listed) stop_codes.push_back(code.as<int>());
          } else if (listed) {
            stop_codes.push_back(listed.as<int>());
          }
          for (const int code : {0, 1, 2}) {
            const bool want = value.as<bool>() && std::find(stop_codes.begin(), stop_codes.end(),
                                                            code) == stop_codes.end();
            tally.check(line, restarts(*service, code) == want,
                        "exit code " + std::to_string(code) +
                            ": restart.policy = " + to_string(service->restart.policy));
          }
        } else if (key == "restart_delay") {
          const long long want = pm2_ms(value);
          tally.check(line, nth_delay_ms(*service, 0) == want && nth_delay_ms(*service, 2) == want,
                      "waits " + std::to_string(nth_delay_ms(*service, 0)) + "ms, then " +
                          std::to_string(nth_delay_ms(*service, 2)) + "ms");
        } else if (key == "exp_backoff_restart_delay") {
          // PM2: the delay, times 1.5 per restart, up to 15 s.
          const long long first = pm2_ms(value);
          bool same = true;
          double want = static_cast<double>(first);
          for (int i = 0; i < 12; ++i) {
            same = same && std::llabs(nth_delay_ms(*service, i) - std::llround(want)) <= 1;
            want = std::min(want * 1.5, 15000.0);
          }
          tally.check(line, same,
                      "waits " + std::to_string(nth_delay_ms(*service, 0)) + "ms first");
        } else if (key == "kill_timeout") {
          tally.check(line, service->stop.timeout.count() == pm2_ms(value),
                      std::to_string(service->stop.timeout.count()) + "ms");
        } else if (key == "out_file" && value.as<std::string>() == "/dev/null") {
          tally.check(line, service->logs.stdout_stream.kind == LogStream::Kind::null, "kept");
        } else if (key == "out_file") {
          tally.check(
              line, log_file_path(*service, service->logs.stdout_stream) == value.as<std::string>(),
              log_file_path(*service, service->logs.stdout_stream));
        } else if (key == "error_file") {
          tally.check(
              line, log_file_path(*service, service->logs.stderr_stream) == value.as<std::string>(),
              log_file_path(*service, service->logs.stderr_stream));
        } else if (key == "user" || key == "uid") {
          tally.check(line, service->user == value.as<std::string>(), service->user);
        } else if (key == "gid") {
          tally.check(line, service->group == value.as<std::string>(), service->group);
        } else if (key == "treekill") {
          tally.check(line, (service->stop.kill == KillScope::group) == value.as<bool>(),
                      std::string("stop.kill = ") + to_string(service->stop.kill));
        } else if (key == "stop_exit_codes") {
          std::vector<int> codes;
          if (value.IsSequence()) {
            for (const auto& code : value) codes.push_back(code.as<int>());
          } else {
            codes.push_back(value.as<int>());
          }
          for (const int code : {0, 1, 2}) {
            const bool listed = std::find(codes.begin(), codes.end(), code) != codes.end();
            tally.check(line, restarts(*service, code) == !listed,
                        "exit code " + std::to_string(code));
          }
        } else if (key == "merge_logs") {
          // One file per stream, without PM2's -N instance suffix.
          tally.check(line, value.as<bool>(), "merge_logs false");
        } else if (key == "instances" || key == "exec_mode") {
          tally.check(line, !app["instances"] || app["instances"].as<std::string>() == "1",
                      "one process");
        } else if (key == "watch") {
          tally.check(line, !value.as<bool>(), "no restart on file changes");
        } else if (key == "disable_logs") {
          tally.check(line,
                      value.as<bool>() &&
                          service->logs.stdout_stream.kind == LogStream::Kind::null &&
                          service->logs.stderr_stream.kind == LogStream::Kind::null,
                      "output is kept");
        } else {
          tally.unknown(line);
        }
      }
    }
  }
  tally.expect_clean(63);
}

}  // namespace
}  // namespace daemonize::import
