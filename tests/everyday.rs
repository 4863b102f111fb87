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

#[test]
fn a_missing_path_is_the_same_usage_error_in_every_command() {
    let dir = temp_dir("missing");
    for args in [
        vec!["render", "nope"],
        vec!["lint", "nope"],
        vec!["chartify", "nope", "--name", "x"],
    ] {
        let out = kiln(&args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            "error[usage]: nope: no such file or directory\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_directory_that_is_neither_chart_nor_overlay_says_both_are_accepted() {
    let dir = temp_dir("neither");
    let out = kiln(&["render", "."], &dir);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("neither Chart.yaml nor kustomization.yaml"),
        "{err}"
    );
    assert!(err.contains("both are accepted"), "{err}");
}

#[test]
fn flags_that_mean_nothing_on_an_overlay_are_refused_by_name() {
    for (flag, expect) in [
        (vec!["-n", "x"], "kustomize build has no namespace flag"),
        (
            vec!["--kube-version", "1.30"],
            "`kubeVersion:` in its kustomization's `charts:` entry",
        ),
        (vec!["-a", "x/v1"], "`apiVersions:`"),
        (
            vec!["--show-only", "templates/x.yaml"],
            "no templates to pick",
        ),
        (vec!["--include-crds"], "`includeCrds: true`"),
        (vec!["--release-name", "r"], "`releaseName:`"),
        (
            vec!["--set", "a=b"],
            "set chart values in its kustomization's `charts:` entry",
        ),
    ] {
        let mut args = vec!["render", "overlays/dev"];
        args.extend(flag.iter().copied());
        let out = kiln(&args, &root());
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{} applies to charts", flag[0]))
                || err.contains("applies to charts"),
            "{err}"
        );
        assert!(err.contains(expect), "{flag:?}: {err}");
    }
    let out = kiln(&["lint", "overlays/dev", "--set", "a=b"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--set applies to charts, and none of overlays/dev is one"));
}

/// A Helm-style chart with a hook, a test hook and a template that renders nothing by default.
fn hooks_chart(dir: &Path) {
    jinja_chart(dir, "extra: false\n", &configmap("a: \"1\""));
    let hook = |name: &str, hook: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {hook}\n")
    };
    std::fs::write(dir.join("templates/pre.yaml"), hook("pre", "pre-install")).unwrap();
    std::fs::write(dir.join("templates/test.yaml"), hook("check", "test")).unwrap();
    std::fs::write(
        dir.join("templates/extra.yaml"),
        "{% if Values.extra %}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n{% endif %}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("templates/release.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release\ndata:\n  install: {{ Release.IsInstall | quote }}\n  upgrade: {{ Release.IsUpgrade | quote }}\n",
    )
    .unwrap();
}

fn names(stream: &str) -> Vec<String> {
    stream
        .lines()
        .filter_map(|l| l.strip_prefix("  name: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn helm_release_switches_have_helms_meaning() {
    let dir = temp_dir("hooks");
    hooks_chart(&dir);
    let all = kiln(&["render", "."], &dir);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    assert_eq!(names(&stdout(&all)), ["demo", "release", "pre", "check"]);
    let no_tests = kiln(&["render", ".", "--skip-tests"], &dir);
    assert_eq!(names(&stdout(&no_tests)), ["demo", "release", "pre"]);
    let no_hooks = kiln(&["render", ".", "--no-hooks"], &dir);
    assert_eq!(names(&stdout(&no_hooks)), ["demo", "release"]);
    let upgrade = stdout(&kiln(
        &[
            "render",
            ".",
            "--is-upgrade",
            "-s",
            "templates/release.yaml",
        ],
        &dir,
    ));
    assert!(
        upgrade.contains("install: \"false\"\n  upgrade: \"true\""),
        "{upgrade}"
    );
    let install = stdout(&kiln(
        &["render", ".", "-s", "templates/release.yaml"],
        &dir,
    ));
    assert!(
        install.contains("install: \"true\"\n  upgrade: \"false\""),
        "{install}"
    );
}

#[test]
fn show_only_of_a_template_that_renders_nothing_fails_like_helm() {
    let dir = temp_dir("showonly");
    hooks_chart(&dir);
    let out = kiln(
        &["render", ".", "--show-only", "templates/extra.yaml"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("--show-only templates/extra.yaml: the template renders no objects")
    );
    let ok = kiln(
        &[
            "render",
            ".",
            "--show-only",
            "templates/extra.yaml",
            "--set",
            "extra=true",
        ],
        &dir,
    );
    assert_eq!(names(&stdout(&ok)), ["extra"]);
}

#[test]
fn errors_name_the_chart_directory_as_typed() {
    let dir = temp_dir("typed");
    jinja_chart(&dir.join("m1"), "", &configmap("a: {{ Values.nope }}"));
    let out = kiln(&["render", "m1"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--> m1/templates/cm.yaml:6:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn skip_schema_validation_skips_the_schema() {
    let dir = temp_dir("schema");
    jinja_chart(
        &dir,
        "port: 80\n",
        &configmap("a: {{ Values.port | quote }}"),
    );
    std::fs::write(
        dir.join("values.schema.json"),
        r#"{"type":"object","properties":{"port":{"type":"integer"}}}"#,
    )
    .unwrap();
    let bad = kiln(&["render", ".", "--set-string", "port=x"], &dir);
    assert_eq!(bad.status.code(), Some(1));
    let skipped = kiln(
        &[
            "render",
            ".",
            "--set-string",
            "port=x",
            "--skip-schema-validation",
        ],
        &dir,
    );
    assert_eq!(skipped.status.code(), Some(0), "{}", stderr(&skipped));
    assert!(stdout(&skipped).contains("a: \"x\""));
}

#[test]
fn debug_prints_the_rendered_text_that_does_not_parse() {
    let dir = temp_dir("debug");
    jinja_chart(
        &dir,
        "",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  bad: [unclosed\n",
    );
    let plain = kiln(&["render", "."], &dir);
    assert_eq!(plain.status.code(), Some(1));
    assert!(!stderr(&plain).contains("rendered text of"));
    let debug = kiln(&["render", ".", "--debug"], &dir);
    assert_eq!(debug.status.code(), Some(1));
    let err = stderr(&debug);
    assert!(
        err.contains("rendered text of demo/templates/cm.yaml:\napiVersion: v1"),
        "{err}"
    );
}

#[test]
fn values_typos_warn_and_strict_fails() {
    let dir = temp_dir("typo");
    jinja_chart(
        &dir,
        "image:\n  tag: \"1\"\n",
        &configmap("a: {{ Values.image.tag | quote }}"),
    );
    let out = kiln(&["render", ".", "--set", "image.tagg=2"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("warning: unused value `image.tagg`"),
        "{}",
        stderr(&out)
    );
    let ok = kiln(&["render", ".", "--set", "image.tag=2"], &dir);
    assert_eq!(stderr(&ok), "");
    let strict = kiln(&["render", ".", "--set", "image.tagg=2", "--strict"], &dir);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
    assert!(stderr(&strict).contains("image.tagg"));
}

#[test]
fn several_targets_render_in_the_order_given() {
    let both = kiln(&["render", "overlays/dev", "charts/cronjob"], &root());
    assert_eq!(both.status.code(), Some(0), "{}", stderr(&both));
    let dev = stdout(&kiln(&["render", "overlays/dev"], &root()));
    let chart = stdout(&kiln(&["render", "charts/cronjob"], &root()));
    assert_eq!(stdout(&both), format!("{dev}{chart}"));
    let reversed = stdout(&kiln(
        &["render", "charts/cronjob", "overlays/dev"],
        &root(),
    ));
    assert_eq!(reversed, format!("{chart}---\n{dev}"));
    // One failing target: nothing printed.
    let failed = kiln(&["render", "charts/cronjob", "nope"], &root());
    assert_eq!(failed.status.code(), Some(2));
    assert!(failed.stdout.is_empty());
}

#[test]
fn o_writes_one_stream_file_and_output_dir_a_tree() {
    let dir = temp_dir("outputs");
    let file = dir.join("all.yaml");
    let out = kiln(
        &[
            "render",
            "charts/cronjob",
            "overlays/dev",
            "-o",
            file.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let expected = stdout(&kiln(
        &["render", "charts/cronjob", "overlays/dev"],
        &root(),
    ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let stdout_dash = kiln(&["render", "charts/cronjob", "-o", "-"], &root());
    assert_eq!(
        stdout(&stdout_dash),
        stdout(&kiln(&["render", "charts/cronjob"], &root()))
    );
    let tree = dir.join("tree");
    let out = kiln(
        &[
            "render",
            "charts/cronjob",
            "--output-dir",
            tree.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tree.join("cronjob/templates/cronjob.yaml").is_file());
    // `-o DIR` (not a .yaml name) keeps meaning a directory, as before.
    let old = dir.join("old");
    let out = kiln(
        &["render", "charts/cronjob", "-o", old.to_str().unwrap()],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(old.join("cronjob/templates/cronjob.yaml").is_file());
}

/// Renders a one-template Jinja chart and returns stderr (the render must fail).
fn render_error(name: &str, values: &str, template: &str) -> String {
    let dir = temp_dir(name);
    jinja_chart(&dir, values, template);
    let out = kiln(&["render", "."], &dir);
    assert_ne!(out.status.code(), Some(0), "{name} rendered");
    assert!(out.stdout.is_empty());
    stderr(&out)
}

#[test]
fn helm_spellings_in_a_jinja_chart_get_the_jinja_form() {
    for (name, line, hint) in [
        (
            "toyaml",
            "a: {{ Values.a | toYaml }}",
            "did you mean `toyaml`?",
        ),
        (
            "dot",
            "a: {{ .Values.a }}",
            "a Jinja chart writes `Values.a` (no leading dot)",
        ),
        (
            "nindent",
            "a: {{ Values.a | nindent 4 }}",
            "in Jinja write `nindent(4)`",
        ),
        (
            "default",
            "a: {{ Values.b | default \"x\" }}",
            "in Jinja write `default(\"x\")`",
        ),
        (
            "include",
            "a: {{ include \"x\" . }}",
            "`{% import \"_helpers.tpl\" as h %}`",
        ),
    ] {
        let err = render_error(name, "a: 1\n", &configmap(line));
        assert!(err.contains("Go-template"), "{name}: {err}");
        assert!(err.contains(hint), "{name}: {err}");
    }
}

#[test]
fn an_unclosed_block_names_the_open_tag_and_its_line() {
    let err = render_error(
        "unclosed",
        "a: 1\n",
        "apiVersion: v1\nkind: ConfigMap\n{% if Values.a %}\nmetadata:\n  name: x\n{% for i in [1] %}\n{% endfor %}\n",
    );
    assert!(
        err.contains("syntax error: `{% if %}` on line 3 is never closed (add `{% endif %}`)"),
        "{err}"
    );
    assert!(err.contains("--> templates/cm.yaml:3:1"), "{err}");
}

#[test]
fn yaml11_booleans_failing_a_string_schema_are_explained() {
    let dir = temp_dir("yaml11");
    jinja_chart(
        &dir,
        "mode: y\n",
        &configmap("a: {{ Values.mode | quote }}"),
    );
    std::fs::write(
        dir.join("values.schema.json"),
        r#"{"type":"object","properties":{"mode":{"type":"string"}}}"#,
    )
    .unwrap();
    let out = kiln(&["render", "."], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("reads `y` as a boolean; quote it to keep the string: `mode: \"y\"`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn duplicate_keys_are_named_without_the_yaml_librarys_api() {
    let err = render_error("dupkey", "mode: a\nmode: b\n", &configmap("a: 1"));
    assert!(err.contains("duplicate key `mode`"), "{err}");
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
}

#[test]
fn render_errors_follow_the_colour_rules() {
    let dir = temp_dir("colour");
    jinja_chart(&dir, "", &configmap("a: {{ Values.nope }}"));
    let always = kiln(&["render", ".", "--color", "always"], &dir);
    assert!(
        stderr(&always).starts_with("\x1b[31;1merror[template]"),
        "{}",
        stderr(&always)
    );
    // Not a terminal: auto means no colour, whatever NO_COLOR says.
    let auto = kiln_env(&["render", "."], &dir, &[("NO_COLOR", "")]);
    assert!(stderr(&auto).starts_with("error[template]"));
    let never = kiln(&["render", ".", "--color", "never"], &dir);
    assert!(!stderr(&never).contains('\x1b'));
    let lint = kiln(&["lint", ".", "--color", "sometimes"], &dir);
    assert_eq!(lint.status.code(), Some(2));
}
