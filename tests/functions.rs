//! Every template function case of tests/functions/cases.txt, rendered by kiln's Go template engine
//! with kiln's function map, against what helm 4.1.4 printed for it (tests/functions/helm.jsonl,
//! recorded by scripts/record-helm-functions.sh).

use std::collections::BTreeMap;
use std::path::Path;

use kiln::render::gotmpl::exec::{on_render_stack, Exec, Limits, TemplateSet};
use kiln::render::gotmpl::{FuncMap, Map, MapType, NumberMode, Value};

fn funcs() -> FuncMap {
    let mut map = FuncMap::new();
    kiln::render::gotmpl::builtins::register(&mut map);
    kiln::render::gotmpl::exec::register_control(&mut map);
    kiln::render::gotmpl::helmfuncs::register(&mut map);
    kiln::functions::register(&mut map);
    map
}

/// Renders one template the way helm renders NOTES.txt: `<no value>` removed, then trimmed.
fn render(funcs: &FuncMap, values: &serde_json::Value, text: &str) -> Result<String, String> {
    let mut set = TemplateSet::new();
    set.add_file("functions/templates/NOTES.txt", text, funcs)
        .map_err(|e| e.to_string())?;
    let values = match Value::from_json(values, NumberMode::Float64) {
        Value::Map(m) => Value::Map(Map::with_type(MapType::Values, m.borrow().clone())),
        other => other,
    };
    let mut data = BTreeMap::new();
    data.insert("Values".to_owned(), values);
    let data = Value::map(data);
    kiln::functions::random::reset();
    let mut exec = Exec::new(&set, funcs, Limits::default(), 7);
    let out = exec
        .execute("functions/templates/NOTES.txt", &data)
        .map_err(|e| e.to_string())?;
    Ok(out.replace("<no value>", "").trim().to_owned())
}

#[test]
fn every_function_case_prints_what_helm_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/functions");
    let values_text = std::fs::read_to_string(dir.join("chart/values.yaml")).unwrap();
    let values = kiln::yaml::parse_document(&values_text, "values.yaml").unwrap();
    let recorded: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("helm.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let cases: Vec<String> = std::fs::read_to_string(dir.join("cases.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        cases.len(),
        recorded.len(),
        "helm.jsonl is out of date: run scripts/record-helm-functions.sh"
    );
    let failures = on_render_stack(|| {
        let funcs = funcs();
        let mut failures = Vec::new();
        for (case, golden) in cases.iter().zip(&recorded) {
            assert_eq!(
                golden["case"].as_str(),
                Some(case.as_str()),
                "helm.jsonl order"
            );
            let (loose, text) = match case.strip_prefix("~ ") {
                Some(t) => (true, t),
                None => (false, case.as_str()),
            };
            let ours = render(&funcs, &values, text);
            let verdict = match (&ours, golden.get("out"), golden.get("err")) {
                (Ok(out), Some(want), _) if want.as_str() == Some(out.trim()) => None,
                (Err(_), _, Some(_)) if loose => None,
                (Err(e), _, Some(want)) if e.contains(want.as_str().unwrap_or_default()) => None,
                (got, want_out, want_err) => Some(format!(
                    "{text}\n  helm: {}\n  kiln: {got:?}",
                    want_out.or(want_err).unwrap()
                )),
            };
            failures.extend(verdict);
        }
        failures
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Renders `text` with the seed `seed` (the values of tests/functions/chart).
fn render_seeded(text: &str, seed: u64) -> Result<String, String> {
    let text = text.to_owned();
    on_render_stack(move || {
        let funcs = funcs();
        let mut set = TemplateSet::new();
        set.add_file("t", &text, &funcs)
            .map_err(|e| e.to_string())?;
        kiln::functions::random::reset();
        let mut exec = Exec::new(&set, &funcs, Limits::default(), seed);
        exec.execute("t", &Value::map(BTreeMap::new()))
            .map_err(|e| e.to_string())
    })
}

#[test]
fn random_values_have_sprigs_shapes_and_repeat_per_seed() {
    let text = r#"{{ randAlphaNum 12 }}|{{ randAlpha 8 }}|{{ randNumeric 6 }}|{{ randAscii 5 | len }}|{{ randBytes 9 }}|{{ randInt 3 5 }}|{{ uuidv4 }}|{{ shuffle "abc" | len }}"#;
    let out = render_seeded(text, 1).unwrap();
    let parts: Vec<&str> = out.split('|').collect();
    assert_eq!(parts.len(), 8, "{out}");
    assert!(parts[0].len() == 12 && parts[0].bytes().all(|b| b.is_ascii_alphanumeric()));
    assert!(parts[1].len() == 8 && parts[1].bytes().all(|b| b.is_ascii_alphabetic()));
    assert!(parts[2].len() == 6 && parts[2].bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(parts[3], "5");
    assert_eq!(parts[4].len(), 12, "9 bytes in base64");
    assert!(parts[5] == "3" || parts[5] == "4");
    assert_eq!(parts[6].len(), 36);
    assert_eq!(parts[6].as_bytes()[14], b'4', "a version 4 UUID");
    assert_eq!(parts[7], "3");
    assert_eq!(
        render_seeded(text, 1).unwrap(),
        out,
        "same seed, same output"
    );
    assert_ne!(
        render_seeded(text, 2).unwrap(),
        out,
        "another seed, other values"
    );
    // Two calls in one render differ.
    let two = render_seeded("{{ randAlphaNum 16 }}|{{ randAlphaNum 16 }}", 1).unwrap();
    let (a, b) = two.split_once('|').unwrap();
    assert_ne!(a, b);
}

#[test]
fn certificates_and_keys_through_the_engine() {
    let text = r#"{{- $ca := genCA "kiln-ca" 365 -}}
{{- $cert := genSignedCert "svc.ns.svc" (list "10.0.0.1") (list "svc" "svc.ns") 30 $ca -}}
{{- $self := genSelfSignedCert "self" nil (list "self.local") 10 -}}
{{ $ca.Cert }}{{ $cert.Cert }}{{ $cert.Key }}{{ $self.Cert }}{{ typeOf $ca }}
{{ genPrivateKey "ecdsa" }}{{ genPrivateKey "ed25519" }}{{ genPrivateKey "nope" }}
{{ genPrivateKey "dsa" }}
{{ $k := genPrivateKey "ecdsa" }}{{ (genCAWithKey "with-key" 1 $k).Key | eq $k }}
{{ $enc := encryptAES "pw" "secret text" }}{{ decryptAES "pw" $enc }}
{{ $h := htpasswd "admin" "pw" }}{{ hasPrefix "admin:$2a$10$" $h }}"#;
    let out = render_seeded(text, 5).unwrap();
    let count = |s: &str| out.matches(s).count();
    assert_eq!(count("-----BEGIN CERTIFICATE-----\n"), 3, "{out}");
    assert_eq!(count("-----BEGIN RSA PRIVATE KEY-----\n"), 1);
    assert_eq!(count("-----BEGIN EC PRIVATE KEY-----\n"), 1);
    assert_eq!(count("-----BEGIN PRIVATE KEY-----\n"), 1);
    // Helm's DSA key: the `DSA PRIVATE KEY` sequence (version 0, then p q g y x) of a 2048-bit
    // key: a body of 0x3xx bytes, starting with version 0 and p's 257-byte integer.
    let dsa = out
        .split("-----BEGIN DSA PRIVATE KEY-----\n")
        .nth(1)
        .unwrap();
    assert!(dsa.starts_with("MIID"), "{dsa}");
    assert_eq!(&dsa[8..16], "AAKCAQEA", "version 0, then p: {dsa}");
    assert_eq!(count("-----END DSA PRIVATE KEY-----\n"), 1);
    assert!(out.contains("sprig.certificate"));
    assert!(out.contains("Unknown type nope"));
    assert!(out.contains("\ntrue\nsecret text\ntrue"), "{out}");
}

#[test]
fn dates_through_the_engine() {
    let out = render_seeded(
        r#"{{ now | typeOf }}|{{ now | date "2006" | len }}|{{ ago (now | dateModify "-2h") }}|{{ durationRound (toDate "2006" "2001") }}"#,
        0,
    )
    .unwrap();
    let parts: Vec<&str> = out.split('|').collect();
    assert_eq!(parts[0], "time.Time");
    assert_eq!(parts[1], "4");
    assert_eq!(parts[2], "2h0m0s");
    assert!(parts[3].ends_with('y'), "{out}");
}

#[test]
fn huge_indents_are_a_budget_error_not_an_overflow() {
    // 10^18 spaces before each of 100 lines: the size check saturates instead of overflowing,
    // and the budget refuses the text before it is built.
    for f in ["indent", "nindent"] {
        let text = format!("{{{{ {f} 1000000000000000000 (repeat 99 \"x\\n\") }}}}");
        let err = render_seeded(&text, 1).expect_err(f);
        assert!(err.contains("more than kiln allows"), "{f}: {err}");
    }
}
