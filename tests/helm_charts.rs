//! kustomize's `helmCharts:` rendered natively. Every `tests/helm_charts/<case>` is built by kiln
//! and compared with `expected.yaml`, the output of `kubectl kustomize --enable-helm` calling helm
//! 4.1.4 (recorded by `scripts/record-helm-charts-goldens.sh`):
//!
//! - `static_*`: charts whose templates hold no template actions (they read the same in both
//!   engines), exercising where charts are found, CRDs, hooks, tests and the overlay around them.
//! - `go_*`: Go-template charts exercising values (`valuesFile`, `valuesInline`, `valuesMerge`,
//!   `additionalValuesFiles`), release name, namespace and capabilities.
//! - `jinja_*`: the `go_*` case of the same name with its chart written in Jinja; it must give
//!   exactly the `go_*` case's golden (so the values plumbing is proven with either engine).
//! - `tgz_*`: charts present as packaged `.tgz` archives under chartHome. Each
//!   `packages/<chartHome>/<name>-<version>/` is written as `<chartHome>/<name>-<version>.tgz` into
//!   a copy of the fixture (a chart's own `packages/<dir>/` as its `charts/<name>-<version>.tgz`),
//!   with this file's tar writer; the golden is kustomize's output with the same charts untarred
//!   where its `helm pull --untar` would put them (see the recording script).
//! - `err_*`: kiln's error text is snapshotted (kustomize's own is kept in `kustomize-error.txt`).

mod common;
use common::{files_below, root};

use std::path::{Path, PathBuf};

fn build(case: &str) -> Result<(String, String), String> {
    std::env::set_current_dir(root()).unwrap();
    let fixture = Path::new("tests/helm_charts").join(case);
    let prepared = fixture
        .join("packages")
        .is_dir()
        .then(|| prepare_packages(&fixture));
    let dir = prepared.clone().unwrap_or(fixture.clone());
    let out = kiln::overlay::build_with(&dir, &flags(&fixture))
        .map(|b| {
            let mut warnings = String::new();
            for w in &b.warnings {
                warnings.push_str(w);
                warnings.push('\n');
            }
            (kiln::emit::kustomize_stream(&b.resources), warnings)
        })
        .map_err(|e| e.to_string());
    match prepared {
        Some(p) => {
            std::fs::remove_dir_all(&p).unwrap();
            // Messages name the fixture, not the temporary copy.
            out.map_err(|e| e.replace(&p.display().to_string(), &fixture.display().to_string()))
        }
        None => out,
    }
}

/// The `kustomize build` flags of a fixture's `args` file (one per line, as the recording script
/// passes them): `--helm-kube-version V`, `--helm-api-versions V` (repeatable, comma-separated).
fn flags(fixture: &Path) -> kiln::overlay::BuildFlags {
    let mut flags = kiln::overlay::BuildFlags::default();
    let Ok(text) = std::fs::read_to_string(fixture.join("args")) else {
        return flags;
    };
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.chunks(2) {
        match pair {
            ["--helm-kube-version", v] => flags.helm.kube_version = v.to_string(),
            ["--helm-api-versions", v] => flags
                .helm
                .api_versions
                .extend(v.split(',').map(String::from)),
            other => panic!("{}: unknown args {other:?}", fixture.display()),
        }
    }
    flags
}

/// A field of a Chart.yaml text.
fn chart_field(dir: &Path, key: &str) -> String {
    std::fs::read_to_string(dir.join("Chart.yaml"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap()
        .trim()
        .to_string()
}

/// The chart directory `src` (its `packages/*` becoming `charts/<name>-<version>.tgz`) as a
/// gzip-compressed tar with the chart in folder `<name>/`, as `helm package` writes it.
fn package(src: &Path) -> Vec<u8> {
    let name = chart_field(src, "name");
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for f in files_below(src) {
        let rel = f.strip_prefix(src).unwrap();
        if rel.starts_with("packages") {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        entries.push((format!("{name}/{rel}"), std::fs::read(&f).unwrap()));
    }
    if src.join("packages").is_dir() {
        let mut subs: Vec<PathBuf> = std::fs::read_dir(src.join("packages"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        subs.sort();
        for sub in subs {
            let file = format!(
                "{name}/charts/{}-{}.tgz",
                chart_field(&sub, "name"),
                chart_field(&sub, "version")
            );
            entries.push((file, package(&sub)));
        }
    }
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in &entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut h, path, data.as_slice()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &builder.into_inner().unwrap()).unwrap();
    gz.finish().unwrap()
}

/// A copy of the fixture in a temporary directory, each `packages/<home>/<name>-<version>/`
/// written as `<home>/<name>-<version>.tgz`.
fn prepare_packages(fixture: &Path) -> PathBuf {
    let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
    // Tests run in parallel: one directory per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dest = std::env::temp_dir().join(format!(
        "kiln-helm-charts-{name}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dest);
    let packages = fixture.join("packages");
    let mut charts = Vec::new();
    for f in files_below(fixture) {
        let rel = f.strip_prefix(fixture).unwrap();
        if let Ok(inside) = f.strip_prefix(&packages) {
            // A chart of packages/ (not one nested in another's packages/).
            let nested = inside.components().any(|c| c.as_os_str() == "packages");
            if inside.ends_with("Chart.yaml") && !nested {
                charts.push(inside.parent().unwrap().to_path_buf());
            }
            continue;
        }
        std::fs::create_dir_all(dest.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&f, dest.join(rel)).unwrap();
    }
    for rel in charts {
        let archive = dest.join(format!("{}.tgz", rel.display()));
        std::fs::create_dir_all(archive.parent().unwrap()).unwrap();
        std::fs::write(archive, package(&packages.join(&rel))).unwrap();
    }
    dest
}

fn cases(prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("tests/helm_charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no {prefix}* fixtures");
    out
}

fn compare(prefix: &str) {
    let mut failures = Vec::new();
    for case in cases(prefix) {
        let dir = root().join("tests/helm_charts").join(&case);
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
        let expected_stderr =
            std::fs::read_to_string(dir.join("expected.stderr")).unwrap_or_default();
        match build(&case) {
            Ok((out, warnings)) if out == expected && warnings == expected_stderr => {}
            Ok((out, warnings)) => failures.push(format!(
                "{case}: differs from kubectl kustomize --enable-helm\n--- expected\n{expected_stderr}{expected}\n--- kiln\n{warnings}{out}"
            )),
            Err(e) => failures.push(format!("{case}: kiln failed:\n{e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn static_charts_match_kustomize() {
    compare("static_");
}

#[test]
fn go_charts_match_kustomize() {
    compare("go_");
}

#[test]
fn packaged_charts_match_kustomize() {
    compare("tgz_");
}

#[test]
fn jinja_twins_match_the_go_goldens() {
    let mut failures = Vec::new();
    for case in cases("jinja_") {
        let twin = case.replacen("jinja_", "go_", 1);
        let dir = root().join("tests/helm_charts").join(&twin);
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
        match build(&case) {
            Ok((out, _)) if out == expected => {}
            Ok((out, _)) => failures.push(format!(
                "{case}: differs from the golden of {twin}\n--- expected\n{expected}\n--- kiln\n{out}"
            )),
            Err(e) => failures.push(format!("{case}: kiln failed:\n{e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors() {
    for case in cases("err_") {
        let err = build(&case).expect_err("must fail");
        insta::assert_snapshot!(case.as_str(), err);
    }
}

#[test]
fn lint_names_the_files_of_packaged_charts_inside_their_archives() {
    std::env::set_current_dir(root()).unwrap();
    let dir = prepare_packages(Path::new("tests/helm_charts/tgz_layouts"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["lint", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        // A packaged chart of helmCharts, and one found without a version.
        "vendor/web-1.2.0.tgz:templates/deployment.yaml:18: warning[resources-missing]",
        "vendor/jobs-0.5.1.tgz:templates/cronjob.yaml:13: warning[resources-missing]",
        "vendor/cache-0.3.0.tgz:templates/statefulset.yaml:18: warning[run-as-root]",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
}
