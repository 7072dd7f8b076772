#!/usr/bin/env bash
# Checks the operator kit in deploy/ with the real tools, offline except for one pip install:
#   - promtool check rules / test rules on the Prometheus alerting rules;
#   - kubernetes-validate (strict, against the schemas of two Kubernetes versions) on the
#     manifests, from a virtualenv under target/deploy-venv created on first use;
#   - the Grafana dashboard parses as JSON and has the shape Grafana imports.
# Needs promtool (Debian's `prometheus` package) and python3 with venv. The dashboard's
# PromQL and the alerts against a running Prometheus are checked by the Rust test
# tests/tests/prometheus_alerts.rs (part of `cargo test --workspace`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Kubernetes versions whose schemas the manifests must pass (shipped by kubernetes-validate).
K8S_VERSIONS="1.30.0 1.33.0"
KUBERNETES_VALIDATE_VERSION="1.37.0"

if ! command -v promtool >/dev/null 2>&1; then
    echo "deploy/test.sh: promtool is missing (apt-get install -y prometheus)" >&2
    exit 1
fi

echo "== promtool check rules"
promtool check rules deploy/prometheus/smoke-alerts.yml

echo "== promtool test rules"
promtool test rules deploy/prometheus/smoke-alerts.test.yml

echo "== kubernetes-validate"
venv=target/deploy-venv
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
for version in $K8S_VERSIONS; do
    "$venv/bin/kubernetes-validate" --strict --kubernetes-version "$version" \
        deploy/kubernetes/*.yaml
done

echo "== the Grafana dashboard"
python3 - deploy/grafana/smoke-dashboard.json <<'PY'
import json, sys

path = sys.argv[1]
with open(path) as f:
    dashboard = json.load(f)

problems = []
variables = {v["name"]: v for v in dashboard["templating"]["list"]}
if variables.get("datasource", {}).get("type") != "datasource" \
        or variables["datasource"].get("query") != "prometheus":
    problems.append("no `datasource` variable of type datasource over prometheus")
ids = [p["id"] for p in dashboard["panels"]]
if len(ids) != len(set(ids)):
    problems.append(f"panel ids repeat: {ids}")
exprs = 0
for panel in dashboard["panels"]:
    where = f"panel {panel['id']} ({panel['title']})"
    for key in ("type", "title", "gridPos", "targets"):
        if key not in panel:
            problems.append(f"{where}: no {key}")
    if panel.get("datasource", {}).get("uid") != "${datasource}":
        problems.append(f"{where}: its datasource is not ${{datasource}}")
    for target in panel.get("targets", []):
        if target.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"{where}: target {target.get('refId')} does not use ${{datasource}}")
        if not target.get("expr", "").strip():
            problems.append(f"{where}: target {target.get('refId')} has no expr")
        exprs += 1
for problem in problems:
    print(f"{path}: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"{path}: valid JSON, {len(ids)} panels, {exprs} PromQL expressions, "
      f"variables {', '.join(variables)}")
PY

echo "deploy/test.sh: all checks passed"
