//! `affinity-selector-unmatched`: a pod (anti-)affinity labelSelector selects some pod template
//! of the set.

use super::Sink;
use crate::lint::pods::{label_text, pod_template, selector_matches};
use crate::lint::set::LintSet;
use serde_json::{Map, Value};
use std::collections::HashMap;

pub fn check(set: &LintSet, sink: &mut Sink) {
    let labels: Vec<Option<&Map<String, Value>>> = set
        .objects
        .iter()
        .filter_map(|r| pod_template(&r.value))
        .map(|p| p.labels())
        .collect();
    // Pod templates by label, so a selector with matchLabels only tries the templates that have
    // its first label.
    let mut by_label: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    for (t, l) in labels.iter().enumerate() {
        for (k, v) in l.iter().flat_map(|m| m.iter()) {
            by_label
                .entry((k.as_str(), label_text(v)))
                .or_default()
                .push(t);
        }
    }
    let matches_some = |selector: &Value| -> bool {
        let first = selector
            .get("matchLabels")
            .and_then(Value::as_object)
            .and_then(|m| m.iter().next());
        match first {
            Some((k, v)) => by_label
                .get(&(k.as_str(), label_text(v)))
                .is_some_and(|ts| ts.iter().any(|&t| selector_matches(selector, labels[t]))),
            None => labels.iter().any(|l| selector_matches(selector, *l)),
        }
    };
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for (path, term) in pod.pod_affinity_terms() {
            let Some(selector) = term.get("labelSelector") else {
                continue;
            };
            if !matches_some(selector) {
                sink.object(
                    i,
                    format!("{path}.labelSelector"),
                    "labelSelector matches no pod template in the set: check its labels against the pods it should select",
                );
            }
        }
    }
}
