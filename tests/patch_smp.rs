//! Strategic merge patch fixtures: `tests/patch_smp/<case>/` holds `base.yaml`, `patch.yaml` and
//! `expected.yaml`, recorded with the real `kubectl kustomize` by `scripts/record-smp-goldens.sh`.
//! Cases with a `MANUAL` file are where kiln deliberately differs from kustomize (the API server's
//! `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList`, ...): their `expected.yaml` is written
//! by hand and `kustomize.yaml` keeps kustomize's output, which must differ. Cases named `err_*`
//! must fail with the message in `error.txt`. An `openapi.json` is a user schema (the kustomization
//! `openapi` field) consulted before the built-in Kubernetes data.

use std::path::{Path, PathBuf};
use std::time::Instant;

use kiln::k8s::{self, Schema};
use kiln::patch::strategic_merge;
use serde_json::Value;

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/patch_smp");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn run_case(dir: &Path) -> kiln::Result<Value> {
    let mut object = read_yaml(&dir.join("base.yaml"));
    let patch = read_yaml(&dir.join("patch.yaml"));
    let api_version = object["apiVersion"].as_str().unwrap().to_string();
    let kind = object["kind"].as_str().unwrap().to_string();
    let user = dir.join("openapi.json");
    let user = user.exists().then(|| {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&user).unwrap()).unwrap();
        Schema::from_openapi(&doc).unwrap()
    });
    let meta = user
        .as_ref()
        .and_then(|s| s.patch_meta(&api_version, &kind))
        .or_else(|| k8s::patch_meta(&api_version, &kind));
    strategic_merge::apply(&mut object, &patch, meta)?;
    Ok(object)
}

fn yaml(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn fixtures() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} fixtures", cases.len());
    let mut failures = Vec::new();
    let (mut recorded, mut manual, mut errors) = (0, 0, 0);
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let result = run_case(dir);
        if name.starts_with("err_") {
            errors += 1;
            let want = std::fs::read_to_string(dir.join("error.txt")).unwrap();
            match result {
                Ok(v) => failures.push(format!("{name}: expected an error, got\n{}", yaml(&v))),
                Err(e) if e.kind() != kiln::ErrorKind::Patch => {
                    failures.push(format!("{name}: wrong error kind {:?}: {e}", e.kind()))
                }
                Err(e) if !e.message().contains(want.trim()) => failures.push(format!(
                    "{name}: error message\n  got:  {}\n  want: {}",
                    e.message(),
                    want.trim()
                )),
                Err(_) => {}
            }
            continue;
        }
        let expected = read_yaml(&dir.join("expected.yaml"));
        match result {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(got) if got != expected => failures.push(format!(
                "{name}: result differs\n--- got\n{}\n--- expected\n{}",
                yaml(&got),
                yaml(&expected)
            )),
            Ok(got) => {
                if dir.join("MANUAL").exists() {
                    manual += 1;
                    let kustomize = std::fs::read_to_string(dir.join("kustomize.yaml")).unwrap();
                    // kustomize.yaml is kustomize's output, or its error as comments.
                    let theirs: Value = serde_saphyr::from_str(&kustomize).unwrap_or(Value::Null);
                    if theirs == got {
                        failures.push(format!("{name}: MANUAL but kiln agrees with kustomize"));
                    }
                } else {
                    recorded += 1;
                }
            }
        }
    }
    eprintln!(
        "{recorded} recorded with kubectl kustomize, {manual} hand-written, {errors} error cases"
    );
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Directives never survive into kiln's output (kustomize leaves some of them in).
#[test]
fn no_directive_in_any_result() {
    fn walk(v: &Value, path: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k.starts_with("$patch")
                        || k.starts_with("$retainKeys")
                        || k.starts_with("$setElementOrder")
                        || k.starts_with("$deleteFromPrimitiveList")
                    {
                        found.push(format!("{path}.{k}"));
                    }
                    walk(v, &format!("{path}.{k}"), found);
                }
            }
            Value::Array(l) => l
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{path}[{i}]"), found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for dir in cases() {
        if let Ok(v) = run_case(&dir) {
            walk(&v, &dir.file_name().unwrap().to_string_lossy(), &mut found);
        }
    }
    assert!(found.is_empty(), "directives left in output: {found:?}");
}

/// Patching 1,000 DaemonSets (the overlay benchmark's SMP) takes milliseconds.
#[test]
fn thousand_daemonsets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/patch_smp/daemonset_combined");
    let base = read_yaml(&dir.join("base.yaml"));
    let patch = read_yaml(&dir.join("patch.yaml"));
    let expected = read_yaml(&dir.join("expected.yaml"));
    let mut objects: Vec<Value> = (0..1000).map(|_| base.clone()).collect();
    let start = Instant::now();
    for object in &mut objects {
        let meta = k8s::patch_meta("apps/v1", "DaemonSet");
        strategic_merge::apply(object, &patch, meta).unwrap();
    }
    let elapsed = start.elapsed();
    eprintln!("patched 1,000 DaemonSets in {elapsed:?}");
    assert!(objects.iter().all(|o| *o == expected));
    // Milliseconds in a release build; generous for an unoptimized test build on a shared machine.
    assert!(elapsed.as_millis() < 1000, "took {elapsed:?}");
}
