//! Likely typos in user values: a `--set`/`-f` key that the chart's values.yaml does not have and
//! that no template of the chart (or its subcharts) mentions. `kiln render` warns about them
//! (`--strict` makes that an error); Helm accepts them silently.

use crate::chart::Chart;
use serde_json::Value;

/// Forgets every chart's `values.schema.json` (`--skip-schema-validation`).
pub fn drop_schemas(chart: &mut Chart) {
    chart.schema = None;
    for sub in &mut chart.subcharts {
        drop_schemas(sub);
    }
}

/// The dotted paths of user values that look unused, in the order given.
pub fn unused_keys(chart: &Chart, user: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    collect_texts(chart, &mut texts);
    let mut out = Vec::new();
    if let Value::Object(map) = user {
        walk(chart, &chart.values, map, "", &texts, &mut out);
    }
    out
}

fn collect_texts<'c>(chart: &'c Chart, out: &mut Vec<&'c str>) {
    out.extend(chart.templates.iter().map(|t| t.text.as_str()));
    for sub in &chart.subcharts {
        collect_texts(sub, out);
    }
}

fn walk(
    chart: &Chart,
    defaults: &Value,
    user: &serde_json::Map<String, Value>,
    prefix: &str,
    texts: &[&str],
    out: &mut Vec<String>,
) {
    for (key, value) in user {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if prefix.is_empty() && key == "global" {
            continue;
        }
        let sub = prefix
            .is_empty()
            .then(|| chart.subcharts.iter().find(|s| s.values_key == *key))
            .flatten();
        let default = defaults.get(key).or_else(|| sub.map(|s| &s.values));
        match (default, value) {
            (Some(d), Value::Object(inner)) if d.is_object() => {
                // Inside a subchart's section, its own values.yaml gives the defaults.
                walk(sub.unwrap_or(chart), d, inner, &path, texts, out);
            }
            (Some(_), _) => {}
            (None, _) => {
                // A template that reads the whole parent map (`Values.labels | items`) uses
                // every key in it.
                let parent = prefix.rsplit('.').next().filter(|p| !p.is_empty());
                let parent_read = parent.is_some_and(|p| texts.iter().any(|t| reads_whole(t, p)));
                if !parent_read && !texts.iter().any(|t| mentions(t, key)) {
                    out.push(path);
                }
            }
        }
    }
}

/// `key` appears in `text` as a whole word.
fn mentions(text: &str, key: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(key).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + key.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// `key` appears as a whole word not followed by `.` or `[` (the map itself is used).
fn reads_whole(text: &str, key: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(key).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let rest = &text[i + key.len()..];
        let after = rest.chars().next();
        !before.is_some_and(word)
            && !after.is_some_and(word)
            && !matches!(rest.trim_start().chars().next(), Some('.' | '[' | ':'))
    })
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn whole_words_only() {
        assert!(mentions("{{ Values.image.tag }}", "tag"));
        assert!(mentions("Values['my-key']", "my-key"));
        assert!(!mentions("{{ Values.image.tags }}", "tag"));
        assert!(!mentions("{{ Values.image.tagg }}", "tag"));
    }

    #[test]
    fn whole_map_reads() {
        assert!(super::reads_whole(
            "{% for k, v in Values.labels | items %}",
            "labels"
        ));
        assert!(!super::reads_whole("{{ Values.labels.team }}", "labels"));
        assert!(!super::reads_whole("  labels:\n", "labels"));
    }
}
