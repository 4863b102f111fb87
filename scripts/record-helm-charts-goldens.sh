#!/usr/bin/env bash
# Records the goldens of the kustomize `helmCharts:` suite (tests/helm_charts) with the real
# `kubectl kustomize --enable-helm` (kustomize v5.7.1) calling the real helm 4.1.4.
#
#   scripts/record-helm-charts-goldens.sh           re-record every fixture
#   scripts/record-helm-charts-goldens.sh NAME...   only these fixtures
#
# Fixtures named `static_*` and `go_*` get `expected.yaml` (stdout) and, when not empty,
# `expected.stderr`; `err_*` fixtures get `kustomize-error.txt` (kustomize's own message, kept for
# reference: kiln has its own, snapshotted by tests/helm_charts.rs). `jinja_*` fixtures are
# skipped (helm cannot render Jinja): they must reproduce the golden of their `go_*` twin.
#
# kustomize 5.7.1 refuses any helm whose `helm version -c --short` is not v3 (and helm 4 has no
# `-c`), so kustomize is given a two-line wrapper that answers that one question with "v3.0.0"
# and hands every other command (`helm template ...`) to helm 4.1.4 unchanged.
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

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in "$root"/tests/helm_charts/*/; do
    case "$(basename "$d")" in jinja_*) ;; *) names+=("$(basename "$d")") ;; esac
  done
fi
for name in "${names[@]}"; do
  dir="$root/tests/helm_charts/$name"
  set +e
  (cd "$root" && "$kubectl" kustomize --enable-helm --helm-command "$tmp/helm" "tests/helm_charts/$name" \
    >"$tmp/out" 2>"$tmp/err")
  code=$?
  set -e
  case "$name" in
    err_*)
      sed -e "s#$root/##g" -e "s#$tmp#TMP#g" -e 's#/tmp/kustomize-helm-[0-9]*#TMP#g' "$tmp/err" >"$dir/kustomize-error.txt"
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
