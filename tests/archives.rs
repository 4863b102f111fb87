//! Charts as they sit on disk: `charts/*.tgz` left by `helm dependency build`, and a packaged
//! chart given as the chart. Each `tests/archives/<case>/chart` is prepared in a temporary
//! directory the way `scripts/record-archive-goldens.sh` prepares it for helm: every
//! `packages/<dir>/` (at any depth) becomes `<name>-<version>.tgz` in its chart's `charts/`.
//! The prepared chart is rendered by the kiln binary as a directory and once more packaged itself;
//! both outputs must be the same.
//!
//! - `go_*` cases: compared byte for byte with `expected.yaml`, recorded from helm 4.1.4.
//! - `jinja_*` and `err_*` cases: output or error text snapshotted.
//! - Hostile archives (links, escapes, bombs) are built here, byte by byte.

mod common;
use common::{files_below, kiln, root, temp_dir};

use std::io::Write;
use std::path::Path;
use std::process::Output;

/// stdout on success, `!!!ERROR!!!` and stderr otherwise.
fn outcome(out: &Output) -> String {
    if out.status.success() {
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else {
        assert!(out.stdout.is_empty(), "no partial output on failure");
        format!(
            "!!!ERROR!!! exit {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

/// A gzip-compressed tar of `(name, bytes)` entries, as `helm package` writes one.
fn tgz(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    gzip(&builder.into_inner().unwrap())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// `name` and `version` from a Chart.yaml text.
fn name_version(chart_yaml: &str) -> (String, String) {
    let field = |k: &str| {
        chart_yaml
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .unwrap()
            .trim()
            .to_string()
    };
    (field("name"), field("version"))
}

/// Copies the chart `src` to `dest`, packaging `src/packages/*` into `dest/charts/`.
fn prepare(src: &Path, dest: &Path) {
    for f in files_below(src) {
        let rel = f.strip_prefix(src).unwrap();
        if rel.starts_with("packages") {
            continue;
        }
        std::fs::create_dir_all(dest.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&f, dest.join(rel)).unwrap();
    }
    let packages = src.join("packages");
    if packages.is_dir() {
        std::fs::create_dir_all(dest.join("charts")).unwrap();
        let mut dirs: Vec<_> = std::fs::read_dir(&packages)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs.sort();
        for pkg in dirs {
            let (name, version) =
                name_version(&std::fs::read_to_string(pkg.join("Chart.yaml")).unwrap());
            let staged = dest.join(format!(".staging-{name}"));
            prepare(&pkg, &staged);
            let archive = package(&staged, &name);
            std::fs::remove_dir_all(&staged).unwrap();
            std::fs::write(
                dest.join("charts").join(format!("{name}-{version}.tgz")),
                archive,
            )
            .unwrap();
        }
    }
}

/// The chart directory `dir` as a `.tgz` with the chart in folder `name/`.
fn package(dir: &Path, name: &str) -> Vec<u8> {
    let entries: Vec<(String, Vec<u8>)> = files_below(dir)
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (format!("{name}/{rel}"), std::fs::read(&f).unwrap())
        })
        .collect();
    tgz(&entries)
}

/// Renders a fixture as a directory and as a packaged chart; both must agree. `args` go after
/// the chart.
fn render_case(case: &Path) -> String {
    render_case_with(case, &[])
}

fn render_case_with(case: &Path, args: &[&str]) -> String {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let work = temp_dir(&name);
    prepare(&case.join("chart"), &work.join("chart"));
    let as_dir = outcome(&kiln(&[&["render", "chart"], args].concat(), &work));
    if !as_dir.starts_with("!!!ERROR!!!") {
        let (chart, version) =
            name_version(&std::fs::read_to_string(work.join("chart/Chart.yaml")).unwrap());
        let file = format!("{chart}-{version}.tgz");
        std::fs::write(work.join(&file), package(&work.join("chart"), &chart)).unwrap();
        let as_tgz = outcome(&kiln(&[&["render", file.as_str()], args].concat(), &work));
        assert_eq!(
            as_dir, as_tgz,
            "{name}: the packaged chart renders differently"
        );
    }
    std::fs::remove_dir_all(&work).unwrap();
    as_dir
}

#[test]
fn kiln_cases() {
    insta::glob!("archives/jinja_*/chart/Chart.yaml", |path| {
        insta::assert_snapshot!(render_case(path.parent().unwrap().parent().unwrap()));
    });
}

#[test]
fn error_cases() {
    insta::glob!("archives/err_*/chart/Chart.yaml", |path| {
        let out = render_case(path.parent().unwrap().parent().unwrap());
        assert!(out.starts_with("!!!ERROR!!!"), "must fail:\n{out}");
        insta::assert_snapshot!(out);
    });
}

#[test]
fn go_cases_match_helm() {
    let mut failures = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("tests/archives"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
        // helm template's default release name.
        let got = render_case_with(&dir, &["--release-name", "release-name"]);
        if got != expected {
            failures.push(format!(
                "{}:\n--- helm\n{expected}\n--- kiln\n{got}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- hostile archives -------------------------------------------------------------------------

const CHART_YAML: &str =
    "apiVersion: v2\nname: evil\nversion: 1.0.0\nannotations:\n  kiln.dev/template-engine: jinja\n";
const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: evil\n";

fn good_entries() -> Vec<(String, Vec<u8>)> {
    vec![
        ("evil/Chart.yaml".into(), CHART_YAML.into()),
        ("evil/templates/cm.yaml".into(), TEMPLATE.into()),
    ]
}

/// A tar whose last entry is written by hand (names and types the builder refuses).
fn raw_tar(extra_name: &str, kind: tar::EntryType, link: Option<&str>, data: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, d) in good_entries() {
        let mut h = tar::Header::new_gnu();
        h.set_size(d.len() as u64);
        h.set_mode(0o644);
        builder.append_data(&mut h, name, d.as_slice()).unwrap();
    }
    let mut h = tar::Header::new_old();
    {
        let bytes = h.as_old_mut();
        bytes.name[..extra_name.len()].copy_from_slice(extra_name.as_bytes());
        if let Some(l) = link {
            bytes.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    builder.append(&h, data).unwrap();
    builder.into_inner().unwrap()
}

/// Renders `bytes` written as `evil-1.0.0.tgz` in a fresh directory.
fn render_bytes(case: &str, file: &str, bytes: &[u8]) -> String {
    let work = temp_dir(case);
    std::fs::write(work.join(file), bytes).unwrap();
    let out = outcome(&kiln(&["render", file], &work));
    std::fs::remove_dir_all(&work).unwrap();
    out
}

/// The same bytes as a subchart in `charts/` of a directory chart.
fn render_as_dependency(case: &str, bytes: &[u8]) -> String {
    let work = temp_dir(case);
    let chart = work.join("app");
    std::fs::create_dir_all(chart.join("charts")).unwrap();
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 0.1.0\nannotations:\n  kiln.dev/template-engine: jinja\n",
    )
    .unwrap();
    std::fs::write(chart.join("charts/evil-1.0.0.tgz"), bytes).unwrap();
    let out = outcome(&kiln(&["render", "app"], &work));
    std::fs::remove_dir_all(&work).unwrap();
    out
}

#[test]
fn a_good_hand_made_archive_renders() {
    let out = render_bytes("good", "evil-1.0.0.tgz", &tgz(&good_entries()));
    assert_eq!(
        out,
        "---\n# Source: evil/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: evil\n"
    );
    let sub = render_as_dependency("good-dep", &tgz(&good_entries()));
    assert!(
        sub.contains("# Source: app/charts/evil/templates/cm.yaml"),
        "{sub}"
    );
}

#[test]
fn hostile_archives_are_refused() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "symlink",
            gzip(&raw_tar(
                "evil/templates/link.yaml",
                tar::EntryType::Symlink,
                Some("/etc/passwd"),
                b"",
            )),
        ),
        (
            "hardlink",
            gzip(&raw_tar(
                "evil/templates/hard.yaml",
                tar::EntryType::Link,
                Some("evil/Chart.yaml"),
                b"",
            )),
        ),
        (
            "parent_escape",
            gzip(&raw_tar(
                "evil/../../outside.yaml",
                tar::EntryType::Regular,
                None,
                TEMPLATE.as_bytes(),
            )),
        ),
        (
            "absolute",
            gzip(&raw_tar(
                "/etc/cron.d/evil",
                tar::EntryType::Regular,
                None,
                b"* * * * * root true\n",
            )),
        ),
        (
            "device",
            gzip(&raw_tar("evil/dev", tar::EntryType::Char, None, b"")),
        ),
        (
            "chart_yaml_outside_folder",
            gzip(&raw_tar(
                "Chart.yaml",
                tar::EntryType::Regular,
                None,
                CHART_YAML.as_bytes(),
            )),
        ),
        (
            "duplicate",
            tgz(&[
                good_entries(),
                vec![("evil/templates/cm.yaml".to_string(), TEMPLATE.into())],
            ]
            .concat()),
        ),
        ("not_gzip", b"apiVersion: v2\nname: x\n".to_vec()),
        ("truncated", tgz(&good_entries())[..40].to_vec()),
        (
            "no_chart_yaml",
            tgz(&[("evil/templates/cm.yaml".to_string(), TEMPLATE.into())]),
        ),
        (
            "file_too_big",
            // 21 MiB of zeros compress to ~20 KiB: refused from the header, before reading.
            tgz(&[
                good_entries(),
                vec![("evil/files/zeros".to_string(), vec![0u8; 21 * 1024 * 1024])],
            ]
            .concat()),
        ),
    ];
    let mut snap = String::new();
    for (name, bytes) in &cases {
        let top = render_bytes(name, "evil-1.0.0.tgz", bytes);
        assert!(top.starts_with("!!!ERROR!!!"), "{name}: must fail\n{top}");
        let dep = render_as_dependency(&format!("{name}-dep"), bytes);
        assert!(
            dep.starts_with("!!!ERROR!!!"),
            "{name} as a dependency: must fail\n{dep}"
        );
        snap.push_str(&format!("== {name}\n{top}-- as a dependency\n{dep}\n"));
    }
    insta::assert_snapshot!(snap);
}

#[test]
fn a_gzip_bomb_stops_at_the_budget() {
    // Six files of 19 MiB (each under the per-file limit) exceed the 100 MiB chart budget.
    let mut entries = good_entries();
    for i in 0..6 {
        entries.push((format!("evil/files/zeros-{i}"), vec![0u8; 19 * 1024 * 1024]));
    }
    let bytes = tgz(&entries);
    assert!(
        bytes.len() < 1024 * 1024,
        "the bomb is small: {}",
        bytes.len()
    );
    let out = render_bytes("bomb", "evil-1.0.0.tgz", &bytes);
    assert!(out.contains("decompresses to more than 100 MiB"), "{out}");
}

#[test]
fn nesting_is_bounded() {
    // An archive holding an archive holding an archive ... 40 levels deep.
    let mut inner = tgz(&good_entries());
    for level in 0..40 {
        let name = format!("n{level}");
        inner = tgz(&[
            (
                format!("{name}/Chart.yaml"),
                format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\nannotations:\n  kiln.dev/template-engine: jinja\n").into(),
            ),
            (format!("{name}/charts/sub.tgz"), inner),
        ]);
    }
    let out = render_bytes("nesting", "deep-1.0.0.tgz", &inner);
    assert!(out.contains("nested more than 32 levels deep"), "{out}");
}

#[test]
fn a_packaged_chart_name_that_is_no_file_name_is_refused() {
    // The chart name becomes an output directory (`-o`), in an archive as in a directory.
    let entries = vec![
        (
            "evil/Chart.yaml".to_string(),
            CHART_YAML
                .replace("name: evil", "name: ../evil")
                .into_bytes(),
        ),
        ("evil/templates/cm.yaml".to_string(), TEMPLATE.into()),
    ];
    for out in [
        render_bytes("bad-name", "evil-1.0.0.tgz", &tgz(&entries)),
        render_as_dependency("bad-name-dep", &tgz(&entries)),
    ] {
        assert!(out.starts_with("!!!ERROR!!!"), "{out}");
        assert!(out.contains("chart.metadata.name"), "{out}");
    }
}

// ---- lint ---------------------------------------------------------------------------------------

/// `kiln lint` on a prepared fixture, as a directory and packaged itself: the text reports, with
/// the packaged chart's prefix (`shop-0.2.0.tgz:`) shown as the directory (`chart/`) in the
/// second one so both can be compared.
fn lint_case(case: &Path, args: &[&str]) -> (String, String) {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    // Tests run in parallel: one directory per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let work = temp_dir(&format!("lint-{name}-{n}"));
    prepare(&case.join("chart"), &work.join("chart"));
    let (chart, version) =
        name_version(&std::fs::read_to_string(work.join("chart/Chart.yaml")).unwrap());
    let file = format!("{chart}-{version}.tgz");
    std::fs::write(work.join(&file), package(&work.join("chart"), &chart)).unwrap();
    let text = |out: Output| {
        format!(
            "exit {:?}\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let as_dir = text(kiln(&[&["lint", "chart"], args].concat(), &work));
    let as_tgz = text(kiln(&[&["lint", file.as_str()], args].concat(), &work));
    std::fs::remove_dir_all(&work).unwrap();
    (as_dir, as_tgz)
}

#[test]
fn lint_findings_in_packaged_charts_name_the_archive_and_the_file_in_it() {
    let case = root().join("tests/archives/go_lint_findings");
    let (as_dir, as_tgz) = lint_case(&case, &[]);
    // The subchart `queue` (alias `jobs`) is `charts/queue-2.1.0.tgz`, its own subchart `probe`
    // an archive inside it: each finding names the file inside the innermost archive.
    for want in [
        "chart/templates/deployment.yaml:21: warning[privileged]",
        "chart/charts/queue-2.1.0.tgz:templates/statefulset.yaml:16: warning[host-namespaces]",
        "chart/charts/queue-2.1.0.tgz:charts/probe-0.1.0.tgz:templates/cronjob.yaml:6: error[cronjob-schedule]",
        // The template's own line (20), not the rendered one: read back from the inner archive.
        "chart/charts/queue-2.1.0.tgz:charts/probe-0.1.0.tgz:templates/daemonset.yaml:20: warning[host-namespaces]",
    ] {
        assert!(as_dir.contains(want), "missing `{want}` in:\n{as_dir}");
    }
    // The packaged chart gives the same findings, inside its archive.
    assert!(
        as_tgz.contains("shop-0.2.0.tgz:templates/deployment.yaml:21:"),
        "{as_tgz}"
    );
    assert_eq!(as_tgz.replace("shop-0.2.0.tgz:", "chart/"), as_dir);
    insta::assert_snapshot!(as_dir);
}

#[test]
fn lint_of_a_packaged_chart_in_json_and_sarif() {
    let case = root().join("tests/archives/go_lint_findings");
    let (_, json) = lint_case(&case, &["--format", "json"]);
    assert!(
        json.contains(
            "\"file\": \"shop-0.2.0.tgz:charts/queue-2.1.0.tgz:templates/statefulset.yaml\""
        ),
        "{json}"
    );
    let (_, sarif) = lint_case(&case, &["--format", "sarif"]);
    // A colon would make the relative URI read as a scheme.
    assert!(
        sarif.contains("\"uri\": \"shop-0.2.0.tgz%3Atemplates/deployment.yaml\""),
        "{sarif}"
    );
}

#[test]
fn lint_points_at_the_chart_yaml_entry_of_a_dependency_never_built() {
    let work = temp_dir("lint-missing");
    prepare(
        &root().join("tests/archives/err_missing_dependency/chart"),
        &work.join("chart"),
    );
    let out = kiln(&["lint", "chart"], &work);
    std::fs::remove_dir_all(&work).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("chart/Chart.yaml:7: error[chart-render]")
            && text.contains("run `helm dependency build` first"),
        "{text}"
    );
}

#[test]
fn an_overlay_takes_a_packaged_chart_in_charts() {
    let work = temp_dir("overlay-charts");
    let case = root().join("tests/archives/go_lint_findings");
    prepare(&case.join("chart"), &work.join("chart"));
    std::fs::write(
        work.join("shop-0.2.0.tgz"),
        package(&work.join("chart"), "shop"),
    )
    .unwrap();
    let overlay = |dir: &str, path: &str| {
        std::fs::create_dir_all(work.join(dir)).unwrap();
        std::fs::write(
            work.join(dir).join("kustomization.yaml"),
            format!("namespace: shop\ncharts:\n  - path: {path}\n    releaseName: web\n"),
        )
        .unwrap();
    };
    overlay("from-dir", "../chart");
    overlay("from-tgz", "../shop-0.2.0.tgz");
    let from_dir = outcome(&kiln(&["build", "from-dir"], &work));
    let from_tgz = outcome(&kiln(&["build", "from-tgz"], &work));
    assert!(from_dir.contains("name: web-agent"), "{from_dir}");
    assert_eq!(from_dir, from_tgz);
    // Lint through the overlay names the files inside the archive.
    let lint = kiln(&["lint", "from-tgz"], &work);
    let text = String::from_utf8_lossy(&lint.stdout);
    assert!(
        text.contains("shop-0.2.0.tgz:charts/queue-2.1.0.tgz:charts/probe-0.1.0.tgz:templates/daemonset.yaml:20: warning[host-namespaces]"),
        "{text}"
    );
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn every_command_that_takes_a_chart_takes_a_packaged_chart() {
    let work = temp_dir("commands");
    let case = root().join("tests/archives/go_dependencies");
    prepare(&case.join("chart"), &work.join("chart"));
    std::fs::write(
        work.join("store-0.4.0.tgz"),
        package(&work.join("chart"), "store"),
    )
    .unwrap();
    for args in [
        &["show", "chart"][..],
        &["show", "values"],
        &["show", "all"],
        &["values"],
        &["values", "--set", "sessions.enabled=false"],
        &["template"],
        &["lint"],
    ] {
        // stdout and the exit code (lint exits 1 on its findings).
        let run = |chart: &str| {
            let out = kiln(&[args, &[chart]].concat(), &work);
            format!(
                "exit {:?}\n{}{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        };
        let (from_dir, from_tgz) = (run("chart"), run("store-0.4.0.tgz"));
        assert!(from_dir.lines().count() > 3, "{args:?}: {from_dir}");
        assert!(
            from_dir.starts_with("exit Some(0)") || args == ["lint"],
            "{args:?}: {from_dir}"
        );
        assert_eq!(
            from_dir,
            from_tgz.replace("store-0.4.0.tgz:", "chart/"),
            "kiln {args:?}"
        );
    }
    // A semantic diff of the two renders finds nothing.
    let diff = kiln(&["diff", "chart", "store-0.4.0.tgz"], &work);
    assert_eq!(diff.status.code(), Some(0), "{diff:?}");
    assert!(diff.stdout.is_empty(), "{diff:?}");
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn an_incompatible_kube_version_points_into_the_archive() {
    let entries = vec![
        (
            "evil/Chart.yaml".to_string(),
            format!("{CHART_YAML}kubeVersion: \">=1.99.0\"\n").into_bytes(),
        ),
        ("evil/templates/cm.yaml".to_string(), TEMPLATE.into()),
    ];
    let out = render_bytes("kube-version", "evil-1.0.0.tgz", &tgz(&entries));
    assert!(
        out.contains("--> evil-1.0.0.tgz:Chart.yaml:6:1")
            && out.contains("kubeVersion: \">=1.99.0\""),
        "{out}"
    );
}

#[test]
fn a_template_error_in_a_packaged_dependency_names_the_archive() {
    let mut entries = good_entries();
    entries.push((
        "evil/templates/bad.yaml".to_string(),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ missing.field }}\n".to_vec(),
    ));
    let bytes = tgz(&entries);
    let dep = render_as_dependency("template-error-dep", &bytes);
    assert!(
        dep.contains("--> app/charts/evil-1.0.0.tgz:templates/bad.yaml:4"),
        "{dep}"
    );
    let top = render_bytes("template-error", "evil-1.0.0.tgz", &bytes);
    assert!(
        top.contains("--> evil-1.0.0.tgz:templates/bad.yaml:4"),
        "{top}"
    );
}
