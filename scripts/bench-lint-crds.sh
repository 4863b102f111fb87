#!/usr/bin/env bash
# Measures `kiln lint --crd BUNDLE` with a large CRD bundle: time and peak memory
# (/usr/bin/time -v), once with an object of none of the bundle's kinds and once with a
# cert-manager Certificate (its CRD must be in the bundle).
#
#   scripts/bench-lint-crds.sh RENDERED_DIR [KILN]
#
# RENDERED_DIR: rendered streams to take the CRDs from (scripts/lint-corpus.sh's OUT/rendered).
set -euo pipefail
DIR=${1:?usage: bench-lint-crds.sh RENDERED_DIR [KILN]}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KILN=${2:-$ROOT/target/release/kiln}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$DIR" "$WORK/crds.yaml" <<'PY'
import glob, os, sys, yaml
seen = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    try:
        docs = list(yaml.safe_load_all(open(f)))
    except Exception:
        continue
    for d in docs:
        if isinstance(d, dict) and d.get("kind") == "CustomResourceDefinition" \
                and str(d.get("apiVersion", "")).startswith("apiextensions.k8s.io/v1"):
            seen.setdefault(d.get("metadata", {}).get("name"), d)
yaml.safe_dump_all(list(seen.values()), open(sys.argv[2], "w"), sort_keys=False)
print(f"{len(seen)} CRDs, {os.path.getsize(sys.argv[2]) // 1024} KiB")
PY
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n' >"$WORK/cm.yaml"
printf 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n  dnsNames: [web.example.com]\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n' >"$WORK/cert.yaml"
for obj in cm cert; do
  echo "== kiln lint --crd crds.yaml $obj.yaml"
  /usr/bin/time -v "$KILN" lint --crd "$WORK/crds.yaml" "$WORK/$obj.yaml" 2>&1 >/dev/null |
    grep -E "Elapsed|Maximum resident" || true
done
