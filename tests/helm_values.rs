//! Helm parity for values: every case of `tests/helm_values/cases.txt` is computed with
//! `kiln::values` and compared, as data, with what the real `helm template` printed for it
//! (`tests/helm_values/golden/NAME.yaml`, recorded by `scripts/record-helm-values.sh`).
//!
//! The test chart's templates print `.Values` as JSON, one document per chart, so a golden is
//! a map from `# Source:` path to that chart's values. Cases named `err_*` must fail in Helm and
//! in kiln; kiln's error text (and kind) is snapshotted.

use kiln::values::{resolve_with_files, user_values_with_files, ValueFlags, ValueTree};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const CASES: &str = "tests/helm_values/cases.txt";
const CHART: &str = "tests/helm_values/chart";

struct Case {
    name: String,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(CASES).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split(" | ").map(str::to_string);
            Case {
                name: parts.next().unwrap().trim().to_string(),
                args: parts.collect(),
            }
        })
        .collect()
}

fn flags(args: &[String]) -> ValueFlags {
    let mut flags = ValueFlags::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().expect("flag without a value").clone();
        let list = match flag.as_str() {
            "-f" | "--values" => &mut flags.files,
            "--set" => &mut flags.set,
            "--set-string" => &mut flags.set_string,
            "--set-file" => &mut flags.set_file,
            "--set-json" => &mut flags.set_json,
            "--set-literal" => &mut flags.set_literal,
            other => panic!("unknown flag {other}"),
        };
        list.push(value);
    }
    flags
}

/// Helm's output as `Source path -> values`.
fn parse_golden(text: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for doc in text.split("---\n") {
        let mut lines = doc.lines();
        let Some(source) = lines.next().and_then(|l| l.strip_prefix("# Source: ")) else {
            continue;
        };
        let json: String = lines.collect::<Vec<_>>().join("\n");
        let value: Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("golden document of {source}: {e}"));
        out.insert(source.to_string(), value);
    }
    out
}

/// kiln's values in the same shape: the template path of every enabled chart.
fn flatten(
    chart: &kiln::chart::Chart,
    tree: &ValueTree,
    root: &str,
    out: &mut BTreeMap<String, Value>,
) {
    out.insert(format!("{root}/templates/values.yaml"), tree.values.clone());
    for (index, child) in &tree.children {
        let sub = &chart.subcharts[*index];
        flatten(
            sub,
            child,
            &format!("{root}/charts/{}", sub.values_key),
            out,
        );
    }
}

fn kiln_values(args: &[String]) -> kiln::Result<BTreeMap<String, Value>> {
    let (chart, args) = match args {
        [flag, dir, rest @ ..] if flag == "--chart" => (dir.as_str(), rest),
        _ => (CHART, args),
    };
    let chart = kiln::chart::load_chart(Path::new(chart))?;
    let (user, files) = user_values_with_files(&flags(args))?;
    let tree = resolve_with_files(&chart, user, &files)?;
    let mut out = BTreeMap::new();
    flatten(&chart, &tree, &chart.meta.name, &mut out);
    Ok(out)
}

fn golden(name: &str) -> String {
    let path = format!("tests/helm_values/golden/{name}.yaml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run scripts/record-helm-values.sh)"))
}

#[test]
fn at_least_forty_value_cases() {
    let all = cases();
    assert!(all.iter().filter(|c| !c.name.starts_with("err_")).count() >= 40);
    let mut names: Vec<_> = all.iter().map(|c| &c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all.len(), "case names must be unique");
}

#[test]
fn values_match_helm() {
    let mut failures = Vec::new();
    for case in cases().iter().filter(|c| !c.name.starts_with("err_")) {
        let expected = parse_golden(&golden(&case.name));
        assert!(!expected.is_empty(), "{}: empty golden", case.name);
        match kiln_values(&case.args) {
            Err(e) => failures.push(format!("{}: kiln failed:\n{e}", case.name)),
            Ok(got) if got != expected => failures.push(format!(
                "{}: values differ\n  helm: {}\n  kiln: {}",
                case.name,
                serde_json::to_string(&expected).unwrap(),
                serde_json::to_string(&got).unwrap()
            )),
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ from Helm:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn errors_match_helm() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("helm_values/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    for case in cases().iter().filter(|c| c.name.starts_with("err_")) {
        let helm = golden(&case.name);
        assert!(
            helm.starts_with("ERROR:"),
            "{}: Helm did not fail",
            case.name
        );
        match kiln_values(&case.args) {
            Ok(got) => panic!(
                "{}: kiln did not fail; it gave {got:?}\nHelm said: {helm}",
                case.name
            ),
            Err(e) => insta::assert_snapshot!(
                case.name.clone(),
                // Helm's own text stays in the golden only: its line order is not stable.
                format!("{e}\n---\nkind: {:?}", e.kind())
            ),
        }
    }
}
