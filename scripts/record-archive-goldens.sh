#!/usr/bin/env bash
# Records the goldens of the packaged-chart suite (tests/archives) with the real helm 4.1.4.
#
#   scripts/record-archive-goldens.sh            re-record every go_* fixture
#   scripts/record-archive-goldens.sh NAME...    only these fixtures
#
# A fixture's `chart/` is a chart directory; every `packages/<dir>/` inside it (at any depth) is a
# chart that `helm package` turns into `<name>-<version>.tgz` in the enclosing chart's `charts/`,
# which is what `helm dependency build` leaves there. The prepared chart is rendered twice, as a
# directory and packaged itself (`helm template store-0.4.0.tgz`); both must agree, and the output
# goes to `expected.yaml` (stderr, if any, to `expected.stderr`). tests/archives.rs prepares the
# same layout with its own tar writer and compares kiln's output with these files.
#
# jinja_* and err_* fixtures are kiln-only (helm cannot render Jinja) and are snapshotted instead.
# HELM=/path/to/helm overrides the binary; otherwise `helm` must be on PATH.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
helm=${HELM:-helm}
"$helm" version --short | grep -q '^v4\.1\.4' || echo "warning: expected helm v4.1.4, got $("$helm" version --short)" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=lib/prepare-chart.sh
. "$(dirname "$0")/lib/prepare-chart.sh"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in "$root"/tests/archives/go_*/; do names+=("$(basename "$d")"); done
fi
for name in "${names[@]}"; do
  fixture="$root/tests/archives/$name"
  work="$tmp/$name"
  prepare_chart "$fixture/chart" "$work/chart"
  set +e
  (cd "$work" && "$helm" template chart >"$work/dir.yaml" 2>"$work/dir.stderr")
  code=$?
  set -e
  if [ $code -eq 0 ]; then
    "$helm" package "$work/chart" -d "$work" >/dev/null
    (cd "$work" && "$helm" template ./*.tgz >"$work/tgz.yaml")
    if ! cmp -s "$work/dir.yaml" "$work/tgz.yaml"; then
      echo "error: $name renders differently as a directory and as an archive" >&2
      diff "$work/dir.yaml" "$work/tgz.yaml" >&2 || true
      exit 1
    fi
  fi
  cp "$work/dir.yaml" "$fixture/expected.yaml"
  if [ -s "$work/dir.stderr" ]; then cp "$work/dir.stderr" "$fixture/expected.stderr"; else rm -f "$fixture/expected.stderr"; fi
  echo "$name: exit $code, $(grep -c '^kind:' "$fixture/expected.yaml" || true) objects"
done
