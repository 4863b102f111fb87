//! The one walk over pod templates that every pod and container rule uses, and label selector
//! matching.
//!
//! Where the pod template sits, by kind: Pod → the object itself (`metadata`, `spec`);
//! Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job → `spec.template`;
//! CronJob → `spec.jobTemplate.spec.template`. Rules ask [`pod_template`] and never look at kinds.

use serde_json::{Map, Value};

/// A pod template found in an object, with the YAML paths of its parts.
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a> {
    /// The pod's `metadata` (may be absent).
    pub metadata: Option<&'a Value>,
    /// The pod spec.
    pub spec: &'a Value,
    /// Path of the template's `metadata` (`spec.template.metadata`, `metadata` for a Pod).
    pub metadata_path: &'static str,
    /// Path of the pod spec (`spec.template.spec`, `spec` for a Pod).
    pub spec_path: &'static str,
}

/// One container of a pod template.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    pub value: &'a Value,
    /// `spec.template.spec.containers[0]`.
    pub path: String,
    pub name: &'a str,
    /// An init container.
    pub init: bool,
}

/// The pod template of an object, if its kind has one.
pub fn pod_template(obj: &Value) -> Option<PodTemplate<'_>> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let (template, metadata_path, spec_path) = match kind {
        "Pod" => (Some(obj), "metadata", "spec"),
        "Deployment"
        | "ReplicaSet"
        | "ReplicationController"
        | "StatefulSet"
        | "DaemonSet"
        | "Job" => (
            obj.pointer("/spec/template"),
            "spec.template.metadata",
            "spec.template.spec",
        ),
        "CronJob" => (
            obj.pointer("/spec/jobTemplate/spec/template"),
            "spec.jobTemplate.spec.template.metadata",
            "spec.jobTemplate.spec.template.spec",
        ),
        _ => return None,
    };
    let template = template?;
    Some(PodTemplate {
        metadata: template.get("metadata"),
        spec: template.get("spec")?,
        metadata_path,
        spec_path,
    })
}

impl<'a> PodTemplate<'a> {
    /// The template's labels (empty when it has none).
    pub fn labels(&self) -> Option<&'a Map<String, Value>> {
        self.metadata?.get("labels")?.as_object()
    }

    /// The template's annotations.
    pub fn annotations(&self) -> Option<&'a Map<String, Value>> {
        self.metadata?.get("annotations")?.as_object()
    }

    /// A field of the pod spec.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.spec.get(key)
    }

    /// `spec_path.key`.
    pub fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.spec_path)
    }

    /// Init containers, then containers, with their paths.
    pub fn containers(&self) -> Vec<Container<'a>> {
        let mut out = Vec::new();
        for (key, init) in [("initContainers", true), ("containers", false)] {
            let Some(items) = self.spec.get(key).and_then(Value::as_array) else {
                continue;
            };
            for (i, c) in items.iter().enumerate() {
                out.push(Container {
                    value: c,
                    path: format!("{}.{key}[{i}]", self.spec_path),
                    name: c.get("name").and_then(Value::as_str).unwrap_or(""),
                    init,
                });
            }
        }
        out
    }

    /// `(path, term)` for every pod affinity and anti-affinity term, required and preferred
    /// (the preferred ones' `podAffinityTerm`).
    pub fn pod_affinity_terms(&self) -> Vec<(String, &'a Value)> {
        let mut out = Vec::new();
        for kind in ["podAffinity", "podAntiAffinity"] {
            let Some(aff) = self.spec.get("affinity").and_then(|a| a.get(kind)) else {
                continue;
            };
            let base = format!("{}.affinity.{kind}", self.spec_path);
            if let Some(terms) = aff
                .get("requiredDuringSchedulingIgnoredDuringExecution")
                .and_then(Value::as_array)
            {
                for (i, t) in terms.iter().enumerate() {
                    out.push((
                        format!("{base}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
                        t,
                    ));
                }
            }
            if let Some(terms) = aff
                .get("preferredDuringSchedulingIgnoredDuringExecution")
                .and_then(Value::as_array)
            {
                for (i, t) in terms.iter().enumerate() {
                    if let Some(term) = t.get("podAffinityTerm") {
                        out.push((
                            format!(
                                "{base}.preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm"
                            ),
                            term,
                        ));
                    }
                }
            }
        }
        out
    }
}

/// A `string` field of a container (`""` when absent).
pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Whether a `LabelSelector` (`matchLabels`, `matchExpressions`) selects `labels`. An empty
/// selector selects everything.
pub fn selector_matches(selector: &Value, labels: Option<&Map<String, Value>>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).map(label_text);
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            if get(k).as_deref() != Some(label_text(v).as_str()) {
                return false;
            }
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = str_of(e, "key");
            let values: Vec<String> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|v| v.iter().map(label_text).collect())
                .unwrap_or_default();
            let have = get(key);
            let ok = match str_of(e, "operator") {
                "In" => have.is_some_and(|h| values.contains(&h)),
                "NotIn" => !have.is_some_and(|h| values.contains(&h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// A label value as text (YAML may have made `"true"` a bool if unquoted).
pub fn label_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether a selector has no terms at all.
pub fn selector_is_empty(selector: &Value) -> bool {
    let empty = |k: &str| {
        selector.get(k).is_none_or(|v| match v {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Null => true,
            _ => false,
        })
    };
    empty("matchLabels") && empty("matchExpressions")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_workload_kind_has_its_template() {
        let pod = json!({"spec": {"containers": [{"name": "a"}]}});
        for (obj, path) in [
            (json!({"kind": "Pod", "spec": pod["spec"]}), "spec"),
            (
                json!({"kind": "Deployment", "spec": {"template": pod}}),
                "spec.template.spec",
            ),
            (
                json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": pod}}}}),
                "spec.jobTemplate.spec.template.spec",
            ),
        ] {
            let t = pod_template(&obj).unwrap();
            assert_eq!(t.spec_path, path);
            assert_eq!(t.containers()[0].path, format!("{path}.containers[0]"));
        }
        assert!(pod_template(&json!({"kind": "Service"})).is_none());
    }

    #[test]
    fn selectors() {
        let labels = json!({"app": "web", "tier": "api"});
        let labels = labels.as_object();
        assert!(selector_matches(
            &json!({"matchLabels": {"app": "web"}}),
            labels
        ));
        assert!(!selector_matches(
            &json!({"matchLabels": {"app": "db"}}),
            labels
        ));
        assert!(selector_matches(
            &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["api", "x"]}]}),
            labels
        ));
        assert!(!selector_matches(
            &json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}),
            labels
        ));
    }
}
