//! kustomize conformance: every `tests/overlays/NNN-*` fixture is built by kiln and compared with
//! the output of the real `kubectl kustomize` recorded in `expected.yaml` (and its warnings in
//! `expected.stderr`). Output must be byte-identical, except for fixtures listed in
//! `tests/overlays/TEXT_DIFFERENCES` (with the reason), which must still give the same objects.
//! `err_*` fixtures must fail; their error text is snapshotted. `kiln_*` fixtures (kiln's own
//! `charts:` field) are snapshotted.

use std::path::Path;

fn rel(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

fn build(dir: &Path) -> Result<(String, String), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).unwrap();
    match kiln::overlay::build(Path::new(&rel(dir))) {
        Ok(built) => {
            let mut warnings = String::new();
            for w in &built.warnings {
                warnings.push_str(w);
                warnings.push('\n');
            }
            Ok((kiln::emit::kustomize_stream(&built.resources), warnings))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn parse_stream(text: &str) -> Vec<serde_json::Value> {
    kiln::yaml::split_documents(text)
        .iter()
        .filter(|d| !kiln::yaml::is_blank_document(d.text))
        .map(|d| kiln::yaml::parse_document_as(d.text, "x", 0, kiln::yaml::Flavor::Kustomize).unwrap())
        .collect()
}

fn text_differences() -> Vec<String> {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlays/TEXT_DIFFERENCES");
    std::fs::read_to_string(list)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn conformance_with_kubectl_kustomize() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlays");
    let allowed = text_differences();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 60, "the suite needs at least 60 fixtures");
    let mut failures = Vec::new();
    let mut identical = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
        let expected_stderr = std::fs::read_to_string(dir.join("expected.stderr")).unwrap_or_default();
        match build(dir) {
            Err(e) => failures.push(format!("{name}: kiln failed:\n{e}")),
            Ok((out, warnings)) => {
                if warnings != expected_stderr {
                    failures.push(format!("{name}: warnings differ:\n{warnings}\nexpected:\n{expected_stderr}"));
                }
                if out == expected {
                    identical += 1;
                    if allowed.contains(&name) {
                        failures.push(format!("{name}: now byte-identical; remove it from TEXT_DIFFERENCES"));
                    }
                } else if parse_stream(&out) != parse_stream(&expected) {
                    failures.push(format!("{name}: objects differ from kubectl kustomize"));
                } else if !allowed.contains(&name) {
                    failures.push(format!("{name}: same objects but the text differs"));
                }
            }
        }
    }
    eprintln!("{identical} of {} fixtures byte-identical to kubectl kustomize", dirs.len());
    assert!(failures.is_empty(), "{} failing fixtures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn error_fixtures() {
    insta::glob!("overlays/err_*/kustomization.yaml", |path| {
        let dir = path.parent().unwrap();
        let err = build(dir).expect_err("must fail");
        insta::assert_snapshot!(err);
    });
}

#[test]
fn kiln_chart_fixtures() {
    insta::glob!("overlays/kiln_*/kustomization.yaml", |path| {
        let dir = path.parent().unwrap();
        let snap = match build(dir) {
            Ok((out, warnings)) => format!("{warnings}{out}"),
            Err(e) => format!("!!!ERROR!!!\n{e}"),
        };
        insta::assert_snapshot!(snap);
    });
}
