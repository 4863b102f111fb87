#!/usr/bin/env python3
"""Compare `kiln render` with `helm template` on real charts, each with its default values.

Usage:
  scripts/compare-helm.py [options] PATH...

PATH is a chart directory, or a directory whose subdirectories are charts (bitnami/charts'
`bitnami/`, prometheus-community/helm-charts' `charts/`). Every chart is copied to a scratch
directory; dependencies missing from its `charts/` are filled offline from charts found under
--deps-from (and under the given PATHs), by chart name (`file://` repositories from their path),
as `helm dependency build` would have vendored them; nothing is downloaded. Then both tools render
it with release name `release-name` in namespace `default`, and the outputs are compared:

  identical        byte-identical output
  random-only      identical once the values helm generates at random are masked in both:
                   PEM blocks (genCA, genSelfSignedCert, genPrivateKey ...) and their base64,
                   `checksum/*` annotations, and same-length tokens that differ on a line
                   (randAlphaNum passwords, their base64, bcrypt/htpasswd hashes, uuids)
  differs          the first differing line is shown (full outputs kept with --keep)
  kiln error       helm renders it, kiln fails (first line of kiln's message)
  helm error       helm itself fails (the chart is skipped)
  library          a library chart (helm renders nothing)
  missing deps     a dependency was found nowhere offline

Options:
  --deps-from DIR   where to look for dependency charts (repeatable; searched 3 levels deep)
  --kiln BIN        kiln binary (default: target/release/kiln, built when missing)
  --helm BIN        helm binary (default: helm on PATH)
  --keep DIR        keep, per chart, helm.yaml, kiln.yaml and kiln.err in DIR/<chart>/
  --timeout S       per command (default 120)
  --only NAME       only charts with this name (repeatable)
  --prepare-only OUT  copy the one chart PATH to OUT with its dependencies vendored, and stop
                    (what scripts/bench-helm-charts.sh uses)

Exit status: 0 when every rendered chart is identical or random-only, 1 otherwise.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

RELEASE = "release-name"


def read_yaml(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f) or {}
    except Exception:
        return {}


def find_charts(path):
    if os.path.isfile(os.path.join(path, "Chart.yaml")):
        return [path]
    out = []
    for name in sorted(os.listdir(path)):
        d = os.path.join(path, name)
        if os.path.isfile(os.path.join(d, "Chart.yaml")):
            out.append(d)
    return out


def index_charts(roots):
    """name -> [chart dirs], from every Chart.yaml up to 3 levels below each root, in the order
    of the roots (the first root that has a chart of that name is preferred)."""
    index = {}
    for root in roots:
        base_depth = root.rstrip("/").count("/")
        for d, subdirs, files in os.walk(root):
            subdirs[:] = [s for s in subdirs if not s.startswith(".") and s != "node_modules"]
            if d.count("/") - base_depth >= 3:
                subdirs[:] = []
            if "Chart.yaml" in files:
                name = read_yaml(os.path.join(d, "Chart.yaml")).get("name")
                if name:
                    index.setdefault(name, []).append(d)
    return index


def dependencies(chart_dir):
    meta = read_yaml(os.path.join(chart_dir, "Chart.yaml"))
    deps = meta.get("dependencies") or []
    req = os.path.join(chart_dir, "requirements.yaml")
    if os.path.isfile(req):
        deps = read_yaml(req).get("dependencies") or deps
    return [d for d in deps if isinstance(d, dict) and d.get("name")]


def present_in_charts(dest, name):
    charts = os.path.join(dest, "charts")
    if not os.path.isdir(charts):
        return False
    for entry in os.listdir(charts):
        p = os.path.join(charts, entry)
        if os.path.isdir(p) and read_yaml(os.path.join(p, "Chart.yaml")).get("name") == name:
            return True
        if entry.endswith(".tgz") and entry.rsplit("-", 1)[0] == name:
            return True
    return False


def prepare(src, dest, index, missing, depth=0):
    """Copies the chart and vendors its missing dependencies into charts/."""
    shutil.copytree(src, dest, symlinks=False, ignore=shutil.ignore_patterns(".git"))
    if depth > 5:
        return
    for dep in dependencies(src):
        name = dep["name"]
        if present_in_charts(dest, name):
            continue
        repo = dep.get("repository") or ""
        found = None
        if repo.startswith("file://"):
            p = os.path.normpath(os.path.join(src, repo[len("file://"):]))
            if os.path.isfile(os.path.join(p, "Chart.yaml")):
                found = p
        if found is None:
            candidates = [c for c in index.get(name, []) if os.path.abspath(c) != os.path.abspath(src)]
            # A sibling chart of the same repository first, else the first root's.
            home = os.path.dirname(os.path.abspath(src))
            siblings = [c for c in candidates if os.path.dirname(os.path.abspath(c)) == home]
            if siblings or candidates:
                found = (siblings or candidates)[0]
        if found is None:
            missing.append(name)
            continue
        os.makedirs(os.path.join(dest, "charts"), exist_ok=True)
        target = os.path.join(dest, "charts", name)
        if not os.path.exists(target):
            prepare(found, target, index, missing, depth + 1)


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %ss" % timeout


PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----.*?-----END \1-----", re.S)
PEM_B64 = re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/=]*")
CHECKSUM = re.compile(r"((?:checksum|[\w./-]*checksum[\w./-]*)/?[\w./-]*:\s*)['\"]?[0-9a-f]{40,64}['\"]?")
TOKEN = re.compile(r"[A-Za-z0-9+/=$._-]+")


def mask_blocks(text):
    text = PEM.sub(lambda m: "<PEM %s>" % m.group(1), text)
    text = PEM_B64.sub("<PEM-BASE64>", text)
    return CHECKSUM.sub(lambda m: m.group(1) + "<CHECKSUM>", text)


def random_like(a, b):
    return len(a) == len(b) and len(a) >= 6


def lines_match_but_random(a, b):
    ta, tb = TOKEN.findall(a), TOKEN.findall(b)
    if len(ta) != len(tb) or TOKEN.sub("", a) != TOKEN.sub("", b):
        return False
    return all(x == y or random_like(x, y) for x, y in zip(ta, tb))


def compare(helm, kiln):
    """identical | random-only | (differs, first difference)."""
    if helm == kiln:
        return "identical", ""
    h, k = mask_blocks(helm).split("\n"), mask_blocks(kiln).split("\n")
    if len(h) == len(k) and all(x == y or lines_match_but_random(x, y) for x, y in zip(h, k)):
        return "random-only", ""
    hl, kl = helm.split("\n"), kiln.split("\n")
    for i, (x, y) in enumerate(zip(hl, kl)):
        if x != y:
            return "differs", "line %d: helm %r, kiln %r" % (i + 1, x[:100], y[:100])
    return "differs", "helm %d lines, kiln %d lines" % (len(hl), len(kl))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--deps-from", action="append", default=[])
    ap.add_argument("--kiln")
    ap.add_argument("--helm", default=shutil.which("helm") or "helm")
    ap.add_argument("--keep")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--prepare-only")
    args = ap.parse_args()

    if args.prepare_only:
        missing = []
        prepare(args.paths[0], args.prepare_only, index_charts(args.deps_from + [os.path.dirname(os.path.abspath(args.paths[0]))]), missing)
        if missing:
            print("missing dependencies: " + ", ".join(sorted(set(missing))), file=sys.stderr)
            return 1
        return 0

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    kiln = args.kiln
    if not kiln:
        kiln = os.path.join(root, "target", "release", "kiln")
        if not os.path.exists(kiln):
            subprocess.run(["cargo", "build", "--release", "-q"], cwd=root, check=True)
    kiln = os.path.abspath(kiln) if os.path.exists(kiln) else kiln
    charts = [c for p in args.paths for c in find_charts(p)]
    if args.only:
        charts = [c for c in charts if os.path.basename(c) in args.only]
    index = index_charts(args.deps_from + args.paths)

    totals = {}
    width = max((len(os.path.basename(c)) for c in charts), default=10)
    scratch = tempfile.mkdtemp(prefix="kiln-compare-")
    try:
        for chart in charts:
            name = os.path.basename(chart.rstrip("/"))
            meta = read_yaml(os.path.join(chart, "Chart.yaml"))
            detail = ""
            if meta.get("type") == "library":
                status = "library"
            else:
                work = os.path.join(scratch, name)
                missing = []
                prepare(chart, work, index, missing)
                if missing:
                    status, detail = "missing deps", ", ".join(sorted(set(missing)))
                else:
                    hc, hout, herr = run([args.helm, "template", RELEASE, work], args.timeout)
                    if hc != 0:
                        errs = [l for l in herr.splitlines() if l.startswith("Error")] or herr.strip().splitlines() or [""]
                        status, detail = "helm error", errs[0][:160]
                    else:
                        kc, kout, kerr = run([kiln, "render", work, "--release-name", RELEASE], args.timeout)
                        if kc != 0:
                            first = next((l for l in kerr.splitlines() if l.strip()), "")
                            status, detail = "kiln error", first[:160]
                        else:
                            status, detail = compare(hout, kout)
                        if args.keep:
                            keep = os.path.join(args.keep, name)
                            os.makedirs(keep, exist_ok=True)
                            for fname, text in (("helm.yaml", hout), ("kiln.yaml", kout), ("kiln.err", kerr)):
                                with open(os.path.join(keep, fname), "w") as f:
                                    f.write(text)
                shutil.rmtree(work, ignore_errors=True)
            totals[status] = totals.get(status, 0) + 1
            print("%-*s  %-12s %s" % (width, name, status, detail), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    order = ["identical", "random-only", "differs", "kiln error", "helm error", "missing deps", "library"]
    rendered = sum(totals.get(s, 0) for s in order[:4])
    print("\n%d charts: %s" % (len(charts), ", ".join("%s %d" % (s, totals[s]) for s in order if s in totals)))
    good = totals.get("identical", 0) + totals.get("random-only", 0)
    if rendered:
        print("of the %d charts helm renders: %d identical, %d random-only (%.0f%% good)"
              % (rendered, totals.get("identical", 0), totals.get("random-only", 0), 100.0 * good / rendered))
    return 0 if good == rendered else 1


if __name__ == "__main__":
    sys.exit(main())
