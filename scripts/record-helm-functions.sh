#!/usr/bin/env bash
# Records what helm prints for each template function case of tests/functions/cases.txt (one
# template per line; `#` comments and blank lines skipped; a leading `~ ` marks a case whose error
# text is not compared). Each case is rendered alone as the NOTES.txt of tests/functions/chart with
# `helm install --dry-run=client` (helm prints NOTES without parsing them as YAML). The results go to
# tests/functions/helm.jsonl, one JSON object per case: {"case": …, "out": …} or {"case": …, "err": …}
# (the error message after helm's location).
#
# Usage: scripts/record-helm-functions.sh      (set HELM to use a particular helm binary)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${HELM:-}" ]; then
  # shellcheck source=lib/reference-tools.sh
  source "$here/scripts/lib/reference-tools.sh"
  bin=$(reference_tools_cached || reference_tools_bin "$here")
  HELM=$bin/helm
fi
"$HELM" version --short >&2

suite=$here/tests/functions
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$suite/chart" "$work/chart"
out=$suite/helm.jsonl
: > "$out"
n=0
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in ''|'#'*) continue ;; esac
  tmpl=${line#'~ '}
  printf '%s' "$tmpl" > "$work/chart/templates/NOTES.txt"
  if result=$("$HELM" install x "$work/chart" --dry-run=client 2>"$work/stderr"); then
    printf '%s' "$result" | python3 -c '
import json, sys
text = sys.stdin.read()
notes = text.split("\nNOTES:\n", 1)[1] if "\nNOTES:\n" in text else ""
print(json.dumps({"case": sys.argv[1], "out": notes}, ensure_ascii=False))' "$line" >> "$out"
  else
    python3 -c '
import json, re, sys
err = open(sys.argv[2]).read().strip()
err = re.sub(r"^Error: INSTALLATION FAILED: ", "", err)
if "\n" in err:
    msg = err.splitlines()[-1].strip()
else:
    m = re.search(r"> ?: (.*)$", err)
    msg = m.group(1) if m else err
print(json.dumps({"case": sys.argv[1], "err": msg}, ensure_ascii=False))' "$line" "$work/stderr" >> "$out"
  fi
  n=$((n + 1))
done < "$suite/cases.txt"
echo "recorded $n cases into ${out#"$here/"}" >&2
