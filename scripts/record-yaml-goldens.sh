#!/usr/bin/env bash
# Records the YAML emitter goldens in tests/yaml_emit/ from the reference tools.
#
# For every tests/yaml_emit/<name>.json corpus:
#   <name>.helm.yaml       what `helm template` prints for a chart whose only template is
#                          `{{ toYaml .Values }}`, with the corpus as the values file
#                          (the `---` / `# Source:` header is removed);
#   <name>.kustomize.yaml  what `kubectl kustomize` prints for one custom object
#                          {apiVersion: kiln.test/v1, kind: Corpus, metadata: {name: corpus}, spec: <corpus>}.
# tests/yaml_emit.rs checks that kiln's emitter prints exactly these bytes.
#
# The tools come from shared/tools/get-reference-tools.sh beside the repository;
# KILN_REFERENCE_BIN=<dir holding helm and kubectl> overrides that (e.g. from a worktree).
# Corpus strings must survive Helm's values reader unchanged: no U+0085 (read as a
# line break), no control characters, no keys that go-yaml sorts inconsistently.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ -n "${KILN_REFERENCE_BIN:-}" ]; then
  bin=$KILN_REFERENCE_BIN
else
  bin=$(bash "$(dirname "$0")/../../shared/tools/get-reference-tools.sh" | tail -n1)
fi
dir="$root/tests/yaml_emit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/chart/templates" "$work/kust"
printf 'apiVersion: v2\nname: corpus\nversion: 0.1.0\n' >"$work/chart/Chart.yaml"
printf '{{ toYaml .Values }}\n' >"$work/chart/templates/values.yaml"
printf 'resources:\n- object.json\n' >"$work/kust/kustomization.yaml"

for corpus in "$dir"/*.json; do
  name=$(basename "$corpus" .json)
  "$bin/helm" template "$work/chart" -f "$corpus" | tail -n +3 >"$dir/$name.helm.yaml"
  {
    printf '{"apiVersion":"kiln.test/v1","kind":"Corpus","metadata":{"name":"corpus"},"spec":'
    cat "$corpus"
    printf '}\n'
  } >"$work/kust/object.json"
  "$bin/kubectl" kustomize "$work/kust" >"$dir/$name.kustomize.yaml"
  # go-yaml's key order is not transitive for some keys (a01, a10, a1b; digit
  # runs beyond int64) and Go's map order is random: such output changes from
  # run to run and cannot be a golden. Record twice and refuse if it differs.
  "$bin/helm" template "$work/chart" -f "$corpus" | tail -n +3 >"$work/again.yaml"
  if ! cmp -s "$work/again.yaml" "$dir/$name.helm.yaml"; then
    echo "helm output for $name is not deterministic; remove the keys that sort inconsistently" >&2
    exit 1
  fi
  echo "recorded $name"
done
