//! Helm parity of values: every case under `tests/helm_values/cases/` holds the arguments of
//! one `helm template` run (`args`, one per line) and what the real Helm printed for the test
//! chart (`helm.yaml`: each chart's `.Values`), or its error (`helm-error.txt`). Re-record with
//! `scripts/record-helm-values.sh`.
//!
//! kiln computes the values of the same chart with the same flags through `kiln::values`; they
//! must equal Helm's as data, chart by chart (the top chart and every enabled subchart). Where
//! Helm fails, kiln must fail too; kiln's error text is snapshotted.

use kiln::chart::{load_chart, Chart};
use kiln::values::{resolve, resolve_with_files, user_values_with_files, ValueFlags, ValueTree};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm_values")
}

/// Turns the `args` of a case into kiln's value flags.
fn flags(args: &[String]) -> ValueFlags {
    let mut flags = ValueFlags::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .unwrap_or_else(|| panic!("{name} needs a value"))
        };
        match name {
            "-f" | "--values" => flags.files.push(value()),
            "--set" => flags.set.push(value()),
            "--set-string" => flags.set_string.push(value()),
            "--set-file" => flags.set_file.push(value()),
            "--set-json" => flags.set_json.push(value()),
            "--set-literal" => flags.set_literal.push(value()),
            other => panic!("unknown argument {other:?} in a case"),
        }
    }
    flags
}

/// Helm's output split by `# Source:` line: template path -> the `values` it printed.
fn helm_values(text: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for doc in text.split("---\n# Source: ").skip(1) {
        let (source, body) = doc.split_once('\n').expect("a # Source line");
        let parsed = kiln::yaml::parse_document(body, source).expect("Helm's output parses");
        out.insert(source.to_string(), parsed["values"].clone());
    }
    out
}

/// kiln's values keyed like Helm's output: `<chart display path>/templates/values.yaml`.
fn kiln_values(chart: &Chart, tree: &ValueTree, out: &mut BTreeMap<String, Value>) {
    out.insert(
        format!("{}/templates/values.yaml", chart.display_root),
        tree.values.clone(),
    );
    for (index, child) in &tree.children {
        kiln_values(&chart.subcharts[*index], child, out);
    }
}

fn run(chart: &Chart, args: &[String]) -> kiln::Result<BTreeMap<String, Value>> {
    let user = user_values_with_files(&flags(args))?;
    let tree = resolve_with_files(chart, &user)?;
    let mut out = BTreeMap::new();
    kiln_values(chart, &tree, &mut out);
    Ok(out)
}

/// The first difference between two values, as a path and both sides.
fn first_difference(path: &str, helm: &Value, kiln: &Value) -> Option<String> {
    match (helm, kiln) {
        (Value::Object(h), Value::Object(k)) => {
            for (key, hv) in h {
                let p = format!("{path}.{key}");
                match k.get(key) {
                    None => return Some(format!("{p}: only Helm has it ({hv})")),
                    Some(kv) => {
                        if let Some(d) = first_difference(&p, hv, kv) {
                            return Some(d);
                        }
                    }
                }
            }
            k.iter()
                .find(|(key, _)| !h.contains_key(*key))
                .map(|(key, kv)| format!("{path}.{key}: only kiln has it ({kv})"))
        }
        (Value::Array(h), Value::Array(k)) if h.len() == k.len() => h
            .iter()
            .zip(k)
            .enumerate()
            .find_map(|(i, (hv, kv))| first_difference(&format!("{path}[{i}]"), hv, kv)),
        _ if helm == kiln => None,
        _ => Some(format!("{path}: Helm {helm}, kiln {kiln}")),
    }
}

#[test]
fn values_match_helm() {
    let chart = load_chart(&suite().join("chart")).expect("the test chart loads");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(suite().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "only {} cases", cases.len());

    let start_dir = std::env::current_dir().unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let args: Vec<String> = std::fs::read_to_string(case.join("args"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        // Relative paths in -f and --set-file are relative to the case, as when recording.
        std::env::set_current_dir(case).unwrap();
        let result = run(&chart, &args);
        std::env::set_current_dir(&start_dir).unwrap();

        let helm_error = case.join("helm-error.txt");
        match (result, helm_error.exists()) {
            (Ok(kiln), false) => {
                let text = std::fs::read_to_string(case.join("helm.yaml")).unwrap();
                let helm = helm_values(&text);
                let helm_sources: Vec<&String> = helm.keys().collect();
                let kiln_sources: Vec<&String> = kiln.keys().collect();
                if helm_sources != kiln_sources {
                    failures.push(format!(
                        "{name}: charts rendered differ: Helm {helm_sources:?}, kiln {kiln_sources:?}"
                    ));
                    continue;
                }
                for (source, helm_value) in &helm {
                    if let Some(d) = first_difference("", helm_value, &kiln[source]) {
                        failures.push(format!("{name}: {source}: {d}"));
                    }
                }
                compared += 1;
            }
            (Ok(_), true) => failures.push(format!(
                "{name}: Helm fails ({}) but kiln succeeds",
                std::fs::read_to_string(&helm_error).unwrap().trim()
            )),
            (Err(e), false) => failures.push(format!("{name}: kiln fails but Helm succeeds: {e}")),
            (Err(e), true) => {
                insta::with_settings!({
                    snapshot_path => "helm_values/snapshots",
                    prepend_module_to_snapshot => false,
                    description => format!(
                        "kiln's error; Helm said: {}",
                        std::fs::read_to_string(&helm_error).unwrap().trim()
                    ),
                }, {
                    insta::assert_snapshot!(name.clone(), e.to_string());
                });
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 40, "only {compared} cases compared values");
}

/// A fresh chart directory under the system temp dir holding `files` (path, text).
fn temp_chart(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-values-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A violating default points at its line in the chart's `values.yaml`; the same value given
/// by a flag has no location.
#[test]
fn schema_errors_point_at_defaults() {
    let dir = temp_chart(
        "schema",
        &[
            ("Chart.yaml", "apiVersion: v2\nname: bad\nversion: 0.1.0\n"),
            (
                "values.yaml",
                "image:\n  repo: x\n  # the tag\n  tag: 5\nreplicas: 1\n",
            ),
            (
                "values.schema.json",
                r#"{"properties": {"image": {"properties": {"tag": {"type": "string"}}}}}"#,
            ),
        ],
    );
    let chart = load_chart(&dir).unwrap();
    let error = resolve(&chart, serde_json::json!({})).unwrap_err();
    let location = error.location().expect("a location in values.yaml");
    assert_eq!(location.file, "bad/values.yaml");
    assert_eq!((location.line, location.column, location.len), (4, 3, 3));
    assert_eq!(location.source_line.as_deref(), Some("  tag: 5"));
    assert_eq!(
        error.message(),
        "values don't meet the specifications of the schema(s) in the following chart(s):\n\
         bad:\n- at '/image/tag': got number, want string"
    );
    let error = resolve(&chart, serde_json::json!({"image": {"tag": 6}})).unwrap_err();
    assert!(error.location().is_none(), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same cases end to end: `kiln render` of the kiln flavour of the chart prints, in every
/// chart's document, the values Helm printed (or fails where Helm fails).
#[test]
fn kiln_render_matches_helm() {
    let chart_dir = suite().join("chart");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(suite().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let args: Vec<String> = std::fs::read_to_string(case.join("args"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("render")
            .arg(&chart_dir)
            .args(&args)
            .current_dir(case)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match (out.status.success(), case.join("helm.yaml").exists()) {
            (true, true) => {
                let helm = helm_values(&std::fs::read_to_string(case.join("helm.yaml")).unwrap());
                let kiln = helm_values(&stdout);
                if helm.keys().ne(kiln.keys()) {
                    failures.push(format!(
                        "{name}: documents differ: Helm {:?}, kiln {:?}",
                        helm.keys().collect::<Vec<_>>(),
                        kiln.keys().collect::<Vec<_>>()
                    ));
                    continue;
                }
                for (source, helm_value) in &helm {
                    if let Some(d) = first_difference("", helm_value, &kiln[source]) {
                        failures.push(format!("{name}: {source}: {d}"));
                    }
                }
            }
            (false, false) => {}
            (true, false) => failures.push(format!("{name}: Helm fails but kiln render succeeds")),
            (false, true) => failures.push(format!("{name}: kiln render fails: {stderr}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Where kiln deliberately differs from Helm: Helm's shallow copy of `global` lets a
/// subchart's nested default globals leak into the parent's own `global`; kiln keeps them in
/// the subchart (the subchart still sees the parent's globals merged over its own).
#[test]
fn nested_sub_globals_do_not_leak_into_the_parent() {
    let dir = temp_chart(
        "globals",
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n",
            ),
            ("values.yaml", "global:\n  a:\n    b:\n      x: 1\n"),
            ("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
            ("charts/sub/values.yaml", "global:\n  a:\n    b:\n      x: 0\n      z: 2\n"),
        ],
    );
    let chart = load_chart(&dir).unwrap();
    let tree = resolve(&chart, serde_json::json!({})).unwrap();
    assert_eq!(
        tree.values["global"],
        serde_json::json!({"a": {"b": {"x": 1}}})
    );
    assert_eq!(
        tree.children[0].1.values["global"],
        serde_json::json!({"a": {"b": {"x": 1, "z": 2}}})
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A second, independent parity suite: `tests/helm_values/matrix/cases.txt` lists one case per
/// line (`NAME | ARG | ARG | …`, paths relative to the repository root, optionally starting with
/// `--chart | DIR`), run against `matrix/chart` (subcharts with alias, tags, conditions, a nested
/// subchart, `import-values` with exports and child/parent forms) or the other matrix charts.
/// Helm's output (`matrix/golden/NAME.yaml`) is each chart's `.Values` printed with `toJson`, so
/// the comparison is exact data. Cases named `err_*` must fail in both; kiln's error text is
/// snapshotted in `matrix/snapshots`.
mod matrix {
    use super::first_difference;
    use kiln::values::{resolve_with_files, user_values_with_files, ValueFlags, ValueTree};
    use serde_json::Value;
    use std::collections::BTreeMap;
    use std::path::Path;

    const CASES: &str = "tests/helm_values/matrix/cases.txt";
    const CHART: &str = "tests/helm_values/matrix/chart";

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

    fn flatten(chart: &kiln::chart::Chart, tree: &ValueTree, out: &mut BTreeMap<String, Value>) {
        out.insert(
            format!("{}/templates/values.yaml", chart.display_root),
            tree.values.clone(),
        );
        for (index, child) in &tree.children {
            flatten(&chart.subcharts[*index], child, out);
        }
    }

    fn kiln_values(args: &[String]) -> kiln::Result<BTreeMap<String, Value>> {
        let (chart, args) = match args {
            [flag, dir, rest @ ..] if flag == "--chart" => (dir.as_str(), rest),
            _ => (CHART, args),
        };
        let chart = kiln::chart::load_chart(Path::new(chart))?;
        let user = user_values_with_files(&flags(args))?;
        let tree = resolve_with_files(&chart, &user)?;
        let mut out = BTreeMap::new();
        flatten(&chart, &tree, &mut out);
        Ok(out)
    }

    fn golden(name: &str) -> String {
        let path = format!("tests/helm_values/matrix/golden/{name}.yaml");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (run scripts/record-helm-values.sh matrix)"))
    }

    #[test]
    fn matrix_has_forty_unique_cases() {
        let all = cases();
        assert!(all.iter().filter(|c| !c.name.starts_with("err_")).count() >= 40);
        let mut names: Vec<_> = all.iter().map(|c| &c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "case names must be unique");
    }

    #[test]
    fn matrix_values_match_helm() {
        let mut failures = Vec::new();
        for case in cases().iter().filter(|c| !c.name.starts_with("err_")) {
            let expected = parse_golden(&golden(&case.name));
            assert!(!expected.is_empty(), "{}: empty golden", case.name);
            match kiln_values(&case.args) {
                Err(e) => failures.push(format!("{}: kiln failed:\n{e}", case.name)),
                Ok(got) if got.keys().ne(expected.keys()) => failures.push(format!(
                    "{}: charts differ: Helm {:?}, kiln {:?}",
                    case.name,
                    expected.keys().collect::<Vec<_>>(),
                    got.keys().collect::<Vec<_>>()
                )),
                Ok(got) => {
                    for (source, helm) in &expected {
                        if let Some(d) = first_difference("", helm, &got[source]) {
                            failures.push(format!("{}: {source}: {d}", case.name));
                        }
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} difference(s) from Helm:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn matrix_errors_match_helm() {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("helm_values/matrix/snapshots");
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
                // Helm's own text stays in the golden only: its line order is not stable.
                Err(e) => insta::assert_snapshot!(
                    case.name.clone(),
                    format!("{e}\n---\nkind: {:?}", e.kind())
                ),
            }
        }
    }
}
