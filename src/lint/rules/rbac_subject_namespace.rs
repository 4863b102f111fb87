//! `rbac-subject-namespace`: ServiceAccount subjects of a ClusterRoleBinding set a namespace.

use super::Sink;
use crate::lint::pods::str_of;
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.of_kind("ClusterRoleBinding") {
        let Some(subjects) = r.value.get("subjects").and_then(Value::as_array) else {
            continue;
        };
        for (s, subject) in subjects.iter().enumerate() {
            if str_of(subject, "kind") == "ServiceAccount"
                && str_of(subject, "namespace").is_empty()
            {
                sink.object(
                    i,
                    format!("subjects[{s}]"),
                    format!(
                        "ServiceAccount subject `{}` has no namespace, which a ClusterRoleBinding requires: add subjects[{s}].namespace",
                        str_of(subject, "name")
                    ),
                );
            }
        }
    }
}
