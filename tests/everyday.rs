//! Issue 11 ("Everyday use"), end to end: each test runs the `kiln` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs kiln in `cwd` with a clean colour environment.
fn kiln(args: &[&str], cwd: &Path) -> Output {
    kiln_env(args, cwd, &[])
}

fn kiln_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiln"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("TERM")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-everyday-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a Jinja chart with one template into `dir`.
fn jinja_chart(dir: &Path, values: &str, template: &str) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 0.1.0\nannotations:\n  kiln.dev/template-engine: jinja\n",
    )
    .unwrap();
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    std::fs::write(dir.join("templates/cm.yaml"), template).unwrap();
}

fn configmap(data_line: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  {data_line}\n")
}

#[test]
fn undefined_values_into_filters_are_errors_naming_the_value() {
    let dir = temp_dir("strict");
    for filter in [
        "quote",
        "squote",
        "b64enc",
        "trunc(5)",
        "nindent(4)",
        "tojson",
        "toyaml",
        "upper",
        "lower",
        "string",
    ] {
        let chart = dir.join(filter.replace(['(', ')'], ""));
        jinja_chart(
            &chart,
            "cleanup:\n  schedule: \"0 * * * *\"\n",
            &configmap(&format!("a: {{{{ Values.cleanup.shedule | {filter} }}}}")),
        );
        let out = kiln(&["render", chart.to_str().unwrap()], &dir);
        assert_eq!(out.status.code(), Some(1), "{filter}: {}", stdout(&out));
        assert!(out.stdout.is_empty(), "{filter}");
        let err = stderr(&out);
        assert!(
            err.contains("undefined value: `Values.cleanup.shedule` is not defined"),
            "{filter}: {err}"
        );
        assert!(
            !err.contains(&format!("`{filter}` is not defined")),
            "{err}"
        );
    }
}

#[test]
fn default_and_tests_still_accept_undefined_values() {
    let dir = temp_dir("lenient");
    jinja_chart(
        &dir,
        "a: 1\n",
        &configmap(
            "a: {{ Values.b | default('x') | quote }}\n  b: {{ (Values.c is defined) | quote }}\n  {% if Values.d %}c: nope{% endif %}",
        ),
    );
    let out = kiln(&["render", "."], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("a: \"x\"\n  b: \"false\""), "{text}");
}
