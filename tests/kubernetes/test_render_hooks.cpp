// [hooks] and stop.kill in the kubernetes renderer: post_start and stop are lifecycle hooks.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "daemonize/core/loader.hpp"
#include "daemonize/kubernetes/backend.hpp"

namespace daemonize {
namespace {

using kubernetes::render_kubernetes;

Service load(const std::string& text) {
  auto loaded = load_manifest_text(text, "hooks.toml", TargetOs::linux);
  for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << format_diagnostic(diagnostic);
  if (!loaded.service) throw std::runtime_error("the manifest did not load");
  return *loaded.service;
}

std::string message_for(const RenderResult& result, const std::string& key) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == key) return diagnostic.message;
  }
  return "";
}

const std::string kBase = R"(
[service]
name = "web"
command = "/usr/bin/web"

[kubernetes]
image = "registry.example.com/web:1"
)";

TEST(KubernetesHooks, PostStartAndStopAreLifecycleExecHooks) {
  const auto result = render_kubernetes(load(kBase + R"(
[hooks]
post_start = [["/usr/bin/web-ready", "--port", "${PORT}"]]
stop = [["/usr/bin/web", "-s", "quit"]]
pre_start = [["/usr/bin/web", "-t"]]
post_stop = [["/bin/true"]]

[env]
PORT = "8080"

[stop]
kill = "main"
)"));
  ASSERT_FALSE(result.artifacts.empty());
  const auto documents = YAML::LoadAll(result.artifacts.front().content);
  YAML::Node container;
  for (const auto& document : documents) {
    if (document["kind"].template as<std::string>() == "Deployment")
      container = document["spec"]["template"]["spec"]["containers"][0];
  }
  ASSERT_TRUE(container["lifecycle"]);
  const auto post_start = container["lifecycle"]["postStart"]["exec"]["command"];
  ASSERT_EQ(post_start.size(), 3U);
  EXPECT_EQ(post_start[0].as<std::string>(), "/usr/bin/web-ready");
  EXPECT_EQ(post_start[2].as<std::string>(), "8080");
  const auto pre_stop = container["lifecycle"]["preStop"]["exec"]["command"];
  ASSERT_EQ(pre_stop.size(), 3U);
  EXPECT_EQ(pre_stop[2].as<std::string>(), "quit");
  EXPECT_EQ(message_for(result, "hooks.pre_start"),
            "kubernetes: a pod has no hooks.pre_start counterpart (only post_start and stop map "
            "to lifecycle hooks); ignored");
  EXPECT_EQ(message_for(result, "hooks.post_stop"),
            "kubernetes: a pod has no hooks.post_stop counterpart (only post_start and stop map "
            "to lifecycle hooks); ignored");
  EXPECT_EQ(message_for(result, "stop.kill"),
            "kubernetes: kubelet stops every process of the container; stop.kill = \"main\" is "
            "not expressible");
}

TEST(KubernetesHooks, MoreThanOneCommandPerLifecycleHookIsAnError) {
  const auto result = render_kubernetes(load(kBase + R"(
[hooks]
stop = [["/usr/bin/web", "-s", "quit"], ["/bin/sleep", "5"]]
)"));
  EXPECT_TRUE(has_errors(result.diagnostics));
  EXPECT_EQ(
      message_for(result, "hooks.stop"),
      "kubernetes: kubelet runs one command per lifecycle hook (preStop): 'hooks.stop' has 2; "
      "use one (a script in the image)");
}

}  // namespace
}  // namespace daemonize
