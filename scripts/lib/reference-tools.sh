# Sourced by scripts: `reference_tools_bin` prints the directory holding the reference helm,
# kubectl and kubernetes-validate (fetched by shared/tools/get-reference-tools.sh, which sits beside
# the repository; a git worktree finds it beside its main checkout). Returns 1 when not found.
reference_tools_bin() {
    local root=$1
    local candidates=("$root/../shared/tools/get-reference-tools.sh")
    local common
    if common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
        candidates+=("$common/../../shared/tools/get-reference-tools.sh")
    fi
    local c
    for c in "${candidates[@]}"; do
        if [ -f "$c" ]; then
            bash "$c" | tail -n1
            return 0
        fi
    done
    return 1
}

# `reference_tools_cached` prints the tools' directory only when an earlier fetch left it in the
# cache (no download); returns 1 otherwise.
reference_tools_cached() {
    local dir=${ANCHORS:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln-reference-tools}/bin
    [ -d "$dir" ] && echo "$dir"
}
