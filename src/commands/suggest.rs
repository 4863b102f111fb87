//! "Did you mean" for an undefined value: on the error path only, the chart's values are computed
//! again and the missing key is compared with the keys that exist at that level.

use crate::error::{Error, ErrorKind};
use crate::pipeline::ChartRenderConfig;
use serde_json::Value;

/// Adds a note to an undefined-value error of the top chart (`` `Values.cleanup.shedule` is not
/// defined ``): the closest existing key, or the keys there are.
pub fn undefined_value(e: Error, cfg: &ChartRenderConfig) -> Error {
    if e.kind() != ErrorKind::Template {
        return e;
    }
    let Some(path) = e
        .message()
        .strip_prefix("undefined value: `Values.")
        .and_then(|rest| rest.split('`').next())
    else {
        return e;
    };
    if e.location().is_some_and(|l| l.file.contains("/charts/")) {
        return e; // a subchart sees its own section; keep it simple and say nothing
    }
    let Some(values) = computed_values(cfg) else {
        return e;
    };
    match hint(&values, path) {
        Some(note) => e.with_note(note),
        None => e,
    }
}

fn computed_values(cfg: &ChartRenderConfig) -> Option<Value> {
    let chart = crate::chart::load_chart(&cfg.chart_dir).ok()?;
    let mut user = crate::values::user_values_with_files(&cfg.values).ok()?;
    if let Some(inline) = &cfg.inline_values {
        crate::values::merge_user(&mut user.values, inline.clone());
    }
    Some(
        crate::values::resolve_with_files(&chart, &user)
            .ok()?
            .values,
    )
}

/// The note for `path` (dotted, after `Values.`) missing from `values`.
fn hint(values: &Value, path: &str) -> Option<String> {
    let mut here = values;
    let mut walked = String::from("Values");
    for segment in path.split('.') {
        match here.get(segment) {
            Some(next) => {
                here = next;
                walked.push('.');
                walked.push_str(segment);
            }
            None => {
                let map = here.as_object()?;
                let best = map
                    .keys()
                    .map(|k| (distance(k, segment), k))
                    .filter(|(d, k)| *d <= 2.max(segment.len() / 4) && *d < k.len())
                    .min();
                return Some(match best {
                    Some((_, k)) => format!(
                        "did you mean `{walked}.{k}`? (`{walked}` has no key `{segment}`; for an optional value write `| default(...)`)"
                    ),
                    None if map.is_empty() => format!("`{walked}` is empty"),
                    None => {
                        let mut keys: Vec<&String> = map.keys().collect();
                        keys.sort();
                        let shown: Vec<&str> = keys.iter().take(12).map(|k| k.as_str()).collect();
                        format!(
                            "`{walked}` has no key `{segment}`; its keys: {}{}",
                            shown.join(", "),
                            if keys.len() > 12 { ", …" } else { "" }
                        )
                    }
                });
            }
        }
    }
    None
}

/// Levenshtein distance by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suggests_the_closest_key_or_lists_them() {
        let v = json!({"cleanup": {"schedule": "x", "enabled": true}, "image": {"tag": "1"}});
        assert_eq!(
            hint(&v, "cleanup.shedule").unwrap(),
            "did you mean `Values.cleanup.schedule`? (`Values.cleanup` has no key `shedule`; for an optional value write `| default(...)`)"
        );
        assert_eq!(
            hint(&v, "cleanup.zzzzzzzz").unwrap(),
            "`Values.cleanup` has no key `zzzzzzzz`; its keys: enabled, schedule"
        );
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
