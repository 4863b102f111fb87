//! `host-path`: hostPath volumes.

use super::Sink;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        let Some(volumes) = pod.get("volumes").and_then(Value::as_array) else {
            continue;
        };
        for (v, vol) in volumes.iter().enumerate() {
            if let Some(hp) = vol.get("hostPath") {
                sink.object(
                    i,
                    format!("{}[{v}].hostPath", pod.path("volumes")),
                    format!(
                        "volume `{}` mounts the node's `{}`: make sure the pod needs host files (node agents do); mount it readOnly where possible",
                        str_of(vol, "name"),
                        str_of(hp, "path")
                    ),
                );
            }
        }
    }
}
