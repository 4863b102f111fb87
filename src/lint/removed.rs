//! Built-in API versions that Kubernetes stopped serving, with the release that removed them and
//! the version that replaced them (the Kubernetes "Deprecated API Migration Guide").
//!
//! The `schema` rule reports an object of such a version as an error when the linted Kubernetes
//! version (`--kube-version`) is that release or later.

/// One removed group/version of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// The minor release that stopped serving it (`25` for 1.25).
    pub removed_in: u32,
    /// The apiVersion to use instead; empty when the kind itself is gone.
    pub replacement: &'static str,
    /// What to do when there is no replacement version.
    pub note: &'static str,
}

macro_rules! removed {
    ($($av:literal $kind:literal $minor:literal => $to:literal $(, $note:literal)?;)*) => {
        &[$(Removed {
            api_version: $av,
            kind: $kind,
            removed_in: $minor,
            replacement: $to,
            note: removed!(@note $($note)?),
        }),*]
    };
    (@note) => { "" };
    (@note $n:literal) => { $n };
}

/// Every removed built-in group/version by kind, newest removals first.
pub static REMOVED: &[Removed] = removed! {
    "flowcontrol.apiserver.k8s.io/v1beta3" "FlowSchema" 32 => "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta3" "PriorityLevelConfiguration" 32 => "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta2" "FlowSchema" 29 => "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta2" "PriorityLevelConfiguration" 29 => "flowcontrol.apiserver.k8s.io/v1";
    "storage.k8s.io/v1beta1" "CSIStorageCapacity" 27 => "storage.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta1" "FlowSchema" 26 => "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta1" "PriorityLevelConfiguration" 26 => "flowcontrol.apiserver.k8s.io/v1";
    "autoscaling/v2beta2" "HorizontalPodAutoscaler" 26 => "autoscaling/v2";
    "autoscaling/v2beta1" "HorizontalPodAutoscaler" 25 => "autoscaling/v2";
    "batch/v1beta1" "CronJob" 25 => "batch/v1";
    "discovery.k8s.io/v1beta1" "EndpointSlice" 25 => "discovery.k8s.io/v1";
    "events.k8s.io/v1beta1" "Event" 25 => "events.k8s.io/v1";
    "node.k8s.io/v1beta1" "RuntimeClass" 25 => "node.k8s.io/v1";
    "policy/v1beta1" "PodDisruptionBudget" 25 => "policy/v1";
    "policy/v1beta1" "PodSecurityPolicy" 25 => "",
        "PodSecurityPolicy is gone: enforce Pod Security Standards with Pod Security Admission (pod-security.kubernetes.io/* namespace labels) or a policy engine";
    "admissionregistration.k8s.io/v1beta1" "MutatingWebhookConfiguration" 22 => "admissionregistration.k8s.io/v1";
    "admissionregistration.k8s.io/v1beta1" "ValidatingWebhookConfiguration" 22 => "admissionregistration.k8s.io/v1";
    "apiextensions.k8s.io/v1beta1" "CustomResourceDefinition" 22 => "apiextensions.k8s.io/v1";
    "apiregistration.k8s.io/v1beta1" "APIService" 22 => "apiregistration.k8s.io/v1";
    "authentication.k8s.io/v1beta1" "TokenReview" 22 => "authentication.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "LocalSubjectAccessReview" 22 => "authorization.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "SelfSubjectAccessReview" 22 => "authorization.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "SubjectAccessReview" 22 => "authorization.k8s.io/v1";
    "certificates.k8s.io/v1beta1" "CertificateSigningRequest" 22 => "certificates.k8s.io/v1";
    "coordination.k8s.io/v1beta1" "Lease" 22 => "coordination.k8s.io/v1";
    "extensions/v1beta1" "Ingress" 22 => "networking.k8s.io/v1";
    "networking.k8s.io/v1beta1" "Ingress" 22 => "networking.k8s.io/v1";
    "networking.k8s.io/v1beta1" "IngressClass" 22 => "networking.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "ClusterRole" 22 => "rbac.authorization.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "ClusterRoleBinding" 22 => "rbac.authorization.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "Role" 22 => "rbac.authorization.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "RoleBinding" 22 => "rbac.authorization.k8s.io/v1";
    "scheduling.k8s.io/v1beta1" "PriorityClass" 22 => "scheduling.k8s.io/v1";
    "storage.k8s.io/v1beta1" "CSIDriver" 22 => "storage.k8s.io/v1";
    "storage.k8s.io/v1beta1" "CSINode" 22 => "storage.k8s.io/v1";
    "storage.k8s.io/v1beta1" "StorageClass" 22 => "storage.k8s.io/v1";
    "storage.k8s.io/v1beta1" "VolumeAttachment" 22 => "storage.k8s.io/v1";
    "extensions/v1beta1" "NetworkPolicy" 16 => "networking.k8s.io/v1";
    "extensions/v1beta1" "PodSecurityPolicy" 16 => "",
        "PodSecurityPolicy is gone: enforce Pod Security Standards with Pod Security Admission (pod-security.kubernetes.io/* namespace labels) or a policy engine";
    "extensions/v1beta1" "DaemonSet" 16 => "apps/v1";
    "apps/v1beta2" "DaemonSet" 16 => "apps/v1";
    "extensions/v1beta1" "Deployment" 16 => "apps/v1";
    "apps/v1beta1" "Deployment" 16 => "apps/v1";
    "apps/v1beta2" "Deployment" 16 => "apps/v1";
    "apps/v1beta1" "StatefulSet" 16 => "apps/v1";
    "apps/v1beta2" "StatefulSet" 16 => "apps/v1";
    "extensions/v1beta1" "ReplicaSet" 16 => "apps/v1";
    "apps/v1beta1" "ReplicaSet" 16 => "apps/v1";
    "apps/v1beta2" "ReplicaSet" 16 => "apps/v1";
};

/// The removal of `api_version` `kind` when Kubernetes 1.`minor` no longer serves it.
pub fn lookup(api_version: &str, kind: &str, minor: u32) -> Option<&'static Removed> {
    REMOVED
        .iter()
        .find(|r| r.api_version == api_version && r.kind == kind && r.removed_in <= minor)
}

/// The minor version of `1.35`, `1.35.0`, `v1.35.2`.
pub fn minor_of(kube_version: &str) -> Option<u32> {
    let v = kube_version.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split('.');
    match (parts.next(), parts.next()) {
        (Some("1"), Some(minor)) => minor.parse().ok(),
        _ => None,
    }
}

impl Removed {
    /// The finding's message: what was removed, when, and what to use.
    pub fn message(&self, kube_version: &str) -> String {
        let what = format!(
            "{} {} is not served since Kubernetes 1.{} (linting for {kube_version})",
            self.api_version, self.kind, self.removed_in
        );
        if self.replacement.is_empty() {
            format!("{what}: {}", self.note)
        } else {
            format!("{what}: use apiVersion {}", self.replacement)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_depends_on_the_linted_version() {
        assert!(lookup("batch/v1beta1", "CronJob", 25).is_some());
        assert!(lookup("batch/v1beta1", "CronJob", 24).is_none());
        assert!(lookup("batch/v1", "CronJob", 35).is_none());
        assert_eq!(minor_of("v1.35.2"), Some(35));
        assert_eq!(minor_of("1.33"), Some(33));
    }
}
