//! `chart-values-schema`: `values.schema.json` is valid JSON and a valid JSON Schema (the chart's
//! values are checked against it when the chart renders: see `chart-render`).

use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for chart in &set.charts {
        let file = chart.shown("values.schema.json");
        let Ok(Some(text)) = chart.read("values.schema.json") else {
            continue;
        };
        let schema: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                sink.file(
                    &file,
                    e.line(),
                    format!("values.schema.json is not valid JSON: {e}"),
                );
                continue;
            }
        };
        if let Err(e) = jsonschema::meta::validate(&schema) {
            let at = e.instance_path().to_string();
            sink.file(
                &file,
                pointer_line(&text, &at),
                format!(
                    "values.schema.json is not a valid JSON Schema: {e}{}",
                    if at.is_empty() {
                        String::new()
                    } else {
                        format!(" (at {at})")
                    }
                ),
            );
        }
        if let Some(e) = &chart.render_error {
            if e.kind() == crate::ErrorKind::Schema {
                sink.file(
                    &file,
                    1,
                    format!(
                        "the values do not satisfy values.schema.json: {}",
                        e.message()
                    ),
                );
            }
        }
    }
}

/// The line of the key a JSON pointer ends in: the first `"key":` after the lines of the keys
/// before it (a good guess for schema files, which are mostly one key per line).
fn pointer_line(text: &str, pointer: &str) -> usize {
    let mut from = 0;
    let lines: Vec<&str> = text.lines().collect();
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        let needle = format!("\"{}\"", seg.replace("~1", "/").replace("~0", "~"));
        match (from..lines.len()).find(|&i| lines[i].contains(&needle)) {
            Some(i) => from = i,
            None => break,
        }
    }
    from + 1
}
