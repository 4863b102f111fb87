//! Schema validation agrees with `kubernetes-validate --strict` (Kubernetes 1.35).
//!
//! Every `tests/schema_corpus/**/NAME.yaml` has a `NAME.verdict` recorded by
//! `scripts/record-schema-verdicts.sh`: one line per document, `valid`, `invalid` or `skipped`, then
//! the tool's message. kiln's [`Verdict`] must be the same for every document, and for an invalid
//! one a violation must point at (or below) the path kubernetes-validate names.
//!
//! kubernetes-validate cannot read CRDs and skips custom resources. A document may carry a
//! `# with-crd: <verdict> [pointer]` comment: with every CRD of its file registered, kiln must give
//! that verdict (and, for `invalid`, a violation at or below the pointer).
//!
//! To check another Kubernetes version, record a copy of the corpus with
//! `KUBE_VERSION=1.37 CORPUS=/tmp/corpus scripts/record-schema-verdicts.sh` and run these tests
//! with `KILN_SCHEMA_KUBE_VERSION=1.37 KILN_SCHEMA_CORPUS=/tmp/corpus`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use kiln::k8s::validate::{Validator, Verdict, Violation};
use kiln::yaml;
use serde_json::Value;

fn kube_version() -> String {
    std::env::var("KILN_SCHEMA_KUBE_VERSION").unwrap_or_else(|_| "1.35".to_string())
}

struct Doc {
    value: Value,
    text: String,
}

/// One recorded verdict.
struct Expected {
    verdict: String,
    /// kubernetes-validate's path of the error (`spec.template.spec`), when it names one.
    path: Option<String>,
    line: String,
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("KILN_SCHEMA_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema_corpus"),
    }
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(corpus_dir())
        .into_iter()
        .map(|e| e.expect("readable corpus").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn documents(path: &Path) -> Vec<Doc> {
    let text = std::fs::read_to_string(path).expect("readable manifest");
    let mut docs = Vec::new();
    for doc in yaml::split_documents(&text) {
        if yaml::is_blank_document(doc.text) {
            continue;
        }
        let value = yaml::parse_document_at(doc.text, &path.display().to_string(), doc.line_offset)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if value.is_null() {
            continue;
        }
        docs.push(Doc {
            value,
            text: doc.text.to_string(),
        });
    }
    docs
}

fn recorded(path: &Path) -> Vec<Expected> {
    let verdict_file = path.with_extension("verdict");
    let text = std::fs::read_to_string(&verdict_file).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run scripts/record-schema-verdicts.sh",
            verdict_file.display()
        )
    });
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (verdict, message) = line.split_once('\t').unwrap_or((line, ""));
            // `ERROR did not validate for resource kind/name against version 1.35: <path>: <message>`
            let path = message
                .split_once(&format!("against version {}: ", kube_version()))
                .and_then(|(_, rest)| rest.split_once(": "))
                .map(|(p, _)| p.to_string());
            Expected {
                verdict: verdict.to_string(),
                path,
                line: line.to_string(),
            }
        })
        .collect()
}

fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid(_) => "invalid",
        Verdict::Skipped(_) => "skipped",
    }
}

/// A JSON pointer as kubernetes-validate prints paths: segments joined with dots.
fn dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn at_or_below(path: &str, prefix: &str, sep: char) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(sep))
}

fn check_violations(violations: &[Violation]) -> Result<(), String> {
    if violations.is_empty() {
        return Err("Invalid without violations".into());
    }
    for v in violations {
        if !(v.path.is_empty() || v.path.starts_with('/')) || v.message.trim().is_empty() {
            return Err(format!("malformed violation {v:?}"));
        }
    }
    Ok(())
}

fn describe(v: &Verdict) -> String {
    match v {
        Verdict::Invalid(vs) => vs
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        Verdict::Skipped(reason) => reason.clone(),
        Verdict::Valid => "valid".into(),
    }
}

/// The `# with-crd: <verdict> [pointer]` comment of a document.
fn with_crd(doc: &Doc) -> Option<(String, Option<String>)> {
    doc.text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("# with-crd:")?;
        let mut words = rest.split_whitespace();
        let verdict = words.next()?.to_string();
        Some((verdict, words.next().map(str::to_string)))
    })
}

#[test]
fn corpus_agrees_with_kubernetes_validate() {
    let files = corpus_files();
    assert!(files.len() >= 60, "corpus has {} files", files.len());
    let validator = Validator::new(&kube_version()).unwrap();
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    let mut documents_seen = 0;
    for path in &files {
        let name = path
            .strip_prefix(corpus_dir())
            .unwrap()
            .display()
            .to_string();
        let docs = documents(path);
        let expected = recorded(path);
        if docs.len() != expected.len() {
            failures.push(format!(
                "{name}: {} documents, {} recorded verdicts",
                docs.len(),
                expected.len()
            ));
            continue;
        }
        for (i, (doc, exp)) in docs.iter().zip(&expected).enumerate() {
            documents_seen += 1;
            let got = validator.validate(&doc.value);
            *counts.entry(verdict_name(&got)).or_insert(0) += 1;
            let mut problem = None;
            if verdict_name(&got) != exp.verdict {
                problem = Some("verdicts differ".to_string());
            } else if let Verdict::Invalid(vs) = &got {
                if let Err(e) = check_violations(vs) {
                    problem = Some(e);
                } else if let Some(kv_path) = &exp.path {
                    if !vs
                        .iter()
                        .any(|v| at_or_below(&dotted(&v.path), kv_path, '.'))
                    {
                        problem = Some(format!("no violation at or below {kv_path:?}"));
                    }
                }
            }
            if let Some(problem) = problem {
                failures.push(format!(
                    "{name} document {}: {problem}\n    kubernetes-validate: {}\n    kiln: {} ({})",
                    i + 1,
                    exp.line,
                    verdict_name(&got),
                    describe(&got)
                ));
            }
        }
    }
    println!(
        "{} files, {documents_seen} documents, kiln verdicts {counts:?}",
        files.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn custom_resources_with_their_crd() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in corpus_files() {
        let name = path
            .strip_prefix(corpus_dir())
            .unwrap()
            .display()
            .to_string();
        let docs = documents(&path);
        if !docs.iter().any(|d| with_crd(d).is_some()) {
            continue;
        }
        let mut validator = Validator::new(&kube_version()).unwrap();
        for doc in &docs {
            if doc.value["kind"] == "CustomResourceDefinition" {
                validator.add_crd(&doc.value).unwrap();
            }
        }
        for doc in &docs {
            let Some((want, pointer)) = with_crd(doc) else {
                continue;
            };
            checked += 1;
            let got = validator.validate(&doc.value);
            let ok = verdict_name(&got) == want
                && match (&got, &pointer) {
                    (Verdict::Invalid(vs), Some(p)) => {
                        check_violations(vs).is_ok()
                            && vs.iter().any(|v| at_or_below(&v.path, p, '/'))
                    }
                    _ => true,
                };
            if !ok {
                failures.push(format!(
                    "{name}: want {want} {}, kiln: {} ({})",
                    pointer.unwrap_or_default(),
                    verdict_name(&got),
                    describe(&got)
                ));
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} documents with a with-crd verdict"
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Validates 10,000 objects (the corpus's built-in objects over and over) and prints the time.
/// Run with `cargo test --release --test schema_validation -- --nocapture ten_thousand`.
#[test]
fn ten_thousand_objects() {
    let objects: Vec<Value> = corpus_files()
        .iter()
        .flat_map(|p| documents(p))
        .map(|d| d.value)
        .collect();
    let start = Instant::now();
    let validator = Validator::new(&kube_version()).unwrap();
    let load = start.elapsed();
    let start = Instant::now();
    for o in &objects {
        validator.validate(o);
    }
    let first = start.elapsed();
    let start = Instant::now();
    let mut invalid = 0;
    for o in objects.iter().cycle().take(10_000) {
        if validator.validate(o).is_invalid() {
            invalid += 1;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "Validator::new: {load:?} (parses the embedded schemas unless another test did); \
         first pass over {} objects (compiles each kind once): {first:?}; \
         10,000 objects ({invalid} invalid): {elapsed:?}",
        objects.len()
    );
    assert!(invalid > 0);
}

/// Prints kiln's verdict for every corpus document, to review messages:
/// `cargo test --test schema_validation -- --ignored --nocapture print_verdicts`.
#[test]
#[ignore]
fn print_verdicts() {
    let mut validator = Validator::new(&kube_version()).unwrap();
    for path in corpus_files() {
        for doc in documents(&path) {
            if doc.value["kind"] == "CustomResourceDefinition" {
                let _ = validator.add_crd(&doc.value);
            }
            let v = validator.validate(&doc.value);
            println!(
                "{}: {}",
                path.file_name().unwrap().to_string_lossy(),
                describe(&v)
            );
        }
    }
}

/// Every shipped Kubernetes version has working schemas: a plain CronJob and Deployment are valid,
/// and a misspelt field deep in the pod template is caught with its path.
#[test]
fn every_shipped_version_validates() {
    let cronjob = serde_json::json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "job", "image": "busybox:1.37", "resources": {"limits": {"memory": "64Mi"}}}]
        }}}}}
    });
    let deployment = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}}}
    });
    let mut typo = cronjob.clone();
    typo["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicey"] = "Never".into();
    for version in kiln::k8s::validate::SCHEMA_VERSIONS {
        let v = Validator::new(version).unwrap();
        for ok in [&cronjob, &deployment] {
            assert!(
                matches!(v.validate(ok), Verdict::Valid),
                "{version}: {}",
                describe(&v.validate(ok))
            );
        }
        match v.validate(&typo) {
            Verdict::Invalid(violations) => assert!(
                violations
                    .iter()
                    .any(|x| x.path.ends_with("/restartPolicey")),
                "{version}: {violations:?}"
            ),
            other => panic!("{version}: the typo was not caught: {}", describe(&other)),
        }
    }
}
