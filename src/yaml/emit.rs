//! YAML emitter (stub: being written).
use serde_json::Value;

/// Which reference tool's output the text must match byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Helm's `toYaml` (sigs.k8s.io/yaml over go-yaml v2).
    Helm,
    /// `kustomize build` / `kubectl kustomize` (kyaml over go-yaml v3).
    Kustomize,
}

/// Serializes `value` as a YAML block document, map keys sorted, with a trailing newline.
pub fn to_yaml(value: &Value, style: Style) -> String {
    let _ = style;
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}
