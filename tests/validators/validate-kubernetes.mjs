// Validates rendered Kubernetes YAML files:
//  1. every document parses without error or warning as YAML 1.1 AND as YAML 1.2, and both
//     readings are identical (a string YAML 1.1 would read as a bool/number/null fails here);
//  2. every document is a known kind and passes kubernetes-models' validate() (the OpenAPI schema
//     of Kubernetes: types, required fields, enums);
//  3. the objects of a file fit together: every RoleBinding/ClusterRoleBinding refers to a Role/
//     ClusterRole of the file and binds the Deployment's ServiceAccount; a ServiceAccount without
//     its token (automountServiceAccountToken: false) is bound to nothing; an Istio
//     AuthorizationPolicy selects the Deployment's pods in its namespace;
//  4. when FILE's sibling FILE-without-.yaml + ".expect.json" exists, the Deployment's first
//     container matches it: "args" (as parsed) and "kubeletArgs" (after kubelet's $(VAR)/$$
//     expansion of command/args, simulated below).
// Usage: node validate-kubernetes.mjs [--expect-invalid] FILE.yaml...
// Exit 0 when every file is valid (with --expect-invalid: when every file is rejected).
import { readFileSync, existsSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Service } from "kubernetes-models/v1/Service";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";

const MODELS = {
  "apps/v1 Deployment": Deployment,
  "v1 ServiceAccount": ServiceAccount,
  "v1 Service": Service,
  "rbac.authorization.k8s.io/v1 Role": Role,
  "rbac.authorization.k8s.io/v1 RoleBinding": RoleBinding,
  "rbac.authorization.k8s.io/v1 ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": ClusterRoleBinding,
  "security.istio.io/v1 AuthorizationPolicy": AuthorizationPolicy,
};

// Check 3: what kubectl would accept object by object but what would not work together.
function crossObjectProblems(objects) {
  const problems = [];
  const deployment = objects.find((object) => object?.kind === "Deployment");
  if (!deployment) return problems;
  const namespace = deployment.metadata?.namespace ?? "default";
  const pod = deployment.spec?.template;
  const account = pod?.spec?.serviceAccountName ?? "default";
  const bindings = objects.filter((object) => object?.kind?.endsWith("RoleBinding"));
  for (const binding of bindings) {
    const roleKind = binding.roleRef?.kind;
    const role = objects.find(
      (object) => object?.kind === roleKind && object?.metadata?.name === binding.roleRef?.name,
    );
    if (!role) problems.push(`${binding.kind} ${binding.metadata?.name}: no ${roleKind} ${binding.roleRef?.name} in the file`);
    const bindsAccount = (binding.subjects ?? []).some(
      (subject) => subject.kind === "ServiceAccount" && subject.name === account && subject.namespace === namespace,
    );
    if (!bindsAccount) problems.push(`${binding.kind} ${binding.metadata?.name}: does not bind ServiceAccount ${namespace}/${account}`);
  }
  const serviceAccount = objects.find((object) => object?.kind === "ServiceAccount" && object?.metadata?.name === account);
  const tokenless = serviceAccount?.automountServiceAccountToken === false || pod?.spec?.automountServiceAccountToken === false;
  // Only for files that decide about the token (daemonize's always do; the fixtures of other
  // checks do not).
  const decided = serviceAccount !== undefined || pod?.spec?.automountServiceAccountToken !== undefined;
  if (decided && tokenless && bindings.length > 0) problems.push(`ServiceAccount ${account} is bound to a role but its token is not mounted`);
  if (decided && !tokenless && bindings.length === 0) problems.push(`ServiceAccount ${account} has no role but its token is mounted`);
  for (const policy of objects.filter((object) => object?.kind === "AuthorizationPolicy")) {
    const wanted = policy.spec?.selector?.matchLabels ?? {};
    const labels = pod?.metadata?.labels ?? {};
    const selects = Object.keys(wanted).length > 0 && Object.entries(wanted).every(([key, value]) => labels[key] === value);
    if (!selects) problems.push(`AuthorizationPolicy ${policy.metadata?.name}: selector ${JSON.stringify(wanted)} does not select the Deployment's pods`);
    if ((policy.metadata?.namespace ?? "default") !== namespace) problems.push(`AuthorizationPolicy ${policy.metadata?.name}: not in namespace ${namespace}`);
  }
  return problems;
}

function parseAll(text, version) {
  const documents = YAML.parseAllDocuments(text, { version, strict: true, uniqueKeys: true });
  const problems = [];
  const values = [];
  for (const document of documents) {
    for (const error of document.errors) problems.push(`YAML ${version} error: ${error.message}`);
    for (const warning of document.warnings) problems.push(`YAML ${version} warning: ${warning.message}`);
    values.push(document.toJS());
  }
  return { values: values.filter((value) => value !== null), problems };
}

// kubelet's expansion (k8s.io/kubernetes third_party/forked/golang/expansion): "$$" -> "$",
// "$(NAME)" -> the value of NAME when defined (else left as written), any other "$x" as written.
export function kubeletExpand(input, lookup) {
  let output = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== "$" || i + 1 >= input.length) {
      output += c;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      output += "$";
      i += 1;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        output += "$(";
        i += 1;
      } else {
        const name = input.slice(i + 2, close);
        const value = lookup(name);
        output += value === undefined ? `$(${name})` : value;
        i = close;
      }
    } else {
      output += "$" + next;
      i += 1;
    }
  }
  return output;
}

// The container environment as kubelet builds it: entries in order, each value expanded against
// the entries before it; valueFrom entries stand for their source.
function containerEnvironment(container) {
  const env = new Map();
  for (const entry of container.env ?? []) {
    if (entry.valueFrom) {
      const ref = entry.valueFrom.secretKeyRef;
      env.set(entry.name, ref ? `<secret ${ref.name}/${ref.key}>` : "<valueFrom>");
    } else {
      env.set(entry.name, kubeletExpand(entry.value ?? "", (name) => env.get(name)));
    }
  }
  return env;
}

function checkFile(path) {
  const problems = [];
  const text = readFileSync(path, "utf8");
  const yaml11 = parseAll(text, "1.1");
  const yaml12 = parseAll(text, "1.2");
  problems.push(...yaml11.problems, ...yaml12.problems);
  if (!isDeepStrictEqual(yaml11.values, yaml12.values)) {
    problems.push(
      `YAML 1.1 and 1.2 read different values:\n  1.1: ${JSON.stringify(yaml11.values)}\n  1.2: ${JSON.stringify(yaml12.values)}`,
    );
  }
  if (yaml12.values.length === 0) problems.push("no YAML document");
  for (const [version, parsed] of [["1.1", yaml11], ["1.2", yaml12]]) {
    for (const object of parsed.values) {
      const kind = `${object?.apiVersion} ${object?.kind}`;
      const Model = MODELS[kind];
      if (!Model) {
        problems.push(`YAML ${version}: unexpected object ${kind}`);
        continue;
      }
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`YAML ${version}: ${kind} ${object?.metadata?.name}: ${error.message}`);
      }
    }
  }
  problems.push(...crossObjectProblems(yaml12.values));
  const expectPath = path.replace(/\.yaml$/, "") + ".expect.json";
  if (existsSync(expectPath)) {
    const expected = JSON.parse(readFileSync(expectPath, "utf8"));
    for (const [version, parsed] of [["1.1", yaml11], ["1.2", yaml12]]) {
      const deployment = parsed.values.find((object) => object?.kind === "Deployment");
      const container = deployment?.spec?.template?.spec?.containers?.[0];
      if (!container) {
        problems.push(`YAML ${version}: no Deployment container to compare with ${expectPath}`);
        continue;
      }
      if ("args" in expected && !isDeepStrictEqual(container.args, expected.args)) {
        problems.push(`YAML ${version}: args ${JSON.stringify(container.args)} != expected ${JSON.stringify(expected.args)}`);
      }
      if ("kubeletArgs" in expected) {
        const env = containerEnvironment(container);
        const argv = (container.args ?? []).map((arg) => kubeletExpand(String(arg), (name) => env.get(name)));
        if (!isDeepStrictEqual(argv, expected.kubeletArgs)) {
          problems.push(
            `YAML ${version}: kubelet would pass ${JSON.stringify(argv)}, expected ${JSON.stringify(expected.kubeletArgs)}`,
          );
        }
      }
    }
  }
  return { problems, checkedArgs: existsSync(expectPath) };
}

const args = process.argv.slice(2);
const expectInvalid = args[0] === "--expect-invalid";
const files = expectInvalid ? args.slice(1) : args;
if (files.length === 0) {
  console.error("validate-kubernetes: no files given");
  process.exit(2);
}
let failures = 0;
for (const file of files) {
  const { problems, checkedArgs } = checkFile(file);
  if (expectInvalid) {
    if (problems.length === 0) {
      console.error(`${file}: accepted, but it must be rejected`);
      failures++;
    } else {
      console.log(`${file}: rejected as expected (${problems[0].split("\n")[0]})`);
    }
  } else if (problems.length > 0) {
    failures++;
    for (const problem of problems) console.error(`${file}: ${problem}`);
  } else {
    const extra = checkedArgs ? "; argv as in .expect.json" : "";
    console.log(`${file}: valid (YAML 1.1 = YAML 1.2; kubernetes-models, @kubernetes-models/istio; objects fit together${extra})`);
  }
}
process.exit(failures === 0 ? 0 : 1);
