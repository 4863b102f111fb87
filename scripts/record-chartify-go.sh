#!/usr/bin/env bash
# Records the proof that `kiln chartify --template-language go` writes Helm charts that helm
# itself renders to the input objects (tests/chartify_go.rs checks it without helm).
#
#   scripts/record-chartify-go.sh
#
# For every manifest in tests/chartify/exports and tests/chartify/seeds, case NAME (the file name):
#   tests/chartify_go/NAME/input         the input's path, relative to the repository
#   tests/chartify_go/NAME/chart.txt     every file of the generated chart (`=== path` headers)
#   tests/chartify_go/NAME/helm-output.yaml
#       `helm template NAME CHART --include-crds [--namespace NS] [--set KEY=placeholder ...]`:
#       release NAME is the chart's name, NS the namespace chartify made Release.Namespace, and
#       each Secret key the chart requires is set to the text `placeholder`.
# The test regenerates the chart (it must equal chart.txt byte for byte, so the recorded helm
# output belongs to exactly these files) and compares helm's objects with kiln's rendering of the
# Jinja chart chartify makes from the same input (itself checked against the input objects).
#
# HELM=/path/to/helm overrides the binary (helm 4.1.4); otherwise `helm` must be on PATH.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
helm=${HELM:-helm}
"$helm" version --short | grep -q '^v4\.1\.4' || echo "warning: expected helm v4.1.4, got $("$helm" version --short)" >&2
(cd "$root" && cargo build --quiet)
kiln="$root/target/debug/kiln"
out_root="$root/tests/chartify_go"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for input in "$root"/tests/chartify/exports/* "$root"/tests/chartify/seeds/*; do
  rel=${input#"$root"/}
  base=$(basename "$input"); base=${base%.*}
  name=$(echo "$base" | tr 'A-Z_.' 'a-z--')
  case_dir="$out_root/$name"
  mkdir -p "$case_dir"
  chart="$tmp/$name"
  summary=$("$kiln" chartify "$input" --name "$name" --template-language go -o "$chart")
  printf '%s\n' "$rel" >"$case_dir/input"
  : >"$case_dir/chart.txt"
  (cd "$chart" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | while read -r f; do
    printf '=== %s\n' "$f"; cat "$f"; [ -z "$(tail -c1 "$f")" ] || echo; done) >"$case_dir/chart.txt"
  args=(template "$name" "$chart" --include-crds)
  ns=$(printf '%s\n' "$summary" | sed -n 's/^ *namespace: \(.*\) -> Release.Namespace$/\1/p' | head -n1)
  if [ -n "$ns" ]; then args+=(--namespace "$ns"); fi
  # The README's `kiln render NAME --set key=…` line lists the required Secret keys.
  while read -r set; do
    [ -n "$set" ] && args+=(--set "${set%…}placeholder")
  done < <(grep -o -- '--set [^ `]*=…' "$chart/README.md" | sed 's/^--set //' || true)
  "$helm" "${args[@]}" >"$case_dir/helm-output.yaml"
  echo "$name: $(grep -c '^kind:' "$case_dir/helm-output.yaml" || true) objects (helm ${args[*]:3})"
done
