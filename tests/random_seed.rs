//! Random template functions (`randAlphaNum`, `genCA`, ...): fresh values on every render, as
//! helm gives them, so generated passwords cannot be predicted from the chart and release names;
//! `--random-seed N` makes a render repeat byte for byte.

use std::path::PathBuf;
use std::process::Command;

fn chart() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-random-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: pw\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("templates/secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: {{ randAlphaNum 24 | quote }}\n",
    )
    .unwrap();
    dir
}

fn render(chart: &PathBuf, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .arg("render")
        .arg(chart)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn generated_values_are_fresh_unless_a_seed_is_given() {
    let dir = chart();
    let a = render(&dir, &[]);
    let b = render(&dir, &[]);
    assert!(a.contains("password: \""), "{a}");
    assert_ne!(
        a, b,
        "two renders without --random-seed drew the same password"
    );

    let s1 = render(&dir, &["--random-seed", "7"]);
    let s2 = render(&dir, &["--random-seed", "7"]);
    let s3 = render(&dir, &["--random-seed", "8"]);
    assert_eq!(s1, s2, "the same seed must give the same bytes");
    assert_ne!(s1, s3, "another seed must give other values");
    let _ = std::fs::remove_dir_all(&dir);
}
