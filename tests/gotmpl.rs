//! Go-template charts against helm: every case under `tests/gotmpl/` holds a chart (`chart/`), the
//! extra `helm template` arguments (`args`, one per line, optional) and what helm 4.1.4 printed
//! (`helm.yaml`) or its error (`helm-error.txt`), recorded by `scripts/record-helm-gotmpl.sh`.
//! kiln must print exactly helm's bytes; where helm fails, kiln fails too, and kiln's error text is
//! snapshotted.

use std::path::{Path, PathBuf};
use std::process::Command;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gotmpl")
}

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(suite())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("chart").is_dir())
        .collect();
    out.sort();
    out
}

fn run_kiln(dir: &Path) -> (i32, String, String) {
    let mut args: Vec<String> = vec![
        "render".into(),
        "chart".into(),
        "--release-name".into(),
        "rel".into(),
    ];
    if let Ok(text) = std::fs::read_to_string(dir.join("args")) {
        args.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_string));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn go_template_charts_render_byte_for_byte_as_helm() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(expected) = std::fs::read_to_string(dir.join("helm.yaml")) else {
            continue;
        };
        compared += 1;
        let (code, stdout, stderr) = run_kiln(&dir);
        if code != 0 {
            failures.push(format!("{name}: kiln failed:\n{stderr}"));
        } else if stdout != expected {
            let diff = similar_diff(&expected, &stdout);
            failures.push(format!("{name}: output differs from helm's\n{diff}"));
        }
    }
    assert!(compared >= 10, "only {compared} recorded cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The first differing lines, helm's first.
fn similar_diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            out.push_str(&format!("line {}:\n  helm: {e:?}\n  kiln: {a:?}\n", i + 1));
            if out.len() > 2000 {
                break;
            }
        }
    }
    if out.is_empty() {
        out = format!(
            "helm printed {} lines, kiln {}",
            expected.lines().count(),
            actual.lines().count()
        );
    }
    out
}

#[test]
fn go_template_errors_fail_where_helm_fails() {
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !dir.join("helm-error.txt").is_file() {
            continue;
        }
        let (code, stdout, stderr) = run_kiln(&dir);
        assert_ne!(code, 0, "{name}: helm fails but kiln succeeded:\n{stdout}");
        assert!(stdout.is_empty(), "{name}: a failing render prints nothing");
        insta::assert_snapshot!(format!("gotmpl_{name}"), stderr);
    }
}
