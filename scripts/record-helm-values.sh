#!/usr/bin/env bash
# Re-records the Helm goldens of tests/helm_values: for every case directory under
# tests/helm_values/cases/, runs the real `helm template` on the test chart (with Helm's
# template, tests/helm_values/helm-template.yaml, in place of kiln's) with the arguments in
# the case's `args` file (one argument per line), inside the case directory so relative
# paths in -f and --set-file work. Stores stdout in `helm.yaml`, or, when Helm fails, its
# error in `helm-error.txt`.
#
# The matrix suite (tests/helm_values/matrix/cases.txt: one case per line, `NAME | ARG | …`,
# paths relative to the repository root) is recorded too: each case's stdout (every chart's
# `.Values` as JSON) into matrix/golden/NAME.yaml, or `ERROR:` and Helm's stderr.
#
# Usage: scripts/record-helm-values.sh [CASE...]     (default: every case of both suites;
#        `matrix` as a CASE: the whole matrix suite)
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

record_matrix=yes
if [ $# -gt 0 ]; then
  cases=()
  record_matrix=no
  for c in "$@"; do
    if [ "$c" = matrix ]; then record_matrix=yes; else cases+=("$c"); fi
  done
else
  cases=()
  for d in "$suite"/cases/*/; do cases+=("$(basename "$d")"); done
fi

for name in ${cases[@]+"${cases[@]}"}; do
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

# The matrix suite, run from the repository root.
if [ "$record_matrix" = yes ]; then
  matrix=$suite/matrix
  sep=$'\x1f'
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    IFS="$sep" read -r -a parts <<<"${line// | /$sep}"
    name=${parts[0]}
    args=("${parts[@]:1}")
    chart=tests/helm_values/matrix/chart
    if [ "${args[0]:-}" = --chart ]; then chart=${args[1]}; args=("${args[@]:2}"); fi
    if (cd "$here" && "$HELM" template rel "$chart" ${args[@]+"${args[@]}"} > "$work/out" 2> "$work/err"); then
      cp "$work/out" "$matrix/golden/$name.yaml"
      echo "ok    matrix/$name" >&2
    else
      { echo "ERROR:"; cat "$work/err"; } > "$matrix/golden/$name.yaml"
      echo "error matrix/$name" >&2
    fi
  done < "$matrix/cases.txt"
fi
