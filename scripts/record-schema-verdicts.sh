#!/usr/bin/env bash
# Records the verdicts of `kubernetes-validate --strict` (Kubernetes 1.35) for the schema-validation
# corpus: for every tests/schema_corpus/**/NAME.yaml it writes NAME.verdict beside it, one line per
# YAML document:
#
#   <valid|invalid|skipped><TAB><kubernetes-validate's output line, without the file name>
#
# INFO lines are `valid`, ERROR lines `invalid` (a schema violation, or an object it cannot read,
# e.g. without apiVersion), WARN lines `skipped` (no schema for the apiVersion/kind: custom resources
# and apiVersions Kubernetes 1.35 no longer serves). tests/schema_validation.rs checks kiln's verdict
# against these files.
#
# kubernetes-validate cannot read CRDs, so for a custom resource it always says `skipped`; the
# expected verdict once the CRD in the same file is registered is written by hand in the document,
# as a `# with-crd: <verdict> [path]` comment.
#
# KUBE_VERSION (default 1.35) and CORPUS (default tests/schema_corpus) record another version into a
# copy of the corpus (see tests/schema_validation.rs).
#
# The tool is found through the reference tools (shared/tools/get-reference-tools.sh beside the
# repository), or named by KUBERNETES_VALIDATE=/path/to/kubernetes-validate.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
corpus=${CORPUS:-$here/../tests/schema_corpus}
kube_version=${KUBE_VERSION:-1.35}

if [ -n "${KUBERNETES_VALIDATE:-}" ]; then
    kv=$KUBERNETES_VALIDATE
else
    bin=$(bash "$(dirname "$0")/../../shared/tools/get-reference-tools.sh" | tail -n1)
    kv=$bin/kubernetes-validate
fi
tool_version=$("$kv" --version)

cd "$corpus"
count=0
while IFS= read -r file; do
    file=${file#./}
    out=$("$kv" --strict -k "$kube_version" "$file" 2>&1) || true
    {
        echo "# kubernetes-validate $tool_version --strict -k $kube_version (scripts/record-schema-verdicts.sh)"
        while IFS= read -r line; do
            case "$line" in
                "INFO "*) verdict=valid ;;
                "WARN "*) verdict=skipped ;;
                "ERROR "*) verdict=invalid ;;
                *) echo "$file: unexpected output: $line" >&2; exit 1 ;;
            esac
            printf '%s\t%s\n' "$verdict" "${line/ $file / }"
        done <<<"$out"
    } >"${file%.yaml}.verdict"
    count=$((count + 1))
done < <(find . -name '*.yaml' | sort)
echo "recorded $count files in $corpus" >&2
