//! `service-account-missing`: a pod's serviceAccountName exists in the set (or is `default`).

use super::Sink;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        let (key, name) = match str_of(pod.spec, "serviceAccountName") {
            "" => ("serviceAccount", str_of(pod.spec, "serviceAccount")),
            n => ("serviceAccountName", n),
        };
        let ns = set.namespace_of(r);
        if name.is_empty() || name == "default" || set.has("ServiceAccount", ns, name) {
            continue;
        }
        sink.object(
            i,
            pod.path(key),
            format!("ServiceAccount `{name}` is not in the set (namespace `{ns}`): pods will not start until it exists; add it or fix the name"),
        );
    }
}
