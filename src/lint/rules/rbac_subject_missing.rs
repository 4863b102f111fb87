//! `rbac-subject-missing`: a binding's ServiceAccount subjects exist in the set.

use super::Sink;
use crate::lint::pods::str_of;
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding") {
            continue;
        }
        let Some(subjects) = r.value.get("subjects").and_then(Value::as_array) else {
            continue;
        };
        for (s, subject) in subjects.iter().enumerate() {
            if str_of(subject, "kind") != "ServiceAccount" {
                continue;
            }
            let name = str_of(subject, "name");
            let ns = match str_of(subject, "namespace") {
                "" => set.namespace_of(r),
                ns => ns,
            };
            if name == "default" || ns.is_empty() || set.has("ServiceAccount", ns, name) {
                continue;
            }
            sink.object(
                i,
                format!("subjects[{s}].name"),
                format!("ServiceAccount `{ns}/{name}` is not in the set: add it, or fix the subject's name or namespace"),
            );
        }
    }
}
