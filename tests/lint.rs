//! `kiln lint`: every rule against its fixtures, exit codes, output formats, the example charts
//! and overlays.
//!
//! Each rule has `tests/lint/<rule-id>/bad` and `good` (a `.yaml` file or a chart directory). The
//! bad fixture must give at least one finding of the rule, snapshotted in text and JSON (only
//! that rule's findings, so other rules' changes do not churn it); the good one none of it.

use kiln::cli::args::{Cli, Command};
use kiln::commands::lint::LintOptions;
use kiln::lint::{self, output, rules::RULES, Report};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Parses `kiln lint ARGS...` as the binary would, paths relative to the crate root.
fn args(argv: &[&str]) -> LintOptions {
    std::env::set_current_dir(root()).unwrap();
    let mut full = vec!["kiln", "lint"];
    full.extend_from_slice(argv);
    match <Cli as clap::Parser>::try_parse_from(full).unwrap().command {
        Command::Lint(a) => a.into(),
        _ => unreachable!(),
    }
}

fn fixture(rule: &str, which: &str) -> String {
    let dir = root().join("tests/lint").join(rule);
    let file = dir.join(format!("{which}.yaml"));
    let path = if file.is_file() {
        file
    } else {
        dir.join(which)
    };
    assert!(
        path.exists(),
        "rule {rule} has no {which} fixture (tests/lint/{rule}/{which}.yaml or a chart dir)"
    );
    path.strip_prefix(root()).unwrap().display().to_string()
}

fn only(report: &Report, rule: &str) -> Report {
    Report {
        findings: report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .cloned()
            .collect(),
        objects: report.objects,
    }
}

#[test]
fn every_rule_has_fixtures_and_its_findings_are_snapshotted() {
    for rule in RULES {
        let bad = fixture(rule.id, "bad");
        let report = lint::lint(&args(&[&bad])).unwrap();
        let found = only(&report, rule.id);
        assert!(
            !found.findings.is_empty(),
            "{bad} gives no `{}` finding; all findings:\n{}",
            rule.id,
            output::text(&report, false)
        );
        assert!(
            found.findings.iter().all(|f| f.line >= 1),
            "{bad}: lines are 1-based"
        );
        insta::with_settings!({
            snapshot_path => "lint/snapshots",
            prepend_module_to_snapshot => false,
            description => format!("kiln lint {bad} (findings of {} only)", rule.id),
        }, {
            insta::assert_snapshot!(format!("{}.text", rule.id), output::text(&found, false));
            insta::assert_snapshot!(format!("{}.json", rule.id), output::json(&found));
        });

        let good = fixture(rule.id, "good");
        let report = lint::lint(&args(&[&good])).unwrap();
        let found = only(&report, rule.id);
        assert!(
            found.findings.is_empty(),
            "{good} must give no `{}` finding:\n{}",
            rule.id,
            output::text(&found, false)
        );
    }
}

#[test]
fn every_fixture_directory_is_a_rule() {
    for entry in std::fs::read_dir(root().join("tests/lint")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !path.is_dir() || matches!(name.as_str(), "snapshots" | "exit" | "overlay" | "cases") {
            continue;
        }
        assert!(
            RULES.iter().any(|r| r.id == name),
            "tests/lint/{name} names no rule"
        );
    }
}

fn kiln(argv: &[&str]) -> (i32, String, String) {
    let out = Process::new(env!("CARGO_BIN_EXE_kiln"))
        .current_dir(root())
        .args(argv)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn exit_codes() {
    let clean = "tests/lint/exit/clean.yaml";
    let warnings = "tests/lint/exit/warnings.yaml";
    let errors = "tests/lint/exit/errors.yaml";
    assert_eq!(kiln(&["lint", clean]).0, 0);
    assert_eq!(kiln(&["lint", "--strict", clean]).0, 0);
    assert_eq!(kiln(&["lint", warnings]).0, 0);
    assert_eq!(kiln(&["lint", "--strict", warnings]).0, 1);
    assert_eq!(kiln(&["lint", errors]).0, 1);
    assert_eq!(
        kiln(&["lint", "--disable", "job-restart-policy", errors]).0,
        0
    );
    // Usage errors.
    let (code, _, err) = kiln(&["lint", "--disable", "no-such-rule", clean]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no such rule"), "{err}");
    assert_eq!(kiln(&["lint", "--format", "xml", clean]).0, 2);
    assert_eq!(kiln(&["lint", "tests/lint/exit/missing.yaml"]).0, 2);
    assert_eq!(kiln(&["lint", "--color", "sometimes", clean]).0, 2);
    assert_eq!(kiln(&["lint"]).0, 2);
}

#[test]
fn stdin_and_color() {
    let text = std::fs::read_to_string(root().join("tests/lint/exit/errors.yaml")).unwrap();
    let mut child = Process::new(env!("CARGO_BIN_EXE_kiln"))
        .current_dir(root())
        .args(["lint", "-", "--color", "always"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("<stdin>:8:"), "{stdout}");
    assert!(stdout.contains("\x1b[31;1merror"), "{stdout}");
    // Not a terminal: no color by default.
    let (_, plain, _) = kiln(&["lint", "tests/lint/exit/errors.yaml"]);
    assert!(!plain.contains('\x1b'), "{plain}");
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let (code, stdout, _) = kiln(&[
        "lint",
        "--format",
        "json",
        "tests/lint/exit/errors.yaml",
        "tests/lint/exit/warnings.yaml",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&v), ["findings", "summary"]);
    assert_eq!(
        keys(&v["summary"]),
        ["errors", "warnings", "infos", "objects"]
    );
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["warnings"], 3);
    assert_eq!(v["summary"]["objects"], 3);
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(
            keys(f),
            [
                "rule",
                "severity",
                "category",
                "file",
                "line",
                "kind",
                "namespace",
                "name",
                "path",
                "message"
            ]
        );
    }
}

#[test]
fn findings_are_sorted_by_file_line_rule() {
    let report = lint::lint(&args(&[
        "tests/lint/toleration-invalid/bad.yaml",
        "tests/lint/cronjob-schedule/bad.yaml",
    ]))
    .unwrap();
    let keys: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.file.clone(), f.line, f.rule))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/lint/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut argv = vec!["lint".to_string(), "--format".into(), "sarif".into()];
    for rule in RULES {
        argv.push(fixture(rule.id, "bad"));
    }
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = kiln(&argv);
    assert_eq!(code, 1, "{stderr}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "kiln");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["help"]["text"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    for rule in RULES {
        assert!(
            results.iter().any(|r| r["ruleId"] == rule.id),
            "no SARIF result for {}",
            rule.id
        );
    }
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            root().join(uri).is_file(),
            "SARIF uri {uri} is not a file of the repository"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn disable_annotation_silences_rules_on_one_object() {
    let text = std::fs::read_to_string(root().join("tests/lint/image-tag/bad.yaml")).unwrap();
    let annotated = text.replacen(
        "metadata:\n  name: web\n",
        "metadata:\n  name: web\n  annotations:\n    kiln.dev/lint-disable: \"image-tag, run-as-root\"\n",
        1,
    );
    assert_ne!(text, annotated);
    let dir = tempdir();
    let file = dir.join("annotated.yaml");
    std::fs::write(&file, annotated).unwrap();
    let report = lint::lint(&args(&[file.to_str().unwrap()])).unwrap();
    assert!(report.findings.iter().all(|f| f.rule != "image-tag"));
    let before = lint::lint(&args(&["tests/lint/image-tag/bad.yaml"])).unwrap();
    assert!(before.findings.iter().any(|f| f.rule == "image-tag"));
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-lint-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn overlay_findings_point_at_the_file_the_object_was_written_in() {
    let report = lint::lint(&args(&["tests/lint/overlay/prod"])).unwrap();
    let sel = report
        .findings
        .iter()
        .find(|f| f.rule == "selector-mismatch")
        .expect("selector-mismatch finding");
    assert_eq!(sel.file, "tests/lint/overlay/base/deployment.yaml");
    assert_eq!(sel.line, 7);
    assert_eq!(
        (sel.namespace.as_str(), sel.name.as_str()),
        ("shop-prod", "prod-api")
    );
    // The image tag set by the overlay's `images:` points at the base's image line.
    let tag = report
        .findings
        .iter()
        .find(|f| f.rule == "image-tag")
        .expect("image-tag finding");
    assert_eq!(tag.line, 17);
}

#[test]
fn chart_findings_point_at_files_under_the_chart_directory() {
    let report = lint::lint(&args(&["tests/lint/chart-render/bad"])).unwrap();
    let f = &report.findings[0];
    assert_eq!(
        f.file,
        "tests/lint/chart-render/bad/templates/configmap.yaml"
    );
    assert_eq!(f.line, 6);
}

/// The examples lint with zero errors (warnings and infos allowed: they teach).
#[test]
fn example_charts_and_overlays_have_no_errors() {
    let mut paths = Vec::new();
    for dir in ["charts", "overlays"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                paths.push(p.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    paths.sort();
    assert!(!paths.is_empty());
    for p in &paths {
        let (code, stdout, stderr) = kiln(&["lint", p]);
        assert_eq!(code, 0, "kiln lint {p} failed:\n{stdout}{stderr}");
        let (_, json, _) = kiln(&["lint", "--format", "json", p]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["summary"]["errors"], 0, "{stdout}");
        assert!(
            v["summary"]["objects"].as_u64().unwrap() > 0,
            "{p} rendered nothing"
        );
    }
}

#[test]
fn crd_flag_and_crds_in_the_set_validate_custom_resources() {
    let skipped = |argv: &[&str]| {
        lint::lint(&args(argv))
            .unwrap()
            .findings
            .iter()
            .filter(|f| f.rule == "schema" && f.severity == lint::finding::Severity::Info)
            .count()
    };
    // The bad fixture has a Widget and no CRD (reported as not validated, an info; its Deployment
    // typo is a separate error); the good one has its CRD in the set.
    assert_eq!(skipped(&["tests/lint/schema/bad.yaml"]), 1);
    assert_eq!(skipped(&["tests/lint/schema/good.yaml"]), 0);
    let dir = tempdir();
    let good = std::fs::read_to_string(root().join("tests/lint/schema/good.yaml")).unwrap();
    let crd = good.split("\n---\n").next().unwrap();
    let file = dir.join("widget-crd.yaml");
    std::fs::write(&file, crd).unwrap();
    assert_eq!(
        skipped(&[
            "--crd",
            file.to_str().unwrap(),
            "tests/lint/schema/bad.yaml"
        ]),
        0
    );
    // --crd takes CustomResourceDefinitions only.
    let (code, _, err) = kiln(&[
        "lint",
        "--crd",
        "tests/lint/exit/clean.yaml",
        "tests/lint/exit/clean.yaml",
    ]);
    assert_eq!(code, 2, "{err}");
}

/// Each `tests/lint/cases/NAME.yaml` (or directory `NAME/` with an `args` file holding the
/// command line after `kiln lint`) is linted by the binary; exit code and every finding are
/// snapshotted. These are the cases of real repositories the rule fixtures do not cover.
#[test]
fn cases() {
    let dir = root().join("tests/lint/cases");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let rel = path.strip_prefix(root()).unwrap().display().to_string();
        let argv: Vec<String> = if path.is_dir() {
            std::fs::read_to_string(path.join("args"))
                .unwrap_or_else(|_| panic!("{rel}/args: the command line after `kiln lint`"))
                .split_whitespace()
                .map(str::to_string)
                .collect()
        } else {
            vec![rel.clone()]
        };
        let mut full = vec!["lint".to_string(), "--color".into(), "never".into()];
        full.extend(argv.iter().cloned());
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = kiln(&full);
        let (jcode, json, _) = kiln(&[full.as_slice(), &["--format", "json"]].concat());
        assert_eq!(code, jcode, "{rel}: text and JSON runs exit alike");
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "{rel}: --format json must always write a report:\n{json}{stderr}"
        );
        insta::with_settings!({
            snapshot_path => "lint/snapshots",
            prepend_module_to_snapshot => false,
            description => format!("kiln lint {}", argv.join(" ")),
        }, {
            insta::assert_snapshot!(
                format!("case-{name}"),
                format!("exit {code}\n{stdout}{stderr}")
            );
        });
    }
}

/// A chart linted through an overlay's `charts:` gives the same file and line per finding as
/// the chart linted directly (the overlay writes keys sorted; lines must not depend on that).
#[test]
fn lines_through_an_overlay_chart_match_the_chart_linted_directly() {
    let key = |argv: &[&str]| -> Vec<(String, usize, &'static str, String)> {
        lint::lint(&args(argv))
            .unwrap()
            .findings
            .into_iter()
            .map(|f| (f.file, f.line, f.rule, f.path))
            .collect()
    };
    let via_overlay = key(&["tests/lint/cases/overlay-chart-lines/overlay"]);
    let direct = key(&[
        "tests/lint/cases/overlay-chart-lines/chart",
        "--release-name",
        "api",
    ]);
    assert!(via_overlay.len() >= 5, "{via_overlay:?}");
    assert_eq!(via_overlay, direct);
}

fn kiln_in(dir: &Path, argv: &[&str]) -> (i32, String, String) {
    let out = Process::new(env!("CARGO_BIN_EXE_kiln"))
        .current_dir(dir)
        .args(argv)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn list_rules_and_explain() {
    let (code, stdout, stderr) = kiln(&["lint", "--list-rules"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), RULES.len());
    let line = stdout
        .lines()
        .find(|l| l.starts_with("rbac-wildcard "))
        .unwrap();
    assert!(
        line.contains(" info ") && line.contains(" security "),
        "{line}"
    );

    let (code, stdout, _) = kiln(&["lint", "--explain", "rbac-secrets-read"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("rbac-secrets-read: Role rules grant read access to Secrets\n"));
    assert!(stdout.contains("resourceNames"), "{stdout}");
    assert!(stdout.contains("kiln.dev/lint-disable"), "{stdout}");

    let (code, _, stderr) = kiln(&["lint", "--explain", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such rule"), "{stderr}");
}

/// `.kiln.yaml` in the current directory (or a parent up to the repository root): disabled
/// rules, severities, Kubernetes version; flags win.
#[test]
fn repository_config_file() {
    let dir = tempdir().join("config");
    let sub = dir.join("deploy");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let fixture = |rule: &str| root().join(fixture(rule, "bad")).display().to_string();
    let wildcard = fixture("rbac-wildcard");
    let image = fixture("image-tag");
    let removed = root()
        .join("tests/lint/cases/removed-apis.yaml")
        .display()
        .to_string();

    // Without a file: rbac-wildcard is an info, image-tag a warning.
    let (_, json, _) = kiln_in(&sub, &["lint", "--format", "json", &wildcard, &image]);
    let count = |json: &str, rule: &str, sev: &str| {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule && f["severity"] == sev)
            .count()
    };
    assert!(count(&json, "rbac-wildcard", "info") > 0);
    assert!(count(&json, "image-tag", "warning") > 0);

    std::fs::write(
        dir.join(".kiln.yaml"),
        "lint:\n  kubeVersion: \"1.33\"\n  disable: [image-tag]\n  severity:\n    rbac-wildcard: error\n    run-as-root: off\n",
    )
    .unwrap();
    let (code, json, stderr) = kiln_in(&sub, &["lint", "--format", "json", &wildcard, &image]);
    assert_eq!(code, 1, "{stderr}");
    assert!(count(&json, "rbac-wildcard", "error") > 0, "{json}");
    assert_eq!(count(&json, "image-tag", "warning"), 0);
    assert_eq!(count(&json, "run-as-root", "warning"), 0);
    let (_, text, _) = kiln_in(&sub, &["lint", &removed]);
    assert!(text.contains("(linting for 1.33)"), "{text}");
    let (_, text, _) = kiln_in(&sub, &["lint", "--kube-version", "1.34", &removed]);
    assert!(text.contains("(linting for 1.34)"), "{text}");
    let (_, list, _) = kiln_in(&sub, &["lint", "--list-rules"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("image-tag ") && l.contains(" off ")),
        "{list}"
    );

    // A typo in the file is a usage error naming it.
    std::fs::write(
        dir.join(".kiln.yaml"),
        "lint:\n  severity:\n    rbac-wildcrd: error\n",
    )
    .unwrap();
    let (code, _, stderr) = kiln_in(&sub, &["lint", &wildcard]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".kiln.yaml") && stderr.contains("rbac-wildcrd"),
        "{stderr}"
    );
    std::fs::write(dir.join(".kiln.yaml"), "lint:\n  kubeversion: \"1.33\"\n").unwrap();
    let (code, _, stderr) = kiln_in(&sub, &["lint", &wildcard]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("kubeversion"), "{stderr}");
}

/// SARIF URIs are relative to the repository root whatever the working directory.
#[test]
fn sarif_paths_are_relative_to_the_repository_root() {
    let (code, stdout, stderr) = kiln_in(
        &root().join("tests/lint"),
        &[
            "lint",
            "--format",
            "sarif",
            "exit/errors.yaml",
            "../lint/exit/warnings.yaml",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    uris.sort();
    uris.dedup();
    assert_eq!(
        uris,
        [
            "tests/lint/exit/errors.yaml",
            "tests/lint/exit/warnings.yaml"
        ]
    );
}

/// With `--group file`, each file is its own set: the same object in two rendered releases is no
/// duplicate; with the default (each PATH one set) it is, and the message says how to split.
#[test]
fn grouping_of_manifest_files() {
    let dir = "tests/lint/cases/group-releases";
    let dups = |argv: &[&str]| {
        lint::lint(&args(argv))
            .unwrap()
            .findings
            .iter()
            .filter(|f| f.rule == "duplicate-object")
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    let by_path = dups(&[dir]);
    assert_eq!(by_path.len(), 1, "{by_path:?}");
    assert!(by_path[0].contains("--group file"), "{by_path:?}");
    assert!(dups(&["--group", "file", dir]).is_empty());
    // Two PATHs are two sets by default; --group all joins them.
    let a = "tests/lint/cases/group-releases/a-release.yaml";
    let b = "tests/lint/cases/group-releases/b-release.yaml";
    assert!(dups(&[a, b]).is_empty());
    assert_eq!(dups(&["--group", "all", a, b]).len(), 1);
}

/// The README's rule table lists every rule with its default severity and category.
#[test]
fn readme_rule_table_matches_the_rules() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for rule in RULES {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", rule.id)))
            .unwrap_or_else(|| panic!("README has no row for {}", rule.id));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], rule.category.as_str(), "{row}");
        assert_eq!(cells[3], rule.severity.as_str(), "{row}");
    }
}
