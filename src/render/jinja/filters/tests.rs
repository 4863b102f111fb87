//! The Jinja filters, end to end and one by one.

use super::*;
use minijinja::{context, UndefinedBehavior};

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_formatter(format_value);
    register(&mut env);
    env
}

fn render(src: &str, ctx: Value) -> String {
    env().render_str(src, ctx).unwrap()
}

fn render_err(src: &str, ctx: Value) -> Error {
    env().render_str(src, ctx).unwrap_err()
}

fn values(json: serde_json::Value) -> Value {
    context! { Values => Value::from(minijinja::value::Serde(json)) }
}

#[test]
fn formatter_prints_yaml_friendly_values() {
    let ctx = values(
        serde_json::json!({"t": true, "n": null, "l": [1, "a", {"b": false}], "m": {"z": 1, "a": [null]}, "s": "x", "i": 3, "f": 1.5}),
    );
    assert_eq!(
        render("{{ Values.t }} {{ Values.n }} {{ Values.l }} {{ Values.m }} {{ Values.s }} {{ Values.i }} {{ Values.f }}", ctx),
        r#"true null [1,"a",{"b":false}] {"z":1,"a":[null]} x 3 1.5"#
    );
}

#[test]
fn formatter_still_rejects_missing_values() {
    let err = render_err("{{ Values.missing }}", values(serde_json::json!({})));
    assert_eq!(err.kind(), ErrorKind::UndefinedError);
    // …but a missing value in a truth test or with `default` is fine.
    let ctx = values(serde_json::json!({}));
    assert_eq!(
        render(
            "{% if Values.missing %}x{% endif %}{{ Values.missing | default('d') }}",
            ctx
        ),
        "d"
    );
}

#[test]
fn toyaml_is_helms_text() {
    let ctx = values(
        serde_json::json!({"b": {"on": "yes", "list": ["a", "1.0"]}, "a": "multi\nline\n", "e": {}}),
    );
    assert_eq!(
        render("{{ Values | toyaml }}", ctx.clone()),
        "a: |\n  multi\n  line\nb:\n  list:\n  - a\n  - \"1.0\"\n  \"on\": \"yes\"\ne: {}"
    );
    assert_eq!(
        render("{{ Values.b.list | toyaml | nindent(4) }}", ctx),
        "\n    - a\n    - \"1.0\""
    );
    assert_eq!(
        render("{{ 'abc' | toyaml }}|{{ none | toyaml }}", Value::UNDEFINED),
        "abc|null"
    );
}

#[test]
fn fromyaml_and_fromjson_return_maps_or_error_maps() {
    assert_eq!(
        render(
            "{{ ('a: 1\\nb: [x, on]' | fromyaml).b[1] }}",
            Value::UNDEFINED
        ),
        "true"
    );
    assert_eq!(render("{{ '' | fromyaml }}", Value::UNDEFINED), "{}");
    assert!(render("{{ ('a: [' | fromyaml).Error }}", Value::UNDEFINED).len() > 3);
    assert!(render("{{ ('- a' | fromyaml).Error }}", Value::UNDEFINED).contains("array"));
    assert_eq!(
        render(
            r#"{{ ('{"a": {"b": 2}}' | fromjson).a.b }}"#,
            Value::UNDEFINED
        ),
        "2"
    );
    assert_eq!(
        render("{{ ('[1]' | fromjson).Error }}", Value::UNDEFINED),
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
}

#[test]
fn tojson_matches_go_json_marshal() {
    // Output of `helm template` for the same data.
    let ctx = values(
        serde_json::json!({"j": {"html": "<a href='x'>&amp;</a>", "u": "é\u{2028}", "n": null, "f": 1.5, "i": 3, "z": {"b": 1, "a": 2}}}),
    );
    assert_eq!(
        render("{{ Values.j | tojson }}", ctx),
        r#"{"f":1.5,"html":"\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e","i":3,"n":null,"u":"é\u2028","z":{"a":2,"b":1}}"#
    );
    // helm: toJson "a\bb\fc\x7fd\u2029e\x01'" and toJson [1e-7, 0.000001, 1.5e300, -0.0, 100.0, 0.1]
    assert_eq!(
        tojson(&Value::from("a\u{8}b\u{c}c\u{7f}d\u{2029}e\u{1}'")).unwrap(),
        "\"a\\bb\\fc\u{7f}d\\u2029e\\u0001'\""
    );
    assert_eq!(
        tojson(&Value::from(vec![
            1e-7, 0.000001, 1.5e300, -0.0, 100.0, 0.1
        ]))
        .unwrap(),
        "[1e-7,0.000001,1.5e+300,-0,100,0.1]"
    );
    assert_eq!(crate::yaml::go_json::float(1e21), "1e+21");
    assert_eq!(crate::yaml::go_json::float(1e-7), "1e-7");
    assert_eq!(crate::yaml::go_json::float(1000000.0), "1000000");
    assert_eq!(crate::yaml::go_json::float(0.000001), "0.000001");
    assert_eq!(
        render("{{ [1, 'a'] | tojson }}", Value::UNDEFINED),
        r#"[1,"a"]"#
    );
}

#[test]
fn nindent_pads_every_line() {
    assert_eq!(
        render("{{ 'a\\n\\nb\\n' | nindent(2) }}", Value::UNDEFINED),
        "\n  a\n  \n  b\n  "
    );
    assert_eq!(
        render("x:{{ 'a: 1' | nindent(4) }}", Value::UNDEFINED),
        "x:\n    a: 1"
    );
}

#[test]
fn quote_and_squote_like_sprig() {
    // `quote "a\"b\\c\td\né\u00a0\u200b😀\x01"` in helm:
    assert_eq!(
        quote(&Value::from("a\"b\\c\td\né\u{a0}\u{200b}😀\u{1}")).unwrap(),
        r#""a\"b\\c\td\né\u00a0\u200b😀\x01""#
    );
    assert_eq!(quote(&Value::UNDEFINED).unwrap(), "");
    assert_eq!(quote(&Value::from(())).unwrap(), "");
    assert_eq!(quote(&Value::from(true)).unwrap(), "\"true\"");
    assert_eq!(quote(&Value::from(1.5)).unwrap(), "\"1.5\"");
    assert_eq!(squote(&Value::from("it's")).unwrap(), "'it's'");
    assert_eq!(squote(&Value::UNDEFINED).unwrap(), "");
    assert_eq!(
        render(
            "{{ Values.x | quote }}",
            values(serde_json::json!({"x": 8080}))
        ),
        "\"8080\""
    );
}

#[test]
fn base64_and_sha256() {
    assert_eq!(
        render("{{ 'hello' | b64enc }}", Value::UNDEFINED),
        "aGVsbG8="
    );
    assert_eq!(b64dec("aGVsbG8="), "hello");
    assert_eq!(b64dec("aGVs\nbG8="), "hello");
    // Go's error texts, as helm prints them.
    assert_eq!(b64dec("!!notb64"), "illegal base64 data at input byte 0");
    assert_eq!(b64dec("aGVsbG8"), "illegal base64 data at input byte 4");
    assert_eq!(b64dec("aGVsbG8=x"), "illegal base64 data at input byte 8");
    assert_eq!(b64dec(""), "");
    assert_eq!(
        render("{{ 'abc' | sha256sum }}", Value::UNDEFINED),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn required_fails_with_the_message_only() {
    let ctx = values(serde_json::json!({"empty": "", "zero": 0, "f": false, "n": null}));
    for expr in ["Values.missing", "Values.empty", "Values.n"] {
        let err = render_err(
            &format!("{{{{ {expr} | required('set it!') }}}}"),
            ctx.clone(),
        );
        assert_eq!(err.detail(), Some("set it!"), "{expr}");
        assert_eq!(err.line(), Some(1));
    }
    assert_eq!(
        render(
            "{{ Values.zero | required('x') }} {{ Values.f | required('x') }}",
            ctx
        ),
        "0 false"
    );
}

#[test]
fn fail_and_lookup() {
    let err = render_err("line1\n{{ fail('stop: ' ~ 2) }}", Value::UNDEFINED);
    assert_eq!(err.detail(), Some("stop: 2"));
    assert_eq!(err.line(), Some(2));
    assert_eq!(render("{{ lookup('v1', 'Secret', 'ns', 'x') }}|{{ lookup('v1', 'Secret', 'ns', 'x') | length }}", Value::UNDEFINED), "{}|0");
}

#[test]
fn trunc_and_trims() {
    // helm: trunc 3 → "abc", trunc -2 → "ef", trunc -10 "abc" → "abc", trunc 0 → "".
    let t = |n: i64, s: &str| trunc(&Value::from(s), n).unwrap();
    assert_eq!(t(3, "abcdef"), "abc");
    assert_eq!(t(-2, "abcdef"), "ef");
    assert_eq!(t(-10, "abc"), "abc");
    assert_eq!(t(10, "abc"), "abc");
    assert_eq!(t(0, "abc"), "");
    assert_eq!(t(2, "éàü"), "éà");
    assert_eq!(render("{{ 'name-' | trimsuffix('-') }} {{ 'v1.2' | trimprefix('v') }} {{ 'x' | trimprefix('y') }}", Value::UNDEFINED), "name 1.2 x");
}

#[test]
fn semver_compare_matches_helm() {
    // (constraint, version, semverCompare's answer in helm 4)
    let cases = [
        (">=1.2.3 <2", "1.5.0", true),
        (">=1.2.3 <2", "2.0.0", false),
        (">=1.2.3, <2", "1.2.3", true),
        ("~1.2", "1.2.9", true),
        ("~1.2", "1.3.0", false),
        ("^1.2", "1.9.0", true),
        ("^1.2", "2.0.0", false),
        ("^0.2.3", "0.2.9", true),
        ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.4", false),
        ("1.x", "1.7.0", true),
        ("1.x", "2.0.0", false),
        (">= 1.30.0-0", "v1.30.2-eks-1234", true),
        (">=1.30.0", "v1.30.2-eks-1234", false),
        (">=1.19-0", "v1.35.0", true),
        ("<1.19-0", "v1.35.0", false),
        (">1.2", "1.2.5", false),
        (">1.2", "1.3.0", true),
        ("<=1.2", "1.2.9", true),
        ("<=1.2", "1.3.0", false),
        ("!=1.2.3", "1.2.3", false),
        ("!=1.2", "1.2.4", false),
        ("=1.2.3", "1.2.3+build", true),
        ("1.2.3", "1.2.3", true),
        ("1.2", "1.2.7", true),
        ("*", "1.0.0-alpha", false),
        ("*", "5.0.0", true),
        (">=1.0 || <0.5", "0.4.0", true),
        (">=1.0 || <0.5", "0.7.0", false),
        ("1.2 - 1.4.5", "1.4.5", true),
        ("1.2 - 1.4.5", "1.4.6", false),
        ("~1", "1.9.9", true),
        ("~1", "2.0.0", false),
        ("~>1.2.3", "1.2.9", true),
        ("=<1.5", "1.5.2", true),
        ("=>1.5", "1.5.0", true),
        (">1", "1.5.0", false),
        (">1", "2.0.0", true),
        ("<1.2.3-beta", "1.2.3-alpha", true),
        (">=1.2.3-alpha.10", "1.2.3-alpha.9", false),
        ("^1.2.3-alpha", "1.2.3", true),
        ("~0.0.0", "3.0.0", true),
        ("1.2.X", "1.2.3", true),
        ("v1.2.3", "1.2.3", true),
        (">=01.2", "1.2.0", true),
        ("!=1.2.3", "1.5.0-beta", false),
        ("!=2.x", "1.5.0-beta", false),
        ("<2.0.0", "1.5.0-beta", false),
        ("1.5.0-beta", "1.5.0-beta", true),
        (">=1.5.0-alpha <1.5.0", "1.5.0-beta", true),
        ("~1.5.0-alpha", "1.5.3", true),
        (">=1.0.0-0 <2.0.0", "1.5.0-beta", true),
        (">=1.0.0 <2.0.0-0", "1.5.0-beta", true),
        ("<2.0.0 || >=3.0.0-0", "1.5.0-beta", false),
        ("~1.5-0", "1.5.3-beta", true),
        ("1.x >=0-0", "1.5.0-beta", true),
    ];
    for (c, v, want) in cases {
        assert_eq!(semver_compare(v, c).unwrap(), want, "{c} against {v}");
    }
    for (c, v, msg) in [
        ("", "1.0.0", "improper constraint: "),
        ("foo", "1.0.0", "improper constraint: foo"),
        (">>1", "1.0.0", "improper constraint: >>1"),
        (">=1.0", "notaversion", "invalid semantic version"),
        (">=1.0", "1.0.0.0", "invalid semantic version"),
    ] {
        assert_eq!(
            semver_compare(v, c).unwrap_err().detail(),
            Some(msg),
            "{c} against {v}"
        );
    }
    assert_eq!(
        semver_satisfies("1.35.0", ">= 1.25.0-0 < 1.36.0-0"),
        Ok(true)
    );
    assert_eq!(semver_satisfies("1.35.0", "~1.34.0"), Ok(false));
    assert_eq!(
        semver_satisfies("x", ">=1"),
        Err("invalid semantic version".into())
    );
    let ctx =
        context! { Capabilities => context! { KubeVersion => context! { Version => "v1.35.0" } } };
    assert_eq!(
        render(
            "{{ Capabilities.KubeVersion.Version | semver_compare('>=1.25-0') }}",
            ctx
        ),
        "true"
    );
}

#[test]
fn regexes_like_go() {
    // helm: regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" → "-W-xxW-", "$1W" → "---".
    let r = |p: &str, s: &str, repl: &str| regex_replace(s, p, repl).unwrap();
    assert_eq!(r("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-");
    assert_eq!(r("a(x*)b", "-ab-axxb-", "$1W"), "---");
    assert_eq!(r("(?P<n>x+)", "axxb", "<$n>"), "a<xx>b");
    assert_eq!(r("x", "axb", "$$"), "a$b");
    assert!(regex_match("v1.2.3", r"^v\d+\.").unwrap());
    assert!(!regex_match("1.2.3", r"^v").unwrap());
    assert!(regex_match("x", "(").is_err());
    assert_eq!(
        render(
            "{{ 'a.b.c' | regex_replace('\\\\.', '-') }}",
            Value::UNDEFINED
        ),
        "a-b-c"
    );
}

#[test]
fn casing_matches_sprig() {
    // (input, kebabcase, snakecase, camelcase) as helm 4 prints them.
    let cases = [
        ("FirstName", "first-name", "first_name", "FirstName"),
        ("HTTPServer", "http-server", "http_server", "Httpserver"),
        ("NoHTTPS", "no-https", "no_https", "NoHTTPS"),
        ("GO_PATH", "go-path", "go_path", "GoPath"),
        ("GO PATH", "go-path", "go_path", "GoPath"),
        ("GO-PATH", "go-path", "go_path", "GoPath"),
        ("http2xx", "http-2xx", "http_2xx", "Http2xx"),
        ("HTTP20xOK", "http-20x-ok", "http_20x_ok", "Http20xOK"),
        (
            "Duration2m3s",
            "duration-2m3s",
            "duration_2m3s",
            "Duration2m3s",
        ),
        (
            "Bld4Floor3rd",
            "bld4-floor-3rd",
            "bld4_floor_3rd",
            "Bld4Floor3rd",
        ),
        ("some_words", "some-words", "some_words", "SomeWords"),
        (
            "_complex__case_",
            "-complex--case-",
            "_complex__case_",
            "_Complex_Case_",
        ),
        ("some words", "some-words", "some_words", "SomeWords"),
        ("a__b", "a--b", "a__b", "A_B"),
        ("_a", "-a", "_a", "_A"),
        ("ab_", "ab-", "ab_", "Ab_"),
        ("camelCase", "camel-case", "camel_case", "CamelCase"),
        (
            "getHTTPResponse",
            "get-http-response",
            "get_http_response",
            "GetHTTPResponse",
        ),
        ("Foo  Bar", "foo--bar", "foo__bar", "Foo Bar"),
        ("x", "x", "x", "X"),
        ("", "", "", ""),
        ("A", "a", "a", "A"),
        ("ABC", "abc", "abc", "Abc"),
        ("aBC", "a-bc", "a_bc", "ABC"),
        ("élan Vital", "élan-vital", "élan_vital", "ÉlanVital"),
        (
            "my.dotted.name",
            "my.dotted.name",
            "my.dotted.name",
            "My.dotted.name",
        ),
        ("v1.2.3", "v1.2.3", "v1.2.3", "V1.2.3"),
        (
            "with123numbers",
            "with-123numbers",
            "with_123numbers",
            "With123numbers",
        ),
        ("123abc", "123abc", "123abc", "123abc"),
        ("--lead", "--lead", "__lead", "--Lead"),
        ("trail--", "trail--", "trail__", "Trail--"),
        (
            "MixedUP_and-down Case",
            "mixed-up-and-down-case",
            "mixed_up_and_down_case",
            "MixedUPAndDownCase",
        ),
        (
            "ÉcoleNormale",
            "école-normale",
            "école_normale",
            "ÉcoleNormale",
        ),
        ("a1B2c3", "a1-b-2c3", "a1_b_2c3", "A1B2c3"),
        ("ID", "id", "id", "Id"),
        ("userID", "user-id", "user_id", "UserID"),
        ("IDCard", "id-card", "id_card", "Idcard"),
        ("foo_Bar", "foo-bar", "foo_bar", "FooBar"),
        ("foo__bar", "foo--bar", "foo__bar", "Foo_Bar"),
        ("FOO_bar", "foo-bar", "foo_bar", "FooBar"),
        ("_", "-", "_", "__"),
        ("__", "--", "__", "___"),
        ("-", "-", "_", "--"),
        ("x_", "x-", "x_", "X_"),
        ("_x_", "-x-", "_x_", "_X_"),
        ("foo.Bar", "foo.bar", "foo.bar", "Foo.Bar"),
        ("foo:bar", "foo:bar", "foo:bar", "Foo:bar"),
        ("Foo123Bar", "foo123-bar", "foo123_bar", "Foo123Bar"),
        ("ABC123", "abc123", "abc123", "Abc123"),
        ("abc123DEF", "abc123-def", "abc123_def", "Abc123DEF"),
        ("A1", "a1", "a1", "A1"),
        ("1A", "1-a", "1_a", "1A"),
        ("x-1-y", "x-1-y", "x_1_y", "X1Y"),
        (
            "日本語テキスト",
            "日本語-テキスト",
            "日本語_テキスト",
            "日本語テキスト",
        ),
        ("foo😀bar", "foo-😀-bar", "foo_😀_bar", "Foo😀bar"),
        ("HTTP/2", "http/2", "http/2", "Http/2"),
        ("a1b2", "a-1b2", "a_1b2", "A1b2"),
        ("AbcDEF", "abc-def", "abc_def", "AbcDEF"),
        ("abcDEFGhi", "abc-def-ghi", "abc_def_ghi", "AbcDEFGhi"),
        ("ABCdef", "ab-cdef", "ab_cdef", "Abcdef"),
        ("a.B.c", "a.b.c", "a.b.c", "A.B.c"),
        ("über Größe", "über-größe", "über_größe", "ÜberGröße"),
        ("x  y", "x--y", "x__y", "X Y"),
        ("x\ty", "x-y", "x_y", "XY"),
        ("1_2", "1-2", "1_2", "12"),
        ("a-B", "a-b", "a_b", "AB"),
        ("DEFault", "de-fault", "de_fault", "Default"),
        ("ab12CD34ef", "ab12-cd-34ef", "ab12_cd_34ef", "Ab12CD34ef"),
        ("v2Beta1", "v2-beta1", "v2_beta1", "V2Beta1"),
        (
            "IPv6Address",
            "i-pv6-address",
            "i_pv6_address",
            "Ipv6Address",
        ),
        ("K8sVersion", "k-8s-version", "k_8s_version", "K8sVersion"),
        ("123", "123", "123", "123"),
        ("12ab34", "12ab34", "12ab34", "12ab34"),
        ("ab 12 cd", "ab-12-cd", "ab_12_cd", "Ab12Cd"),
        ("ab_12_cd", "ab-12-cd", "ab_12_cd", "Ab12Cd"),
        ("ABc", "a-bc", "a_bc", "Abc"),
        ("aB", "a-b", "a_b", "AB"),
    ];
    for (input, kebab, snake, camel) in cases {
        assert_eq!(kebabcase(input), kebab, "kebabcase {input:?}");
        assert_eq!(snakecase(input), snake, "snakecase {input:?}");
        assert_eq!(camelcase(input), camel, "camelcase {input:?}");
    }
}

#[test]
fn tpl_renders_with_the_current_context() {
    let ctx = context! {
        Values => Value::from(minijinja::value::Serde(serde_json::json!({"name": "web", "tmpl": "{{ Values.name }}-svc"}))),
        Release => context! { Name => "prod" },
    };
    assert_eq!(
        render(
            "{{ tpl(Values.tmpl) }} {{ tpl('{{ Release.Name }}') }}",
            ctx.clone()
        ),
        "web-svc prod"
    );
    assert_eq!(render("{{ tpl('{{ x }}', {'x': 5}) }}", ctx.clone()), "5");
    // An error inside the tpl text points into that text.
    // The outer error points at the `tpl(…)` call; its source is the error in the text.
    let outer = render_err("a\n{{ tpl('ok\\n{{ Values.nope.deeper }}') }}", ctx);
    assert_eq!(outer.name(), Some("<string>"));
    assert_eq!(outer.line(), Some(2));
    let err = std::error::Error::source(&outer)
        .and_then(|s| s.downcast_ref::<Error>())
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::UndefinedError);
    assert_eq!(err.name(), Some("<string>:tpl"));
    assert_eq!(err.line(), Some(2));
    let source = std::error::Error::source(err).and_then(|s| s.downcast_ref::<TplSource>());
    assert_eq!(
        source.map(|s| s.text.as_str()),
        Some("ok\n{{ Values.nope.deeper }}")
    );
}

#[test]
fn jinja_builtins_remain() {
    assert_eq!(render("{{ 'A' | lower }}{{ ' b ' | trim }}{{ 'c' | upper }}{{ 'xy' | replace('x', 'z') }}{{ none | default('d') }}", Value::UNDEFINED), "abCzynull");
}
