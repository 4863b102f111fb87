//! Embedded knowledge of the Kubernetes 1.35 API: which kinds exist, which are namespaced, and the
//! strategic-merge-patch metadata (merge keys and patch strategies) of their fields.
//!
//! The data (`src/k8s/data/k8s-1.35.json`) is a pruned, minified copy of the 1.35 OpenAPI definitions
//! shipped by the `kubernetes-validate` PyPI package (Apache-2.0), written by
//! `scripts/extract-k8s-openapi.py`: every kind with its definition name and scope, and per definition
//! only the fields that lead to `x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy`. It is
//! embedded with `include_str!` and parsed once, on first use, into a [`Schema`]: lookups are
//! hash-map reads with no JSON parsing.
//!
//! # Data format
//!
//! The file is an OpenAPI v2 document (`{"definitions": {...}}`), so [`Schema::from_openapi`] reads
//! it and a user's schema alike. Definitions keep the names of `_definitions.json`
//! (`io.k8s.api.core.v1.PodSpec`); a kind's definition has `x-kubernetes-group-version-kind` and
//! `x-kiln-namespaced`; properties keep `$ref`/`items.$ref` (only towards patch metadata),
//! `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`, and `x-kubernetes-list-map-keys`
//! where a merged list has more keys than its merge key. The full JSON schemas that `kiln lint`
//! validates against (1.33–1.37) are a sibling file, `schemas/k8s-schemas.json`, read by
//! [`validate`]; [`KindInfo::definition`] names a kind's definition.
//!
//! Custom resources are unknown here: [`is_namespaced`] says `true` (the safe default kustomize uses
//! too) and [`patch_meta`] says `None` (so their lists are replaced). A kustomization's `openapi` field
//! or a CRD supplies more: build a [`Schema`] with [`Schema::from_openapi`] or [`Schema::add_crd`] and
//! ask it first, falling back to these functions.

pub mod cel;
pub mod crd;
pub mod pods;
mod schema;
pub mod validate;

use std::sync::OnceLock;

pub use schema::{split_api_version, FieldMeta, KindInfo, PatchMeta, PatchStrategy, Schema};
pub use validate::{Validator, Verdict, Violation};

/// The Kubernetes minor version of the embedded data.
pub const KUBERNETES_VERSION: &str = "1.35";

const DATA: &str = include_str!("data/k8s-1.35.json");

fn builtin() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let doc: serde_json::Value =
            serde_json::from_str(DATA).expect("embedded Kubernetes data is valid JSON");
        Schema::from_openapi(&doc).expect("embedded Kubernetes data is a valid schema")
    })
}

/// Whether objects of this kind live in a namespace. `api_version` is `v1` for the core group or
/// `group/version` (`apps/v1`); the scope of a built-in group/kind is the same in every version.
/// Kinds that are not built into Kubernetes 1.35 (custom resources) are namespaced: pass their
/// CRD's scope through a [`Schema`] to say otherwise.
///
/// ```
/// use kiln::k8s::is_namespaced;
/// assert!(!is_namespaced("rbac.authorization.k8s.io/v1", "ClusterRole"));
/// assert!(is_namespaced("v1", "ConfigMap"));
/// assert!(is_namespaced("keda.sh/v1alpha1", "ScaledObject"));
/// ```
pub fn is_namespaced(api_version: &str, kind: &str) -> bool {
    builtin().is_namespaced(api_version, kind).unwrap_or(true)
}

/// Whether the exact apiVersion and kind is a built-in type of Kubernetes 1.35 (`apps/v1`
/// Deployment yes, `extensions/v1beta1` Deployment no, custom resources no).
pub fn is_known_kind(api_version: &str, kind: &str) -> bool {
    builtin().kind(api_version, kind).is_some()
}

/// The strategic-merge-patch metadata of a built-in kind, to walk with [`PatchMeta::field`] and
/// [`PatchMeta::lookup`]. An apiVersion that 1.35 no longer serves falls back to the preferred
/// version of the same group and kind. `None` for custom resources.
pub fn patch_meta(api_version: &str, kind: &str) -> Option<PatchMeta<'static>> {
    builtin().patch_meta(api_version, kind)
}

/// The numbers at the start of a Kubernetes version, without what follows them: `1.33.4` of
/// `1.33.4+k3s1`, `1.32` of `1.32-gke.1` (the part Kubernetes' generic version parser reads).
pub fn version_numbers(v: &str) -> &str {
    let mut end = 0;
    for (i, c) in v.char_indices() {
        match c {
            '0'..='9' => end = i + 1,
            '.' if v[i + 1..].starts_with(|c: char| c.is_ascii_digit()) => {}
            _ => break,
        }
    }
    &v[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_stop_where_the_numbers_do() {
        assert_eq!(version_numbers("1.33.4+k3s1"), "1.33.4");
        assert_eq!(version_numbers("1.32.3-gke.100"), "1.32.3");
        assert_eq!(version_numbers("1.32"), "1.32");
        assert_eq!(version_numbers("1.32."), "1.32");
        assert_eq!(version_numbers("x1"), "");
    }

    #[test]
    fn cluster_scoped_kinds() {
        for (av, kind) in [
            ("v1", "Namespace"),
            ("v1", "Node"),
            ("v1", "PersistentVolume"),
            ("rbac.authorization.k8s.io/v1", "ClusterRole"),
            ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
            ("storage.k8s.io/v1", "StorageClass"),
            ("storage.k8s.io/v1", "CSIDriver"),
            ("scheduling.k8s.io/v1", "PriorityClass"),
            ("networking.k8s.io/v1", "IngressClass"),
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
            (
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicy",
            ),
            (
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicyBinding",
            ),
            (
                "admissionregistration.k8s.io/v1",
                "MutatingWebhookConfiguration",
            ),
            ("apiregistration.k8s.io/v1", "APIService"),
            ("certificates.k8s.io/v1", "CertificateSigningRequest"),
            ("node.k8s.io/v1", "RuntimeClass"),
            ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"),
            ("resource.k8s.io/v1", "DeviceClass"),
            // A version 1.35 does not serve: the group/kind decides.
            ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ] {
            assert!(
                !is_namespaced(av, kind),
                "{av} {kind} must be cluster-scoped"
            );
        }
    }

    #[test]
    fn namespaced_kinds() {
        for (av, kind) in [
            ("rbac.authorization.k8s.io/v1", "Role"),
            ("rbac.authorization.k8s.io/v1", "RoleBinding"),
            ("batch/v1", "Job"),
            ("batch/v1", "CronJob"),
            ("coordination.k8s.io/v1", "Lease"),
            ("v1", "ConfigMap"),
            ("v1", "Secret"),
            ("v1", "ServiceAccount"),
            ("v1", "PersistentVolumeClaim"),
            ("apps/v1", "Deployment"),
            ("apps/v1", "DaemonSet"),
            ("autoscaling/v2", "HorizontalPodAutoscaler"),
            ("policy/v1", "PodDisruptionBudget"),
            ("networking.k8s.io/v1", "NetworkPolicy"),
            ("storage.k8s.io/v1", "CSIStorageCapacity"),
            ("resource.k8s.io/v1", "ResourceClaim"),
            // Custom resources default to namespaced.
            ("keda.sh/v1alpha1", "ScaledObject"),
            ("example.com/v1", "Namespace"),
        ] {
            assert!(is_namespaced(av, kind), "{av} {kind} must be namespaced");
        }
    }

    #[test]
    fn group_matters_for_scope() {
        // `Namespace` in the core group is cluster-scoped; a CRD of the same kind name is not.
        assert!(!is_namespaced("v1", "Namespace"));
        assert!(is_namespaced("example.com/v1", "Namespace"));
        // Event exists in core and events.k8s.io, both namespaced.
        assert!(is_namespaced("events.k8s.io/v1", "Event"));
    }

    #[test]
    fn known_kinds() {
        assert!(is_known_kind("v1", "Pod"));
        assert!(is_known_kind("apps/v1", "StatefulSet"));
        assert!(is_known_kind("batch/v1", "CronJob"));
        assert!(is_known_kind("autoscaling/v1", "HorizontalPodAutoscaler"));
        assert!(
            !is_known_kind("batch/v1beta1", "CronJob"),
            "removed in 1.25"
        );
        assert!(!is_known_kind("extensions/v1beta1", "Deployment"));
        assert!(!is_known_kind("apps/v1", "Pod"), "wrong group");
        assert!(!is_known_kind("keda.sh/v1alpha1", "ScaledObject"));
        assert!(!is_known_kind("v1", "PodList"), "lists are not objects");
    }

    #[test]
    fn every_builtin_kind_has_a_scope() {
        let kinds: Vec<_> = builtin().kinds().collect();
        assert!(kinds.len() > 80, "only {} kinds", kinds.len());
        for k in kinds {
            assert!(
                k.namespaced.is_some(),
                "{}/{} {} has no scope",
                k.group,
                k.version,
                k.kind
            );
        }
    }

    #[test]
    fn patch_meta_walks_to_list_metadata() {
        let deploy = patch_meta("apps/v1", "Deployment").unwrap();
        assert_eq!(deploy.definition(), Some("io.k8s.api.apps.v1.Deployment"));
        let pod = deploy
            .field("spec")
            .unwrap()
            .field("template")
            .unwrap()
            .field("spec")
            .unwrap();
        assert_eq!(pod.definition(), Some("io.k8s.api.core.v1.PodSpec"));
        let volumes = pod.lookup("volumes");
        assert_eq!(volumes.merge_key, Some("name"));
        assert!(volumes.strategy.merge && volumes.strategy.retain_keys);
        let container = pod.field("containers").unwrap();
        assert_eq!(container.lookup("ports").merge_key, Some("containerPort"));
        assert_eq!(
            container.lookup("ports").list_map_keys,
            ["containerPort", "protocol"]
        );
        assert!(container.lookup("env").list_map_keys.is_empty());
        assert_eq!(
            container.lookup("volumeMounts").merge_key,
            Some("mountPath")
        );
        assert_eq!(container.lookup("env").merge_key, Some("name"));
        assert!(!container.lookup("args").strategy.merge);
        assert!(!pod.lookup("tolerations").strategy.merge);
        assert!(pod.lookup("nodeSelector").merge_key.is_none());
        let meta = deploy.field("metadata").unwrap();
        assert!(meta.lookup("finalizers").strategy.merge);
        assert_eq!(meta.lookup("ownerReferences").merge_key, Some("uid"));
        assert!(
            deploy
                .field("spec")
                .unwrap()
                .lookup("strategy")
                .strategy
                .retain_keys
        );
        let pdb = patch_meta("policy/v1", "PodDisruptionBudget").unwrap();
        assert!(
            pdb.field("spec")
                .unwrap()
                .lookup("selector")
                .strategy
                .replace
        );
    }

    #[test]
    fn patch_meta_cronjob_nesting_and_fallback() {
        for av in ["batch/v1", "batch/v1beta1"] {
            let cj = patch_meta(av, "CronJob").unwrap();
            let pod = ["spec", "jobTemplate", "spec", "template", "spec"]
                .iter()
                .try_fold(cj, |m, f| m.field(f))
                .unwrap();
            assert_eq!(pod.lookup("initContainers").merge_key, Some("name"), "{av}");
        }
        assert!(patch_meta("keda.sh/v1alpha1", "ScaledObject").is_none());
        assert!(patch_meta("v1", "NoSuchKind").is_none());
    }

    #[test]
    fn lookups_are_cheap() {
        builtin();
        let start = std::time::Instant::now();
        for _ in 0..10_000 {
            let m = patch_meta("apps/v1", "DaemonSet").unwrap();
            let pod = m
                .field("spec")
                .and_then(|m| m.field("template"))
                .and_then(|m| m.field("spec"));
            assert!(pod.is_some());
            assert!(!is_namespaced("v1", "Namespace"));
        }
        // 10,000 walks; a JSON re-parse per call would take seconds.
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
    }
}
