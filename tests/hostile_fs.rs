//! Hostile file-system input (issue 12, "Writes and reads outside their place"): every case
//! runs the binary end to end on inputs written fresh into a temp dir, and checks that nothing
//! is written outside the output directory, nothing is read outside its root, and errors name
//! the file. Error texts are snapshots with the temp dir shown as `$TMP`.
//!
//! `KILN_BIN` runs the cases against another build of kiln (to see them fail before a fix).

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh temp dir, removed when dropped.
struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        let dir = std::env::temp_dir().join(format!("kiln-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Tmp(dir.canonicalize().unwrap())
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Writes `text` at `rel`, creating directories.
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn link(&self, rel: &str, target: impl AsRef<Path>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        symlink(target, p).unwrap();
    }

    /// Every path below the temp dir (not following symlinks), sorted, relative.
    fn tree(&self) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            for p in entries {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.is_dir() {
                    walk(root, &p, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &self.0, &mut out);
        out
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs kiln in `cwd` (killed after 60 s: a hang fails the test instead of the suite).
fn kiln(tmp: &Tmp, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = std::env::var("KILN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_kiln").into());
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("kiln {args:?} did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let clean = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(&tmp.0.display().to_string(), "$TMP")
            .replace(&format!("-{}", std::process::id()), "-$PID")
    };
    Run {
        code: out.status.code(),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
    }
}

/// An error run: exit 1 or 2, nothing on stdout; returns stderr.
fn failed(r: Run) -> String {
    assert!(
        matches!(r.code, Some(1 | 2)),
        "expected an error, got {:?}\nstdout:\n{}\nstderr:\n{}",
        r.code,
        r.stdout,
        r.stderr
    );
    assert_eq!(r.stdout, "", "stdout must be empty on error");
    r.stderr
}

fn succeeded(r: Run) -> String {
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    r.stdout
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"1\"\n";

fn chart(tmp: &Tmp, dir: &str, chart_yaml: &str) {
    tmp.write(&format!("{dir}/Chart.yaml"), chart_yaml);
    tmp.write(&format!("{dir}/templates/cm.yaml"), CM);
}

const JINJA: &str = "annotations:\n  kiln.dev/template-engine: jinja\n";

fn chart_yaml(name: &str) -> String {
    format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n{JINJA}")
}

// ---- render -o of an overlay -------------------------------------------------------------

fn overlay(tmp: &Tmp) {
    tmp.write("base/kustomization.yaml", "resources:\n- cm.yaml\n");
    tmp.write(
        "base/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec: {}\n",
    );
    tmp.write(
        "ov/kustomization.yaml",
        "resources:\n- ../base\nconfigMapGenerator:\n- name: gen\n  literals: [a=b]\n",
    );
}

#[test]
fn overlay_output_by_absolute_path_never_replaces_the_overlay() {
    let tmp = Tmp::new("ov-abs");
    overlay(&tmp);
    let before = tmp.read("ov/kustomization.yaml");
    let ov = tmp.path("ov").display().to_string();
    let out = succeeded(kiln(&tmp, &tmp.0, &["render", &ov, "-o", "out"], &[]));
    assert_eq!(tmp.read("ov/kustomization.yaml"), before);
    // Files named as `kubectl kustomize -o DIR` names them, all inside out/.
    insta::assert_snapshot!(out, @r"
    wrote out/default_v1_configmap_a.yaml
    wrote out/default_v1_configmap_gen-4h2mbtbbt6.yaml
    wrote out/prod_apps_v1_deployment_web.yaml
    ");
    insta::assert_snapshot!(tmp.read("out/default_v1_configmap_gen-4h2mbtbbt6.yaml"), @r"
    apiVersion: v1
    data:
      a: b
    kind: ConfigMap
    metadata:
      name: gen-4h2mbtbbt6
    ");
}

#[test]
fn overlay_output_with_dotdot_paths_stays_inside_out() {
    let tmp = Tmp::new("ov-dotdot");
    overlay(&tmp);
    tmp.write("x/keep", "");
    let before = tmp.tree();
    succeeded(kiln(
        &tmp,
        &tmp.path("x"),
        &["render", "../x/../ov", "-o", "../out"],
        &[],
    ));
    let added: Vec<String> = tmp
        .tree()
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    assert_eq!(
        added,
        [
            "out",
            "out/default_v1_configmap_a.yaml",
            "out/default_v1_configmap_gen-4h2mbtbbt6.yaml",
            "out/prod_apps_v1_deployment_web.yaml"
        ]
    );
}

#[test]
fn overlay_output_does_not_replace_its_own_resource_files() {
    // `-o` pointing at the overlay itself, where a resource file has the output's name.
    let tmp = Tmp::new("ov-self");
    tmp.write(
        "ov/kustomization.yaml",
        "resources:\n- v1_configmap_a.yaml\n",
    );
    tmp.write(
        "ov/v1_configmap_a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n# the source\n",
    );
    let err = failed(kiln(&tmp, &tmp.0, &["render", "ov", "-o", "ov"], &[]));
    insta::assert_snapshot!(err, @"error[usage]: refusing to write ov/v1_configmap_a.yaml: it would replace a file of the input $TMP/ov (choose an output directory outside it)");
    assert!(tmp.read("ov/v1_configmap_a.yaml").contains("# the source"));
}

// ---- chart names in output paths -----------------------------------------------------------

#[test]
fn empty_chart_name_is_an_error() {
    let tmp = Tmp::new("name-empty");
    chart(&tmp, "c", &chart_yaml("\"\""));
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-o", "out"], &[]));
    insta::assert_snapshot!(err, @r#"
    error[chart]: chart.metadata.name in c/Chart.yaml: the name "" cannot be used as a file name: it is empty
     --> c/Chart.yaml:2:1
      |
    2 | name: ""
      | ^^^^
    "#);
    assert!(!tmp.path("out").exists());
}

#[test]
fn chart_names_that_leave_the_output_dir_are_errors() {
    let tmp = Tmp::new("name-escape");
    let outside = tmp.path("escaped").display().to_string();
    for (name, shown) in [
        ("..", "\"..\""),
        ("../../x", "\"../../x\""),
        (outside.as_str(), "\"$TMP/escaped\""),
    ] {
        chart(&tmp, "c", &chart_yaml(&format!("{name:?}")));
        let err = failed(kiln(
            &tmp,
            &tmp.path("c"),
            &["render", ".", "-o", "out"],
            &[],
        ));
        assert!(
            err.contains(&format!("the name {shown} cannot be used")),
            "{err}"
        );
    }
    chart(&tmp, "c", &chart_yaml("\"../x\""));
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-o", "out"], &[]));
    insta::assert_snapshot!(err, @r#"
    error[chart]: chart.metadata.name in c/Chart.yaml: the name "../x" cannot be used as a file name: it contains a path separator (`/` or `\`)
     --> c/Chart.yaml:2:1
      |
    2 | name: "../x"
      | ^^^^
    "#);
    assert_eq!(
        tmp.tree(),
        ["c", "c/Chart.yaml", "c/templates", "c/templates/cm.yaml"]
    );
}

#[test]
fn subchart_name_and_alias_are_checked() {
    let tmp = Tmp::new("alias");
    chart(
        &tmp,
        "c",
        &format!("apiVersion: v2\nname: c\nversion: 1.0.0\n{JINJA}dependencies:\n- name: sub\n  alias: ../../x\n"),
    );
    chart(&tmp, "c/charts/sub", &chart_yaml("sub"));
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-o", "out"], &[]));
    insta::assert_snapshot!(err, @r#"
    error[chart]: Chart.yaml: dependency `sub` has disallowed characters in the alias "../../x" (letters, digits, `_` and `-` only)
     --> c/Chart.yaml:6:1
      |
    6 | dependencies:
      | ^^^^^^^^^^^^
    "#);
    // A subchart named `..` (no dependency entry).
    chart(&tmp, "c", &chart_yaml("c"));
    chart(&tmp, "c/charts/sub", &chart_yaml("\"..\""));
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-o", "out"], &[]));
    assert!(
        err.contains("chart.metadata.name in c/charts/sub/Chart.yaml: the name \"..\" cannot be used as a file name"),
        "{err}"
    );
    assert!(!tmp.path("out").exists());
    assert!(!tmp.path("x").exists());
}

#[test]
fn chart_named_after_its_directory_does_not_overwrite_its_template() {
    let tmp = Tmp::new("self");
    chart(&tmp, "web", &chart_yaml("web"));
    // `-o .` from the chart's parent: web/templates/cm.yaml is the chart's own template.
    let err = failed(kiln(&tmp, &tmp.0, &["render", "web", "-o", "."], &[]));
    insta::assert_snapshot!(err, @"error[usage]: refusing to write ./web/templates/cm.yaml: it would replace a file of the input $TMP/web (choose an output directory outside it)");
    let err = failed(kiln(
        &tmp,
        &tmp.path("web"),
        &["render", ".", "-o", ".."],
        &[],
    ));
    insta::assert_snapshot!(err, @"error[usage]: refusing to write ../web/templates/cm.yaml: it would replace a file of the input $TMP/web (choose an output directory outside it)");
    let err = failed(kiln(
        &tmp,
        &tmp.0,
        &["render", "web", "-o", &tmp.0.display().to_string()],
        &[],
    ));
    insta::assert_snapshot!(err, @"error[usage]: refusing to write $TMP/web/templates/cm.yaml: it would replace a file of the input $TMP/web (choose an output directory outside it)");
    assert_eq!(tmp.read("web/templates/cm.yaml"), CM);
}

// ---- chartify file names -------------------------------------------------------------------

#[test]
fn chartify_object_names_that_are_paths_are_errors() {
    let tmp = Tmp::new("chartify");
    tmp.write(
        "in/in.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ../../../../x\ndata:\n  a: b\n",
    );
    let err = failed(kiln(
        &tmp,
        &tmp.path("in"),
        &[
            "chartify",
            "in.yaml",
            "--name",
            "c",
            "--keep-names",
            "-o",
            "out/c",
        ],
        &[],
    ));
    insta::assert_snapshot!(err, @r#"error[usage]: ConfigMap "../../../../x" (from in.yaml): the name "../../../../x" cannot be used as a file name: it contains a path separator (`/` or `\`)"#);
    assert_eq!(tmp.tree(), ["in", "in/in.yaml"]);
}

#[test]
fn chartify_same_names_across_namespaces_get_numbered_files() {
    let tmp = Tmp::new("chartify-same");
    let mut text = String::new();
    for ns in ["a", "b", "c"] {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: {ns}\ndata:\n  k: v\n"
        ));
    }
    tmp.write("in.yaml", &text);
    succeeded(kiln(
        &tmp,
        &tmp.0,
        &["chartify", "in.yaml", "--name", "c", "-o", "out"],
        &[],
    ));
    let files: Vec<String> = tmp
        .tree()
        .into_iter()
        .filter(|p| p.starts_with("out/templates/settings"))
        .collect();
    assert_eq!(
        files,
        [
            "out/templates/settings-configmap-2.yaml",
            "out/templates/settings-configmap-3.yaml",
            "out/templates/settings-configmap.yaml"
        ]
    );
    let values = tmp.read("out/values.yaml");
    for key in [
        "settingsConfigMap:",
        "settingsConfigMap2:",
        "settingsConfigMap3:",
    ] {
        assert!(values.contains(key), "{values}");
    }
}

// ---- symlinked inputs ----------------------------------------------------------------------

const SECRET: &str = "hunter2-do-not-print";

#[test]
fn values_yaml_symlink_to_proc_environ_is_not_read() {
    let tmp = Tmp::new("environ");
    chart(&tmp, "c", &chart_yaml("c"));
    tmp.link("c/values.yaml", "/proc/self/environ");
    let err = failed(kiln(
        &tmp,
        &tmp.0,
        &["render", "c"],
        &[("KILN_TEST_SECRET", SECRET)],
    ));
    assert!(!err.contains(SECRET), "{err}");
    // `/proc/self` resolves to the process's id.
    let pid: String = err
        .split("/proc/")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let err = err.replace(&format!("/proc/{pid}/"), "/proc/$PID/");
    insta::assert_snapshot!(err, @"error[io]: c/values.yaml: resolves to /proc/$PID/environ, outside the chart (c); kiln reads only files inside it");
}

#[test]
fn chart_files_symlinked_outside_the_chart_are_not_read() {
    let tmp = Tmp::new("chart-links");
    tmp.write(
        "secret.txt",
        &format!("password: {SECRET}\n: : broken yaml {SECRET}\n"),
    );
    for file in ["values.yaml", "values.schema.json", "Chart.yaml"] {
        let _ = std::fs::remove_dir_all(tmp.path("c"));
        chart(&tmp, "c", &chart_yaml("c"));
        let _ = std::fs::remove_file(tmp.path(&format!("c/{file}")));
        tmp.link(&format!("c/{file}"), "../secret.txt");
        let err = failed(kiln(&tmp, &tmp.0, &["render", "c"], &[]));
        assert!(!err.contains(SECRET), "{file}: {err}");
        assert!(
            err.contains(&format!(
                "c/{file}: resolves to $TMP/secret.txt, outside the chart (c)"
            )),
            "{file}: {err}"
        );
    }
}

#[test]
fn kustomization_symlinked_outside_the_overlay_is_not_read() {
    let tmp = Tmp::new("kust-link");
    tmp.write("secret.txt", &format!("resources: [{SECRET}\n"));
    tmp.link("ov/kustomization.yaml", "../secret.txt");
    let err = failed(kiln(&tmp, &tmp.0, &["render", "ov"], &[]));
    assert!(!err.contains(SECRET), "{err}");
    insta::assert_snapshot!(err, @"error[io]: ov/kustomization.yaml: resolves to $TMP/secret.txt, outside the kustomization directory (ov); kiln reads only files inside it");
}

#[test]
fn overlay_chart_values_files_are_confined_to_the_kustomization() {
    let tmp = Tmp::new("values-files");
    chart(&tmp, "c", &chart_yaml("c"));
    tmp.write("secret.yaml", &format!("a: [{SECRET}\n"));
    tmp.write(
        "ov/kustomization.yaml",
        "charts:\n- path: ../c\n  valuesFiles:\n  - ../secret.yaml\n",
    );
    let err = failed(kiln(&tmp, &tmp.0, &["render", "ov"], &[]));
    assert!(!err.contains(SECRET), "{err}");
    insta::assert_snapshot!(err, @r"
    error[overlay]: file `../secret.yaml` is outside the kustomization directory (kustomize's load restriction); reference a kustomization directory instead, or pass --load-restrictor LoadRestrictionsNone
     --> ov/kustomization.yaml:4:5
      |
    4 |   - ../secret.yaml
      |     ^^^^^^^^^^^^^^
    ");
}

// ---- nothing written on error --------------------------------------------------------------

#[test]
fn render_output_failing_late_writes_nothing() {
    let tmp = Tmp::new("late");
    chart(&tmp, "c", &chart_yaml("c"));
    tmp.write("c/templates/z.yaml", &CM.replace("name: cm", "name: z"));
    // The second file cannot be written: a directory stands where it goes.
    std::fs::create_dir_all(tmp.path("out/c/templates/z.yaml")).unwrap();
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-o", "out"], &[]));
    insta::assert_snapshot!(err, @"error[io]: cannot write out/c/templates/z.yaml: out/c/templates/z.yaml is a directory");
    assert!(!tmp.path("out/c/templates/cm.yaml").exists());
    let leftovers: Vec<String> = tmp
        .tree()
        .into_iter()
        .filter(|p| p.contains("kiln-stage"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn render_output_never_writes_through_a_symlink() {
    let tmp = Tmp::new("through");
    chart(&tmp, "c", &chart_yaml("c"));
    std::fs::create_dir_all(tmp.path("elsewhere")).unwrap();
    tmp.link("out/c", "../elsewhere");
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-o", "out"], &[]));
    insta::assert_snapshot!(err, @"error[io]: cannot write out/c/templates/cm.yaml: out/c is a symlink; kiln never writes through one");
    assert_eq!(std::fs::read_dir(tmp.path("elsewhere")).unwrap().count(), 0);
}

// ---- directory walks -----------------------------------------------------------------------

#[test]
fn lint_dir_with_a_symlink_loop_finishes() {
    let tmp = Tmp::new("loop");
    tmp.write("m/cm.yaml", CM);
    tmp.link("m/loop", ".");
    tmp.link("m/sub/up", "..");
    let r = kiln(&tmp, &tmp.0, &["lint", "m", "--format", "json"], &[]);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(!r.stderr.contains("error["), "{}", r.stderr);
}

#[test]
fn lint_dir_does_not_read_devices() {
    let tmp = Tmp::new("dev-zero");
    tmp.write("m/cm.yaml", CM);
    tmp.link("m/zero.yaml", "/dev/zero");
    let err = failed(kiln(&tmp, &tmp.0, &["lint", "m"], &[]));
    insta::assert_snapshot!(err, @"error[io]: m/zero.yaml: resolves to /dev/zero, outside the linted directory (m); kiln reads only files inside it");
}

#[test]
fn walks_have_an_entry_budget() {
    // Ten links to the next level, six levels deep: a million paths from a handful of files.
    let tmp = Tmp::new("fanout");
    for level in 0..6 {
        for i in 0..10 {
            tmp.link(&format!("m/d{level}/l{i}"), format!("../d{}", level + 1));
        }
    }
    tmp.write("m/d6/cm.yaml", CM);
    let err = failed(kiln(&tmp, &tmp.0, &["lint", "m"], &[]));
    insta::assert_snapshot!(err, @"error[io]: m: more than 100000 files and directories below it (MAX_WALK_ENTRIES); point kiln at a smaller directory");
}

/// A FIFO is never read and never blocks the run (opened at most without blocking, by the
/// one-call open below a root, then refused).
#[test]
fn a_fifo_is_never_read_and_never_blocks() {
    let tmp = Tmp::new("fifo");
    chart(&tmp, "c", &chart_yaml("c"));
    let status = Command::new("mkfifo")
        .arg(tmp.path("c/values.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c"], &[]));
    insta::assert_snapshot!(err, @"error[io]: c/values.yaml: is not a regular file (a device, FIFO or socket); kiln reads only regular files");
}

#[test]
fn input_files_have_a_size_budget() {
    let tmp = Tmp::new("big");
    chart(&tmp, "c", &chart_yaml("c"));
    // Sparse: no disk used.
    let f = std::fs::File::create(tmp.path("big.yaml")).unwrap();
    f.set_len(17 * 1024 * 1024).unwrap();
    let err = failed(kiln(&tmp, &tmp.0, &["render", "c", "-f", "big.yaml"], &[]));
    insta::assert_snapshot!(err, @"error[io]: big.yaml: larger than kiln's input file limit of 16 MiB (MAX_FILE_BYTES); split the file");
}

#[test]
fn a_run_has_a_total_input_budget() {
    let tmp = Tmp::new("total");
    chart(&tmp, "c", &chart_yaml("c"));
    // Three 12 MiB values files (one long comment each): each under the file limit, 36 MiB in all.
    let comment = format!("# {}\n", "x".repeat(12 * 1024 * 1024));
    for f in ["a.yaml", "b.yaml", "c.yaml"] {
        tmp.write(f, &comment);
    }
    // The same file twice counts once.
    let ok = kiln(
        &tmp,
        &tmp.0,
        &[
            "render", "c", "-f", "a.yaml", "-f", "a.yaml", "-f", "a.yaml",
        ],
        &[],
    );
    succeeded(ok);
    let args = [
        "render", "c", "-f", "a.yaml", "-f", "b.yaml", "-f", "c.yaml",
    ];
    let err = failed(kiln(&tmp, &tmp.0, &args, &[]));
    insta::assert_snapshot!(err, @"error[io]: c.yaml: reading it takes this run over kiln's total input limit of 32 MiB (MAX_TOTAL_BYTES); run kiln on fewer files at a time");
}

#[test]
fn the_total_input_budget_names_the_same_file_whatever_thread_read_first() {
    // The top chart's values and its subcharts are read on one thread, its templates on
    // another: 12 MiB each in its values, a template and its subchart's values. Read one after
    // the other (values, templates, subcharts), the subchart's values take the run over 32 MiB.
    let tmp = Tmp::new("total-threads");
    let big = format!("# {}\n", "x".repeat(12 * 1024 * 1024));
    chart(&tmp, "c", &chart_yaml("c"));
    tmp.write("c/values.yaml", &big);
    tmp.write("c/templates/big.yaml", &big);
    tmp.write("c/charts/sub/Chart.yaml", &chart_yaml("sub"));
    tmp.write("c/charts/sub/values.yaml", &big);
    for _ in 0..5 {
        let err = failed(kiln(&tmp, &tmp.0, &["render", "c"], &[]));
        assert!(
            err.starts_with("error[io]: c/charts/sub/values.yaml: reading it takes this run over kiln's total input limit"),
            "{err}"
        );
    }
}

#[test]
fn chartify_has_an_input_budget() {
    let tmp = Tmp::new("chartify-budget");
    tmp.write("in.yaml", &format!("# {}\n", "x".repeat(7 * 1024 * 1024)));
    let err = failed(kiln(
        &tmp,
        &tmp.0,
        &["chartify", "in.yaml", "--name", "c"],
        &[],
    ));
    insta::assert_snapshot!(err, @"error[usage]: in.yaml: the inputs of chartify exceed its limit of 6 MiB of YAML in all (chartify::MAX_INPUT_BYTES); chartify fewer objects at a time");
    assert_eq!(tmp.tree(), ["in.yaml"]);
}
