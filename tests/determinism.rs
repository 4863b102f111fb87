//! Output is byte-identical across runs and across thread counts: render, lint and chartify run
//! several times, with all CPUs and pinned to one (`taskset -c 0`, which makes
//! `available_parallelism` — the only parallelism knob kiln reads — report 1), and every run must
//! print (and write) the same bytes as the first.

mod common;
use common::root;

use std::path::Path;
use std::process::Command;

fn has_taskset() -> bool {
    Command::new("taskset")
        .args(["-c", "0", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs kiln with `args`, pinned to one CPU when `single`; returns (code, stdout, stderr).
fn run(args: &[&str], single: bool) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let bin = env!("CARGO_BIN_EXE_kiln");
    let mut cmd = if single {
        let mut c = Command::new("taskset");
        c.args(["-c", "0", bin]);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd.args(args).current_dir(root()).output().unwrap();
    (out.status.code(), out.stdout, out.stderr)
}

/// Files by relative path, with their bytes.
type Files = Vec<(String, Vec<u8>)>;

/// A chartify run: the chart's files and what rendering it printed.
type ChartRun = (Files, Vec<u8>);

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot_dir(dir: &Path) -> Files {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            out.push((rel, std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}

fn modes() -> Vec<bool> {
    if has_taskset() {
        vec![false, true, false, true]
    } else {
        eprintln!("taskset not found: comparing runs with all CPUs only");
        vec![false, false, false]
    }
}

#[test]
fn render_and_lint_are_byte_identical_across_runs_and_thread_counts() {
    let commands: &[&[&str]] = &[
        &["render", "charts/web", "-f", "charts/web/ci/hpa.yaml"],
        &["render", "overlays/prod"],
        // Go-template charts: an umbrella with subcharts, shared maps, include/tpl.
        &["render", "tests/gotmpl/chart-umbrella/chart"],
        &["render", "tests/gotmpl/chart-agent/chart"],
        &["render", "tests/gotmpl/include-tpl/chart"],
        &["render", "tests/gotmpl/objects/chart"],
        &["lint", "tests/gotmpl/chart-umbrella/chart", "--format=json"],
        &["render", "overlays/dev"],
        &[
            "lint",
            "charts",
            "overlays",
            "tests/chartify/exports",
            "--color=never",
        ],
        &["lint", "charts", "overlays", "--format=json"],
        &["lint", "tests/chartify/exports", "--format=sarif"],
    ];
    for args in commands {
        let mut first: Option<(Option<i32>, Vec<u8>, Vec<u8>)> = None;
        for single in modes() {
            let got = run(args, single);
            assert!(got.0.is_some(), "{args:?} was killed");
            match &first {
                None => {
                    assert!(!got.1.is_empty(), "{args:?} printed nothing");
                    first = Some(got);
                }
                Some(f) => assert!(
                    *f == got,
                    "{args:?} (single CPU: {single}) differs from the first run"
                ),
            }
        }
    }
}

#[test]
fn chartify_writes_byte_identical_charts_across_runs_and_thread_counts() {
    let base = std::env::temp_dir().join(format!("kiln-determinism-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let inputs = [
        "tests/chartify/exports/get-all.yaml",
        "tests/chartify/exports/two-namespaces.yaml",
    ];
    for language in ["jinja", "go"] {
        let mut first: Option<(Vec<u8>, ChartRun)> = None;
        for (i, single) in modes().into_iter().enumerate() {
            let out = base.join(format!("{language}{i}"));
            let out_s = out.display().to_string();
            let mut args = vec!["chartify"];
            args.extend(inputs);
            args.extend([
                "--name",
                "app",
                "--template-language",
                language,
                "-o",
                &out_s,
            ]);
            let (code, stdout, stderr) = run(&args, single);
            assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&stderr));
            // The summary names the output directory, which differs per run.
            let stdout = String::from_utf8_lossy(&stdout)
                .replace(&out_s, "OUT")
                .into_bytes();
            let files = snapshot_dir(&out);
            assert!(!files.is_empty());
            // A Go chart must also render back identically on every run.
            let rendered = run(&["render", &out_s], single);
            assert_eq!(
                rendered.0,
                Some(0),
                "{}",
                String::from_utf8_lossy(&rendered.2)
            );
            let files = (files, rendered.1);
            match &first {
                None => first = Some((stdout, files)),
                Some(f) => assert!(
                    *f == (stdout, files),
                    "chartify --template-language {language} run {i} (single CPU: {single}) differs from the first run"
                ),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
}
