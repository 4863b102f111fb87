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
