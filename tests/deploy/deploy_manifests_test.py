#!/usr/bin/python3
"""Renders every overlay under deploy/overlays with `kubectl kustomize` (Debian's
kubernetes-client, or any kubectl on PATH), validates each object against the Kubernetes OpenAPI
schemas (npm packages kubernetes-models 5.1.0 and @kubernetes-models/prometheus-operator 6.0.0,
vendored as tarballs in tests/deploy/npm, run with node), and checks what the schemas cannot:
least-privilege RBAC against the API paths the collector's code really calls, securityContext,
probes, secrets only in Secrets, selectors that select, and resources set.

usage: deploy_manifests_test.py SOURCE_DIR
"""
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
NAMESPACE = "costledger"
passed, failed = 0, 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


def kubectl():
    path = shutil.which("kubectl")
    if not path:
        print("FAIL no kubectl on PATH: scripts/install-deps installs Debian's kubernetes-client")
        sys.exit(1)
    return path


def render(overlay):
    out = subprocess.run([kubectl(), "kustomize", overlay], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL kubectl kustomize {overlay}:\n{out.stderr}")
        sys.exit(1)
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def unpack_validators(into):
    """The vendored npm tarballs as node_modules (no network)."""
    for tgz in glob.glob(os.path.join(ROOT, "tests/deploy/npm/*.tgz")):
        with tarfile.open(tgz) as t:
            name = json.load(t.extractfile("package/package.json"))["name"]
            dest = os.path.join(into, "node_modules", name)
            os.makedirs(dest, exist_ok=True)
            for m in t.getmembers():
                if not m.name.startswith("package/"):
                    continue
                m.name = m.name[len("package/"):]
                t.extract(m, dest)
    shutil.copy(os.path.join(ROOT, "tests/deploy/validate_objects.mjs"), into)


def validate_schemas(objects, workdir, overlay):
    # kustomize wraps Secret data at 76 columns; the API server's decoder (Go's encoding/base64)
    # skips the newlines, the schema's "byte" format does not: join them first.
    for o in objects:
        if o["kind"] == "Secret":
            o["data"] = {k: v.replace("\n", "") for k, v in o.get("data", {}).items()}
    path = os.path.join(workdir, "objects.json")
    with open(path, "w") as f:
        json.dump(objects, f)
    out = subprocess.run(["node", os.path.join(workdir, "validate_objects.mjs"), path],
                         capture_output=True, text=True, cwd=workdir)
    print(out.stdout.rstrip())
    check(out.returncode == 0, f"{overlay}: OpenAPI schema validation\n{out.stderr}")


def collector_api_paths():
    """(group, resource, verb) of every Kubernetes API path the collector's code calls."""
    calls = set()
    files = glob.glob(os.path.join(ROOT, "adapters/fetch/src/*.cpp")) + glob.glob(
        os.path.join(ROOT, "collector/src/*.cpp"))
    for path in files:
        text = open(path).read()
        for m in re.finditer(r'"(?:\{\})?/api/v1/([a-z]+)(/\{\}/proxy/)?', text):
            calls.add(("", m.group(1) + "/proxy", "get") if m.group(2) else ("", m.group(1), "list"))
        for m in re.finditer(r'"(?:\{\})?/apis/([a-z0-9.]+)/v1/([a-z]+)', text):
            calls.add((m.group(1), m.group(2), "list"))
    return calls


# DESIGN.md "Sources": the storage collector (in progress on another branch) lists these too.
STORAGE_CALLS = {("", "persistentvolumes", "list"), ("", "persistentvolumeclaims", "list"),
                 ("storage.k8s.io", "storageclasses", "list")}


def check_rbac(objects, overlay):
    code = collector_api_paths()
    print(f"collector calls: {sorted(code)}")
    check(("", "nodes", "list") in code and ("", "pods", "list") in code and
          ("", "nodes/proxy", "get") in code, f"{overlay}: the grep found the collector's paths")
    needed = code | STORAGE_CALLS
    allowed = needed | {(g, r, "watch") for g, r, v in needed if v == "list"}
    roles = [o for o in objects if o["kind"] in ("ClusterRole", "Role")]
    check([r["metadata"]["name"] for r in roles] == ["costledger-collector"],
          f"{overlay}: one role, the collector's")
    granted = set()
    for rule in roles[0]["rules"]:
        for g in rule.get("apiGroups", []):
            for r in rule.get("resources", []):
                for v in rule.get("verbs", []):
                    granted.add((g, r, v))
        check("resourceNames" not in rule and "nonResourceURLs" not in rule,
              f"{overlay}: plain rules only")
    check(all("*" not in x for t in granted for x in t), f"{overlay}: no wildcard in RBAC")
    check(granted - allowed == set(), f"{overlay}: RBAC grants more than used: {granted - allowed}")
    check(needed - granted == set(), f"{overlay}: RBAC misses calls: {needed - granted}")
    bindings = [o for o in objects if o["kind"] in ("ClusterRoleBinding", "RoleBinding")]
    check(len(bindings) == 1 and bindings[0]["subjects"] == [
        {"kind": "ServiceAccount", "name": "costledger-collector", "namespace": NAMESPACE}],
          f"{overlay}: only the collector's service account is bound")


def pod_spec(deployment):
    return deployment["spec"]["template"]["spec"]


def check_deployments(objects, overlay):
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    check(set(deployments) == {"costledger-collector", "costledger-api"},
          f"{overlay}: collector and API Deployments")
    for name, d in deployments.items():
        spec = pod_spec(d)
        psc = spec.get("securityContext", {})
        check(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) > 0,
              f"{overlay}/{name}: runs as non-root")
        check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault",
              f"{overlay}/{name}: seccomp RuntimeDefault")
        selector = d["spec"]["selector"]["matchLabels"]
        labels = d["spec"]["template"]["metadata"]["labels"]
        check(all(labels.get(k) == v for k, v in selector.items()),
              f"{overlay}/{name}: selector selects its pods")
        for c in spec["containers"]:
            sc = c.get("securityContext", {})
            check(sc.get("allowPrivilegeEscalation") is False,
                  f"{overlay}/{name}: no privilege escalation")
            check(sc.get("readOnlyRootFilesystem") is True, f"{overlay}/{name}: read-only root fs")
            check(sc.get("capabilities", {}).get("drop") == ["ALL"],
                  f"{overlay}/{name}: capabilities dropped")
            check(sc.get("privileged") is not True, f"{overlay}/{name}: not privileged")
            res = c.get("resources", {})
            check({"cpu", "memory"} <= set(res.get("requests", {})) and
                  "memory" in res.get("limits", {}), f"{overlay}/{name}: requests and limits set")
            check(c["args"][:1] == ["serve"] and "--role" in c["args"],
                  f"{overlay}/{name}: serve with a role")
            for e in c.get("env", []):
                check("value" not in e or not re.search("PASSWORD|TOKEN", e["name"]),
                      f"{overlay}/{name}: no secret as a literal env value ({e['name']})")
    collector, api = deployments["costledger-collector"], deployments["costledger-api"]
    check(pod_spec(collector)["serviceAccountName"] == "costledger-collector",
          f"{overlay}: collector uses its service account")
    check(pod_spec(api).get("automountServiceAccountToken") is False,
          f"{overlay}: the API mounts no Kubernetes token")
    container = pod_spec(api)["containers"][0]
    check(container["livenessProbe"]["httpGet"]["path"] == "/healthz", f"{overlay}: liveness /healthz")
    check(container["readinessProbe"]["httpGet"]["path"] == "/readyz", f"{overlay}: readiness /readyz")
    annotations = api["spec"]["template"]["metadata"].get("annotations", {})
    ports = [p["containerPort"] for p in container["ports"]]
    check(annotations.get("prometheus.io/scrape") == "true" and
          int(annotations.get("prometheus.io/port", 0)) in ports and
          annotations.get("prometheus.io/path") == "/metrics",
          f"{overlay}: prometheus.io scrape annotations")
    return deployments


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def check_wiring(objects, deployments, overlay):
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], []).append(o)
        if o["kind"] not in ("Namespace", "ClusterRole", "ClusterRoleBinding",
                             "ValidatingWebhookConfiguration"):
            check(o["metadata"].get("namespace") == NAMESPACE,
                  f"{overlay}: {o['kind']}/{o['metadata']['name']} in namespace {NAMESPACE}")
    api_labels = deployments["costledger-api"]["spec"]["template"]["metadata"]["labels"]
    collector_labels = deployments["costledger-collector"]["spec"]["template"]["metadata"]["labels"]
    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    check("costledger" in services and selects(services["costledger"]["spec"]["selector"], api_labels),
          f"{overlay}: Service costledger selects the API pods")
    hpa = by_kind["HorizontalPodAutoscaler"]
    check(len(hpa) == 1 and hpa[0]["spec"]["scaleTargetRef"]["name"] == "costledger-api" and
          hpa[0]["spec"]["minReplicas"] <= hpa[0]["spec"]["maxReplicas"], f"{overlay}: HPA on the API")
    pdbs = {p["metadata"]["name"]: p for p in by_kind["PodDisruptionBudget"]}
    check(selects(pdbs["costledger-api"]["spec"]["selector"]["matchLabels"], api_labels),
          f"{overlay}: the API's PDB selects its pods")
    check(selects(pdbs["costledger-collector"]["spec"]["selector"]["matchLabels"], collector_labels),
          f"{overlay}: the collector's PDB selects its pods")
    sm = by_kind["ServiceMonitor"][0]
    service = services["costledger"]
    check(selects(sm["spec"]["selector"]["matchLabels"], service["metadata"]["labels"]) and
          sm["spec"]["endpoints"][0]["port"] in [p["name"] for p in service["spec"]["ports"]],
          f"{overlay}: ServiceMonitor selects the API Service and its port")
    # /metrics needs a token (auth.protect_metrics): the scrape sends one from a Secret.
    credentials = sm["spec"]["endpoints"][0].get("authorization", {}).get("credentials", {})
    check(credentials.get("name") == "costledger-scrape" and credentials.get("key") == "token",
          f"{overlay}: ServiceMonitor sends the metrics token from the Secret costledger-scrape")
    hook = by_kind["ValidatingWebhookConfiguration"][0]["webhooks"][0]["clientConfig"]["service"]
    check(hook["name"] in services and hook["namespace"] == NAMESPACE and
          hook["port"] in [p["port"] for p in services[hook["name"]]["spec"]["ports"]],
          f"{overlay}: the admission webhook calls the API Service")
    policies = by_kind["NetworkPolicy"]
    check(any(p["spec"]["podSelector"].get("matchLabels", {}) == {} or
              selects(p["spec"]["podSelector"]["matchLabels"], api_labels) and
              set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"} and
              not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies),
          f"{overlay}: a default-deny NetworkPolicy")
    return by_kind


def flatten_keys(value, prefix=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + k
            yield from flatten_keys(v, prefix + k + ".")


def check_secrets(by_kind, deployments, overlay, expect_generated):
    for cm in by_kind.get("ConfigMap", []):
        for key, value in cm.get("data", {}).items():
            check(not re.search(r"://[^/@\s]+:[^/@\s]+@", value),
                  f"{overlay}: ConfigMap {cm['metadata']['name']}/{key} holds no URL password")
            if key.endswith(".json"):
                config = json.loads(value)
                keys = set(flatten_keys(config))
                check(not keys & {"database_password", "smtp.password", "password", "token"},
                      f"{overlay}: ConfigMap {key} holds no password or token ({sorted(keys)})")
                check(not re.search(r"[0-9a-f]{64}", value),
                      f"{overlay}: ConfigMap {key} holds no token digest")
                check(config.get("auth", {}).get("tokens_file", "").startswith("/etc/costledger/tokens/"),
                      f"{overlay}: tokens come from the Secret volume")
                check(config.get("database_password_file", "").startswith("/etc/costledger/database/"),
                      f"{overlay}: the database password comes from the Secret volume")
    referenced = set()
    for d in deployments.values():
        for v in pod_spec(d).get("volumes", []):
            if "secret" in v:
                referenced.add(v["secret"]["secretName"])
    check({"costledger-database", "costledger-tokens", "costledger-serving"} <= referenced,
          f"{overlay}: database password, tokens and serving certificate from Secrets")
    generated = {s["metadata"]["name"] for s in by_kind.get("Secret", [])}
    if expect_generated:
        check({"costledger-database", "costledger-tokens"} <= generated,
              f"{overlay}: throwaway secrets generated")
        for s in by_kind.get("Secret", []):
            if s["metadata"]["name"] == "costledger-tokens":
                tokens = json.loads(base64.b64decode(s["data"]["tokens.json"]))
                check(all(re.fullmatch("[0-9a-f]{64}", t["sha256"]) for t in tokens),
                      f"{overlay}: tokens stored as SHA-256 digests only")
    else:
        check(generated == set(), f"{overlay}: no Secret rendered from Git (got {generated})")


def main():
    workdir = tempfile.mkdtemp(prefix="costledger-deploy-")
    try:
        unpack_validators(workdir)
        overlays = sorted(glob.glob(os.path.join(ROOT, "deploy/overlays/*/")))
        check([os.path.basename(o.rstrip("/")) for o in overlays] == ["dev", "prod"],
              "overlays dev and prod")
        for overlay_dir in overlays:
            overlay = os.path.basename(overlay_dir.rstrip("/"))
            objects = render(overlay_dir)
            print(f"== {overlay}: {len(objects)} objects")
            validate_schemas(objects, workdir, overlay)
            check_rbac(objects, overlay)
            deployments = check_deployments(objects, overlay)
            by_kind = check_wiring(objects, deployments, overlay)
            check_secrets(by_kind, deployments, overlay, expect_generated=(overlay == "dev"))
            if overlay == "prod":
                check(deployments["costledger-collector"]["spec"]["replicas"] == 2,
                      "prod: two collector replicas (idempotent writes)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


main()
