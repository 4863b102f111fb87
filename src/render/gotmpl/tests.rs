//! Engine tests: Go template semantics on small templates.

use super::exec::{Exec, Limits, TemplateSet};
use super::funcs::{arg_map, arg_str, Arity, CallCtx, FuncError, FuncMap};
use super::value::{Map, NumberMode, Value};
use serde_json::json;

fn set(_: &mut CallCtx<'_>, a: &[Value]) -> Result<Value, FuncError> {
    let m = arg_map(&a[0])?;
    m.insert(arg_str(&a[1])?, a[2].clone());
    Ok(a[0].clone())
}

fn dict(_: &mut CallCtx<'_>, a: &[Value]) -> Result<Value, FuncError> {
    let m = Map::new();
    for kv in a.chunks(2) {
        m.insert(kv[0].to_go_string(), kv.get(1).cloned().unwrap_or_default());
    }
    Ok(Value::Map(m))
}

fn list(_: &mut CallCtx<'_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::list(a.to_vec()))
}

fn funcs() -> FuncMap {
    let mut m = FuncMap::new();
    super::builtins::register(&mut m);
    super::helmfuncs::register(&mut m);
    m.add("set", Arity::Exact(3), set);
    m.add("dict", Arity::AtLeast(0), dict);
    m.add("list", Arity::AtLeast(0), list);
    m
}

fn run_with(files: &[(&str, &str)], data: serde_json::Value) -> Result<String, String> {
    super::exec::on_render_stack(|| run_here(files, data))
}

fn run_here(files: &[(&str, &str)], data: serde_json::Value) -> Result<String, String> {
    let f = funcs();
    let mut set = TemplateSet::new();
    for (name, text) in files {
        set.add_file(name, text, &f).map_err(|e| e.to_string())?;
    }
    let data = Value::from_json(&data, NumberMode::Float64);
    if let Value::Map(m) = &data {
        let t = Map::new();
        t.insert("Name", Value::str(files[0].0));
        m.insert("Template", Value::Map(t));
    }
    let mut ex = Exec::new(&set, &f, Limits::default(), 0);
    ex.execute(files[0].0, &data).map_err(|e| e.to_string())
}

fn run(src: &str) -> Result<String, String> {
    run_with(
        &[("t.yaml", src)],
        json!({"Values": {"small": 3, "big": 1000000, "f": 1.5, "s": "str", "m": {"b": 2, "a": 1}, "l": ["x", "y"], "e": "", "n": null}}),
    )
}

fn ok(src: &str) -> String {
    run(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn err(src: &str) -> String {
    run(src).expect_err(src)
}

#[test]
fn printing_follows_go() {
    assert_eq!(
        ok("{{ .Values.big }}|{{ 1000000 }}|{{ 1e6 }}|{{ .Values.small }}"),
        "1e+06|1000000|1e+06|3"
    );
    assert_eq!(
        ok("{{ .Values.m }}|{{ .Values.l }}|{{ .Values.missing }}|{{ .Values.n }}"),
        "map[a:1 b:2]|[x y]|<no value>|<no value>"
    );
    assert_eq!(
        ok("{{ print nil }}|{{ print .Values.missing }}|{{ print 1 2 \"a\" 3 }}"),
        "<nil>|<nil>|1 2a3"
    );
    assert_eq!(ok("{{ printf \"%d-%s-%v\" 1 \"a\" .Values.f }}"), "1-a-1.5");
    assert_eq!(
        ok("{{ 'a' }} {{ 0x10 }} {{ -3 }} {{ true }} {{ \"\\u00e9\" }} {{ `raw` }}"),
        "97 16 -3 true é raw"
    );
}

#[test]
fn control_structures() {
    assert_eq!(
        ok("{{ if .Values.e }}a{{ else if .Values.small }}b{{ else }}c{{ end }}"),
        "b"
    );
    assert_eq!(
        ok("{{ with .Values.m }}{{ .a }}{{ else }}none{{ end }}"),
        "1"
    );
    assert_eq!(
        ok("{{ with .Values.e }}x{{ else with .Values.s }}{{ . }}{{ end }}"),
        "str"
    );
    assert_eq!(
        ok("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}"),
        "a=1;b=2;"
    );
    assert_eq!(
        ok("{{ range $i, $v := .Values.l }}{{ $i }}{{ $v }}{{ end }}"),
        "0x1y"
    );
    assert_eq!(
        ok("{{ range .Values.nothing }}x{{ else }}empty{{ end }}"),
        "empty"
    );
    assert_eq!(ok("{{ range 3 }}{{ . }}{{ end }}"), "012");
    assert_eq!(ok("{{ range $i := 5 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}"), "02");
}

#[test]
fn variables_scope_and_assignment() {
    assert_eq!(
        ok("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}"),
        "2"
    );
    assert_eq!(
        ok("{{ $x := 0 }}{{ range .Values.l }}{{ $x = . }}{{ end }}{{ $x }}"),
        "y"
    );
    assert_eq!(
        ok("{{ range .Values.l }}{{ $.Values.s }}{{ end }}"),
        "strstr"
    );
    assert_eq!(ok("{{- $a := \"a\" -}}\n  {{- $a -}}  \n"), "a");
}

#[test]
fn maps_are_shared_so_set_in_range_collects() {
    assert_eq!(
        ok("{{ $d := dict }}{{ range .Values.l }}{{ $_ := set $d . true }}{{ end }}{{ $d }}"),
        "map[x:true y:true]"
    );
    assert_eq!(
        ok("{{ $_ := set .Values \"k\" \"v\" }}{{ .Values.k }}"),
        "v"
    );
}

#[test]
fn and_or_short_circuit_and_return_operands() {
    assert_eq!(
        ok("{{ or .Values.e .Values.s }}|{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 \"\" }}"),
        "str|0|2|"
    );
    // The second operand would fail if evaluated.
    assert_eq!(
        ok("{{ and .Values.missing .Values.missing.deeper }}"),
        "<no value>"
    );
    assert_eq!(ok("{{ .Values.s | or .Values.e }}"), "str");
}

#[test]
fn comparisons_keep_go_types() {
    assert_eq!(ok("{{ eq 1 2 3 1 }} {{ eq \"a\" \"a\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge 2.5 2.5 }} {{ eq .Values.missing \"x\" }}"), "true true true true true false");
    assert!(err("{{ eq .Values.small 3 }}")
        .contains("incompatible types for comparison: float64 and int"));
    assert!(err("{{ eq \"1\" 1 }}").contains("incompatible types for comparison: string and int"));
    assert!(err("{{ lt nil 1 }}").contains("invalid type for comparison"));
}

#[test]
fn index_slice_len() {
    assert_eq!(ok("{{ index .Values.l 1 }} {{ index .Values \"m\" \"a\" }} {{ index .Values.m \"zz\" }} {{ len .Values.l }} {{ slice \"hello\" 1 3 }} {{ slice .Values.l 1 }}"), "y 1 <no value> 2 el [y]");
    assert!(err("{{ index .Values.l 5 }}").contains("index out of range: 5"));
    assert!(err("{{ index .Values.missing \"a\" }}").contains("index of untyped nil"));
}

#[test]
fn missing_values_and_nil_pointer_errors() {
    let e = err("a\n  {{ .Values.missing.deeper }}");
    assert!(
        e.contains("nil pointer evaluating interface {}.deeper"),
        "{e}"
    );
    assert!(e.contains("t.yaml:2:6"), "{e}");
    assert!(err("{{ .Values.s.x }}").contains("can't evaluate field x in type string"));
}

#[test]
fn define_template_include_block() {
    let out = run_with(
        &[
            ("main", "{{ define \"x\" }}X{{ . }}{{ end }}[{{ template \"x\" 1 }}][{{ include \"x\" 2 | printf \"%s!\" }}][{{ block \"b\" 3 }}B{{ . }}{{ end }}]"),
        ],
        json!({}),
    )
    .unwrap();
    assert_eq!(out, "[X1][X2!][B3]");
}

#[test]
fn include_errors_carry_the_call_chain() {
    let e = run_with(
        &[
            ("a.yaml", "line1\n{{ include \"inner\" . }}"),
            (
                "_h.tpl",
                "{{ define \"inner\" }}\n{{ required \"need x\" .x }}{{ end }}",
            ),
        ],
        json!({}),
    )
    .unwrap_err();
    assert!(e.contains("need x"), "{e}");
    assert!(e.contains("_h.tpl:2:4"), "{e}");
    assert!(
        e.contains("include \"inner\" called from a.yaml:2:4"),
        "{e}"
    );
}

#[test]
fn recursion_is_bounded() {
    let e = run_with(
        &[(
            "a",
            "{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}",
        )],
        json!({}),
    )
    .unwrap_err();
    assert!(e.contains("limit of 1000"), "{e}");
}

#[test]
fn step_budget_stops_endless_work() {
    let f = funcs();
    let mut set = TemplateSet::new();
    set.add_file(
        "a",
        "{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}",
        &f,
    )
    .unwrap();
    let limits = Limits {
        max_steps: 100_000,
        ..Limits::default()
    };
    let mut ex = Exec::new(&set, &f, limits, 0);
    let e = ex.execute("a", &Value::Nil).unwrap_err().to_string();
    assert!(e.contains("budget of 100000 steps"), "{e}");
}

#[test]
fn tpl_sees_templates_and_its_own_defines() {
    let out = run_with(
        &[
            ("a.yaml", "{{ tpl \"{{ define \\\"z\\\" }}Z{{ end }}{{ include \\\"h\\\" . }}{{ template \\\"z\\\" }}{{ .Values.x }}\" . }}"),
            ("_h.tpl", "{{ define \"h\" }}H{{ end }}"),
        ],
        json!({"Values": {"x": "v"}}),
    )
    .unwrap();
    assert_eq!(out, "HZv");
}

#[test]
fn errors_name_the_builtin_and_position() {
    let e = err("{{ len 3 }}");
    assert!(e.contains("error calling len: len of type int"), "{e}");
    let e = err("{{ nope }}");
    assert!(e.contains("function \"nope\" not defined"), "{e}");
    assert!(err("{{ \"x\" 1 }}").contains("can't give argument to non-function \"x\""));
    assert!(err("{{ printf }}").contains("wrong number of args for printf: want at least 1 got 0"));
}

#[test]
fn later_definitions_win_unless_empty() {
    let out = run_with(
        &[
            ("main", "{{ template \"a\" }}{{ template \"b\" }}"),
            (
                "one",
                "{{ define \"a\" }}first{{ end }}{{ define \"b\" }}kept{{ end }}",
            ),
            (
                "two",
                "{{ define \"a\" }}second{{ end }}{{ define \"b\" }}  {{ end }}",
            ),
        ],
        json!({}),
    )
    .unwrap();
    assert_eq!(out, "secondkept");
}

#[test]
fn multi_line_actions_raw_strings_and_trim() {
    assert_eq!(ok("{{ printf \"%s-%s\"\n  \"a\"\n  `b\nc` }}"), "a-b\nc");
    assert_eq!(ok("x  {{- /* note */ -}}  y"), "xy");
    assert_eq!(
        ok("{{ $x := dict \"k\" (list 1 2) }}{{ range $x.k }}{{ . }}{{ end }}"),
        "12"
    );
}

#[test]
fn fields_of_no_value_are_no_value_but_nil_inside_a_chain_fails() {
    assert_eq!(
        ok("{{ $m := .Values.missing }}[{{ $m.x }}][{{ (.Values.missing).x }}]"),
        "[<no value>][<no value>]"
    );
    assert!(err("{{ .Values.missing.x }}").contains("nil pointer evaluating interface {}.x"));
}

#[test]
fn parser_notes_constant_patterns_of_regex_functions() {
    let funcs = super::helm::func_map();
    let is_func = |n: &str| super::exec::is_func(funcs, n);
    let text = r#"{{ regexMatch "a+" .x }}{{ .y | mustRegexReplaceAll "b" "c" }}
{{ if (regexFind `d` .z) }}{{ regexSplit .p "s" -1 }}{{ regexQuoteMeta "e" }}{{ printf "f" }}{{ end }}"#;
    let parsed = super::parse::parse(text, &is_func).unwrap();
    let patterns: Vec<&str> = parsed.patterns.iter().map(|p| &**p).collect();
    assert_eq!(patterns, ["a+", "b", "d"]);
}

/// Renders `files` in order with one executor and Helm's function map, as a chart's files are
/// rendered (each with its own `.Template`), outputs joined with `|`.
fn render_files(files: &[(&str, &str)], values: serde_json::Value) -> String {
    super::exec::on_render_stack(|| {
        let funcs = super::helm::func_map();
        let mut set = TemplateSet::new();
        for (name, text) in files {
            set.add_file(name, text, funcs).unwrap();
        }
        let root = Map::new();
        root.insert("Values", Value::from_json(&values, NumberMode::Float64));
        let mut ex = Exec::new(&set, funcs, Limits::default(), 7);
        let mut outs = Vec::new();
        for (name, _) in files {
            let t = Map::new();
            t.insert("Name", Value::str(name));
            root.set_file_template(Value::Map(t));
            outs.push(ex.execute(name, &Value::Map(root.clone())).unwrap());
        }
        outs.join("|")
    })
}

#[test]
fn a_template_called_again_sees_every_change_made_since() {
    // A value of the dot changed between two calls of the same template with the same dot.
    let t = r#"{{ define "v" }}{{ .Values.x }}{{ end }}{{ include "v" . }}{{ $_ := set .Values "x" 2 }}{{ include "v" . }}{{ template "v" . }}"#;
    assert_eq!(render_files(&[("a.yaml", t)], json!({"x": 1})), "122");
    // A map deeper down, changed through a variable.
    let t = r#"{{ define "v" }}{{ .Values.m.k }}{{ end }}{{ include "v" . }}{{ $m := .Values.m }}{{ $_ := set $m "k" "b" }}{{ include "v" . }}"#;
    assert_eq!(
        render_files(&[("a.yaml", t)], json!({"m": {"k": "a"}})),
        "ab"
    );
    // A template that changes what it reads runs every time.
    let t = r#"{{ define "count" }}{{ $_ := set .Values "n" (add1 .Values.n) }}{{ .Values.n }}{{ end }}{{ include "count" . }}{{ include "count" . }}"#;
    assert_eq!(render_files(&[("a.yaml", t)], json!({"n": 0})), "12");
    // Random values are drawn afresh for every call.
    let t = r#"{{ define "r" }}{{ randAlphaNum 12 }}{{ end }}{{ $a := include "r" . }}{{ $b := include "r" . }}{{ ne $a $b }}"#;
    assert_eq!(render_files(&[("a.yaml", t)], json!({})), "true");
    // Maps made by `dict` for each call.
    let t = r#"{{ define "d" }}{{ .k }}{{ end }}{{ include "d" (dict "k" 1) }}{{ include "d" (dict "k" 2) }}"#;
    assert_eq!(render_files(&[("a.yaml", t)], json!({})), "12");
}

#[test]
fn a_template_called_from_every_file_sees_each_files_template() {
    let files = [
        (
            "a.yaml",
            r#"{{ define "name" }}{{ .Template.Name }}{{ end }}{{ define "values" }}{{ .Values.x }}{{ end }}{{ define "keys" }}{{ range $k, $v := . }}{{ if eq $k "Template" }}{{ $v.Name }}{{ end }}{{ end }}{{ end }}{{ define "outer" }}{{ include "name" . }}{{ end }}{{ include "name" . }}{{ include "values" . }}{{ include "keys" . }}{{ include "outer" . }}"#,
        ),
        (
            "b.yaml",
            r#"{{ include "name" . }}{{ include "values" . }}{{ include "keys" . }}{{ include "outer" . }}{{ include "name" . }}"#,
        ),
    ];
    assert_eq!(
        render_files(&files, json!({"x": 1})),
        "a.yaml1a.yamla.yaml|b.yaml1b.yamlb.yamlb.yaml"
    );
}

#[test]
fn a_template_reading_another_charts_template_sees_it_change() {
    let out = super::exec::on_render_stack(|| {
        let funcs = super::helm::func_map();
        let mut set = TemplateSet::new();
        let parent = r#"{{ define "h" }}{{ .Subcharts.b.Template }}{{ end }}{{ include "h" . }}"#;
        set.add_file("a.yaml", parent, funcs).unwrap();
        set.add_file("b.yaml", "x", funcs).unwrap();
        let (a, b) = (Map::new(), Map::new());
        let subcharts = Map::new();
        subcharts.insert("b", Value::Map(b.clone()));
        a.insert("Subcharts", Value::Map(subcharts));
        let template = |name: &str| {
            let t = Map::new();
            t.insert("Name", Value::str(name));
            Value::Map(t)
        };
        // As a chart render does: every chart's data is marked before the first file.
        a.mark_file_map();
        b.mark_file_map();
        let mut ex = Exec::new(&set, funcs, Limits::default(), 7);
        let mut outs = Vec::new();
        for (root, file) in [(&a, "a.yaml"), (&b, "b.yaml"), (&a, "a.yaml")] {
            root.set_file_template(template(file));
            outs.push(ex.execute(file, &Value::Map(root.clone())).unwrap());
        }
        outs.join("|")
    });
    assert_eq!(out, "<no value>|x|map[Name:b.yaml]");
}
