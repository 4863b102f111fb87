//! `affinity-topology-key`: every pod (anti-)affinity term names its topology.

use super::Sink;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for (path, term) in pod.pod_affinity_terms() {
            if str_of(term, "topologyKey").is_empty() {
                sink.object(
                    i,
                    path,
                    "pod affinity term has no topologyKey: add one such as kubernetes.io/hostname (per node) or topology.kubernetes.io/zone",
                );
            }
        }
    }
}
