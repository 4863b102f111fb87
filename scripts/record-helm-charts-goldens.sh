#!/usr/bin/env bash
# Records the goldens of the kustomize `helmCharts:` suite (tests/helm_charts) with the real
# `kubectl kustomize --enable-helm` (kustomize v5.7.1) calling the real helm 4.1.4.
#
#   scripts/record-helm-charts-goldens.sh           re-record every fixture
#   scripts/record-helm-charts-goldens.sh NAME...   only these fixtures
#
# Fixtures named `static_*`, `go_*` and `tgz_*` get `expected.yaml` (stdout) and, when not empty,
# `expected.stderr`; `err_*` fixtures get `kustomize-error.txt` (kustomize's own message, kept for
# reference: kiln has its own, snapshotted by tests/helm_charts.rs). `jinja_*` fixtures are
# skipped (helm cannot render Jinja): they must reproduce the golden of their `go_*` twin.
#
# kustomize 5.7.1 refuses any helm whose `helm version -c --short` is not v3 (and helm 4 has no
# `-c`), so kustomize is given a two-line wrapper that answers that one question with "v3.0.0"
# and hands every other command (`helm template ...`) to helm 4.1.4 unchanged.
#
# A fixture's `packages/<chartHome>/<name>-<version>/` is a chart that `helm package` turns into
# `<chartHome>/<name>-<version>.tgz` (where `helm pull` leaves it; the chart's own `packages/<dir>/`
# become its `charts/*.tgz` the same way). kustomize reads no archive: it looks for a directory and
# would `helm pull --untar` the chart, so for it each archive is also untarred where that pull puts
# it, `<chartHome>/<name>` and `<chartHome>/<name>-<version>/<name>` (unless the fixture has a
# directory there). tests/helm_charts.rs prepares the archives alone, with its own tar writer.
#
# KUBECTL / HELM override the binaries; otherwise `kubectl` and `helm` must be on PATH.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
kubectl=${KUBECTL:-kubectl}
helm=$(command -v "${HELM:-helm}")
"$helm" version --short | grep -q '^v4\.1\.4' || echo "warning: expected helm v4.1.4, got $("$helm" version --short)" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/helm" <<SHIM
#!/usr/bin/env bash
if [ "\${1:-} \${2:-}" = "version -c" ]; then echo "v3.0.0"; exit 0; fi
exec "$helm" "\$@"
SHIM
chmod +x "$tmp/helm"

# shellcheck source=lib/prepare-chart.sh
. "$(dirname "$0")/lib/prepare-chart.sh"

# prepare_fixture SRC DEST: the fixture with its packages/ as archives, untarred for kustomize.
prepare_fixture() {
  local src=$1 dest=$2 pkg rel home base name
  rm -rf "$dest"; mkdir -p "$dest"
  (cd "$src" && find . -path ./packages -prune -o -type f -print | while read -r f; do
    mkdir -p "$dest/$(dirname "$f")"; cp "$f" "$dest/$f"; done)
  [ -d "$src/packages" ] || return 0
  (cd "$src/packages" && find . -name Chart.yaml -not -path '*/packages/*' | sed 's#^\./##; s#/Chart.yaml$##') |
  while read -r rel; do
    home=$(dirname "$rel"); base=$(basename "$rel")
    name=$(sed -n 's/^name: *//p' "$src/packages/$rel/Chart.yaml")
    local work="$tmp/fixture-pkgs/$base"
    rm -rf "$work"; prepare_chart "$src/packages/$rel" "$work/$name"
    mkdir -p "$dest/$home"
    "$helm" package "$work/$name" -d "$dest/$home" >/dev/null
    [ -f "$dest/$home/$base.tgz" ] || { echo "error: packages/$rel must be named <name>-<version>" >&2; exit 1; }
    for at in "$dest/$home" "$dest/$home/$base"; do
      if [ ! -e "$at/$name" ]; then mkdir -p "$at"; tar -xzmf "$dest/$home/$base.tgz" -C "$at"; fi
    done
  done
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in "$root"/tests/helm_charts/*/; do
    case "$(basename "$d")" in jinja_*) ;; *) names+=("$(basename "$d")") ;; esac
  done
fi
for name in "${names[@]}"; do
  dir="$root/tests/helm_charts/$name"
  run_root=$root
  if [ -d "$dir/packages" ]; then
    run_root="$tmp/root"
    prepare_fixture "$dir" "$run_root/tests/helm_charts/$name"
  fi
  # A fixture's `args` file: extra `kustomize build` flags, one per line (--helm-kube-version ...).
  args=()
  if [ -f "$dir/args" ]; then
    while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done < "$dir/args"
  fi
  set +e
  (cd "$run_root" && "$kubectl" kustomize --enable-helm --helm-command "$tmp/helm" ${args[@]+"${args[@]}"} \
    "tests/helm_charts/$name" >"$tmp/out" 2>"$tmp/err")
  code=$?
  set -e
  case "$name" in
    err_*)
      sed -e "s#$run_root/##g" -e "s#$root/##g" -e "s#$tmp#TMP#g" -e 's#/tmp/kustomize-helm-[0-9]*#TMP#g' "$tmp/err" >"$dir/kustomize-error.txt"
      if [ $code -eq 0 ]; then
        echo "(kustomize accepts this overlay; kiln refuses it: see kiln's snapshot)" >"$dir/kustomize-error.txt"
      fi
      echo "$name: exit $code (kustomize's error kept for reference)"
      ;;
    *)
      if [ $code -ne 0 ]; then echo "error: $name failed:" >&2; cat "$tmp/err" >&2; exit 1; fi
      cp "$tmp/out" "$dir/expected.yaml"
      if [ -s "$tmp/err" ]; then cp "$tmp/err" "$dir/expected.stderr"; else rm -f "$dir/expected.stderr"; fi
      echo "$name: $(grep -c '^kind:' "$dir/expected.yaml" || true) objects"
      ;;
  esac
done
