//! `run-as-root`: containers that may run as root (pod and container securityContext combined).

use super::Sink;
use crate::lint::pods::pod_template;
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        let pod_sc = pod.get("securityContext");
        for c in pod.containers() {
            let sc = c.value.get("securityContext");
            let field = |k: &str| {
                sc.and_then(|s| s.get(k))
                    .filter(|v| !v.is_null())
                    .or_else(|| pod_sc.and_then(|s| s.get(k)).filter(|v| !v.is_null()))
            };
            let user = field("runAsUser").and_then(Value::as_i64);
            let non_root = field("runAsNonRoot") == Some(&Value::Bool(true));
            match user {
                Some(0) => sink.object(
                    i,
                    format!("{}.securityContext.runAsUser", c.path),
                    format!("container `{}` runs as root (runAsUser: 0): run as a non-zero user", c.name),
                ),
                Some(_) => {}
                None if non_root => {}
                None => sink.object(
                    i,
                    c.path.clone(),
                    format!("container `{}` may run as root (the image decides): set securityContext.runAsNonRoot: true or a non-zero runAsUser", c.name),
                ),
            }
        }
    }
}
