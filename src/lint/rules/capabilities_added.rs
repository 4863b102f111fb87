//! `capabilities-added`: `securityContext.capabilities.add`.

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
            let Some(add) = c
                .value
                .pointer("/securityContext/capabilities/add")
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty())
            else {
                continue;
            };
            // The restricted Pod Security Standard allows adding NET_BIND_SERVICE alone (binding
            // a port below 1024 as a non-root user): no finding for it.
            let caps: Vec<String> = add
                .iter()
                .map(crate::lint::pods::label_text)
                .filter(|c| !matches!(c.as_str(), "NET_BIND_SERVICE" | "CAP_NET_BIND_SERVICE"))
                .collect();
            if caps.is_empty() {
                continue;
            }
            sink.object(
                i,
                format!("{}.securityContext.capabilities.add", c.path),
                format!(
                    "container `{}` adds capabilities {}: drop ALL and add back only what it needs",
                    c.name,
                    caps.join(", ")
                ),
            );
        }
    }
}
