//! `toyaml`, `fromyaml`, `tojson`, `fromjson`: Helm's `toYaml`/`toJson` through the shared
//! [`crate::functions::yaml_json`]; the `from*` filters read into Jinja values, with Helm's
//! `{"Error": …}` maps.

use minijinja::{Error, Value};

use super::to_json;

/// Helm's `toYaml`: the emitter's Helm style, trailing newline trimmed.
pub(super) fn toyaml(value: &Value) -> Result<String, Error> {
    Ok(crate::functions::yaml_json::to_yaml(&to_json(value)?))
}

/// Helm's `fromYaml`: a map, `{}` for an empty document, and `{"Error": …}`
/// (not a failure) when the text is not a YAML mapping. Read with kiln's
/// YAML reader (YAML 1.1 scalars, as Helm).
pub(super) fn fromyaml(text: &str) -> Value {
    match crate::yaml::parse_document(text, "fromyaml") {
        Ok(serde_json::Value::Object(map)) => Value::from(minijinja::value::Serde(map)),
        Ok(serde_json::Value::Null) => {
            Value::from(std::collections::BTreeMap::<String, Value>::new())
        }
        Ok(other) => error_map(format!(
            "cannot unmarshal {} into a map",
            json_kind_name(&other)
        )),
        Err(e) => error_map(e.message().to_owned()),
    }
}

/// Helm's `fromJson`: like [`fromyaml`], for JSON objects.
pub(super) fn fromjson(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Value::from(minijinja::value::Serde(map)),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind_name(&other)
        )),
        Err(e) => error_map(e.to_string()),
    }
}

fn json_kind_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn error_map(message: String) -> Value {
    // Parser messages may carry a multi-line snippet; Helm's are one line.
    let first = message.lines().next().unwrap_or_default().to_owned();
    Value::from(std::collections::BTreeMap::from([(
        "Error".to_string(),
        Value::from(first),
    )]))
}

/// Helm's `toJson` (Go's `json.Marshal`): compact, map keys sorted, `<`, `>`,
/// `&`, U+2028 and U+2029 escaped, floats as Go prints them.
pub(super) fn tojson(value: &Value) -> Result<String, Error> {
    Ok(crate::functions::yaml_json::to_json(&to_json(value)?))
}
