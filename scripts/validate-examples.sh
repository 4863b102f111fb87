#!/usr/bin/env bash
# Renders every example with kiln and checks that every rendered object is valid for Kubernetes 1.35.
#
# Usage: scripts/validate-examples.sh [TARGET...]
#
# Cases rendered:
#   - every chart under charts/ with its default values, and once with each of its ci/*.yaml files;
#   - every overlay under overlays/*/ that holds a kustomization.yaml (when that folder exists);
#   - every TARGET given on the command line: a directory (chart or overlay), or DIR:VALUES_FILE.
#
# Each object is validated with `kubernetes-validate --strict -k 1.35.0` (the official OpenAPI
# schemas, unknown fields rejected). Custom resources have no schema there: kubernetes-validate would
# only print a warning and pass them. This script does not let them pass silently:
#   - KEDA ScaledObject (keda.sh/v1alpha1) is checked against the shape of KEDA's CRD, embedded
#     below (spec fields, required scaleTargetRef.name and triggers, trigger metadata values as strings);
#   - any other kind without a schema is a failure.
#
# Environment:
#   KILN                  kiln binary to use (default: build the release binary with cargo)
#   KUBE_VERSION          Kubernetes version to validate against (default 1.35.0)
#   KUBERNETES_VALIDATE   kubernetes-validate executable (default: the reference tools, else PATH,
#                         else `pip install kubernetes-validate==1.37.0` into target/validate-venv)
#
# Exits 0 when every case renders and every object is valid, 1 otherwise; prints a summary.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
kube_version=${KUBE_VERSION:-1.35.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- tools -------------------------------------------------------------------------------------

find_reference_tools() {
    # The repository is checked out beside `shared/`; a git worktree finds it beside its main checkout.
    local candidates=("$root/../shared/tools/get-reference-tools.sh")
    local common
    if common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
        candidates+=("$common/../../shared/tools/get-reference-tools.sh")
    fi
    local c
    for c in "${candidates[@]}"; do
        if [ -f "$c" ]; then
            bash "$c" | tail -n1
            return 0
        fi
    done
    return 1
}

kv=${KUBERNETES_VALIDATE:-}
if [ -z "$kv" ]; then
    if bin=$(find_reference_tools) && [ -x "$bin/kubernetes-validate" ]; then
        kv=$bin/kubernetes-validate
    elif command -v kubernetes-validate >/dev/null 2>&1; then
        kv=$(command -v kubernetes-validate)
    else
        venv=$root/target/validate-venv
        if [ ! -x "$venv/bin/kubernetes-validate" ]; then
            echo "installing kubernetes-validate 1.37.0 into target/validate-venv" >&2
            python3 -m venv "$venv"
            "$venv/bin/pip" install -q kubernetes-validate==1.37.0
        fi
        kv=$venv/bin/kubernetes-validate
    fi
fi
# kubernetes-validate is a Python console script: its interpreter has PyYAML and jsonschema, which
# the custom-resource check below uses too.
kv_python=$(head -n1 "$(readlink -f "$kv")" | sed -e 's/^#! *//' -e 's/ .*$//')
if ! "$kv_python" -c 'import yaml, jsonschema' 2>/dev/null; then
    echo "error: cannot find the Python interpreter of $kv (needs PyYAML and jsonschema)" >&2
    exit 1
fi

if [ -z "${KILN:-}" ]; then
    echo "building kiln (cargo build --release)" >&2
    cargo build --release -q
    KILN=$root/target/release/kiln
fi

# --- the custom-resource check and the document splitter ---------------------------------------

cat >"$work/split.py" <<'PYTHON'
"""Split a rendered stream: Kubernetes objects go to OUT for kubernetes-validate; custom resources
are checked here against the shape of their CRD. Prints one line per custom resource and a count."""
import sys, yaml, jsonschema

SCALED_OBJECT = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
                "namespace": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "spec": {
            "type": "object",
            "required": ["scaleTargetRef", "triggers"],
            "additionalProperties": False,
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                        "envSourceContainerName": {"type": "string"},
                    },
                },
                "pollingInterval": {"type": "integer", "minimum": 0},
                "initialCooldownPeriod": {"type": "integer", "minimum": 0},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "idleReplicaCount": {"type": "integer", "minimum": 0},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 0},
                "advanced": {"type": "object"},
                "fallback": {
                    "type": "object",
                    "required": ["failureThreshold", "replicas"],
                    "properties": {
                        "failureThreshold": {"type": "integer"},
                        "replicas": {"type": "integer"},
                        "behavior": {"type": "string"},
                    },
                },
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["type", "metadata"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"type": "string", "minLength": 1},
                            "name": {"type": "string"},
                            "useCachedMetrics": {"type": "boolean"},
                            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                            "authenticationRef": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {"name": {"type": "string"}, "kind": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    },
}

# (apiVersion, kind) -> (schema, what it was checked against)
CUSTOM = {("keda.sh/v1alpha1", "ScaledObject"): (SCALED_OBJECT, "KEDA CRD shape")}

source, out = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(open(source)) if d is not None]
core, failed = [], 0
for doc in docs:
    if not isinstance(doc, dict) or not doc.get("apiVersion") or not doc.get("kind"):
        print("ERROR not a Kubernetes object (no apiVersion/kind): %.80r" % (doc,))
        failed += 1
        continue
    name = "%s/%s" % (doc["kind"].lower(), (doc.get("metadata") or {}).get("name"))
    custom = CUSTOM.get((doc["apiVersion"], doc["kind"]))
    if custom is None:
        core.append(doc)
        continue
    schema, against = custom
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print("ERROR %s did not validate against the %s: %s: %s"
              % (name, against, ".".join(str(p) for p in e.path), e.message))
    if errors:
        failed += 1
    else:
        print("CUSTOM %s passed against the %s" % (name, against))
with open(out, "w") as f:
    yaml.safe_dump_all(core, f, sort_keys=False)
print("COUNT %d %d %d" % (len(docs), len(core), failed))
PYTHON

# --- cases -------------------------------------------------------------------------------------

cases=()
for chart in charts/*/; do
    chart=${chart%/}
    [ -f "$chart/Chart.yaml" ] || continue
    cases+=("$chart")
    for values in "$chart"/ci/*.yaml; do
        [ -f "$values" ] && cases+=("$chart:$values")
    done
done
for overlay in overlays/*/; do
    overlay=${overlay%/}
    [ -f "$overlay/kustomization.yaml" ] && cases+=("$overlay")
done
for target in "$@"; do
    cases+=("$target")
done

total=0 objects=0 failures=0 custom=0
failed_cases=()
for case in "${cases[@]}"; do
    total=$((total + 1))
    dir=${case%%:*}
    args=("$dir")
    label=$dir
    if [ "$dir" != "$case" ]; then
        values=${case#*:}
        args+=(-f "$values")
        label="$dir -f $values"
    fi
    rendered=$work/$total.yaml
    if ! "$KILN" render "${args[@]}" >"$rendered" 2>"$work/$total.err"; then
        echo "FAIL $label: kiln render failed"
        sed 's/^/     /' "$work/$total.err"
        failures=$((failures + 1))
        failed_cases+=("$label")
        continue
    fi
    report=$("$kv_python" "$work/split.py" "$rendered" "$work/$total.core.yaml" 2>&1) || {
        echo "FAIL $label: the rendered output is not YAML"
        printf '%s\n' "$report" | sed 's/^/     /'
        failures=$((failures + 1))
        failed_cases+=("$label")
        continue
    }
    read -r _ n_all n_core n_custom_failed < <(printf '%s\n' "$report" | grep '^COUNT ')
    problems=$(printf '%s\n' "$report" | grep '^ERROR ' || true)
    n_custom=$((n_all - n_core))
    if [ "$n_core" -gt 0 ]; then
        # --quiet prints only problems. WARN means "no schema for this kind": an unknown kind fails here.
        kv_out=$("$kv" --strict --quiet -k "$kube_version" "$work/$total.core.yaml" 2>&1) || true
        kv_problems=$(printf '%s\n' "$kv_out" | grep -E '^(ERROR|WARN|FATAL)' || true)
        if [ -n "$kv_problems" ]; then
            problems=$(printf '%s\n%s' "$problems" "${kv_problems//$work\/$total.core.yaml/rendered}")
        fi
    fi
    problems=$(printf '%s\n' "$problems" | sed '/^$/d')
    objects=$((objects + n_all))
    custom=$((custom + n_custom))
    if [ "$n_all" -eq 0 ]; then
        problems="${problems}${problems:+$'\n'}ERROR the render produced no objects"
    fi
    if [ -n "$problems" ]; then
        echo "FAIL $label: $n_all objects"
        printf '%s\n' "$problems" | sed 's/^/     /'
        failures=$((failures + 1))
        failed_cases+=("$label")
    else
        extra=""
        [ "$n_custom" -gt 0 ] && extra=" ($n_custom custom resource(s) checked against their CRD shape)"
        echo "ok   $label: $n_all objects valid for Kubernetes $kube_version$extra"
    fi
done

echo
echo "summary: $total cases, $objects objects ($custom custom resources), $failures failed case(s)"
if [ "$failures" -gt 0 ]; then
    printf '  failed: %s\n' "${failed_cases[@]}"
    exit 1
fi
