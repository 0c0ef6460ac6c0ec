// How manifest strings with `${...}` and `$$` become container fields, following manifest.md:
//   `${VAR}`     -> `$(VAR)`, VAR defined in the container's env (secretKeyRef when listed in
//                   required_env: Secret "<name>-env", never a literal secret)
//   `${VAR:-d}`  -> `$(VAR)` and an env entry VAR = d (unless [env] or the Secret defines VAR)
//   `${VAR:?m}`  -> rejected (kubelet has no required-variable check)
//   literal `$`  -> `$$` in fields kubelet expands (command, args, env values, exec probes)
// Fields kubelet does not expand (workingDir, httpGet, tcpSocket) are resolved at render time
// when the pod's value is known then, and rejected otherwise.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/model.hpp"
#include "daemonize/kubernetes/yaml_document.hpp"

namespace daemonize::kubernetes {

class PodEnvironment {
 public:
  // `secret_name` is the Secret the required_env variables are read from.
  PodEnvironment(const Service& service, std::string secret_name,
                 std::vector<Diagnostic>& diagnostics);

  // A value for a field kubelet expands. `key` names the manifest key for diagnostics.
  [[nodiscard]] std::string for_kubelet(std::string_view raw, const std::string& key);

  // A value for a field whose text reaches the program as written (after render-time
  // resolution); `escape_dollars` for fields that still pass through kubelet's `$$` handling.
  // nullopt (with an error diagnostic) when a reference cannot be resolved now.
  [[nodiscard]] std::optional<std::string> resolved_now(std::string_view raw,
                                                        const std::string& key,
                                                        bool escape_dollars);

  // The container's `env` list: Secret references first, then defaults of `${VAR:-d}`, then
  // [env] entries ordered so that every entry comes after the entries it references (kubelet
  // only expands references to earlier entries). Call after every other field was translated.
  [[nodiscard]] YamlNode env_list();

  // Names the Secret must provide, in required_env order.
  [[nodiscard]] const std::vector<std::string>& secret_keys() const { return secret_keys_; }

 private:
  enum class SelfReference { none, plain, with_default, required };
  [[nodiscard]] SelfReference self_reference(const std::string& name) const;
  [[nodiscard]] bool defined_by_env_table(const std::string& name) const;
  [[nodiscard]] bool is_secret(const std::string& name) const;
  [[nodiscard]] std::optional<std::string> static_env_value(const std::string& name) const;
  std::string translate(std::string_view raw, const std::string& key, const std::string& self,
                        std::set<std::string>* referenced_env);
  void add_default(const std::string& name, const std::string& value, const std::string& key);
  void error(const std::string& key, std::string message);
  void warning(const std::string& key, std::string message);

  const Service& service_;
  std::string secret_name_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<std::string> secret_keys_;
  std::map<std::string, std::string> defaults_;        // VAR -> default value (literal)
  std::map<std::string, std::string> default_origin_;  // VAR -> key that introduced it
  std::set<std::string> warned_undefined_;
  std::vector<std::pair<std::string, std::string>> pending_undefined_;  // (VAR, key)
};

// `$` -> `$$`: kubelet turns `$$` back into one `$` and never expands what follows it.
[[nodiscard]] std::string escape_for_kubelet(std::string_view literal);

}  // namespace daemonize::kubernetes
