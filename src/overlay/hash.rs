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
    m.insert(
        "data",
        obj.get("data")
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default())),
    );
    if kind == "Secret" {
        m.insert(
            "type",
            obj.get("type")
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
        );
        if let Some(sd) = obj.get("stringData").filter(|v| !is_empty(v)) {
            m.insert("stringData", sd.clone());
        }
    } else if let Some(bd) = obj.get("binaryData").filter(|v| !is_empty(v)) {
        m.insert("binaryData", bd.clone());
    }
    let mut json = String::new();
    go_json(
        &Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        &mut json,
    );
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

fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_object().is_some_and(|m| m.is_empty())
}

/// Go's `json.Marshal`: map keys sorted, HTML-safe string escaping.
fn go_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_string(k, out);
                out.push(':');
                go_json(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::String(s) => go_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
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
        let mut s = String::new();
        go_json(&json!({"b": "<&>", "a": [1, true]}), &mut s);
        assert_eq!(s, r#"{"a":[1,true],"b":"\u003c\u0026\u003e"}"#);
    }
}
