//! `rbac-pods-exec`: access to pods/exec or pods/attach.

use super::rbac_wildcard::{list, rules};
use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "Role" | "ClusterRole") {
            continue;
        }
        for (n, rule) in rules(&r.value) {
            for res in list(rule, "resources") {
                if matches!(res, "pods/exec" | "pods/attach" | "pods/*") {
                    sink.object(
                        i,
                        format!("rules[{n}].resources"),
                        format!("grants `{res}`, which runs commands inside pods with their permissions: give it to people through a separate role, not to workloads"),
                    );
                }
            }
        }
    }
}
