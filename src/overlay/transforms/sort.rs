//! `sortOptions`: kustomize's legacy order (the default, optionally with custom first/last
//! kinds) or `fifo` (input order). Runs once, on the top kustomization.

use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

const LEGACY_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const LEGACY_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    let opts = k.k.sort_options.clone().unwrap_or_default();
    match opts.order.as_deref() {
        Some("fifo") => {
            // Generated objects go after the loaded ones, each group in input order.
            objs.sort_by_key(|o| o.generated.is_some());
            Ok(())
        }
        None | Some("legacy") => {
            let legacy = opts.legacy_sort_options.unwrap_or_default();
            let first: Vec<&str> = if legacy.order_first.is_empty() && legacy.order_last.is_empty()
            {
                LEGACY_FIRST.to_vec()
            } else {
                legacy.order_first.iter().map(String::as_str).collect()
            };
            let last: Vec<&str> = if legacy.order_first.is_empty() && legacy.order_last.is_empty() {
                LEGACY_LAST.to_vec()
            } else {
                legacy.order_last.iter().map(String::as_str).collect()
            };
            // kustomize's legacy comparison: kind rank (first kinds negative, last positive,
            // others 0), then `group_version_kind` (`~G` for the core group), then the string
            // `namespace|name` (`~X` for no namespace) — compared as strings, not as tuples.
            objs.sort_by_cached_key(|o| {
                let kind = o.kind();
                let rank: i64 = match (first.iter().position(|k| *k == kind), last.iter().position(|k| *k == kind)) {
                    (Some(i), _) => i as i64 - first.len() as i64,
                    (None, Some(i)) => 1 + i as i64,
                    (None, None) => 0,
                };
                let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
                let gvk = format!("{}_{}_{}", or(o.group(), "~G"), or(o.version(), "~V"), or(kind, "~K"));
                let id = format!("{}|{}", or(o.namespace(), "~X"), or(o.name(), "~N"));
                (rank, gvk, id)
            });
            Ok(())
        }
        Some(other) => Err(k.error(
            "order",
            format!("sortOptions.order `{other}` is not legacy or fifo"),
        )),
    }
}
