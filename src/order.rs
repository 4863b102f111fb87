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

/// Stable sort by Helm's install order; unknown kinds last, by kind name.
pub fn sort_helm(resources: &mut [Resource]) {
    let rank = |kind: &str| -> (usize, String) {
        match HELM_INSTALL_ORDER.iter().position(|k| *k == kind) {
            Some(i) => (i, String::new()),
            None => (HELM_INSTALL_ORDER.len(), kind.to_string()),
        }
    };
    resources.sort_by_cached_key(|r| rank(r.kind()));
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
