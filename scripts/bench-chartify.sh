#!/usr/bin/env bash
# chartify benchmark: N ConfigMaps that share one name, each in its own namespace (default 3,000).
# Every object then competes for the same values key and file name, which once made chartify
# cubic (3,000 objects: 38 s). Goal: linear, 3,000 objects well under one second.
#
# Usage: scripts/bench-chartify.sh [N]
# Environment: KILN (kiln binary; default: cargo build --release), RUNS (default 5).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-3000}
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${KILN:-}" ]; then
    cargo build --release --quiet
    KILN=$root/target/release/kiln
fi

python3 - "$n" >"$work/in.yaml" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ns{i}\ndata:\n  a: \"1\"")
PY

cmd="rm -rf $work/out && $KILN chartify $work/in.yaml --name bench -o $work/out >/dev/null"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$runs" "$cmd"
else
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e s  %M KB max RSS" bash -c "$cmd"
    done
fi
