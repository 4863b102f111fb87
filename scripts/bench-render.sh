#!/usr/bin/env bash
# Render benchmark: kiln against the real `helm template` on the same chart.
#
# Usage: scripts/bench-render.sh [N]     (N apps, default 1000; each app gives 6 objects)
#
# Generates into a temporary directory one chart written twice, in Helm's Go templates and in
# kiln's Jinja (scripts/bench/gen-chart.py), whose one template loops over N entries of values into
# ServiceAccount, Role, RoleBinding, ConfigMap, CronJob and DaemonSet objects. Then:
#   1. renders both once and checks they give the same objects (documents compared as parsed data);
#   2. times both: hyperfine when installed (`apt-get install -y hyperfine`), else repeated runs
#      of /usr/bin/time;
#   3. measures peak memory (maximum resident set size from /usr/bin/time -v, median of 5 runs);
#   4. prints the time and memory ratios and checks the goal: kiln at least 10x faster than helm
#      and using less memory.
#
# Environment:
#   KILN   kiln binary to use (default: build the release binary with cargo)
#   HELM   helm binary to use (default: the reference tools' helm, else helm on PATH)
#   RUNS   timed runs per tool without hyperfine (default 10)
#
# Exits 0 when the outputs match and the goal is met, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000}
runs=${RUNS:-10}
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

if [ -z "${HELM:-}" ]; then
    if bin=$(find_reference_tools) && [ -x "$bin/helm" ]; then
        HELM=$bin/helm
    elif command -v helm >/dev/null 2>&1; then
        HELM=$(command -v helm)
    else
        echo "error: helm not found; set HELM or install the reference tools" >&2
        exit 1
    fi
fi
if [ -z "${KILN:-}" ]; then
    echo "building kiln (cargo build --release)" >&2
    cargo build --release -q
    KILN=$root/target/release/kiln
fi
if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time is needed for peak memory (apt-get install -y time)" >&2
    exit 1
fi
python=python3
if ! "$python" -c 'import yaml' 2>/dev/null; then
    venv=$root/target/bench-venv
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import yaml' 2>/dev/null; then
        echo "installing PyYAML into target/bench-venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q pyyaml
    fi
    python=$venv/bin/python
fi

echo "helm: $("$HELM" version --short 2>/dev/null || echo unknown)"
echo "kiln: $KILN"

# --- the chart, in both languages --------------------------------------------------------------

"$python" "$root/scripts/bench/gen-chart.py" "$work" "$n"
helm_chart=$work/helm/bench
kiln_chart=$work/kiln/bench
helm_cmd=("$HELM" template bench "$helm_chart")
kiln_cmd=("$KILN" render "$kiln_chart" --release-name bench)
echo "chart: $n apps, $((n * 6)) objects expected; values.yaml $(wc -c <"$kiln_chart/values.yaml") bytes"

# --- 1. same objects ---------------------------------------------------------------------------

"${helm_cmd[@]}" >"$work/helm.yaml"
"${kiln_cmd[@]}" >"$work/kiln.yaml"
"$python" - "$work/helm.yaml" "$work/kiln.yaml" "$((n * 6))" <<'PYTHON'
import sys, yaml

def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]

def key(doc):
    m = doc.get("metadata", {})
    return (doc.get("kind", ""), m.get("namespace", ""), m.get("name", ""))

helm, kiln, expected = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
print("objects: helm %d, kiln %d" % (len(helm), len(kiln)))
ok = len(helm) == len(kiln) == expected
if not ok:
    print("MISMATCH: expected %d objects from each" % expected)
h, k = sorted(helm, key=key), sorted(kiln, key=key)
diffs = [(a, b) for a, b in zip(h, k) if a != b]
if diffs:
    ok = False
    a, b = diffs[0]
    print("MISMATCH: %d objects differ; first: %s/%s" % (len(diffs), a.get("kind"), a.get("metadata", {}).get("name")))
    print("--- helm\n" + yaml.safe_dump(a, sort_keys=True) + "--- kiln\n" + yaml.safe_dump(b, sort_keys=True))
if [key(d) for d in helm] != [key(d) for d in kiln]:
    print("note: same objects, different order in the stream")
if ok:
    print("same objects: yes (documents compared as parsed data)")
sys.exit(0 if ok else 1)
PYTHON

# --- 2. time -----------------------------------------------------------------------------------

q() { printf '%q ' "$@"; }
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style basic --warmup 2 --min-runs "$runs" --export-json "$work/times.json" \
        -n helm "$(q "${helm_cmd[@]}") >/dev/null" \
        -n kiln "$(q "${kiln_cmd[@]}") >/dev/null"
    read -r helm_s kiln_s < <("$python" -c '
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(r["helm"], r["kiln"])' "$work/times.json")
else
    mean_seconds() {
        local i total=0 t
        for ((i = 0; i < runs; i++)); do
            t=$( { /usr/bin/time -f '%e' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -n1)
            total=$(awk -v a="$total" -v b="$t" 'BEGIN { print a + b }')
        done
        awk -v a="$total" -v n="$runs" 'BEGIN { print a / n }'
    }
    helm_s=$(mean_seconds "${helm_cmd[@]}")
    kiln_s=$(mean_seconds "${kiln_cmd[@]}")
fi

# --- 3. peak memory ----------------------------------------------------------------------------

peak_kb() {
    local i
    for i in 1 2 3 4 5; do
        /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
    done | sort -n | sed -n 3p
}
helm_kb=$(peak_kb "${helm_cmd[@]}")
kiln_kb=$(peak_kb "${kiln_cmd[@]}")

# --- 4. ratios ---------------------------------------------------------------------------------

awk -v hs="$helm_s" -v ks="$kiln_s" -v hm="$helm_kb" -v km="$kiln_kb" -v n="$((n * 6))" 'BEGIN {
    printf "\n%-6s %12s %14s\n", "", "mean time", "peak memory"
    printf "%-6s %10.1f ms %11.1f MB\n", "helm", hs * 1000, hm / 1024
    printf "%-6s %10.1f ms %11.1f MB\n", "kiln", ks * 1000, km / 1024
    printf "\nkiln is %.1fx faster than helm and uses %.1fx less peak memory (%d objects)\n", hs / ks, hm / km, n
    goal = (hs / ks >= 10 && km < hm)
    printf "goal (>= 10x faster, less memory): %s\n", goal ? "met" : "NOT met"
    exit goal ? 0 : 1
}'
