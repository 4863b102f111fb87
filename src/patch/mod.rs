//! Patch algorithms used by overlays: Kubernetes strategic merge patch ([`strategic_merge`], driven
//! by the merge keys and strategies in [`crate::k8s`]) and JSON patch ([`json6902`]).

pub mod json6902;
pub mod strategic_merge;
