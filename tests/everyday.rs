//! Issue 11 ("Everyday use"), end to end: each test runs the `kiln` binary.

mod common;
use common::{root, temp_dir};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
        vec!["template", "nope"],
        vec!["build", "nope"],
        vec!["values", "nope"],
        vec!["show", "chart", "nope"],
        vec!["diff", "nope", "nope2"],
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

#[test]
fn template_takes_helm_templates_command_line() {
    let named = kiln(
        &["template", "nightly", "charts/cronjob", "-n", "batch"],
        &root(),
    );
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
    let render = kiln(
        &[
            "render",
            "charts/cronjob",
            "--release-name",
            "nightly",
            "-n",
            "batch",
        ],
        &root(),
    );
    assert_eq!(stdout(&named), stdout(&render));
    // No NAME, or -g: `release-name`, as helm 4 prints.
    for args in [
        vec!["template", "charts/cronjob"],
        vec!["template", "charts/cronjob", "-g"],
    ] {
        let out = stdout(&kiln(&args, &root()));
        assert!(
            out.contains("name: release-name-cronjob"),
            "{args:?}: {out}"
        );
    }
    let plain = stdout(&kiln(
        &["template", "charts/cronjob", "--name-template", "nightly"],
        &root(),
    ));
    assert!(plain.contains("name: nightly-cronjob"));
    for (args, expect) in [
        (
            vec!["template", "a", "charts/cronjob", "-g"],
            "cannot set --generate-name and also specify a name",
        ),
        (
            vec!["template", "charts/cronjob", "--validate"],
            "--validate: validating against a cluster needs one",
        ),
        (
            vec!["template", "charts/cronjob", "--version", "1.0"],
            "--version: kiln renders local chart directories",
        ),
        (
            vec!["template", "charts/cronjob", "--repo", "https://x"],
            "--repo: kiln renders local chart directories",
        ),
        (
            vec!["template", "charts/cronjob", "--post-renderer", "x"],
            "--post-renderer: pipe kiln's output",
        ),
        (
            vec![
                "template",
                "charts/cronjob",
                "--name-template",
                "x-{{ randAlphaNum 3 }}",
            ],
            "Go-template actions",
        ),
        (
            vec!["template", "Bad_Name", "charts/cronjob"],
            "invalid release name",
        ),
        (
            vec!["template", "overlays/dev"],
            "`kiln template` takes a chart",
        ),
        (vec!["template", "bitnami/nginx"], "never downloads charts"),
        (vec!["template", "a", "b", "c"], "unexpected value 'c'"),
    ] {
        let out = kiln(&args, &root());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
    // --output-dir with --release-name puts the files under the release name, as helm does.
    let dir = temp_dir("template-out");
    let out = kiln(
        &[
            "template",
            "nightly",
            "charts/cronjob",
            "--output-dir",
            dir.to_str().unwrap(),
            "--release-name",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("nightly/cronjob/templates/cronjob.yaml").is_file());
}

#[test]
fn build_takes_kustomize_builds_command_line() {
    let out = kiln(&["build", "overlays/dev"], &root());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        stdout(&kiln(&["render", "overlays/dev"], &root()))
    );
    let noted = kiln(
        &[
            "build",
            "overlays/dev",
            "--enable-helm",
            "--helm-command",
            "helm3",
        ],
        &root(),
    );
    assert_eq!(noted.status.code(), Some(0));
    assert!(stderr(&noted).contains("note: --helm-command helm3 ignored"));
    // --helm-kube-version and --helm-api-versions reach `helmCharts:` entries that do not say
    // (the fixture's golden was recorded by kubectl kustomize with the same flags).
    let flags = kiln(
        &[
            "build",
            "tests/helm_charts/go_build_flags",
            "--enable-helm",
            "--helm-kube-version",
            "1.31",
            "--helm-api-versions",
            "b.example.com/v1",
            "--helm-api-versions=c.example.com/v1,d.example.com/v1",
        ],
        &root(),
    );
    assert_eq!(flags.status.code(), Some(0), "{}", stderr(&flags));
    assert_eq!(
        stdout(&flags),
        std::fs::read_to_string(root().join("tests/helm_charts/go_build_flags/expected.yaml"))
            .unwrap()
    );
    let rooted = kiln(
        &[
            "build",
            "overlays/dev",
            "--load-restrictor",
            "LoadRestrictionsRootOnly",
        ],
        &root(),
    );
    assert_eq!(rooted.status.code(), Some(0));
    for (args, expect) in [
        (
            vec!["build", "overlays/dev", "--load-restrictor", "Everything"],
            "expected LoadRestrictionsRootOnly or LoadRestrictionsNone",
        ),
        (
            vec!["build", "overlays/dev", "--enable-alpha-plugins"],
            "--enable-alpha-plugins: kiln runs no plugins",
        ),
        (
            vec!["build", "overlays/dev", "--reorder", "none"],
            "--reorder",
        ),
        (
            vec!["build", "charts/web"],
            "is a chart: `kiln build` takes an overlay",
        ),
        (vec!["build", "nope"], "nope: no such file or directory"),
    ] {
        let out = kiln(&args, &root());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
    // kustomize's LoadRestrictionsNone builds an overlay that reads a file beside it.
    let none = kiln(
        &[
            "build",
            "tests/overlays/err_load-restrictor-file-outside-root/app",
            "--load-restrictor",
            "LoadRestrictionsNone",
        ],
        &root(),
    );
    assert_eq!(none.status.code(), Some(0), "{}", stderr(&none));
    // -o FILE: the stream; -o DIR: kustomize's one file per object.
    let dir = temp_dir("build-out");
    let file = dir.join("out.yaml");
    kiln(
        &["build", "overlays/dev", "-o", file.to_str().unwrap()],
        &root(),
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout(&out));
    let tree = dir.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    let o = kiln(
        &["build", "overlays/dev", "-o", tree.to_str().unwrap()],
        &root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // One namespace: no namespace prefix (kubectl kustomize -o DIR names them so too).
    assert!(tree.join("v1_serviceaccount_dev-node-agent.yaml").is_file());
}

#[test]
fn values_prints_the_computed_values() {
    let dir = temp_dir("values");
    jinja_chart(
        &dir,
        "image:\n  tag: \"1\"\n  repository: x\nreplicas: 1\n",
        &configmap("a: 1"),
    );
    let out = kiln(&["values", ".", "--set", "replicas=3"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "image:\n  repository: x\n  tag: \"1\"\nreplicas: 3\n"
    );
    let user = kiln(&["values", ".", "--set", "replicas=3", "--user-only"], &dir);
    assert_eq!(stdout(&user), "replicas: 3\n");
    let overlay = kiln(&["values", "overlays/dev"], &root());
    assert_eq!(overlay.status.code(), Some(2));
    assert!(stderr(&overlay).contains("overlays/dev is an overlay"));
}

#[test]
fn show_prints_the_charts_files() {
    let chart = kiln(&["show", "chart", "charts/cronjob"], &root());
    assert_eq!(
        stdout(&chart),
        std::fs::read_to_string(root().join("charts/cronjob/Chart.yaml")).unwrap()
    );
    let values = kiln(&["show", "values", "charts/cronjob"], &root());
    assert_eq!(
        stdout(&values),
        std::fs::read_to_string(root().join("charts/cronjob/values.yaml")).unwrap()
    );
    let readme = kiln(&["show", "readme", "charts/cronjob"], &root());
    assert!(stdout(&readme).starts_with('#'));
    let dir = temp_dir("show");
    jinja_chart(&dir, "", &configmap("a: 1"));
    let none = kiln(&["show", "readme", "."], &dir);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("the chart has no README.md"));
}

#[test]
fn diff_compares_objects_and_redacts_secrets() {
    let dir = temp_dir("diff");
    let secret = |b: &str| {
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\ndata:\n  a: YQ==\n  b: {b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n")
    };
    std::fs::write(dir.join("a.yaml"), secret("Yg==")).unwrap();
    std::fs::write(dir.join("b.yaml"), secret("Yw==")).unwrap();
    // Same objects in another order and layout: no difference.
    std::fs::write(
        dir.join("c.yaml"),
        "kind: ConfigMap\napiVersion: v1\ndata: {k: v}\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Secret\nmetadata: {namespace: ns, name: s}\ndata: {b: Yg==, a: YQ==}\n",
    )
    .unwrap();
    let same = kiln(&["diff", "a.yaml", "c.yaml"], &dir);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert!(same.stdout.is_empty());
    let out = kiln(&["diff", "a.yaml", "b.yaml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(
        text,
        "--- a: v1 Secret ns/s\n+++ b: v1 Secret ns/s\n@@ -1,7 +1,7 @@\n apiVersion: v1\n data:\n   a: <redacted>\n-  b: '<redacted: old>'\n+  b: '<redacted: new>'\n kind: Secret\n metadata:\n   name: s\n"
    );
    assert!(!text.contains("Yg==") && !text.contains("Yw=="));
    let json = kiln(&["diff", "a.yaml", "b.yaml", "--format", "json"], &dir);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["summary"]["changed"], 1);
    assert_eq!(report["objects"][0]["kind"], "Secret");
    // Charts, overlays and stdin are sides too; trouble exits 2.
    let charts = kiln(
        &[
            "diff",
            "charts/cronjob",
            "charts/cronjob",
            "--set",
            "schedule=@daily",
        ],
        &root(),
    );
    assert_eq!(charts.status.code(), Some(0), "{}", stderr(&charts));
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["diff", "-", "b.yaml"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(secret("Yw==").as_bytes())
            .unwrap();
    }
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(0));
    let missing = kiln(&["diff", "a.yaml", "nope"], &dir);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn create_makes_charts_that_render_and_lint_clean() {
    let dir = temp_dir("create");
    for kind in ["deployment", "job", "cronjob", "daemonset", "rbac"] {
        let name = format!("my-{kind}");
        let out = kiln(&["create", &name, "--kind", kind], &dir);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
        let chart = std::fs::read_to_string(dir.join(&name).join("Chart.yaml")).unwrap();
        assert!(chart.contains("kiln.dev/template-engine: jinja"));
        assert!(dir.join(&name).join("templates/_helpers.tpl").is_file());
        assert!(dir.join(&name).join("templates/NOTES.txt").is_file());
        assert!(dir.join(&name).join("values.schema.json").is_file());
        let render = kiln(&["render", &name], &dir);
        assert_eq!(render.status.code(), Some(0), "{kind}: {}", stderr(&render));
        let lint = kiln(&["lint", &name, "--strict", "--color", "never"], &dir);
        assert_eq!(lint.status.code(), Some(0), "{kind}: {}", stdout(&lint));
        assert!(
            stdout(&lint).contains("0 errors, 0 warnings, 0 infos"),
            "{kind}: {}",
            stdout(&lint)
        );
    }
    let again = kiln(&["create", "my-job"], &dir);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    let bad = kiln(&["create", "Bad"], &dir);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn completions_man_page_and_version() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = kiln(&["completions", shell], &root());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        assert!(
            text.contains("kiln") && text.contains("template"),
            "{shell}"
        );
    }
    let man = stdout(&kiln(&["man"], &root()));
    assert!(man.contains(".TH kiln 1"));
    let dir = temp_dir("man");
    let out = kiln(&["man", "-o", dir.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.join("kiln.1").is_file() && dir.join("kiln-render.1").is_file());
    let version = stdout(&kiln(&["version"], &root()));
    assert_eq!(version, stdout(&kiln(&["--version"], &root())));
    assert!(version.starts_with("kiln "));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every `kiln` command of the README's Quick tour works as printed (run in a copy of the
/// examples, since some write files); commands piped into kubectl are run without the pipe.
#[test]
fn the_readmes_quick_tour_works_as_printed() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let tour = readme.split("## Quick tour").nth(1).unwrap();
    let block = tour
        .split("Then, from the checkout:")
        .nth(1)
        .unwrap()
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = temp_dir("tour");
    copy_dir(&root().join("charts"), &dir.join("charts"));
    copy_dir(&root().join("overlays"), &dir.join("overlays"));
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_kiln"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut ran = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let mut command = line.split(" # ").next().unwrap().trim().to_string();
        // No cluster here: leave out what is piped into kubectl.
        if let Some(i) = command.find("| kubectl") {
            command.truncate(i);
        }
        assert!(command.starts_with("kiln "), "{line}");
        let out = Command::new("sh")
            .args(["-c", &command])
            .current_dir(&dir)
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .output()
            .unwrap();
        // `kiln diff` exits 1 when the sides differ, which is the point of the example.
        let ok = if command.contains("kiln diff") {
            [0, 1].as_slice()
        } else {
            [0].as_slice()
        };
        assert!(
            ok.contains(&out.status.code().unwrap_or(-1)),
            "{command}: {}",
            stderr(&out)
        );
        ran += 1;
    }
    assert!(ran >= 10, "the tour has {ran} commands");
}
