//! `scale-target-missing`: a HorizontalPodAutoscaler's or KEDA ScaledObject's scaleTargetRef names
//! a workload of the set.

use super::Sink;
use crate::lint::set::{str_at, LintSet};
use crate::resource::Resource;

/// The `(kind, name)` an autoscaler targets, for HPAs and KEDA ScaledObjects.
pub fn target(r: &Resource) -> Option<(&str, &str)> {
    let group = r.api_version().split('/').next().unwrap_or("");
    let default_kind = match (r.kind(), group) {
        ("HorizontalPodAutoscaler", "autoscaling") => "",
        ("ScaledObject", "keda.sh") => "Deployment",
        _ => return None,
    };
    let kind = match str_at(&r.value, &["spec", "scaleTargetRef", "kind"]) {
        "" => default_kind,
        k => k,
    };
    Some((kind, str_at(&r.value, &["spec", "scaleTargetRef", "name"])))
}

/// Built-in kinds with a scale subresource: the only ones a hint may suggest as the target.
const SCALABLE: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
];

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some((kind, name)) = target(r) else {
            continue;
        };
        if set.has(kind, set.namespace_of(r), name) {
            continue;
        }
        let same_name: Vec<&str> = set
            .iter()
            .filter(|(_, x)| x.name() == name && x.kind() != kind && SCALABLE.contains(&x.kind()))
            .map(|(_, x)| x.kind())
            .collect();
        let hint = match same_name.first() {
            Some(k) => format!("a {k} has that name: set scaleTargetRef.kind: {k}"),
            None => {
                "fix scaleTargetRef.name (names carry any prefix or suffix the overlay adds)".into()
            }
        };
        sink.object(
            i,
            "spec.scaleTargetRef",
            format!("scales {kind} `{name}`, which is not in the set: {hint}"),
        );
    }
}
