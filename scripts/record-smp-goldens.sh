#!/usr/bin/env bash
# Re-records the expected results of the strategic merge patch fixtures (tests/patch_smp/<case>/) with
# the real `kubectl kustomize` (kustomize 5.7 inside kubectl 1.35).
#
# Each case holds base.yaml (one object), patch.yaml (one strategic merge patch) and optionally
# openapi.json (a schema for custom resources, the kustomization `openapi` field). For each case this
# builds a throwaway kustomization
#     resources: [base.yaml]
#     patches: [{path: patch.yaml}]
#     openapi: {path: openapi.json}      # only when the case has one
# and writes kubectl's output to expected.yaml.
#
# Cases with a MANUAL file are where kiln deliberately differs from kustomize (it implements
# $setElementOrder, $retainKeys and $deleteFromPrimitiveList as the API server does): their expected.yaml
# is written by hand and kept; kustomize's output goes to kustomize.yaml beside it for comparison.
# Cases named err_* expect an error: kustomize's stderr goes to kustomize-error.txt (kiln's message is
# checked against error.txt, written by hand).
#
# Usage: scripts/record-smp-goldens.sh [CASE...]
# The reference binaries are found with shared/tools/get-reference-tools.sh (KILN_REFERENCE_BIN overrides).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if [ -n "${KILN_REFERENCE_BIN:-}" ]; then
  bin=$KILN_REFERENCE_BIN
else
  bin=$(bash "$(dirname "$0")/../../shared/tools/get-reference-tools.sh" | tail -n1)
fi
kubectl="$bin/kubectl"
cases_dir="$root/tests/patch_smp"

if [ $# -gt 0 ]; then cases=("$@"); else cases=(); for d in "$cases_dir"/*/; do cases+=("$(basename "$d")"); done; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in "${cases[@]}"; do
  case_dir="$cases_dir/$name"
  [ -f "$case_dir/base.yaml" ] || { echo "skip $name: no base.yaml" >&2; continue; }
  k="$work/$name"
  mkdir -p "$k"
  cp "$case_dir/base.yaml" "$case_dir/patch.yaml" "$k/"
  {
    echo "resources: [base.yaml]"
    echo "patches:"
    echo "- path: patch.yaml"
    if [ -f "$case_dir/openapi.json" ]; then
      cp "$case_dir/openapi.json" "$k/"
      echo "openapi:"
      echo "  path: openapi.json"
    fi
  } > "$k/kustomization.yaml"
  if [[ "$name" == err_* ]]; then
    if "$kubectl" kustomize "$k" > "$work/out.yaml" 2> "$work/err.txt"; then
      echo "note $name: kustomize accepted it" > "$case_dir/kustomize-error.txt"
      cat "$work/out.yaml" >> "$case_dir/kustomize-error.txt"
    else
      cp "$work/err.txt" "$case_dir/kustomize-error.txt"
    fi
    echo "recorded $name (error case)"
  elif [ -f "$case_dir/MANUAL" ]; then
    if ! "$kubectl" kustomize "$k" > "$case_dir/kustomize.yaml" 2> "$work/err.txt"; then
      { echo "# kubectl kustomize failed:"; sed 's/^/# /' "$work/err.txt"; } > "$case_dir/kustomize.yaml"
    fi
    echo "recorded $name (kustomize.yaml only: expected.yaml is hand-written)"
  else
    "$kubectl" kustomize "$k" > "$case_dir/expected.yaml"
    echo "recorded $name"
  fi
done
