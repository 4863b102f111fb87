//! `host-namespaces`: hostNetwork, hostPID, hostIPC.

use super::Sink;
use crate::lint::pods::pod_template;
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for (key, what) in [
            ("hostNetwork", "network"),
            ("hostPID", "process"),
            ("hostIPC", "IPC"),
        ] {
            if pod.get(key) == Some(&Value::Bool(true)) {
                sink.object(
                    i,
                    pod.path(key),
                    format!("{key}: true shares the node's {what} namespace with the pod: remove it unless this is a node agent that needs it"),
                );
            }
        }
    }
}
