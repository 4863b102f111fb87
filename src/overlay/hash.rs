//! kustomize's content hash for generated ConfigMaps and Secrets: sha256 over Go's
//! `json.Marshal` of `{data, kind, name: ""}` (Secrets add `type`; `binaryData`/`stringData`
//! when present), first 10 hex digits with 0→g 1→h 3→k a→m e→t so the suffix never reads as a
//! number.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The hash suffix for a ConfigMap or Secret (without the leading `-`).
pub fn suffix(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut m: BTreeMap<&str, Value> = BTreeMap::new();
    m.insert("kind", Value::String(kind.to_string()));
    m.insert("name", Value::String(String::new()));
    // A missing field hashes as "" (kustomize's lookup gives an empty scalar).
    m.insert(
        "data",
        obj.get("data")
            .cloned()
            .unwrap_or_else(|| Value::String(String::new())),
    );
    if kind == "Secret" {
        m.insert(
            "type",
            obj.get("type")
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
        );
        if let Some(sd) = obj.get("stringData").filter(|v| v.is_object()) {
            m.insert("stringData", sd.clone());
        }
    } else if let Some(bd) = obj.get("binaryData").filter(|v| v.is_object()) {
        m.insert("binaryData", bd.clone());
    }
    let json = crate::yaml::go_json::marshal(&Value::Object(
        m.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    ));
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_kustomize_for_literals() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                        "data": {"GREETING": "hola", "LEVEL": "warn"}});
        assert_eq!(suffix(&cm), "864fd4h6dd");
    }

    #[test]
    fn go_json_escapes_html() {
        let s = crate::yaml::go_json::marshal(&json!({"b": "<&>", "a": [1, true]}));
        assert_eq!(s, r#"{"a":[1,true],"b":"\u003c\u0026\u003e"}"#);
    }
}
