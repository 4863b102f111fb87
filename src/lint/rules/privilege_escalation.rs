//! `privilege-escalation`: `allowPrivilegeEscalation` not set to false.

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
            let v = c.value.pointer("/securityContext/allowPrivilegeEscalation");
            if v != Some(&Value::Bool(false)) {
                let path = match v {
                    Some(_) => format!("{}.securityContext.allowPrivilegeEscalation", c.path),
                    None => c.path.clone(),
                };
                sink.object(
                    i,
                    path,
                    format!("container `{}` allows privilege escalation (setuid binaries can gain root): set securityContext.allowPrivilegeEscalation: false", c.name),
                );
            }
        }
    }
}
