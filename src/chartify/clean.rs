//! Cleaning: drop what the API server wrote into an object (status, bookkeeping metadata,
//! kubectl's annotations, a Service's allocated cluster IP, a Job's generated selector), and
//! count what was dropped for the summary.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `metadata` fields the server fills in.
const SERVER_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "ownerReferences",
];

/// Annotations written by kubectl and the Deployment controller.
const SERVER_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// Labels the Job controller puts on a Job's selector and pod template.
const JOB_LABELS: &[&str] = &[
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "job-name",
    "batch.kubernetes.io/job-name",
];

/// What cleaning removed, by field, with the number of objects it was removed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dropped {
    pub counts: BTreeMap<String, usize>,
}

impl Dropped {
    fn note(&mut self, field: &str) {
        *self.counts.entry(field.to_string()).or_default() += 1;
    }

    /// `status (3 objects), metadata.uid (3 objects)` style, or `nothing`.
    pub fn describe(&self) -> String {
        if self.counts.is_empty() {
            return "nothing".into();
        }
        self.counts
            .iter()
            .map(|(f, n)| format!("{f} ({n} object{})", if *n == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Removes server-populated fields from `obj` (namespace handling is the caller's).
pub fn clean(obj: &mut Value, dropped: &mut Dropped) {
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Value::Object(map) = obj else { return };
    if map.remove("status").is_some() {
        dropped.note("status");
    }
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        clean_metadata(meta, "metadata", dropped);
    }
    match kind.as_str() {
        "Service" => {
            if let Some(Value::Object(spec)) = map.get_mut("spec") {
                let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
                if !headless {
                    for f in ["clusterIP", "clusterIPs"] {
                        if spec.remove(f).is_some() {
                            dropped.note(&format!("spec.{f}"));
                        }
                    }
                }
            }
        }
        "Job" => clean_job_spec(map.get_mut("spec"), "spec", dropped),
        "CronJob" => {
            if let Some(Value::Object(jt)) = map
                .get_mut("spec")
                .and_then(|s| s.get_mut("jobTemplate"))
            {
                if let Some(Value::Object(meta)) = jt.get_mut("metadata") {
                    clean_metadata(meta, "spec.jobTemplate.metadata", dropped);
                    if meta.is_empty() {
                        jt.remove("metadata");
                    }
                }
                clean_job_spec(jt.get_mut("spec"), "spec.jobTemplate.spec", dropped);
            }
        }
        _ => {}
    }
    if let Some(pointer) = crate::chartify::refs::template_pointer(&kind) {
        if let Some(Value::Object(meta)) = obj.pointer_mut(&format!("{pointer}/metadata")) {
            if meta.get("creationTimestamp").is_some_and(Value::is_null) {
                meta.remove("creationTimestamp");
                dropped.note("pod template metadata.creationTimestamp: null");
            }
        }
        if let Some(Value::Object(tpl)) = obj.pointer_mut(pointer) {
            if tpl.get("metadata").is_some_and(|m| m.as_object().is_some_and(Map::is_empty)) {
                tpl.remove("metadata");
            }
        }
    }
}

fn clean_metadata(meta: &mut Map<String, Value>, at: &str, dropped: &mut Dropped) {
    for f in SERVER_METADATA {
        if meta.remove(*f).is_some() {
            dropped.note(&format!("{at}.{f}"));
        }
    }
    if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
        for a in SERVER_ANNOTATIONS {
            if ann.remove(*a).is_some() {
                dropped.note(&format!("annotation {a}"));
            }
        }
        if ann.is_empty() {
            meta.remove("annotations");
        }
    }
}

/// A Job read back from the server carries a generated selector and matching pod labels;
/// applied again they are rejected, so they go (unless `manualSelector` says they are the user's).
fn clean_job_spec(spec: Option<&mut Value>, at: &str, dropped: &mut Dropped) {
    let Some(Value::Object(spec)) = spec else {
        return;
    };
    if spec.get("manualSelector").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let generated = |m: &Map<String, Value>| m.keys().any(|k| JOB_LABELS.contains(&k.as_str()));
    let selector_generated = spec
        .get("selector")
        .and_then(|s| s.get("matchLabels"))
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty() && m.keys().all(|k| JOB_LABELS.contains(&k.as_str())));
    if selector_generated {
        spec.remove("selector");
        dropped.note(&format!("{at}.selector (generated)"));
    }
    if let Some(Value::Object(labels)) = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("metadata"))
        .and_then(|m| m.get_mut("labels"))
    {
        if generated(labels) {
            labels.retain(|k, _| !JOB_LABELS.contains(&k.as_str()));
            dropped.note(&format!("{at}.template labels (generated)"));
        }
    }
    if let Some(Value::Object(meta)) = spec.get_mut("template").and_then(|t| t.get_mut("metadata")) {
        if meta.get("labels").is_some_and(|l| l.as_object().is_some_and(Map::is_empty)) {
            meta.remove("labels");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_server_fields_and_counts_them() {
        let mut obj = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "uid": "1", "resourceVersion": "2",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "spec": {"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "ports": []},
            "status": {"loadBalancer": {}}
        });
        let mut d = Dropped::default();
        clean(&mut obj, &mut d);
        assert_eq!(
            obj,
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": []}})
        );
        assert_eq!(d.counts.len(), 6);
    }

    #[test]
    fn job_generated_selector_goes() {
        let mut obj = json!({
            "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
            "spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "x"}},
                "template": {"metadata": {"labels": {"batch.kubernetes.io/controller-uid": "x", "job-name": "j", "app": "a"}},
                    "spec": {"containers": []}}}
        });
        clean(&mut obj, &mut Dropped::default());
        assert_eq!(
            obj["spec"],
            json!({"template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": []}}})
        );
    }
}
