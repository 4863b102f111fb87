//! Hostile input: every case here used to abort the process (stack overflow, failed allocation)
//! or hang. Each now ends in an error that names the budget, exit code 1, nothing on stdout, and
//! the process runs under a 1 GiB address-space limit (`ulimit -v`) the whole time.

use std::path::{Path, PathBuf};

mod common;
use common::kiln_limited;

/// A Jinja chart named `name` in a fresh temp dir with one template `a.yaml`.
fn chart(name: &str, values: &str, template: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-hostile-{}", std::process::id()));
    let chart = dir.join(name);
    let _ = std::fs::remove_dir_all(&chart);
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: {name}\nversion: 0.1.0\nannotations:\n  kiln.dev/template-engine: jinja\n"
        ),
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), values).unwrap();
    std::fs::write(chart.join("templates/a.yaml"), template).unwrap();
    dir
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";

/// Renders `name` with `extra` arguments and expects a clean error containing `needle`.
fn expect_error(dir: &Path, name: &str, extra: &[String], needle: &str) -> String {
    let mut args = vec!["render".to_string(), name.to_string()];
    args.extend(extra.iter().cloned());
    let (code, stdout, stderr) = kiln_limited(&args, dir);
    assert_eq!(
        code,
        Some(1),
        "expected exit 1, got {code:?}; stderr: {}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stdout.is_empty(), "no partial output");
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}: {}",
        &stderr[..stderr.len().min(2000)]
    );
    stderr
}

#[test]
fn tpl_rendering_itself_is_a_depth_error() {
    let dir = chart(
        "tplself",
        "loop: \"{{ tpl(Values.loop) }}\"\n",
        "a: {{ tpl(Values.loop) }}\n",
    );
    expect_error(&dir, "tplself", &[], "tpl nested more than 20 levels deep");
}

#[test]
fn long_flat_expression_is_refused_before_parsing() {
    let expr = vec!["1"; 40_000].join(" + ");
    let dir = chart(
        "flatexpr",
        "",
        &format!("{CM}data:\n  a: \"{{{{ {expr} }}}}\"\n"),
    );
    expect_error(&dir, "flatexpr", &[], "exceeds kiln's expression budget");
}

#[test]
fn seven_thousand_elifs_are_refused_before_parsing() {
    let chain = "{% elif false %}x".repeat(7000);
    let dir = chart(
        "elifs",
        "",
        &format!("{{% if false %}}a{chain}{{% endif %}}\n"),
    );
    expect_error(&dir, "elifs", &[], "more than 1000 `elif` branches");
}

#[test]
fn huge_nindent_is_refused_before_allocating() {
    let dir = chart("nindent", "", "a: {{ 'x' | nindent(10**12) }}\n");
    expect_error(
        &dir,
        "nindent",
        &[],
        "exceeds kiln's template output budget of 64 MiB",
    );
}

#[test]
fn huge_indent_runs_out_of_fuel_before_allocating() {
    let dir = chart("indent", "", "a: {{ 'x\\ny' | indent(10**12) }}\n");
    expect_error(&dir, "indent", &[], "template fuel of 10,000,000");
}

#[test]
fn loop_printing_100_mb_strings_hits_the_output_budget() {
    let dir = chart(
        "bigloop",
        "",
        "{% for i in range(100) %}{{ 'x' * 100000000 }}{% endfor %}\n",
    );
    expect_error(&dir, "bigloop", &[], "the template prints more than 64 MiB");
}

#[test]
fn nested_hundred_thousand_loops_run_out_of_fuel() {
    let dir = chart(
        "nestedloops",
        "",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n",
    );
    expect_error(&dir, "nestedloops", &[], "template fuel of 10,000,000");
}

#[test]
fn tpl_work_counts_against_the_callers_fuel() {
    // Each tpl call is cheap on its own; together they pass the caller's budget.
    let dir = chart(
        "tplloop",
        "t: \"{% for j in range(1000) %}x{% endfor %}\"\n",
        "{% for i in range(100000) %}{{ tpl(Values.t) }}{% endfor %}\n",
    );
    expect_error(&dir, "tplloop", &[], "template fuel of 10,000,000");
}

#[test]
fn thousands_of_set_indexes_are_a_depth_error() {
    let dir = chart("setdeep", "", CM);
    let flag = format!("a{}=1", "[0]".repeat(5000));
    expect_error(
        &dir,
        "setdeep",
        &["--set".into(), flag],
        "more than 64 levels deep",
    );
}

#[test]
fn two_eight_thousand_deep_set_chains_are_a_depth_error() {
    let dir = chart("setdeep2", "", CM);
    let flag = format!("b{}=1", "[0]".repeat(8000));
    expect_error(
        &dir,
        "setdeep2",
        &["--set".into(), flag.clone(), "--set".into(), flag],
        "more than 64 levels deep",
    );
}

#[test]
fn two_hundred_maximal_set_indexes_hit_the_list_budget() {
    let dir = chart("setwide", "", CM);
    let mut args = Vec::new();
    for i in 0..200 {
        args.push("--set".to_string());
        args.push(format!("a{i}[65536]=1"));
    }
    expect_error(&dir, "setwide", &args, "more than 1,048,576 list items");
}

#[test]
fn a_chart_within_budgets_still_renders_under_the_memory_limit() {
    let dir = chart(
        "fine",
        "n: 3\n",
        &format!("{CM}data:\n{{% for i in range(Values.n) %}}  k{{{{ i }}}}: {{{{ tpl('{{{{ Values.n }}}}') | quote }}}}\n{{% endfor %}}"),
    );
    let (code, stdout, stderr) = kiln_limited(&["render".into(), "fine".into()], &dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("k2: \"3\""), "{stdout}");
}

#[test]
fn values_nested_without_end_by_a_template_are_a_depth_error() {
    // `namespace` in a loop nests a list 100,000 levels deep; printing or converting it used to
    // overflow the render thread's stack.
    for (i, show) in [
        "{{ ns.x }}",
        "{{ ns.x | tojson }}",
        "{{ ns.x | toyaml }}",
        "{{ ns.x | quote }}",
        "{{ ns.x | string }}",
        "{{ ns.x | pprint }}",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("deepvalue{i}");
        let dir = chart(
            &name,
            "",
            &format!("{{% set ns = namespace(x=[]) %}}{{% for i in range(100000) %}}{{% set ns.x = [ns.x] %}}{{% endfor %}}a: {show}\n"),
        );
        expect_error(&dir, &name, &[], "value nested more than 500 levels deep");
    }
}

#[test]
fn a_template_including_itself_is_a_recursion_error() {
    let dir = chart("selfinclude", "", "{% include 'a.yaml' %}\n");
    expect_error(&dir, "selfinclude", &[], "template recursion budget is 500");
}

// ------------------------------------------------------------------ secrets and terminals

/// Runs kiln without limits; returns (exit code, stdout, stderr).
fn kiln(args: &[&str], cwd: &Path) -> (Option<i32>, String, String) {
    let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    kiln_limited(&owned, cwd)
}

#[test]
fn a_broken_line_in_a_secret_never_prints_the_value() {
    let dir = chart(
        "brokensecret",
        "",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2SECRET: oops\n",
    );
    let stderr = expect_error(&dir, "brokensecret", &[], "mapping values are not allowed");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(stderr.contains("password: <redacted>"), "{stderr}");
}

#[test]
fn a_set_string_value_that_breaks_the_yaml_is_not_printed() {
    let dir = chart(
        "setsecret",
        "db: x\n",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  db: {{ Values.db }}\n",
    );
    let stderr = expect_error(
        &dir,
        "setsecret",
        &["--set-string".into(), "db=hunter2SECRET: x".into()],
        "mapping values are not allowed",
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn a_schema_pattern_violation_of_a_secret_value_is_redacted() {
    let dir = chart("schemasecret", "token: abc\nplain: abc\n", CM);
    std::fs::write(
        dir.join("schemasecret/values.schema.json"),
        r#"{"type":"object","properties":{
            "token":{"type":"string","pattern":"^[0-9]+$"},
            "marked":{"type":"string","x-kiln-secret":true,"pattern":"^[0-9]+$"},
            "plain":{"type":"string","pattern":"^[0-9]+$"}}}"#,
    )
    .unwrap();
    let stderr = expect_error(
        &dir,
        "schemasecret",
        &[
            "--set".into(),
            "token=hunter2SECRET,marked=hunter3SECRET,plain=visible".into(),
        ],
        "does not match pattern",
    );
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("hunter3"),
        "{stderr}"
    );
    assert!(stderr.contains("- at '/marked': '<redacted>'"), "{stderr}");
    assert!(stderr.contains("'visible'"), "{stderr}");
}

#[test]
fn lint_of_a_broken_secret_never_prints_the_value() {
    let dir = std::env::temp_dir().join(format!("kiln-hostile-lint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("s.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  apiKey: aHVudGVyMg==: x\n",
    )
    .unwrap();
    let (code, stdout, stderr) = kiln(&["lint", "."], &dir);
    assert_ne!(code, Some(0));
    assert!(code.is_some());
    let all = format!("{stdout}{stderr}");
    assert!(!all.contains("aHVudGVyMg"), "{all}");
}

#[test]
fn a_huge_line_prints_a_short_snippet() {
    let long = "x".repeat(10 << 20);
    let dir = chart("hugeline", &format!("a: {long}: b\n"), CM);
    let stderr = expect_error(&dir, "hugeline", &[], "values.yaml");
    assert!(stderr.len() < 2000, "{} bytes on stderr", stderr.len());
}

#[test]
fn escape_sequences_in_object_names_print_escaped() {
    let dir = std::env::temp_dir().join(format!("kiln-hostile-ansi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\\e]0;pwned\\a\\e[31mred\"\n",
    )
    .unwrap();
    for color in ["--color=always", "--color=never"] {
        let (code, stdout, stderr) = kiln(&["lint", ".", color], &dir);
        assert!(code.is_some());
        let all = format!("{stdout}{stderr}");
        assert!(
            all.contains("x\\u{1b}]0;pwned\\u{7}\\u{1b}[31mred"),
            "{all}"
        );
        assert!(!all.contains("\x1b]0") && !all.contains('\x07'), "{all:?}");
    }
}

// ------------------------------------------------------------------ messages

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn overlay_chains_longer_than_path_max_build() {
    let dir = temp("chain");
    let name = |i: usize| format!("{i:03}{}", "d".repeat(200));
    let n = 30; // 30 × "../<203 chars>" ≈ 6,200 characters unnormalized, past PATH_MAX
    for i in 0..n {
        std::fs::create_dir_all(dir.join(name(i))).unwrap();
        let body = if i + 1 < n {
            format!("resources:\n- ../{}\n", name(i + 1))
        } else {
            "resources:\n- cm.yaml\n".to_string()
        };
        std::fs::write(dir.join(name(i)).join("kustomization.yaml"), body).unwrap();
    }
    std::fs::write(dir.join(name(n - 1)).join("cm.yaml"), CM).unwrap();
    let (code, stdout, stderr) = kiln(&["render", &name(0)], &dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("kind: ConfigMap"), "{stdout}");
}

#[test]
fn absolute_overlay_paths_print_as_given() {
    let dir = temp("abs");
    std::fs::create_dir_all(dir.join("ov")).unwrap();
    std::fs::write(dir.join("ov/kustomization.yaml"), "resources:\n- cm.yaml\n").unwrap();
    std::fs::write(dir.join("ov/cm.yaml"), "a: b: c\n").unwrap();
    let abs = dir.join("ov");
    let (code, _, stderr) = kiln(&["render", abs.to_str().unwrap()], &dir);
    assert_eq!(code, Some(1), "{stderr}");
    let want = format!("--> {}/cm.yaml:1:", abs.display());
    assert!(stderr.contains(&want), "{stderr}");
    assert!(!stderr.contains("//"), "{stderr}");
}

/// An overlay directory with `kustomization.yaml` and extra files; returns its parent dir.
fn overlay(name: &str, kustomization: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = temp(name);
    std::fs::create_dir_all(dir.join("ov")).unwrap();
    std::fs::write(dir.join("ov/kustomization.yaml"), kustomization).unwrap();
    for (f, text) in files {
        std::fs::write(dir.join("ov").join(f), text).unwrap();
    }
    dir
}

fn overlay_error(dir: &Path) -> String {
    let (code, stdout, stderr) = kiln(&["render", "ov"], dir);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.is_empty());
    stderr
}

/// name, kustomization, extra files, expected error text.
type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, &'a str);

#[test]
fn silent_coercions_are_errors() {
    let cm = ("cm.yaml", CM);
    let cases: Vec<Case> = vec![
        (
            "labelnum",
            "resources:\n- cm.yaml\ncommonLabels:\n  tier: 1\n".into(),
            vec![cm],
            "commonLabels: the value of `tier` is a number; label and annotation values must be strings",
        ),
        (
            "labellist",
            "resources:\n- cm.yaml\n".into(),
            vec![("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n  - a\n")],
            "ConfigMap x: `metadata.labels` must be a map",
        ),
        (
            "listitems",
            "resources:\n- list.yaml\n".into(),
            vec![("list.yaml", "apiVersion: v1\nkind: List\nitems:\n  a: 1\n")],
            "`items` of a List must be a list of objects",
        ),
        (
            "genslash",
            "configMapGenerator:\n- name: g\n  literals:\n  - a/b=1\n".into(),
            vec![],
            "key `a/b` is not a valid data key",
        ),
        (
            "genempty",
            "configMapGenerator:\n- name: g\n  literals:\n  - =1\n".into(),
            vec![],
            "key `` is not a valid data key",
        ),
        (
            "json6902kind",
            "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |\n    - op: remove\n      path: /kind\n".into(),
            vec![cm],
            "removes `kind`, which every Kubernetes object needs",
        ),
        (
            "json6902whole",
            "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |\n    - op: replace\n      path: \"\"\n      value: {a: 1}\n".into(),
            vec![cm],
            "is the whole object",
        ),
    ];
    for (name, k, files, want) in cases {
        let dir = overlay(name, &k, &files);
        let stderr = overlay_error(&dir);
        assert!(stderr.contains(want), "{name}: {stderr}");
    }
}

#[test]
fn chartify_refuses_a_list_whose_items_are_not_a_list() {
    let dir = temp("chartifylist");
    std::fs::write(
        dir.join("l.yaml"),
        "apiVersion: v1\nkind: List\nitems:\n  a: 1\n",
    )
    .unwrap();
    let (code, _, stderr) = kiln(&["chartify", "l.yaml", "--name", "x"], &dir);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("`items` of a List must be a list of objects"),
        "{stderr}"
    );
}

#[test]
fn an_error_in_tpl_text_names_the_value_that_held_it() {
    let dir = chart(
        "tplorigin",
        "cfg:\n  tmpl: \"x: {{ Values.nope.deeper }}\"\n",
        "a: {{ tpl(Values.cfg.tmpl) }}\n",
    );
    let stderr = expect_error(&dir, "tplorigin", &[], "`Values.nope` is not defined");
    assert!(stderr.contains("x: {{ Values.nope.deeper }}"), "{stderr}");
    assert!(
        stderr.contains("the tpl text is the value of `Values.cfg.tmpl`, passed to tpl at tplorigin/templates/a.yaml:1"),
        "{stderr}"
    );
}

#[test]
fn kube_version_errors_point_into_chart_yaml() {
    let dir = chart("kubever", "", CM);
    let chart_yaml = dir.join("kubever/Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).unwrap();
    std::fs::write(&chart_yaml, format!("{text}kubeVersion: \">=1.99.0\"\n")).unwrap();
    let stderr = expect_error(&dir, "kubever", &[], "incompatible with Kubernetes");
    assert!(stderr.contains("--> kubever/Chart.yaml:6:1"), "{stderr}");
    std::fs::write(&chart_yaml, format!("{text}kubeVersion: \">=abc\"\n")).unwrap();
    let stderr = expect_error(&dir, "kubever", &[], "improper constraint");
    assert!(stderr.contains("--> kubever/Chart.yaml:6:1"), "{stderr}");
}

#[test]
fn a_values_file_that_is_not_a_map_names_file_and_line() {
    let dir = chart("valuesmap", "", CM);
    std::fs::write(dir.join("list.yaml"), "a: 1\n---\n# note\n- 1\n").unwrap();
    let stderr = expect_error(
        &dir,
        "valuesmap",
        &["-f".into(), "list.yaml".into()],
        "list.yaml: a values file must be a map, not a list",
    );
    assert!(stderr.contains("--> list.yaml:4:1"), "{stderr}");
}

#[test]
fn a_value_marked_secret_in_the_schema_never_prints_wherever_it_lands() {
    // The DSN lands in a ConfigMap line that breaks the YAML: its key (`url`) is not secret-named,
    // but the schema marks the value secret.
    let dir = chart(
        "schemamarked",
        "db:\n  dsn: x\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: {{ Values.db.dsn }}\n",
    );
    std::fs::write(
        dir.join("schemamarked/values.schema.json"),
        r#"{"type":"object","properties":{"db":{"type":"object","properties":{"dsn":{"type":"string","x-kiln-secret":true}}}}}"#,
    )
    .unwrap();
    let stderr = expect_error(
        &dir,
        "schemamarked",
        &[
            "--set-string".into(),
            "db.dsn=postgres://u:hunter2@db: x".into(),
        ],
        "mapping values are not allowed",
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(stderr.contains("url: <redacted>"), "{stderr}");
}

#[test]
fn an_error_span_inside_a_multibyte_character_does_not_panic() {
    // Found by the fuzzer: minijinja's error span ended inside the U+FFFD that replaces an
    // invalid byte, and slicing the template text there panicked.
    let dir = chart("utf8span", "", "a: {{ Itil(Values.x\u{fffd}) \u{fffd}}}\n");
    expect_error(&dir, "utf8span", &[], "error[template]");
}
