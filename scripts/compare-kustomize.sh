#!/usr/bin/env bash
# Compares kiln with the real `kubectl kustomize` on every kustomization directory under a tree.
#
#   scripts/compare-kustomize.sh [-v] [-o OUTDIR] [-c CACHEDIR] DIR...
#
# Every directory under DIR holding a kustomization.yaml / kustomization.yml / Kustomization is
# built offline by both tools (`kubectl kustomize D` and `kiln render D`) and classified:
#   identical        both succeed, byte-identical stdout
#   differs          both succeed, different output
#   kiln-error       kustomize succeeds, kiln fails
#   kustomize-error  kustomize fails (remote resources, plugins, broken trees); not counted in the rate
#   both-error       both fail
# Totals and the identical rate over the trees kustomize builds are printed at the end; with -v each
# directory's verdict (and kiln's first error line) is printed too. -o OUTDIR keeps both outputs and
# errors per directory for inspection. -c CACHEDIR keeps kustomize's results there and reuses them
# on the next run (kustomize is the slow side; delete the cache when the trees change).
#
# Directories kustomize refuses because they need the network are kustomize errors too: kubectl runs
# with HTTP(S)_PROXY pointed at a closed port so that remote bases fail fast instead of hanging.
# A build that needs `--load-restrictor LoadRestrictionsNone` is retried with it by both tools.
#
# Environment: KILN (kiln binary; default: target/release/kiln, else target/debug/kiln), KUBECTL,
# TIMEOUT (seconds per build, default 60).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/reference-tools.sh
. "$root/scripts/lib/reference-tools.sh"

verbose=0
outdir=
cache=
dirs=()
while [ $# -gt 0 ]; do
    case "$1" in
        -v) verbose=1 ;;
        -o) shift; outdir=$1 ;;
        -c) shift; cache=$1 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) dirs+=("$1") ;;
    esac
    shift
done
[ ${#dirs[@]} -gt 0 ] || { echo "usage: $0 [-v] [-o OUTDIR] DIR..." >&2; exit 2; }

if [ -z "${KILN:-}" ]; then
    if [ -x "$root/target/release/kiln" ]; then KILN=$root/target/release/kiln
    elif [ -x "$root/target/debug/kiln" ]; then KILN=$root/target/debug/kiln
    else echo "error: no kiln binary; run cargo build or set KILN" >&2; exit 2
    fi
fi
if [ -z "${KUBECTL:-}" ]; then
    if bin=$(reference_tools_cached) && [ -x "$bin/kubectl" ]; then KUBECTL=$bin/kubectl
    elif bin=$(reference_tools_bin "$root") && [ -x "$bin/kubectl" ]; then KUBECTL=$bin/kubectl
    elif command -v kubectl >/dev/null 2>&1; then KUBECTL=$(command -v kubectl)
    else echo "error: kubectl not found; set KUBECTL" >&2; exit 2
    fi
fi
timeout=${TIMEOUT:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

offline_kubectl() {
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 GIT_TERMINAL_PROMPT=0 \
        GIT_ALLOW_PROTOCOL=none timeout "$timeout" "$KUBECTL" kustomize "$@"
}

identical=0 differs=0 kiln_error=0 kustomize_error=0 both_error=0
for top in "${dirs[@]}"; do
    while IFS= read -r -d '' file; do
        d=$(dirname "$file")
        case "$d" in */.git/*|*/.git) continue ;; esac
        key=$(printf '%s' "${d#"$top"}" | tr '/' '_')
        extra=()
        ck=
        if [ -n "$cache" ]; then
            ck="$cache/$(printf '%s' "$(cd "$d" && pwd)" | cksum | tr ' ' _)"
        fi
        if [ -n "$ck" ] && [ -f "$ck.rc" ]; then
            cp "$ck.out" "$work/k.out"; cp "$ck.err" "$work/k.err"
            krc=$(cat "$ck.rc")
            if [ -s "$ck.extra" ]; then read -r -a extra <"$ck.extra"; fi
        else
            offline_kubectl "$d" >"$work/k.out" 2>"$work/k.err"
            krc=$?
            if [ $krc -ne 0 ] && grep -q 'is not in or below' "$work/k.err"; then
                extra=(--load-restrictor LoadRestrictionsNone)
                offline_kubectl "${extra[@]}" "$d" >"$work/k.out" 2>"$work/k.err"
                krc=$?
            fi
            if [ -n "$ck" ]; then
                mkdir -p "$cache"
                cp "$work/k.out" "$ck.out"; cp "$work/k.err" "$ck.err"
                echo "${extra[*]}" >"$ck.extra"; echo $krc >"$ck.rc"
            fi
        fi
        timeout "$timeout" "$KILN" render "${extra[@]}" "$d" >"$work/i.out" 2>"$work/i.err"
        irc=$?
        if [ $krc -ne 0 ] && [ $irc -ne 0 ]; then verdict=both-error; both_error=$((both_error + 1))
        elif [ $krc -ne 0 ]; then verdict=kustomize-error; kustomize_error=$((kustomize_error + 1))
        elif [ $irc -ne 0 ]; then verdict=kiln-error; kiln_error=$((kiln_error + 1))
        elif cmp -s "$work/k.out" "$work/i.out"; then verdict=identical; identical=$((identical + 1))
        else verdict=differs; differs=$((differs + 1))
        fi
        if [ $verbose -eq 1 ]; then
            note=
            case $verdict in
                kiln-error) note=" : $(grep -m1 -v '^\s*$' "$work/i.err")" ;;
                kustomize-error) note=" : $(grep -m1 -v '^\s*$' "$work/k.err" | cut -c1-160)" ;;
            esac
            echo "$verdict $d$note"
        fi
        if [ -n "$outdir" ] && [ "$verdict" != identical ]; then
            mkdir -p "$outdir/$key"
            cp "$work/k.out" "$outdir/$key/kustomize.yaml"; cp "$work/k.err" "$outdir/$key/kustomize.err"
            cp "$work/i.out" "$outdir/$key/kiln.yaml"; cp "$work/i.err" "$outdir/$key/kiln.err"
            echo "$d" >"$outdir/$key/dir"
        fi
    done < <(find "$top" \( -name .git -prune \) -o -type f \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) -print0 | sort -z)
done

built=$((identical + differs + kiln_error))
echo "identical:       $identical"
echo "differs:         $differs"
echo "kiln error:      $kiln_error"
echo "kustomize error: $((kustomize_error + both_error)) (kiln fails on $both_error of them too)"
if [ $built -gt 0 ]; then
    echo "identical rate:  $identical / $built = $(awk "BEGIN { printf \"%.1f\", 100 * $identical / $built }")% of what kustomize builds"
fi
