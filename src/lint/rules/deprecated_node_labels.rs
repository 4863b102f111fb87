//! `deprecated-node-labels`: `beta.kubernetes.io/os|arch` in nodeSelector or node affinity.

use super::Sink;
use crate::lint::locate::join;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;
use serde_json::Value;

fn replacement(key: &str) -> Option<&'static str> {
    match key {
        "beta.kubernetes.io/os" => Some("kubernetes.io/os"),
        "beta.kubernetes.io/arch" => Some("kubernetes.io/arch"),
        _ => None,
    }
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        let mut report = |path: String, key: &str| {
            if let Some(new) = replacement(key) {
                sink.object(
                    i,
                    path,
                    format!("node label `{key}` is deprecated: use `{new}`"),
                );
            }
        };
        if let Some(ns) = pod.get("nodeSelector").and_then(Value::as_object) {
            for key in ns.keys() {
                report(join(&pod.path("nodeSelector"), key), key);
            }
        }
        let Some(na) = pod.spec.pointer("/affinity/nodeAffinity") else {
            continue;
        };
        let base = pod.path("affinity.nodeAffinity");
        let mut terms: Vec<(String, &Value)> = Vec::new();
        if let Some(ts) = na
            .pointer("/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
            .and_then(Value::as_array)
        {
            for (t, term) in ts.iter().enumerate() {
                terms.push((
                    format!("{base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{t}]"),
                    term,
                ));
            }
        }
        if let Some(ts) = na
            .get("preferredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
        {
            for (t, term) in ts.iter().enumerate() {
                if let Some(pref) = term.get("preference") {
                    terms.push((
                        format!("{base}.preferredDuringSchedulingIgnoredDuringExecution[{t}].preference"),
                        pref,
                    ));
                }
            }
        }
        for (path, term) in terms {
            if let Some(exprs) = term.get("matchExpressions").and_then(Value::as_array) {
                for (e, expr) in exprs.iter().enumerate() {
                    report(
                        format!("{path}.matchExpressions[{e}].key"),
                        str_of(expr, "key"),
                    );
                }
            }
        }
    }
}
