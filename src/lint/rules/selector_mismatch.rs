//! `selector-mismatch`: a workload's selector selects its own pod template.

use super::Sink;
use crate::lint::pods::{pod_template, selector_is_empty, selector_matches};
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let kind = r.kind();
        let needs_selector = match kind {
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => true,
            "Job" => r.value.pointer("/spec/manualSelector") == Some(&Value::Bool(true)),
            _ => false,
        };
        if !needs_selector {
            continue;
        }
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        let Some(selector) = r.value.pointer("/spec/selector") else {
            if kind != "Job" {
                continue; // a required field: the schema rule reports it, once
            }
            sink.object(
                i,
                "spec",
                format!("{kind} has no spec.selector: add matchLabels that are a subset of spec.template.metadata.labels"),
            );
            continue;
        };
        if selector_is_empty(selector) {
            sink.object(
                i,
                "spec.selector",
                "spec.selector is empty, which the API server rejects: select the pod template's labels with matchLabels",
            );
            continue;
        }
        if !selector_matches(selector, pod.labels()) {
            let labels = pod
                .labels()
                .map(|l| {
                    l.iter()
                        .map(|(k, v)| format!("{k}={}", crate::lint::pods::label_text(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            sink.object(
                i,
                "spec.selector",
                format!(
                    "spec.selector does not select the pod template's labels ({}): make the selector's labels a subset of spec.template.metadata.labels",
                    if labels.is_empty() { "none".to_string() } else { labels }
                ),
            );
        }
    }
}
