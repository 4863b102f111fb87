# Sourced by the recording scripts. Needs $helm (the helm binary) and $tmp (a scratch directory).

# prepare_chart SRC DEST: copy the chart SRC to DEST, packaging SRC/packages/* into DEST/charts/
# with `helm package` (recursively: a package may have packages of its own).
prepare_chart() {
  local src=$1 dest=$2 pkg
  mkdir -p "$dest"
  (cd "$src" && find . -path ./packages -prune -o -type f -print | while read -r f; do
    mkdir -p "$dest/$(dirname "$f")"; cp "$f" "$dest/$f"; done)
  if [ -d "$src/packages" ]; then
    mkdir -p "$dest/charts"
    for pkg in "$src"/packages/*/; do
      local work="$tmp/pkgs/$(basename "$pkg")-$RANDOM"
      prepare_chart "${pkg%/}" "$work/$(basename "$pkg")"
      "$helm" package "$work/$(basename "$pkg")" -d "$dest/charts" >/dev/null
    done
  fi
}
