//! `daemonset-no-tolerations`: other workloads tolerate taints, a DaemonSet tolerates none.

use super::Sink;
use crate::lint::pods::pod_template;
use crate::lint::set::LintSet;
use serde_json::Value;

fn tolerations(v: &Value) -> usize {
    pod_template(v)
        .and_then(|p| p.get("tolerations"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    let others = set
        .objects
        .iter()
        .filter(|r| r.kind() != "DaemonSet")
        .any(|r| tolerations(&r.value) > 0);
    if !others {
        return;
    }
    for (i, r) in set.of_kind("DaemonSet") {
        if tolerations(&r.value) == 0 {
            sink.object(
                i,
                "spec.template.spec",
                "other workloads tolerate taints, so some nodes are tainted, but this DaemonSet tolerates none and will not run there: add tolerations if it must run on every node",
            );
        }
    }
}
