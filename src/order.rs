//! Install orders: Helm's (for charts) and kustomize's legacy order (for overlays).

use crate::resource::Resource;

/// Helm's install order; kinds not listed go last, sorted by kind.
pub const HELM_INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Stable sort by Helm's install order; unknown kinds last, by kind name. Hooks (objects with a
/// `helm.sh/hook` annotation) come after every other object, as `helm template` prints them,
/// ordered by kind like the others: helm 4.1.4 prints them in install order of their kinds, not by
/// `helm.sh/hook-weight` (the weight orders their execution in a cluster, not the output).
pub fn sort_helm(resources: &mut [Resource]) {
    let rank = |kind: &str| -> (usize, String) {
        match HELM_INSTALL_ORDER.iter().position(|k| *k == kind) {
            Some(i) => (i, String::new()),
            None => (HELM_INSTALL_ORDER.len(), kind.to_string()),
        }
    };
    resources.sort_by_cached_key(|r| {
        let hook = hook_annotation(r, "helm.sh/hook").is_some();
        (hook, rank(r.kind()))
    });
}

fn hook_annotation<'a>(r: &'a Resource, key: &str) -> Option<&'a str> {
    r.value.pointer("/metadata/annotations")?.get(key)?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(kind: &str, name: &str) -> Resource {
        Resource {
            value: serde_json::json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}),
            text: String::new(),
            source: String::new(),
            line: 1,
        }
    }

    #[test]
    fn hooks_come_last_in_kind_order_whatever_their_weight() {
        let hook = |name: &str, weight: &str| {
            let mut r = res("Job", name);
            r.value["metadata"]["annotations"] =
                serde_json::json!({"helm.sh/hook": "pre-install", "helm.sh/hook-weight": weight});
            r
        };
        let mut cm_hook = res("ConfigMap", "cm-hook");
        cm_hook.value["metadata"]["annotations"] =
            serde_json::json!({"helm.sh/hook": "post-install", "helm.sh/hook-weight": "9"});
        let mut v = vec![
            hook("first", "5"),
            res("ConfigMap", "cm"),
            hook("second", "-1"),
            res("Job", "plain"),
            cm_hook,
        ];
        sort_helm(&mut v);
        let names: Vec<_> = v.iter().map(|r| r.name()).collect();
        assert_eq!(names, ["cm", "plain", "cm-hook", "first", "second"]);
    }

    #[test]
    fn helm_order_is_stable_with_unknown_kinds_last() {
        let mut v = vec![
            res("Zebra", "z"),
            res("CronJob", "c1"),
            res("Alpha", "a"),
            res("ServiceAccount", "sa"),
            res("CronJob", "c0"),
            res("Namespace", "ns"),
        ];
        sort_helm(&mut v);
        let names: Vec<_> = v.iter().map(|r| r.name()).collect();
        assert_eq!(names, ["ns", "sa", "c1", "c0", "a", "z"]);
    }
}
