#!/usr/bin/env bash
# Re-records the Helm goldens of the Go-template fixtures: for every case directory under
# tests/gotmpl/ (a `chart/` and, optionally, an `args` file with one extra `helm template`
# argument per line), runs the real `helm template rel chart ARGS...` inside the case directory and
# stores stdout in `helm.yaml`, or, when Helm fails, its stderr in `helm-error.txt`.
# tests/gotmpl.rs renders every case with kiln and compares byte for byte.
#
# Usage: scripts/record-helm-gotmpl.sh [CASE...]   (default: every case)
# Set HELM to use a particular helm binary instead of the reference tools.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${HELM:-}" ]; then
  bin=$(bash "$(dirname "$0")/../../shared/tools/get-reference-tools.sh" | tail -n1)
  HELM=$bin/helm
fi
"$HELM" version --short >&2

suite=$here/tests/gotmpl
if [ $# -gt 0 ]; then
  cases=("$@")
else
  cases=()
  for d in "$suite"/*/; do cases+=("$(basename "$d")"); done
fi

for name in "${cases[@]}"; do
  dir=$suite/$name
  args=()
  if [ -f "$dir/args" ]; then
    while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done < "$dir/args"
  fi
  rm -f "$dir/helm.yaml" "$dir/helm-error.txt"
  if (cd "$dir" && "$HELM" template rel chart ${args[@]+"${args[@]}"} > "$dir/.out" 2> "$dir/.err"); then
    mv "$dir/.out" "$dir/helm.yaml"
    echo "ok    $name" >&2
  else
    mv "$dir/.err" "$dir/helm-error.txt"
    echo "error $name" >&2
  fi
  rm -f "$dir/.out" "$dir/.err"
done

# The API versions `helm template` reports without a cluster (.Capabilities.APIVersions), which the
# Go engine reports too: one per line, in helm's order.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/c/templates"
printf 'apiVersion: v2\nname: c\nversion: 0.1.0\n' > "$tmp/c/Chart.yaml"
printf '{{ range .Capabilities.APIVersions }}{{ . }}\n{{ end }}' > "$tmp/c/templates/NOTES.txt"
"$HELM" install r "$tmp/c" --dry-run=client \
  | sed -n '/^NOTES:$/,$p' | tail -n +2 | grep -v '^$' \
  > "$here/src/render/gotmpl/helm-api-versions.txt"
echo "ok    helm-api-versions.txt" >&2
