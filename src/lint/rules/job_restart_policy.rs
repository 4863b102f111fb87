//! `job-restart-policy`: a Job's pods must not restart in place forever.

use super::Sink;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "Job" | "CronJob") {
            continue;
        }
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        match str_of(pod.spec, "restartPolicy") {
            "OnFailure" | "Never" => {}
            "" => sink.object(
                i,
                pod.spec_path,
                "restartPolicy is not set, so it is Always, which a Job does not allow: set restartPolicy: OnFailure (or Never)",
            ),
            other => sink.object(
                i,
                pod.path("restartPolicy"),
                format!("restartPolicy `{other}` is not allowed in a Job: use OnFailure (retry in the same pod) or Never (a new pod per retry)"),
            ),
        }
    }
}
