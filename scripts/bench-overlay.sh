#!/usr/bin/env bash
# Overlay benchmark: kiln against the real `kubectl kustomize` on the overlay issue's workload.
#
# Usage: scripts/bench-overlay.sh [SIZES...]   (object counts, default: 300 1200 6000)
#
# For each size, scripts/bench/gen-overlay.py writes a base of N/6 sets of ServiceAccount, Role,
# RoleBinding, ConfigMap, CronJob and DaemonSet and an overlay with namePrefix, namespace, labels
# with includeTemplates, commonAnnotations, two images, an SMP patch on every DaemonSet, a JSON 6902
# patch on every CronJob and a configMapGenerator. Then:
#   1. kubectl kustomize builds it (skipped above KUSTOMIZE_MAX objects, default 1200: it takes
#      minutes at 6,000) and kiln's output must be byte-identical;
#   2. both are timed (hyperfine when installed, else repeated /usr/bin/time), peak memory from
#      /usr/bin/time -v;
#   3. prints the ratios, and checks kiln's goals: 6,000 objects in under 0.5 s, and growth close to
#      linear (the time per object at the largest size at most 2x the one at the smallest).
#
# Environment: KILN (kiln binary; default: cargo build --release), KUBECTL, RUNS (default 10).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/reference-tools.sh
. scripts/lib/reference-tools.sh
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(300 1200 6000)
runs=${RUNS:-10}
kustomize_max=${KUSTOMIZE_MAX:-1200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${KUBECTL:-}" ]; then
    if bin=$(reference_tools_bin "$root") && [ -x "$bin/kubectl" ]; then
        KUBECTL=$bin/kubectl
    elif command -v kubectl >/dev/null 2>&1; then
        KUBECTL=$(command -v kubectl)
    else
        KUBECTL=
        echo "note: kubectl not found; timing kiln only" >&2
    fi
fi
if [ -z "${KILN:-}" ]; then
    cargo build --release -q
    KILN=$root/target/release/kiln
fi

# Median wall seconds of RUNS runs of a command.
time_cmd() {
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N -w 1 -r "$runs" --export-json "$work/h.json" "$*" >/dev/null 2>&1
        python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/h.json"
    else
        local t=()
        for _ in $(seq "$runs"); do
            /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>&1
            t+=("$(cat "$work/t")")
        done
        printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
    fi
}

# Peak resident memory in MB (median of 3 runs of /usr/bin/time -v).
peak_mb() {
    local m=()
    for _ in 1 2 3; do
        /usr/bin/time -v "$@" >/dev/null 2>"$work/v"
        m+=("$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$work/v")")
    done
    printf '%s\n' "${m[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[2]/1024}'
}

status=0
first_per_obj=
last_per_obj=
printf '%-8s %-10s %-12s %-10s %-12s %-9s %s\n' objects kiln_s kiln_MB kustomize_s kustomize_MB speedup output
for size in "${sizes[@]}"; do
    n=$((size / 6))
    dir=$work/o$size
    python3 scripts/bench/gen-overlay.py "$n" "$dir" >/dev/null
    "$KILN" render "$dir" >"$work/kiln.yaml"
    kt=$(time_cmd "$KILN" render "$dir")
    km=$(peak_mb "$KILN" render "$dir")
    per_obj=$(python3 -c "print($kt / $size)")
    [ -n "$first_per_obj" ] || first_per_obj=$per_obj
    last_per_obj=$per_obj
    if [ -n "$KUBECTL" ] && [ "$size" -le "$kustomize_max" ]; then
        "$KUBECTL" kustomize "$dir" >"$work/kustomize.yaml"
        if cmp -s "$work/kiln.yaml" "$work/kustomize.yaml"; then same=identical; else same=DIFFERENT; status=1; fi
        ut=$(RUNS=3 runs=3 time_cmd "$KUBECTL" kustomize "$dir")
        um=$(peak_mb "$KUBECTL" kustomize "$dir")
        speed=$(python3 -c "print('%.0fx' % ($ut / $kt))")
    else
        ut=-; um=-; speed=-; same="(kustomize skipped)"
    fi
    printf '%-8s %-10s %-12s %-10s %-12s %-9s %s\n' "$size" "$kt" "$km" "$ut" "$um" "$speed" "$same"
    if [ "$size" -ge 6000 ] && python3 -c "import sys; sys.exit(0 if $kt < 0.5 else 1)"; then :; elif [ "$size" -ge 6000 ]; then
        echo "goal missed: $size objects took ${kt}s (goal < 0.5 s)"; status=1
    fi
done
growth=$(python3 -c "print('%.2f' % ($last_per_obj / $first_per_obj))")
echo "time per object, largest size / smallest size: $growth (linear growth ≈ 1; goal ≤ 2)"
python3 -c "import sys; sys.exit(0 if $growth <= 2.0 else 1)" || { echo "goal missed: growth is not linear"; status=1; }
exit $status
