//! The emitter against goldens recorded from the real tools
//! (`scripts/record-yaml-goldens.sh`): `helm template` of `{{ toYaml .Values }}`
//! and `kubectl kustomize` of a custom object holding the same data.
use kiln::yaml::{to_yaml, Style};
use serde_json::{json, Value};
use std::path::Path;

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/yaml_emit"))
}

fn corpora() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let value: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((name, value));
        }
    }
    assert!(!out.is_empty(), "no corpus in {}", dir().display());
    out
}

/// Reports the first differing line, which is far easier to read than a whole-file diff.
fn assert_same(got: &str, want: &str, what: &str) {
    if got == want {
        return;
    }
    let (g, w): (Vec<&str>, Vec<&str>) = (got.split('\n').collect(), want.split('\n').collect());
    for i in 0..g.len().max(w.len()) {
        let (gl, wl) = (g.get(i), w.get(i));
        if gl != wl {
            panic!(
                "{what}: first difference at line {}:\n  kiln: {gl:?}\n  tool: {wl:?}",
                i + 1
            );
        }
    }
    panic!("{what}: outputs differ");
}

#[test]
fn helm_to_yaml_matches_golden() {
    for (name, value) in corpora() {
        let want = std::fs::read_to_string(dir().join(format!("{name}.helm.yaml"))).unwrap();
        assert_same(
            &to_yaml(&value, Style::Helm),
            &want,
            &format!("{name}.helm.yaml"),
        );
    }
}

#[test]
fn kustomize_output_matches_golden() {
    for (name, value) in corpora() {
        let want = std::fs::read_to_string(dir().join(format!("{name}.kustomize.yaml"))).unwrap();
        let object = json!({
            "apiVersion": "kiln.test/v1",
            "kind": "Corpus",
            "metadata": {"name": "corpus"},
            "spec": value,
        });
        assert_same(
            &to_yaml(&object, Style::Kustomize),
            &want,
            &format!("{name}.kustomize.yaml"),
        );
    }
}

#[test]
fn golden_corpus_is_big_enough() {
    let (_, corpus) = corpora().into_iter().find(|(n, _)| n == "corpus").unwrap();
    assert!(corpus["scalarlist"].as_array().unwrap().len() >= 60);
}

/// Parses YAML with the YAML 1.1 rules kiln's parser uses.
fn parse_yaml11(text: &str) -> Value {
    // `Options` is `#[non_exhaustive]`: the crate's `options!` macro builds it.
    let options = serde_saphyr::options! { legacy_octal_numbers: true };
    serde_saphyr::from_str_with_options(text, options).unwrap()
}

#[test]
fn ambiguous_strings_survive_a_round_trip() {
    let tricky = [
        "on",
        "yes",
        "0644",
        "1.0",
        "~",
        "null",
        "Off",
        "y",
        "n",
        "true",
        "1e3",
        "0x1F",
        "12:30",
        "2024-01-01",
        "",
        " lead",
        "trail ",
        "*",
        "# x",
        "a: b",
        "-",
        "- x",
        "[a]",
        "{a}",
        "'q'",
        "\"d\"",
        "a\nb",
        "a\nb\n",
        "\n",
        "tab\there",
        "emoji 😀",
        ".inf",
        "-.5",
        "+1",
        "0o17",
        "007",
    ];
    for style in [Style::Helm, Style::Kustomize] {
        let value = json!({ "list": tricky.to_vec(), "map": tricky.iter().map(|s| (s.to_string(), json!(s))).collect::<serde_json::Map<_, _>>() });
        let text = to_yaml(&value, style);
        assert_eq!(parse_yaml11(&text), value, "{style:?}:\n{text}");
        // And with kiln's own reader, in both of its flavours.
        assert_eq!(kiln::yaml::parse_document(&text, "t.yaml").unwrap(), value);
        let kustomize =
            kiln::yaml::parse_document_as(&text, "t.yaml", 0, kiln::yaml::Flavor::Kustomize);
        assert_eq!(kustomize.unwrap(), value);
    }
}

#[test]
fn six_thousand_objects_emit_quickly() {
    let object = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web", "tier": "frontend"}},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
             "args": ["--port", "8080", "--verbose"], "env": [{"name": "MODE", "value": "on"}]}
        ]}}}
    });
    let start = std::time::Instant::now();
    let mut out = String::new();
    for _ in 0..6000 {
        kiln::yaml::emit::to_yaml_into(&mut out, &object, Style::Kustomize);
    }
    let elapsed = start.elapsed();
    eprintln!("6000 objects: {elapsed:?}, {} bytes", out.len());
    assert!(out.contains("value: \"on\""));
    // Generous bound so a loaded debug build passes; release takes a few ms.
    assert!(elapsed.as_millis() < 3000, "took {elapsed:?}");
}

#[test]
fn toyaml_filter_matches_helm_golden() {
    // The same data through minijinja values and the `toyaml` filter: Helm's
    // `toYaml` text is the document without its trailing newline.
    let mut env = minijinja::Environment::new();
    kiln::render::filters::register(&mut env);
    for (name, value) in corpora() {
        let want = std::fs::read_to_string(dir().join(format!("{name}.helm.yaml"))).unwrap();
        let ctx =
            minijinja::context! { v => minijinja::Value::from(minijinja::value::Serde(&value)) };
        let got = env.render_str("{{ v | toyaml }}", ctx).unwrap();
        assert_same(
            &got,
            want.strip_suffix('\n').unwrap(),
            &format!("{name}.helm.yaml via toyaml"),
        );
    }
}
