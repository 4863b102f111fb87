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
//! - `err_*`: kiln's error text is snapshotted (kustomize's own is kept in `kustomize-error.txt`).

mod common;
use common::root;

use std::path::Path;

fn build(case: &str) -> Result<(String, String), String> {
    std::env::set_current_dir(root()).unwrap();
    let dir = Path::new("tests/helm_charts").join(case);
    kiln::overlay::build(&dir)
        .map(|b| {
            let mut warnings = String::new();
            for w in &b.warnings {
                warnings.push_str(w);
                warnings.push('\n');
            }
            (kiln::emit::kustomize_stream(&b.resources), warnings)
        })
        .map_err(|e| e.to_string())
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
