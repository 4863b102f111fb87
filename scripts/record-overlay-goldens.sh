#!/usr/bin/env bash
# Re-records the goldens of the overlay conformance suite (tests/overlays) with the real
# `kubectl kustomize` (kustomize v5.7.1 inside kubectl 1.35).
#
#   scripts/record-overlay-goldens.sh            re-record every fixture
#   scripts/record-overlay-goldens.sh NAME...    re-record only these fixtures (directory names)
#   scripts/record-overlay-goldens.sh --check    record into a temporary copy and fail if any golden differs
#
# For each fixture directory:
#   NNN-*   expected.yaml   = stdout of `kubectl kustomize DIR`
#           expected.stderr = its stderr (deprecation warnings), only when not empty
#   err_*   kustomize-error.txt = stderr of `kubectl kustomize DIR` (kept for reference; kiln has its own
#           messages). Absolute paths are made relative to the repository root and Go pointer values
#           (0xc000...) are masked so the text is stable.
#   kiln_*  skipped: kiln-only features (charts:), snapshotted by kiln's own tests.
#
# KUBECTL=/path/to/kubectl overrides the binary; otherwise the reference tools script fetches it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
overlays="$root/tests/overlays"

if [ -n "${KUBECTL:-}" ]; then
  kubectl=$KUBECTL
else
  tools="$(dirname "$0")/../../shared/tools/get-reference-tools.sh"
  if [ ! -f "$tools" ]; then
    echo "error: $tools not found; set KUBECTL=/path/to/kubectl (kubectl 1.35 with kustomize v5.7.1)" >&2
    exit 2
  fi
  bin=$(bash "$(dirname "$0")/../../shared/tools/get-reference-tools.sh" | tail -n1)
  kubectl="$bin/kubectl"
fi

check=0
names=()
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) names+=("${arg%/}") ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  for d in "$overlays"/*/; do names+=("$(basename "$d")"); done
fi

version=$("$kubectl" version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')
if [ "$version" != "v5.7.1" ]; then
  echo "warning: expected kustomize v5.7.1, got '${version:-unknown}'" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Make stderr stable: absolute paths -> repository-relative, Go pointers masked, the machine's DNS
# resolver left out.
clean() {
  sed -e "s#$root/##g" -e 's/0xc[0-9a-f]\{6,\}/0xc000000000/g' -e 's/ on [0-9.:]*:53: no such host/: no such host/'
}

# kustomize takes a path; run from the repository root so relative paths in messages read well.
cd "$root"

fail=0
recorded=0
for name in "${names[@]}"; do
  dir="$overlays/$name"
  [ -d "$dir" ] || { echo "no such fixture: $name" >&2; fail=1; continue; }
  case "$name" in kiln_*) continue ;; esac
  out="$tmp/$name"
  mkdir -p "$out"
  set +e
  "$kubectl" kustomize "tests/overlays/$name" >"$out/stdout" 2>"$out/stderr.raw"
  rc=$?
  set -e
  clean <"$out/stderr.raw" >"$out/stderr"
  case "$name" in
    err_*)
      if [ $rc -eq 0 ]; then
        echo "note: $name: kustomize accepts this overlay (kiln refuses it); recording its stderr only" >&2
      fi
      files=(kustomize-error.txt)
      cp "$out/stderr" "$out/kustomize-error.txt"
      ;;
    *)
      if [ $rc -ne 0 ]; then
        echo "error: $name: kubectl kustomize failed:" >&2
        cat "$out/stderr" >&2
        fail=1
        continue
      fi
      files=(expected.yaml expected.stderr)
      cp "$out/stdout" "$out/expected.yaml"
      if [ -s "$out/stderr" ]; then cp "$out/stderr" "$out/expected.stderr"; fi
      ;;
  esac
  for f in "${files[@]}"; do
    if [ $check -eq 1 ]; then
      if [ -e "$out/$f" ] || [ -e "$dir/$f" ]; then
        if ! diff -u "$dir/$f" "$out/$f" >"$out/diff" 2>&1; then
          echo "differs: $name/$f" >&2
          cat "$out/diff" >&2
          fail=1
        fi
      fi
    else
      if [ -e "$out/$f" ]; then cp "$out/$f" "$dir/$f"; else rm -f "$dir/$f"; fi
    fi
  done
  recorded=$((recorded + 1))
done

if [ $check -eq 1 ]; then
  echo "checked $recorded fixtures" >&2
else
  echo "recorded $recorded fixtures" >&2
fi
exit $fail
