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
            objs.sort_by_cached_key(|o| {
                let kind = o.kind();
                let rank = match (
                    first.iter().position(|k| *k == kind),
                    last.iter().position(|k| *k == kind),
                ) {
                    (Some(i), _) => (0, i),
                    (None, Some(i)) => (2, i),
                    (None, None) => (1, 0),
                };
                // Others by group_version_kind, the core group written `~G` (sorts after groups).
                let group = if o.group().is_empty() {
                    "~G"
                } else {
                    o.group()
                };
                let gvk = format!("{group}_{}_{kind}", o.version());
                (rank, gvk, o.namespace().to_string(), o.name().to_string())
            });
            Ok(())
        }
        Some(other) => Err(k.error(
            "order",
            format!("sortOptions.order `{other}` is not legacy or fifo"),
        )),
    }
}
