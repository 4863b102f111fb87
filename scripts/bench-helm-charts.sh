#!/usr/bin/env bash
# Benchmark: `kiln render` against `helm template` on a real Helm chart (Go templates).
#
# Usage:
#   scripts/bench-helm-charts.sh CHART_DIR [DEPS_DIR...]
#       a chart directory (e.g. a checkout's kube-prometheus-stack); dependencies missing from its
#       charts/ are vendored offline from DEPS_DIR... and the chart's sibling directories
#       (scripts/compare-helm.py --prepare-only), as `helm dependency build` would have left them
#   scripts/bench-helm-charts.sh --generated [N]
#       the benchmark suite's chart in Go templates: N apps x 6 objects (default 1000 → 6,000
#       objects), written by scripts/bench/gen-chart.py (its `helm/bench` chart)
#
# Both tools render the same chart with release name `bench`, default values. Then:
#   1. the outputs are compared as parsed documents (object count and equality; values helm
#      generates at random make charts such as bitnami's differ, which is reported, not fatal);
#   2. wall time: hyperfine (installed from Debian's apt when missing and running as root), else
#      the mean of RUNS runs after a warm-up;
#   3. peak memory (maximum resident set size) and CPU time (user + system) from /usr/bin/time -v,
#      medians of 5 runs;
#   4. ratios, and the goal of issue 10: kiln at least 10x faster than helm, with less memory.
#
# Environment: KILN (default: release build), HELM (default: reference tools' helm, else PATH),
# RUNS (default 10), NO_HYPERFINE=1.
# Exits 0 when the goal is met, 1 otherwise (2 on usage errors).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    sed -n '2,26p' "$0"
    exit 2
fi

# --- tools -------------------------------------------------------------------------------------

# shellcheck source=lib/reference-tools.sh
. "$root/scripts/lib/reference-tools.sh"
if [ -z "${HELM:-}" ]; then
    if bin=$(reference_tools_cached || reference_tools_bin "$root") && [ -x "$bin/helm" ]; then
        HELM=$bin/helm
    elif command -v helm >/dev/null 2>&1; then
        HELM=$(command -v helm)
    else
        echo "error: helm not found; set HELM" >&2
        exit 2
    fi
fi
if [ -z "${KILN:-}" ]; then
    echo "building kiln (cargo build --release)" >&2
    (cd "$root" && cargo build --release -q)
    KILN=$root/target/release/kiln
fi
if [ -z "${NO_HYPERFINE:-}" ] && ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
    && command -v apt-get >/dev/null 2>&1; then
    echo "installing hyperfine (apt-get install -y hyperfine)" >&2
    apt-get install -y -q hyperfine >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q hyperfine >/dev/null) || true
fi
if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time is needed for peak memory (apt-get install -y time)" >&2
    exit 2
fi
python3 -c 'import yaml' 2>/dev/null || { echo "error: python3 with PyYAML is needed" >&2; exit 2; }

# --- the chart ---------------------------------------------------------------------------------

if [ "$1" = "--generated" ]; then
    n=${2:-1000}
    python3 "$root/scripts/bench/gen-chart.py" "$work/gen" "$n"
    chart=$work/gen/helm/bench
    label="generated Go-template chart, $n apps ($((n * 6)) objects)"
else
    src=$(cd "$1" && pwd)
    shift
    deps=()
    for d in "$@"; do deps+=(--deps-from "$d"); done
    python3 "$root/scripts/compare-helm.py" --prepare-only "$work/chart" "${deps[@]}" "$src"
    chart=$work/chart
    label="$(basename "$src")"
fi
helm_cmd=("$HELM" template bench "$chart")
kiln_cmd=("$KILN" render "$chart" --release-name bench)
echo "chart: $label"
echo "helm:  $("$HELM" version --short 2>/dev/null || echo unknown)"
echo "kiln:  $KILN"

# --- 1. same objects ---------------------------------------------------------------------------

"${helm_cmd[@]}" >"$work/helm.yaml"
if ! "${kiln_cmd[@]}" >"$work/kiln.yaml" 2>"$work/kiln.err"; then
    echo "kiln cannot render this chart:" >&2
    head -n 20 "$work/kiln.err" >&2
    exit 1
fi
python3 - "$work/helm.yaml" "$work/kiln.yaml" <<'PYTHON'
import sys, yaml

def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]

def key(d):
    m = d.get("metadata") or {}
    return (str(d.get("kind", "")), str(m.get("namespace", "")), str(m.get("name", "")))

helm, kiln = load(sys.argv[1]), load(sys.argv[2])
print("objects: helm %d, kiln %d" % (len(helm), len(kiln)))
h, k = sorted(helm, key=key), sorted(kiln, key=key)
diff = sum(1 for a, b in zip(h, k) if a != b) + abs(len(h) - len(k))
if diff:
    print("note: %d objects differ (values generated at random differ on every helm run too;"
          " scripts/compare-helm.py tells them apart)" % diff)
else:
    print("same objects: yes")
PYTHON

# --- 2. wall time ------------------------------------------------------------------------------

q() { printf '%q ' "$@"; }
if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style basic --warmup 2 --min-runs "$runs" --export-json "$work/times.json" \
        -n helm "$(q "${helm_cmd[@]}") >/dev/null" \
        -n kiln "$(q "${kiln_cmd[@]}") >/dev/null"
    read -r helm_s kiln_s < <(python3 -c '
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(r["helm"], r["kiln"])' "$work/times.json")
else
    mean_seconds() {
        local i start total=0
        "$@" >/dev/null 2>&1
        for ((i = 0; i < runs; i++)); do
            start=$(date +%s%N)
            "$@" >/dev/null 2>&1
            total=$((total + $(date +%s%N) - start))
        done
        awk -v ns="$total" -v n="$runs" 'BEGIN { print ns / n / 1e9 }'
    }
    helm_s=$(mean_seconds "${helm_cmd[@]}")
    kiln_s=$(mean_seconds "${kiln_cmd[@]}")
fi

# --- 3. peak memory and CPU time ---------------------------------------------------------------

rss_and_cpu() {
    local i
    for i in 1 2 3 4 5; do
        /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>&1
        awk -F': ' '/Maximum resident set size/ { rss = $2 }
                    /User time/ { cpu += $2 } /System time/ { cpu += $2 }
                    END { print rss, cpu }' "$work/time.txt"
    done >"$work/runs.txt"
    echo "$(sort -n -k1,1 "$work/runs.txt" | sed -n '3s/ .*//p') $(sort -g -k2,2 "$work/runs.txt" | sed -n '3s/.* //p')"
}
read -r helm_kb helm_cpu < <(rss_and_cpu "${helm_cmd[@]}")
read -r kiln_kb kiln_cpu < <(rss_and_cpu "${kiln_cmd[@]}")

# --- 4. ratios ---------------------------------------------------------------------------------

awk -v hs="$helm_s" -v ks="$kiln_s" -v hc="$helm_cpu" -v kc="$kiln_cpu" -v hm="$helm_kb" -v km="$kiln_kb" \
    -v label="$label" 'BEGIN {
    printf "\n%-6s %12s %12s %14s\n", "", "mean time", "CPU time", "peak memory"
    printf "%-6s %10.1f ms %9.1f ms %11.1f MB\n", "helm", hs * 1000, hc * 1000, hm / 1024
    printf "%-6s %10.1f ms %9.1f ms %11.1f MB\n", "kiln", ks * 1000, kc * 1000, km / 1024
    printf "\n%s: time helm/kiln = %.1fx (CPU time %.1fx), peak memory helm/kiln = %.2fx\n", label, hs / ks, (kc > 0 ? hc / kc : 0), hm / km
    goal = (hs / ks >= 10 && km < hm)
    printf "goal (>= 10x faster, less memory): %s\n", goal ? "met" : "NOT met"
    exit goal ? 0 : 1
}'
