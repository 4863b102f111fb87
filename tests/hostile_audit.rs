//! Hostile input, second round: inputs written fresh against every bullet of the hostile-input
//! issue, for both template engines. Each case used to abort the process (stack overflow, failed
//! allocation), hang, or print what it must not; each now ends in an error naming its file, exit
//! code 1 and nothing on stdout, under a 1 GiB address-space limit and a time limit.

use std::path::{Path, PathBuf};

mod common;
use common::{kiln_limited, temp_dir as temp};

/// A chart `name` (Go templates unless `jinja`) in a fresh temp dir with one template `a.yaml`;
/// returns the temp dir.
fn chart(name: &str, jinja: bool, values: &str, template: &str) -> PathBuf {
    let dir = temp(name);
    let chart = dir.join(name);
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    let engine = if jinja {
        "annotations:\n  kiln.dev/template-engine: jinja\n"
    } else {
        ""
    };
    std::fs::write(
        chart.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n{engine}"),
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), values).unwrap();
    std::fs::write(chart.join("templates/a.yaml"), template).unwrap();
    dir
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";

/// Runs `args` in `dir` and expects a clean error: exit 1, nothing on stdout, `needle` on stderr.
fn expect_error(dir: &Path, args: &[&str], needle: &str) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (code, stdout, stderr) = kiln_limited(&args, dir);
    assert_eq!(
        code,
        Some(1),
        "expected exit 1, got {code:?}; stderr: {}",
        &stderr[..stderr.len().min(3000)]
    );
    assert!(
        stdout.is_empty(),
        "no partial output: {}",
        &stdout[..stdout.len().min(500)]
    );
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}: {}",
        &stderr[..stderr.len().min(3000)]
    );
    assert!(stderr.len() < 8000, "{} bytes on stderr", stderr.len());
    stderr
}

// ------------------------------------------------------------------ template values

#[test]
fn a_jinja_namespace_list_nested_a_million_levels_is_a_depth_error() {
    // `range` stops at 100,000 items, so two loops: 300,000 levels used to overflow the stack
    // when minijinja freed the value.
    for (i, set) in [
        "{% set ns.x = [ns.x] %}",
        "{%- set ns.x = {'a': ns.x} -%}",
        "{% set q, ( ns . x ) = 1, [ns.x] %}",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("jnsdeep{i}");
        let dir = chart(
            &name,
            true,
            "",
            &format!("{CM}{{% set ns = namespace(x=[]) %}}\n{{% for i in range(1000) %}}{{% for j in range(300) %}}{set}{{% endfor %}}{{% endfor %}}\n"),
        );
        let stderr = expect_error(
            &dir,
            &["render", &name],
            "value nested more than 500 levels deep",
        );
        assert!(
            stderr.contains(&format!("--> {name}/templates/a.yaml:6:")),
            "{stderr}"
        );
    }
}

#[test]
fn jinja_namespace_assignments_keep_their_output_and_error_positions() {
    // The inserted depth checks print nothing, keep `-%}` trimming, and errors after them still
    // point at the right line and column of the original text.
    let dir = chart(
        "jnsok",
        true,
        "",
        &format!("{CM}data:\n{{% set ns = namespace(n=0, l=[]) %}}\n{{%- for i in range(3) -%}}\n{{% set ns.n = ns.n + i -%}}\n{{% set ns.l = ns.l + [i] %}}\n{{%- endfor %}}\n  n: \"{{{{ ns.n }}}}\"\n  l: \"{{{{ ns.l | join(',') }}}}\"\n"),
    );
    let (code, stdout, stderr) = kiln_limited(&["render".into(), "jnsok".into()], &dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("data:\n\n  n: \"3\"\n  l: \"0,1,2\"\n"),
        "{stdout}"
    );

    let dir = chart(
        "jnspos",
        true,
        "",
        &format!("{CM}{{% set ns = namespace(x=1) %}}{{% set ns.x = 2 %}} {{{{ nope.y }}}}\n"),
    );
    let stderr = expect_error(&dir, &["render", "jnspos"], "undefined value");
    assert!(
        stderr.contains("--> jnspos/templates/a.yaml:5:52"),
        "{stderr}"
    );
}

#[test]
fn a_go_list_nested_three_hundred_thousand_levels_renders() {
    // `$x = list $x` in a range: freeing the value used to overflow the stack.
    let dir = chart(
        "golistdeep",
        false,
        "",
        &format!("{CM}{{{{- $x := list }}}}{{{{- range $i := until 300000 }}}}{{{{- $x = list $x }}}}{{{{- end }}}}\ndata:\n  n: \"{{{{ len $x }}}}\"\n"),
    );
    let (code, stdout, stderr) = kiln_limited(&["render".into(), "golistdeep".into()], &dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("n: \"1\""), "{stdout}");
}

#[test]
fn printing_a_go_value_nested_without_end_is_a_depth_error() {
    // A map set into itself (twice: printing it unfolds 2^n paths), and a 300,000-deep chain of
    // maps; printed with `%v`, `%#v`, `toJson`, `toYaml`, as an action, in `eq`'s error.
    let cyclic = "{{- $x := dict }}{{- $_ := set $x \"a\" $x }}{{- $_ := set $x \"b\" $x }}";
    let chain =
        "{{- $x := dict }}{{- range $i := until 300000 }}{{- $x = dict \"a\" $x }}{{- end }}";
    let shows = [
        "{{ $x }}",
        "{{ printf \"%v\" $x }}",
        "{{ printf \"%#v\" $x }}",
        "{{ $x | toJson }}",
        "{{ $x | toYaml }}",
        "{{ print $x | quote }}",
        "{{ eq $x $x }}",
    ];
    for (i, show) in shows.iter().enumerate() {
        for (j, build) in [cyclic, chain].iter().enumerate() {
            let name = format!("godeep{i}{j}");
            let dir = chart(
                &name,
                false,
                "",
                &format!("{CM}{build}\ndata:\n  a: {show}\n"),
            );
            let stderr = expect_error(
                &dir,
                &["render", &name],
                "value nested more than 500 levels deep",
            );
            assert!(
                stderr.contains(&format!("--> {name}/templates/a.yaml:7:")),
                "{stderr}"
            );
        }
    }
}

// ------------------------------------------------------------------ Go-template recursion

#[test]
fn go_charts_render_under_a_one_gib_memory_limit() {
    // The Go-template engine reserved a 1 GiB stack per render, which a 1 GiB address-space limit
    // refuses: every Go chart panicked.
    let dir = chart(
        "gofine",
        false,
        "count: 3\n",
        &format!("{CM}data:\n  n: \"{{{{ .Values.count }}}}\"\n"),
    );
    let (code, stdout, stderr) = kiln_limited(&["render".into(), "gofine".into()], &dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("n: \"3\""), "{stdout}");
}

#[test]
fn go_include_and_tpl_recursion_are_depth_errors_with_a_short_call_chain() {
    let inc = chart(
        "goinc",
        false,
        "",
        "{{- define \"x\" }}{{ include \"x\" . }}{{ end }}{{ include \"x\" . }}\n",
    );
    let stderr = expect_error(
        &inc,
        &["render", "goinc"],
        "template calls nest deeper than the limit of 1000",
    );
    assert!(stderr.contains("further calls not shown"), "{stderr}");
    let tpl = chart(
        "gotpl",
        false,
        "t: \"{{ tpl .Values.t . }}\"\n",
        "{{ tpl .Values.t . }}\n",
    );
    expect_error(
        &tpl,
        &["render", "gotpl"],
        "template calls nest deeper than the limit of 1000",
    );
    // Each level nested in 150 `if`s: far more stack per call than the depth limit plans for.
    let ifs = "{{ if true }}".repeat(150);
    let ends = "{{ end }}".repeat(150);
    let deep = chart(
        "goincdeep",
        false,
        "",
        &format!("{{{{- define \"x\" }}}}{ifs}{{{{ include \"x\" . }}}}{ends}{{{{ end }}}}{{{{ include \"x\" . }}}}\n"),
    );
    expect_error(
        &deep,
        &["render", "goincdeep"],
        "exceeds kiln's render stack budget of 64 MiB",
    );
    // The same with 64 KiB of templates more: the main thread renders (on its own stack, grown
    // for it) while a helper parses ahead, and the budget holds there too.
    let big = chart(
        "goincdeepbig",
        false,
        "",
        &format!("{{{{- define \"x\" }}}}{ifs}{{{{ include \"x\" . }}}}{ends}{{{{ end }}}}{{{{ include \"x\" . }}}}\n"),
    );
    let pad: String = (0..3000)
        .map(|i| format!("  k{i}: {{{{ .Release.Name }}}}\n"))
        .collect();
    let pad = format!("{CM}data:\n{pad}");
    std::fs::write(big.join("goincdeepbig/templates/pad.yaml"), pad).unwrap();
    expect_error(
        &big,
        &["render", "goincdeepbig"],
        "exceeds kiln's render stack budget of 64 MiB",
    );
}

// ------------------------------------------------------------------ secrets

#[test]
fn flow_style_secrets_never_print() {
    let head = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n";
    let cases = [
        format!("{head}data: {{password: aHVudGVy: x}}\n"),
        format!("{head}stringData: {{a: hunter2 b: c: d}}\n"),
        "{kind: Secret, apiVersion: v1, metadata: {name: s}, stringData: {a: hunter2: x}}\n".to_string(),
        "{\"kind\": \"Secret\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"s\"}, \"data\": {\"a\": \"hunter2\" \"b\"}}\n".to_string(),
        format!("{head}stringData: {{\na: hunter2 b: c: d,\n}}\n"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {user: bob, password: hunter2: x}\n".to_string(),
    ];
    for (i, text) in cases.iter().enumerate() {
        // As an overlay resource, and as the output of a Go-template chart.
        let dir = temp(&format!("flowsecret{i}"));
        std::fs::create_dir_all(dir.join("ov")).unwrap();
        std::fs::write(dir.join("ov/kustomization.yaml"), "resources:\n- s.yaml\n").unwrap();
        std::fs::write(dir.join("ov/s.yaml"), text).unwrap();
        let name = format!("flowchart{i}");
        let chart_dir = chart(&name, false, "", text);
        for (cwd, args) in [
            (&dir, vec!["render", "ov"]),
            (&dir, vec!["lint", "ov"]),
            (&chart_dir, vec!["render", &name]),
            (&chart_dir, vec!["lint", &name]),
        ] {
            let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let (code, stdout, stderr) = kiln_limited(&owned, cwd);
            assert_eq!(code, Some(1), "{args:?} {text}: {stdout}{stderr}");
            let all = format!("{stdout}{stderr}");
            assert!(
                !all.contains("hunter2") && !all.contains("aHVudGVy"),
                "{args:?} printed the secret: {all}"
            );
        }
        let (_, _, stderr) = kiln_limited(&["render".into(), "ov".into()], &dir);
        assert!(stderr.contains("<redacted>"), "{stderr}");
    }
}

// ------------------------------------------------------------------ Go-template blowups

/// A template that includes one that includes another, 32 levels deep, each twice, with `dot`.
fn include_doubling(dot: &str) -> String {
    let mut t = String::from("{{- define \"d0\" }}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{{ end }}");
    for i in 1..=32 {
        t.push_str(&format!(
            "{{{{- define \"d{i}\" }}}}{{{{ include \"d{}\" {dot} }}}}{{{{ include \"d{}\" {dot} }}}}{{{{ end }}}}",
            i - 1,
            i - 1
        ));
    }
    t.push_str(&format!("{{{{ include \"d32\" {dot} | len }}}}"));
    t
}

#[test]
fn go_template_blowups_are_budget_errors() {
    // Each used to abort on a failed allocation, panic, or run for minutes.
    let big = "{{- $s := repeat 60000000 \"y\" }}";
    let cases: &[(&str, String, &str)] = &[
        ("nestedranges", "{{ range $i := until 100000 }}{{ range $j := until 100000 }}x{{ end }}{{ end }}".into(), "budget of 10000000 steps"),
        ("appendloop", "{{- $l := list }}{{- range $i := until 100000 }}{{- $l = append $l (repeat 1000 \"x\") }}{{- end }}{{ join \",\" $l | len }}".into(), "budget of 10000000 steps"),
        ("concatdoubling", "{{- $s := list 1 2 }}{{- range $i := until 40 }}{{- $s = concat $s $s }}{{- end }}{{ len $s }}".into(), "more than kiln allows"),
        ("replaceblowup", "{{ replace \"x\" (repeat 10000 \"y\") (repeat 10000000 \"x\") | len }}".into(), "error calling replace: the result would be"),
        ("wrapblowup", "{{ wrapWith 1 (repeat 100000 \"-\") (repeat 10000000 \"x\") | len }}".into(), "error calling wrapWith: the result would be"),
        ("joinblowup", format!("{big}{{{{ join $s (list 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20) | len }}}}"), "error calling join: the result would be"),
        ("catblowup", format!("{big}{{{{ cat $s $s $s $s $s $s $s $s $s $s $s $s $s $s $s $s | len }}}}"), "error calling cat: the result would be"),
        ("splitblowup", format!("{big}{{{{ splitList \"\" $s | len }}}}"), "error calling splitList: the result would be"),
        ("regexsplitblowup", format!("{big}{{{{ regexSplit \"\" $s -1 | len }}}}"), "error calling regexSplit: more than"),
        ("regexreplaceblowup", "{{ regexReplaceAll \"x\" (repeat 1000000 \"x\") (repeat 100 \"y\") | len }}".into(), "error calling regexReplaceAll: the result would be more than"),
        // Each call with a new dot (a `dict`) runs again: the output written in all adds up.
        ("includedoubling", include_doubling("(dict)"), "more than the limit of 268435456 bytes in total"),
        // The same call again reuses its output, which doubles until one template's is too big.
        ("includedoublingsame", include_doubling("."), "template output exceeds the limit of 67108864 bytes"),
    ];
    for (name, body, needle) in cases {
        let dir = chart(name, false, "", &format!("{CM}data:\n  a: \"{body}\"\n"));
        let stderr = expect_error(&dir, &["render", name], needle);
        assert!(
            stderr.contains(&format!("{name}/templates/a.yaml")),
            "{stderr}"
        );
    }
    // A huge float precision panicked in Rust's formatter; Go pads with zeros (kiln caps the
    // precision at 1,000,000 digits).
    let dir = chart(
        "printfprecision",
        false,
        "",
        &format!("{CM}data:\n  a: \"{{{{ printf \"%.1000000000f\" 1.0 | len }}}}\"\n"),
    );
    let (code, stdout, stderr) = kiln_limited(&["render".into(), "printfprecision".into()], &dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("a: \"1000002\""), "{stdout}");
}

#[test]
fn diffs_redact_secret_named_fields_and_escape_object_names() {
    let dir = temp("diffsecrets");
    let cm = |v: &str, pw: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"c\\e]0;x\\a\"\ndata:\n  a: \"{v}\"\n  password: {pw}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    env:\n    - name: DB_PASSWORD\n      value: {pw}-env\n    - name: MODE\n      value: {v}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata: {{password: {pw}}}\n")
    };
    std::fs::write(dir.join("a.yaml"), cm("1", "hunter5SECRET")).unwrap();
    std::fs::write(dir.join("b.yaml"), cm("2", "hunter6SECRET")).unwrap();
    let args: Vec<String> = ["diff", "a.yaml", "b.yaml"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (code, stdout, stderr) = kiln_limited(&args, &dir);
    assert!(code.is_some(), "{stderr}");
    assert!(!stdout.contains("hunter"), "{stdout}");
    assert!(
        stdout.contains("-  password: '<redacted: old>'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-      value: '<redacted: old>'"),
        "{stdout}"
    );
    assert!(stdout.contains("+      value: 2\n"), "{stdout}");
    assert!(stdout.contains("ConfigMap c\\u{1b}]0;x\\u{7}"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
}

#[test]
fn running_out_of_memory_is_a_clean_error_naming_the_template() {
    // Doubling a string or list in a loop, joining with a huge separator, or one expression of
    // many concatenations allocates inside minijinja before any budget can see it: the process
    // used to abort ("memory allocation of … bytes failed").
    let cases = [
        ("oomjoin", "{% set s = 'y' * 60000000 %}{{ range(20) | join(s) | length }}"),
        ("oomlist", "{% set ns = namespace(l=[1,2]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}"),
        ("oomstring", "{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"),
        ("oomconcat", "{% set s = 'y' * 60000000 %}{{ (s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s) | length }}"),
    ];
    // Doubling a string reaches the template fuel budget (one step per 64 bytes created) at
    // about the size that no longer fits under the test's 1 GiB limit: which of the two stops
    // it first depends on the allocator's own address-space use. Either is a clean error naming
    // the template; the memory error must still be what stops the other cases.
    let mut out_of_memory = 0;
    for (name, body) in cases {
        let dir = chart(name, true, "", &format!("{CM}data:\n  a: \"{body}\"\n"));
        let stderr = expect_error(&dir, &["render", name], "error[");
        if stderr.contains("error[memory]: kiln ran out of memory") {
            out_of_memory += 1;
            assert!(
                stderr.contains(&format!("while rendering {name}/templates/a.yaml")),
                "{stderr}"
            );
        } else {
            assert!(
                stderr.starts_with("error[template]: template budget exceeded")
                    && stderr.contains(&format!(" --> {name}/templates/a.yaml:6:")),
                "{stderr}"
            );
        }
    }
    assert!(
        out_of_memory >= 2,
        "{out_of_memory} cases ran out of memory"
    );
}

#[test]
fn a_set_flag_error_never_prints_a_secret_value_or_a_huge_flag() {
    let dir = chart("setflagsecret", false, "", CM);
    let stderr = expect_error(
        &dir,
        &[
            "render",
            "setflagsecret",
            "--set",
            "db.password=hunter2SECRET,b[-1]=1",
        ],
        "negative index -1 not allowed",
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(stderr.contains("db.password=<redacted>"), "{stderr}");
    let long = format!("a{}=1", "[0]".repeat(5000));
    let stderr = expect_error(
        &dir,
        &["render", "setflagsecret", "--set", &long],
        "more than 64 levels deep",
    );
    assert!(stderr.len() < 1000, "{stderr}");
}

#[test]
fn a_secret_used_as_tpl_text_never_prints_in_its_errors() {
    // Parse error (an unknown function named by the secret) and execution error, Go engine.
    for (i, (password, needle)) in [
        (
            "{{ hunter4SECRET }}",
            "the tpl text (a secret value, <redacted>) fails at line 1",
        ),
        (
            "{{ index hunter4SECRET 3 }}",
            "the tpl text (a secret value, <redacted>) fails at line 1",
        ),
        (
            "x{{ .hunter4SECRET.y }}",
            "the tpl text (a secret value, <redacted>) fails at line 1",
        ),
    ]
    .iter()
    .enumerate()
    {
        let name = format!("tplsecret{i}");
        let values = format!("db:\n  password: {password:?}\n");
        let dir = chart(
            &name,
            false,
            &values,
            &format!("{CM}data:\n  p: {{{{ tpl .Values.db.password . | quote }}}}\n"),
        );
        let stderr = expect_error(&dir, &["render", &name], needle);
        assert!(!stderr.contains("hunter4SECRET"), "{stderr}");
    }
}

#[test]
fn secrets_in_a_subcharts_section_never_print() {
    // The subchart's own default and the parent's override of it, both under secret-named keys
    // (registered when the subchart's values are walked, not the parent's).
    let dir = chart(
        "umbsecret",
        false,
        "db:\n  auth:\n    token: hunter7PARENT\n",
        &format!("{CM}data:\n  a: b\n"),
    );
    let sub = dir.join("umbsecret/charts/db");
    std::fs::create_dir_all(sub.join("templates")).unwrap();
    std::fs::write(
        sub.join("Chart.yaml"),
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(sub.join("values.yaml"), "auth:\n  password: hunter6SUB\n").unwrap();
    std::fs::write(
        sub.join("templates/a.yaml"),
        "{{ fail (printf \"bad %s %s\" .Values.auth.password .Values.auth.token) }}\n",
    )
    .unwrap();
    let stderr = expect_error(&dir, &["render", "umbsecret"], "bad <redacted> <redacted>");
    assert!(!stderr.contains("hunter6SUB"), "{stderr}");
    assert!(!stderr.contains("hunter7PARENT"), "{stderr}");
}
