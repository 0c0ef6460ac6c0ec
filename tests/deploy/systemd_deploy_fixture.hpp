// A systemd deploy of one service against the recording fakes: the fixture the plan/apply,
// crash-recovery and step-line tests share. A test sets `service` (its name names the unit and
// the manifest) and edits `unit_text`/`manifest_text`/`binary` between deploys.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "daemonize/deploy/deploy.hpp"
#include "daemonize/systemd/install.hpp"
#include "fake_system_ops.hpp"
#include "fake_systemd.hpp"

namespace daemonize::testing {

struct SystemdDeployFixture : ::testing::Test {
  Service service;
  std::unique_ptr<Backend> target = make_systemd_deployable_backend();
  FakeSystemOps ops;
  FakeSystemd systemd;
  std::unique_ptr<Installer> installer;
  deploy::DeploySettings settings;
  std::ostringstream out;
  std::ostringstream err;
  std::string unit_text =
      "[Service]\nExecStart=/usr/local/bin/daemonize run /etc/daemonize/web-api.toml\n";
  std::string manifest_text = "[service]\nname = \"web-api\"\n";
  std::optional<std::string> binary;  // daemonize's bytes to install; nullopt: not installed

  SystemdDeployFixture() {
    service.name = "web-api";
    service.display_name = "web-api";
    service.command = "/usr/bin/python3";
    service.logs.directory = "/var/log/web-api";
    systemd.attach(ops);
    settings.sleep = [](std::chrono::milliseconds) {};
  }

  deploy::DeployInput input() {
    deploy::DeployInput result;
    result.service = &service;
    result.target = target.get();
    result.layout = deploy::make_layout(service, *target, "/root", "");
    Artifact unit;
    unit.file_name = service.name + ".service";
    unit.install_path = "/etc/systemd/system/" + service.name + ".service";
    unit.content = unit_text;
    result.artifacts.push_back(unit);
    result.manifest_text = manifest_text;
    result.manifest_source = "/srv/" + service.name + ".toml";
    result.daemonize_binary = binary;
    return result;
  }

  deploy::Plan plan() {
    installer = deploy::make_installer(*target,
                                       deploy::install_request(service, input().layout, 0, "root"));
    return deploy::make_plan(input(), ops, installer.get(), settings);
  }

  deploy::Outcome deploy() {
    auto planned = plan();
    return deploy::apply_plan(planned, ops, installer.get(), settings, out, err);
  }

  // The systemctl commands that change something (not `show`).
  std::vector<std::string> systemctl_changes() {
    std::vector<std::string> lines;
    for (const auto& line : ops.command_lines("systemctl")) {
      if (line.find(" show ") == std::string::npos) lines.push_back(line);
    }
    return lines;
  }
};

}  // namespace daemonize::testing
