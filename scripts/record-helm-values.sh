#!/usr/bin/env bash
# Re-records the Helm goldens of tests/helm_values: for every case directory under
# tests/helm_values/cases/, runs the real `helm template` on the test chart (with Helm's
# template, tests/helm_values/helm-template.yaml, in place of kiln's) with the arguments in
# the case's `args` file (one argument per line), inside the case directory so relative
# paths in -f and --set-file work. Stores stdout in `helm.yaml`, or, when Helm fails, its
# error in `helm-error.txt`.
#
# Usage: scripts/record-helm-values.sh [CASE...]     (default: every case)
# Set HELM to use a particular helm binary instead of the reference tools.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${HELM:-}" ]; then
  bin=$(bash "$(dirname "$0")/../../shared/tools/get-reference-tools.sh" | tail -n1)
  HELM=$bin/helm
fi
"$HELM" version --short >&2

suite=$here/tests/helm_values
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$suite/chart" "$work/parent"
# Helm's flavour: the same chart with Helm's template printing .Values.
find "$work/parent" -path '*/templates/values.yaml' -exec cp "$suite/helm-template.yaml" {} \;

if [ $# -gt 0 ]; then cases=("$@"); else
  cases=()
  for d in "$suite"/cases/*/; do cases+=("$(basename "$d")"); done
fi

for name in "${cases[@]}"; do
  dir=$suite/cases/$name
  args=()
  while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done < "$dir/args"
  rm -f "$dir/helm.yaml" "$dir/helm-error.txt"
  if (cd "$dir" && "$HELM" template "$work/parent" ${args[@]+"${args[@]}"} > "$work/out" 2> "$work/err"); then
    cp "$work/out" "$dir/helm.yaml"
    echo "ok    $name" >&2
  else
    # Keep the error without the temporary chart path.
    sed "s|$work/||g" "$work/err" > "$dir/helm-error.txt"
    echo "error $name" >&2
  fi
done
