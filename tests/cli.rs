//! End-to-end CLI behaviour: exit codes, usage errors, --output-dir, stdin values.

mod common;
use common::{kiln, root, temp_dir};

use std::process::Command;

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = kiln(&["render", "charts/cronjob", "--no-such-flag"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
}

#[test]
fn missing_argument_is_a_usage_error() {
    let out = kiln(&["render"], &root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_and_version_exit_zero() {
    assert_eq!(kiln(&["--help"], &root()).status.code(), Some(0));
    let v = kiln(&["--version"], &root());
    assert_eq!(v.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&v.stdout).starts_with("kiln "));
}

#[test]
fn chart_flags_on_an_overlay_are_usage_errors() {
    let out = kiln(&["render", "overlays/prod", "--set", "a=b"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--set applies to charts"));
}

#[test]
fn output_dir_gets_one_file_per_template() {
    let dir = temp_dir("outdir");
    let out = kiln(
        &[
            "render",
            "tests/render/basic/chart",
            "-o",
            dir.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deploy = std::fs::read_to_string(dir.join("basic/templates/deployment.yaml")).unwrap();
    assert!(
        deploy.starts_with("---\n# Source: basic/templates/deployment.yaml\napiVersion: apps/v1\n")
    );
    assert!(dir.join("basic/templates/configmap.yaml").is_file());
    assert!(!dir.join("basic/templates/NOTES.txt").exists());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("wrote "), "{stdout}");
}

#[test]
fn failing_render_writes_nothing_to_output_dir() {
    let dir = temp_dir("outdir-fail");
    let target = dir.join("out");
    let out = kiln(
        &[
            "render",
            "tests/render/err_missing_value/chart",
            "-o",
            target.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(!target.exists(), "nothing may be written on error");
}

#[test]
fn values_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args([
            "render",
            "tests/render/basic/chart",
            "-f",
            "-",
            "--show-only",
            "templates/deployment.yaml",
        ])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"replicas: 7\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("replicas: 7"));
}

#[test]
fn overlay_render_prints_deprecation_warnings_on_stderr() {
    let out = kiln(
        &["render", "tests/overlays/005-resources-bases-deprecated"],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("# Warning: 'bases' is deprecated."));
}

#[test]
fn example_overlays_render() {
    for overlay in ["overlays/dev", "overlays/prod"] {
        let out = kiln(&["render", overlay], &root());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{overlay}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("kind: DaemonSet") && text.contains("kind: CronJob"));
    }
}

#[test]
fn load_restrictor_none_reads_files_outside_the_kustomization() {
    let dir = "tests/overlays/err_load-restrictor-file-outside-root";
    let refused = kiln(&["render", dir], &root());
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stdout.is_empty());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("outside the kustomization directory"), "{err}");
    assert!(
        err.contains("--load-restrictor LoadRestrictionsNone"),
        "{err}"
    );
    let root_only = kiln(
        &[
            "render",
            "--load-restrictor",
            "LoadRestrictionsRootOnly",
            dir,
        ],
        &root(),
    );
    assert_eq!(root_only.status.code(), Some(1));
    let out = kiln(
        &["render", "--load-restrictor", "LoadRestrictionsNone", dir],
        &root(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(
        root()
            .join(dir)
            .join("expected-load-restrictions-none.yaml"),
    )
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    let bad = kiln(&["render", "--load-restrictor", "None", dir], &root());
    assert_eq!(bad.status.code(), Some(2));
}
