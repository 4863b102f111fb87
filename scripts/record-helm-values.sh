#!/usr/bin/env bash
# Records Helm's values for every case of tests/helm_values/cases.txt as a golden file:
# runs the real `helm template` on tests/helm_values/chart (whose templates print `.Values` as
# JSON, one document per chart) and stores its stdout in tests/helm_values/golden/NAME.yaml.
# A case that fails stores `ERROR:` and Helm's stderr instead.
# A case may start with `--chart DIR` to use another chart.
# Usage: scripts/record-helm-values.sh [NAME...]   (no names: every case)
# KILN_REFERENCE_BIN may name the folder holding helm (default: get-reference-tools.sh).
set -euo pipefail
here=$(dirname "$0")
tools="$here/../../shared/tools/get-reference-tools.sh"
if [ -z "${KILN_REFERENCE_BIN:-}" ] && [ ! -f "$tools" ]; then
  echo "error: $tools not found (the repo expects shared/ beside it); set KILN_REFERENCE_BIN to the folder holding helm" >&2
  exit 1
fi
bin=${KILN_REFERENCE_BIN:-$(bash "$tools" | tail -n1)}
cd "$here/.."
cases=tests/helm_values/cases.txt
golden=tests/helm_values/golden
mkdir -p "$golden"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$bin/helm" version --short >"$golden/HELM_VERSION"
sep=$'\x1f'
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in ''|'#'*) continue ;; esac
  IFS="$sep" read -r -a parts <<<"${line// | /$sep}"
  name=${parts[0]}
  args=("${parts[@]:1}")
  chart=tests/helm_values/chart
  if [ "${args[0]:-}" = --chart ]; then chart=${args[1]}; args=("${args[@]:2}"); fi
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  if out=$("$bin/helm" template rel "$chart" ${args[@]+"${args[@]}"} 2>"$err"); then
    printf '%s\n' "$out" >"$golden/$name.yaml"
  else
    { echo "ERROR:"; cat "$err"; } >"$golden/$name.yaml"
  fi
  echo "recorded $name"
done <"$cases"
