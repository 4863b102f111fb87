//! `rbac-secrets-read`: get, list or watch on Secrets.

use super::rbac_wildcard::{list, rules};
use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "Role" | "ClusterRole") {
            continue;
        }
        for (n, rule) in rules(&r.value) {
            let groups = list(rule, "apiGroups");
            let core = groups.contains(&"") || groups.contains(&"*");
            let secrets = list(rule, "resources").contains(&"secrets");
            let verbs: Vec<&str> = list(rule, "verbs")
                .into_iter()
                .filter(|v| matches!(*v, "get" | "list" | "watch" | "*"))
                .collect();
            // resourceNames restricts get, list and watch to the named Secrets (list and watch
            // then need a metadata.name field selector): the fix this rule asks for.
            if !list(rule, "resourceNames").is_empty() {
                continue;
            }
            if core && secrets && !verbs.is_empty() {
                sink.object(
                    i,
                    format!("rules[{n}].resources"),
                    format!("grants {} on secrets, which reads every Secret in scope: fine for an operator that manages Secrets; otherwise mount the Secrets the workload needs, or restrict the rule with resourceNames", verbs.join(", ")),
                );
            }
        }
    }
}
