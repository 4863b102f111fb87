//! `rbac-wildcard`: `*` in a Role or ClusterRole rule.

use super::Sink;
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "Role" | "ClusterRole") {
            continue;
        }
        for (n, rule) in rules(&r.value) {
            for field in ["apiGroups", "resources", "verbs"] {
                if list(rule, field).contains(&"*") {
                    sink.object(
                        i,
                        format!("rules[{n}].{field}"),
                        format!("`*` in {field} grants every present and future {}: list the ones needed", match field {
                            "apiGroups" => "API group",
                            "resources" => "resource",
                            _ => "verb",
                        }),
                    );
                }
            }
        }
    }
}

/// The rules of a Role or ClusterRole with their indexes.
pub fn rules(role: &Value) -> impl Iterator<Item = (usize, &Value)> {
    role.get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// A list of strings of a rule.
pub fn list<'a>(rule: &'a Value, field: &str) -> Vec<&'a str> {
    rule.get(field)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}
