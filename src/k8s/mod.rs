//! Embedded Kubernetes API knowledge (stub on main: the real module is being written).
use serde_json::Value;

#[derive(Clone, Copy, Debug)]
pub struct PatchMeta<'a> {
    _s: &'a (),
}

#[derive(Debug, Default)]
pub struct Schema;

impl Schema {
    pub fn from_openapi(_doc: &Value) -> crate::Result<Schema> {
        Ok(Schema)
    }
    pub fn is_namespaced(&self, _api_version: &str, _kind: &str) -> Option<bool> {
        None
    }
    pub fn patch_meta(&self, _api_version: &str, _kind: &str) -> Option<PatchMeta<'_>> {
        None
    }
}

pub fn is_namespaced(_api_version: &str, kind: &str) -> bool {
    !matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "CustomResourceDefinition"
            | "IngressClass"
            | "APIService"
            | "Node"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
    )
}

pub fn patch_meta(_api_version: &str, _kind: &str) -> Option<PatchMeta<'static>> {
    None
}
