//! Reading a CustomResourceDefinition object: its group, kind, plural, scope and the schema of each
//! served version (shared by the patch metadata and the validator).

use serde_json::Value;

/// What a CRD declares.
#[derive(Debug, Clone)]
pub struct Crd<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub plural: &'a str,
    /// `Some(true)` for `scope: Namespaced`, `Some(false)` for `Cluster`.
    pub namespaced: Option<bool>,
    /// Served versions with their `openAPIV3Schema` (the v1beta1 top-level `validation` schema
    /// when a version has none).
    pub versions: Vec<(&'a str, Option<&'a Value>)>,
}

/// Reads a CustomResourceDefinition (`apiextensions.k8s.io/v1` or `v1beta1`); the error says what
/// is missing.
pub fn read(crd: &Value) -> Result<Crd<'_>, String> {
    if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
        return Err("kind is not CustomResourceDefinition".into());
    }
    let spec = crd.get("spec").ok_or("no spec")?;
    let group = spec
        .get("group")
        .and_then(Value::as_str)
        .ok_or("no spec.group")?;
    let kind = spec
        .pointer("/names/kind")
        .and_then(Value::as_str)
        .ok_or("no spec.names.kind")?;
    let plural = spec
        .pointer("/names/plural")
        .and_then(Value::as_str)
        .unwrap_or(kind);
    let namespaced = match spec.get("scope").and_then(Value::as_str) {
        Some("Cluster") => Some(false),
        Some("Namespaced") => Some(true),
        _ => None,
    };
    let shared = spec.pointer("/validation/openAPIV3Schema");
    let mut versions = Vec::new();
    match spec.get("versions").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            for v in list {
                if v.get("served").and_then(Value::as_bool) == Some(false) {
                    continue;
                }
                let name = v
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or("a version without a name")?;
                versions.push((name, v.pointer("/schema/openAPIV3Schema").or(shared)));
            }
        }
        _ => {
            let name = spec
                .get("version")
                .and_then(Value::as_str)
                .ok_or("no spec.versions")?;
            versions.push((name, shared));
        }
    }
    Ok(Crd {
        group,
        kind,
        plural,
        namespaced,
        versions,
    })
}
