//! `affinity-selector-unmatched`: a pod (anti-)affinity labelSelector selects some pod template
//! of the set.

use super::Sink;
use crate::lint::pods::{pod_template, selector_matches};
use crate::lint::set::LintSet;
use serde_json::{Map, Value};

pub fn check(set: &LintSet, sink: &mut Sink) {
    let labels: Vec<Option<&Map<String, Value>>> = set
        .objects
        .iter()
        .filter_map(|r| pod_template(&r.value))
        .map(|p| p.labels())
        .collect();
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for (path, term) in pod.pod_affinity_terms() {
            let Some(selector) = term.get("labelSelector") else {
                continue;
            };
            if !labels.iter().any(|l| selector_matches(selector, *l)) {
                sink.object(
                    i,
                    format!("{path}.labelSelector"),
                    "labelSelector matches no pod template in the set: check its labels against the pods it should select",
                );
            }
        }
    }
}
