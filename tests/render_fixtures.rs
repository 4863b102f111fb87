//! End-to-end fixtures: every `tests/render/<case>/cmd` holds a kiln command line (run in the
//! case directory, `stdin` file piped in when present). stdout, stderr and the exit code are
//! snapshotted together, so error texts are reviewed like output. Cases named `err_*` must fail.

use std::path::Path;
use std::process::{Command, Stdio};

/// Splits a command line on whitespace, honouring '…' and "…" quoting.
pub fn split_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut has = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                has = true;
            }
            None if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    args.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            None => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        args.push(cur);
    }
    args
}

fn run_case(cmd_file: &Path) -> (i32, String, String) {
    let dir = cmd_file.parent().unwrap();
    let line = std::fs::read_to_string(cmd_file).unwrap();
    let args = split_args(line.trim());
    let stdin = dir.join("stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(&stdin).unwrap_or_default();
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        let _ = pipe.write_all(&input);
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn render_fixtures() {
    insta::glob!("render/*/cmd", |path| {
        let case = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (code, stdout, stderr) = run_case(path);
        if case.starts_with("err_") {
            assert_ne!(code, 0, "{case} must fail");
            assert!(
                stdout.is_empty(),
                "{case}: a failing render must print nothing on stdout"
            );
        } else {
            assert_eq!(code, 0, "{case} failed:\n{stderr}");
        }
        let snap = format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
        insta::assert_snapshot!(snap);
    });
}

#[test]
fn output_is_deterministic() {
    insta::glob!("render/*/cmd", |path| {
        let a = run_case(path);
        let b = run_case(path);
        assert_eq!(a, b, "two runs differ");
    });
}

#[test]
fn splits_quoted_args() {
    assert_eq!(
        split_args(r#"render . --set 'a=b c' --set-json 'x={"y":1}' "q""#),
        [
            "render",
            ".",
            "--set",
            "a=b c",
            "--set-json",
            r#"x={"y":1}"#,
            "q"
        ]
    );
}
