#!/usr/bin/env bash
# Lints a corpus of public charts and kustomize trees with kiln and counts the findings per rule:
# the whole-corpus run of the lint issue. Nothing of the corpus enters the repository.
#
#   scripts/lint-corpus.sh SRC OUT
#
# SRC holds checkouts (any that is missing is skipped):
#   SRC/bitnami      the bitnami/charts repository    (charts in SRC/bitnami/bitnami/*)
#   SRC/prometheus   prometheus-community/helm-charts (charts in SRC/prometheus/charts/*)
#   SRC/argo-cd      argoproj/argo-cd                 (kustomizations under manifests/)
#   SRC/kubeflow     kubeflow/manifests               (every kustomization)
#   SRC/cluster-api  kubernetes-sigs/cluster-api      (every kustomization)
# OUT receives rendered/{helm,kustomize} (one stream per chart or kustomization), logs/,
# report-helm.json, report-kustomize.json, and
# per-rule.txt (findings per rule and severity).
#
# Charts are rendered with the real helm (HELM, default `helm`); their dependencies are taken
# from the same repository (bitnami's `common`, prometheus-community's exporters), and a
# dependency the repository does not hold is dropped from the rendered copy (logged).
# Kustomizations are built with `kubectl kustomize` (KUBECTL, default `kubectl`); those that do
# not build on their own (components, bases needing a parent) are logged and skipped. Everything
# is linted in one `kiln lint --group file` call (KILN, default target/release/kiln, else
# target/debug/kiln): each rendered release is its own set.
set -euo pipefail

SRC=${1:?usage: lint-corpus.sh SRC OUT}
OUT=${2:?usage: lint-corpus.sh SRC OUT}
HELM=${HELM:-helm}
KUBECTL=${KUBECTL:-kubectl}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${KILN:-}" ]; then
  KILN=$ROOT/target/release/kiln
  [ -x "$KILN" ] || KILN=$ROOT/target/debug/kiln
fi
JOBS=${JOBS:-2}
KUBE=${KUBE:-1.35.0} # Capabilities.KubeVersion for helm, and the version kiln lints for

mkdir -p "$OUT/rendered/helm" "$OUT/rendered/kustomize" "$OUT/logs" "$OUT/charts"

# 1. Charts: copy each with its in-repository dependencies, render with helm.
render_charts() { # repo-label charts-dir
  local label=$1 dir=$2
  [ -d "$dir" ] || { echo "skip $label: $dir missing"; return; }
  prepare_charts "$label" "$dir"
  export HELM OUT KUBE
  find "$OUT/charts/$label" -mindepth 1 -maxdepth 1 -type d | sort |
    xargs -P "$JOBS" -I{} bash -c 'render_one "$1" "$2"' _ "$label" {}
}

prepare_charts() {
  python3 - "$2" "$OUT/charts/$1" "$OUT/logs/$1-deps.log" <<'PY'
import os, shutil, sys, yaml
src, dst, log = sys.argv[1:4]
os.makedirs(dst, exist_ok=True)
logf = open(log, "w")
def copy_with_deps(chart_dir, target, depth=0):
    shutil.copytree(chart_dir, target, dirs_exist_ok=True, symlinks=False)
    meta_path = os.path.join(target, "Chart.yaml")
    meta = yaml.safe_load(open(meta_path)) or {}
    deps = meta.get("dependencies") or []
    kept = []
    for dep in deps:
        name = dep.get("name")
        repo = str(dep.get("repository") or "")
        local = os.path.join(target, "charts", name)
        if os.path.isdir(local):
            kept.append(dep)
            continue
        sibling = os.path.join(src, name)
        if os.path.isfile(os.path.join(sibling, "Chart.yaml")) and depth < 5:
            copy_with_deps(sibling, local, depth + 1)
            kept.append(dep)
        else:
            logf.write(f"{os.path.basename(chart_dir)}: dependency {name} ({repo}) not in the repository: dropped\n")
    if kept != deps:
        meta["dependencies"] = kept
        yaml.safe_dump(meta, open(meta_path, "w"), sort_keys=False)
    lock = os.path.join(target, "Chart.lock")
    if os.path.exists(lock):
        os.remove(lock)
for name in sorted(os.listdir(src)):
    chart = os.path.join(src, name)
    if os.path.isfile(os.path.join(chart, "Chart.yaml")):
        target = os.path.join(dst, name)
        shutil.rmtree(target, ignore_errors=True)
        copy_with_deps(chart, target)
PY
}

render_one() { # label chart-dir
  local label=$1 chart=$2 name
  name=$(basename "$chart")
  if ! "$HELM" template "$name" "$chart" --namespace corpus --include-crds --kube-version "$KUBE" \
      >"$OUT/rendered/helm/$label-$name.yaml" 2>"$OUT/logs/$label-$name.helm.log"; then
    echo "helm template failed: $label/$name" >>"$OUT/logs/failed.log"
    rm -f "$OUT/rendered/helm/$label-$name.yaml"
  fi
}
export -f render_one

# 2. Kustomizations: build each with kubectl kustomize.
build_kustomizations() { # label tree
  local label=$1 tree=$2
  [ -d "$tree" ] || { echo "skip $label: $tree missing"; return; }
  export KUBECTL OUT
  find "$tree" \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) \
      -not -path '*/testdata/*' -printf '%h\n' | sort -u |
    xargs -P "$JOBS" -I{} bash -c 'build_one "$1" "$2" "$3"' _ "$label" "$tree" {}
}

build_one() { # label tree dir
  local label=$1 tree=$2 dir=$3 rel name
  rel=${dir#"$tree"}
  rel=${rel#/}
  name=$label-$(printf '%s' "${rel:-root}" | tr '/' '-')
  if ! "$KUBECTL" kustomize "$dir" >"$OUT/rendered/kustomize/$name.yaml" 2>"$OUT/logs/$name.kustomize.log"; then
    echo "kubectl kustomize failed: $label/$rel" >>"$OUT/logs/failed.log"
    rm -f "$OUT/rendered/kustomize/$name.yaml"
  fi
}
export -f build_one

if [ -z "${LINT_ONLY:-}" ]; then # LINT_ONLY=1: lint what an earlier run rendered
  rm -f "$OUT/logs/failed.log"
  render_charts bitnami "$SRC/bitnami/bitnami"
  render_charts prometheus "$SRC/prometheus/charts"
  build_kustomizations argo-cd "$SRC/argo-cd/manifests"
  build_kustomizations kubeflow "$SRC/kubeflow"
  build_kustomizations cluster-api "$SRC/cluster-api"
fi
# Empty streams (a kustomization of nothing, a chart disabled by default) are not inputs.
find "$OUT/rendered" -name '*.yaml' -size 0 -delete

# 3. Lint everything, one set per rendered release: charts as released into the namespace helm
# rendered them for (-n), kustomizations with the namespaces they set.
set +e
# CRDS=FILE: a CRD bundle (scripts/bench-lint-crds.sh builds one) to validate custom resources.
crd_flags=()
[ -n "${CRDS:-}" ] && crd_flags=(--crd "$CRDS")
/usr/bin/time -v "$KILN" lint --group file -n corpus --kube-version "${KUBE%.*}" --format json "${crd_flags[@]}" \
  "$OUT/rendered/helm" >"$OUT/report-helm.json" 2>"$OUT/logs/kiln-helm.time"
code=$?
/usr/bin/time -v "$KILN" lint --group file --kube-version "${KUBE%.*}" --format json "${crd_flags[@]}" \
  "$OUT/rendered/kustomize" >"$OUT/report-kustomize.json" 2>"$OUT/logs/kiln-kustomize.time"
code2=$?
[ "$code2" -gt "$code" ] && code=$code2
set -e
python3 - "$OUT/report-helm.json" "$OUT/report-kustomize.json" >"$OUT/per-rule.txt" <<'PY'
import collections, json, sys
findings, summary = [], collections.Counter()
for path in sys.argv[1:]:
    report = json.load(open(path))
    findings += report["findings"]
    summary.update(report["summary"])
by_rule = collections.Counter((f["rule"], f["severity"]) for f in findings)
print(f"{summary['objects']} objects: {summary['errors']} errors, {summary['warnings']} warnings, {summary['infos']} infos")
for (rule, severity), n in sorted(by_rule.items(), key=lambda x: (-x[1], x[0])):
    print(f"{n:7d}  {severity:8s} {rule}")
PY
echo "kiln lint exit $code; streams: $(find "$OUT/rendered" -name '*.yaml' | wc -l);" \
  "failed renders/builds: $(wc -l <"$OUT/logs/failed.log" 2>/dev/null || echo 0)"
grep -E "Elapsed|Maximum resident" "$OUT"/logs/kiln-*.time || true
cat "$OUT/per-rule.txt"
