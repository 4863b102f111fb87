//! `hpa-replicas`: a workload that an autoscaler scales also sets `spec.replicas`.

use super::scale_target::target;
use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (_, r) in set.iter() {
        let Some((kind, name)) = target(r) else {
            continue;
        };
        for &w in set.find(kind, set.namespace_of(r), name) {
            if set.objects[w].value.pointer("/spec/replicas").is_some() {
                sink.object(
                    w,
                    "spec.replicas",
                    format!("{} `{}` scales this workload, and every apply of spec.replicas resets its scale: remove spec.replicas (and the overlay's replicas: entry)", r.kind(), r.name()),
                );
            }
        }
    }
}
