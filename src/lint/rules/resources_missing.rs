//! `resources-missing`: CPU and memory requests and a memory limit on every container.

use super::Sink;
use crate::lint::pods::pod_template;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for c in pod.containers() {
            let res = c.value.get("resources");
            let has = |p: &str| res.and_then(|v| v.pointer(p)).is_some_and(|v| !v.is_null());
            let missing: Vec<&str> = [
                ("/requests/cpu", "requests.cpu"),
                ("/requests/memory", "requests.memory"),
                ("/limits/memory", "limits.memory"),
            ]
            .iter()
            .filter(|(p, _)| !has(p))
            .map(|(_, n)| *n)
            .collect();
            if !missing.is_empty() {
                sink.object(
                    i,
                    format!("{}.resources", c.path),
                    format!("container `{}` sets no {}: set them so the scheduler can place the pod and a leak cannot exhaust the node", c.name, missing.join(", ")),
                );
            }
        }
    }
}
