//! `privileged`: privileged containers.

use super::Sink;
use crate::lint::pods::pod_template;
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for c in pod.containers() {
            if c.value.pointer("/securityContext/privileged") == Some(&Value::Bool(true)) {
                sink.object(
                    i,
                    format!("{}.securityContext.privileged", c.path),
                    format!("container `{}` runs privileged, with every capability and the host's devices: remove privileged and add only the capabilities it needs", c.name),
                );
            }
        }
    }
}
