//! `values.schema.json` validation: every violation, one line each, in Helm's wording.
//!
//! Secret values never appear in a violation: a value whose path has a key named like a secret
//! ([`crate::error::is_secret_key`]) or whose schema (or a parent's) says `"writeOnly": true` or
//! `"x-kiln-secret": true` is shown as `<redacted>`. The path is still shown.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value;

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the chart's values (`/image/tag`; empty for the root).
    pub path: String,
    /// What is wrong, e.g. `got string, want integer`.
    pub message: String,
    /// Violations of the alternatives of `anyOf`/`oneOf`, shown indented below.
    pub causes: Vec<Violation>,
}

impl Violation {
    /// The `- at '/path': message` lines of this violation, `depth` levels indented.
    pub fn lines(&self, depth: usize, out: &mut Vec<String>) {
        out.push(format!(
            "{}- at '{}': {}",
            "  ".repeat(depth),
            self.path,
            self.message
        ));
        for cause in &self.causes {
            cause.lines(depth + 1, out);
        }
    }
}

/// Validates `values` against `schema`; an empty list means valid. `Err` holds a message when
/// the schema itself is invalid.
pub fn validate(schema: &Value, values: &Value) -> Result<Vec<Violation>, String> {
    let validator = jsonschema::validator_for(schema).map_err(|e| e.to_string())?;
    Ok(validator
        .iter_errors(values)
        .map(|e| violation(&e, schema))
        .collect())
}

/// Whether the value at JSON pointer `path` may be secret: a key on the way is named like a
/// secret, or a schema on the way (following `properties`, `additionalProperties`, `items`)
/// carries `"writeOnly": true` or `"x-kiln-secret": true`.
pub fn is_secret_path(schema: &Value, path: &str) -> bool {
    let marked = |s: &Value| {
        s.get("writeOnly") == Some(&Value::Bool(true))
            || s.get("x-kiln-secret") == Some(&Value::Bool(true))
    };
    let mut node = Some(schema);
    if node.is_some_and(marked) {
        return true;
    }
    for raw in path.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        if crate::error::is_secret_key(&seg) {
            return true;
        }
        node = node.and_then(|n| {
            n.get("properties")
                .and_then(|p| p.get(&seg))
                .or_else(|| match n.get("items") {
                    Some(Value::Array(items)) => {
                        seg.parse::<usize>().ok().and_then(|i| items.get(i))
                    }
                    Some(items) if seg.parse::<usize>().is_ok() => Some(items),
                    _ => None,
                })
                .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
        });
        if node.is_some_and(marked) {
            return true;
        }
    }
    false
}

/// Registers every string of `values` that may be secret ([`crate::error::register_secret`]):
/// values under secret-named keys, and values at paths `schema` marks `writeOnly` or
/// `x-kiln-secret`. Errors printed later never show them, wherever a template put them.
/// Top-level keys for which `walked_elsewhere` is true are skipped when there is no schema and
/// the key names nothing secret: the caller registers them itself (a subchart's section, with
/// the subchart's own schema).
pub fn register_secrets(
    schema: Option<&Value>,
    values: &serde_json::Map<String, Value>,
    walked_elsewhere: &dyn Fn(&str) -> bool,
) {
    /// `path` (the JSON pointer of `v`) is kept only when there is a schema to look it up in.
    fn walk(schema: Option<&Value>, v: &Value, path: &mut String, secret: bool) {
        let secret = secret || schema.is_some_and(|s| is_secret_path(s, path));
        match v {
            Value::String(s) if secret => crate::error::register_secret(s),
            Value::Number(n) if secret => crate::error::register_secret(&n.to_string()),
            Value::Object(map) => {
                for (k, item) in map {
                    let len = path.len();
                    if schema.is_some() {
                        path.push('/');
                        path.push_str(&crate::k8s::validate::escape_pointer(k));
                    }
                    walk(schema, item, path, secret || crate::error::is_secret_key(k));
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    if schema.is_some() {
                        path.push('/');
                        path.push_str(&i.to_string());
                    }
                    walk(schema, item, path, secret);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut path = String::new();
    for (k, item) in values {
        let secret = crate::error::is_secret_key(k);
        if schema.is_none() && !secret && walked_elsewhere(k) {
            continue;
        }
        path.clear();
        if schema.is_some() {
            path.push('/');
            path.push_str(&crate::k8s::validate::escape_pointer(k));
        }
        walk(schema, item, &mut path, secret);
    }
}

fn violation(error: &ValidationError<'_>, schema: &Value) -> Violation {
    let path = error.instance_path().as_str().to_string();
    let secret = is_secret_path(schema, &path);
    let redacted = Value::String(crate::error::REDACTED.to_string());
    let instance: &Value = if secret { &redacted } else { error.instance() };
    let typed: &Value = error.instance();
    let number_shown = if secret {
        crate::error::REDACTED.to_string()
    } else {
        typed.to_string()
    };
    let mut causes = Vec::new();
    let message = match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let mut want: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
            };
            want.sort_unstable();
            format!("got {}, want {}", json_type(typed), want.join(" or "))
        }
        ValidationErrorKind::Required { property } => {
            format!("missing property {}", quoted(property))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => format!(
            "additional properties {} not allowed",
            unexpected
                .iter()
                .map(|p| format!("'{p}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ValidationErrorKind::Enum { options } => {
            let options = match options.as_ref() {
                Value::Array(items) => items.iter().map(quoted).collect::<Vec<_>>().join(", "),
                other => quoted(other),
            };
            format!("value must be one of {options}")
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("value must be {}", quoted(expected_value))
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("minimum: got {number_shown}, want {limit}")
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("maximum: got {number_shown}, want {limit}")
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("exclusiveMinimum: got {number_shown}, want {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("exclusiveMaximum: got {number_shown}, want {limit}")
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!(
                "multipleOf: got {number_shown}, want {}",
                number(*multiple_of)
            )
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("minLength: got {}, want {limit}", str_len(typed))
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("maxLength: got {}, want {limit}", str_len(typed))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("minItems: got {}, want {limit}", len(typed))
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("maxItems: got {}, want {limit}", len(typed))
        }
        ValidationErrorKind::MinProperties { limit } => {
            format!("minProperties: got {}, want {limit}", len(typed))
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("maxProperties: got {}, want {limit}", len(typed))
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{} does not match pattern '{pattern}'", quoted(instance))
        }
        ValidationErrorKind::UniqueItems => match equal_items(typed) {
            Some((a, b)) => format!("items at {a} and {b} are equal"),
            None => "items are not unique".to_string(),
        },
        ValidationErrorKind::Not { .. } => "'not' failed".to_string(),
        ValidationErrorKind::FalseSchema => "false schema".to_string(),
        ValidationErrorKind::AnyOf { context } => {
            causes = context
                .iter()
                .flatten()
                .map(|e| violation(e, schema))
                .collect();
            "'anyOf' failed".to_string()
        }
        ValidationErrorKind::OneOfNotValid { context } => {
            causes = context
                .iter()
                .flatten()
                .map(|e| violation(e, schema))
                .collect();
            "'oneOf' failed, none matched".to_string()
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "'oneOf' failed, more than one subschema matched".to_string()
        }
        ValidationErrorKind::Format { format } => {
            format!("{} is not valid '{format}'", quoted(instance))
        }
        _ if secret => format!("{} does not meet the schema", crate::error::REDACTED),
        _ => error.to_string(),
    };
    Violation {
        path,
        message,
        causes,
    }
}

/// JSON Schema's name of a value's type (integers are `number`, as Helm reports them).
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Strings in single quotes, everything else as JSON.
fn quoted(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn str_len(v: &Value) -> usize {
    v.as_str().map(|s| s.chars().count()).unwrap_or(0)
}

fn len(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    }
}

fn equal_items(v: &Value) -> Option<(usize, usize)> {
    let items = v.as_array()?;
    for (i, a) in items.iter().enumerate() {
        for (j, b) in items.iter().enumerate().skip(i + 1) {
            if a == b {
                return Some((i, j));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines(schema: Value, values: Value) -> Vec<String> {
        let mut out = Vec::new();
        for v in validate(&schema, &values).unwrap() {
            v.lines(0, &mut out);
        }
        out.sort();
        out
    }

    #[test]
    fn helm_wording() {
        let schema = json!({
            "type": "object",
            "required": ["must"],
            "properties": {
                "replicas": {"type": "integer", "minimum": 0, "maximum": 5},
                "ratio": {"type": ["string", "null"]},
                "name": {"type": "string", "maxLength": 4, "pattern": "^[a-z]+$"},
                "mode": {"enum": ["a", "b", 1]},
                "c": {"const": "x"},
                "items": {"type": "array", "uniqueItems": true, "maxItems": 3},
                "image": {"type": "object", "additionalProperties": false,
                          "properties": {"repo": {"type": "string"}}},
                "any": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
            }
        });
        let values = json!({
            "replicas": 9, "ratio": 1, "name": "ABCDEF", "mode": "c", "c": "y",
            "items": [1, 1, 2, 3], "image": {"repo": 1, "pull": 1}, "any": true
        });
        assert_eq!(
            lines(schema, values),
            [
                "  - at '/any': got boolean, want integer",
                "  - at '/any': got boolean, want string",
                "- at '': missing property 'must'",
                "- at '/any': 'anyOf' failed",
                "- at '/c': value must be 'x'",
                "- at '/image': additional properties 'pull' not allowed",
                "- at '/image/repo': got number, want string",
                "- at '/items': items at 0 and 1 are equal",
                "- at '/items': maxItems: got 4, want 3",
                "- at '/mode': value must be one of 'a', 'b', 1",
                "- at '/name': 'ABCDEF' does not match pattern '^[a-z]+$'",
                "- at '/name': maxLength: got 6, want 4",
                "- at '/ratio': got number, want null or string",
                "- at '/replicas': maximum: got 9, want 5",
            ]
        );
    }

    #[test]
    fn valid_values_give_nothing() {
        let schema = json!({"properties": {"a": {"type": "integer"}}});
        assert!(lines(schema, json!({"a": 1})).is_empty());
    }

    #[test]
    fn invalid_schema_is_an_error() {
        assert!(validate(&json!({"type": 5}), &json!({})).is_err());
    }

    #[test]
    fn secret_values_never_appear_in_violations() {
        let schema = json!({
            "type": "object",
            "properties": {
                "dbPassword": {"type": "string", "pattern": "^[0-9]+$"},
                "apiKey": {"type": "string", "x-kiln-secret": true, "minLength": 40, "pattern": "^k"},
                "auth": {"type": "object", "writeOnly": true, "properties": {"pin": {"type": "integer", "maximum": 9}}},
                "name": {"type": "string", "pattern": "^[a-z]+$"}
            }
        });
        let out = lines(
            schema,
            json!({"dbPassword": "hunter2SECRET", "apiKey": "xhunter3", "auth": {"pin": 12345}, "name": "Visible"}),
        );
        let text = out.join("\n");
        for secret in ["hunter2SECRET", "hunter3", "12345"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(
            text.contains("- at '/dbPassword': '<redacted>' does not match pattern '^[0-9]+$'"),
            "{text}"
        );
        assert!(
            text.contains("- at '/auth/pin': maximum: got <redacted>, want 9"),
            "{text}"
        );
        assert!(
            text.contains("- at '/apiKey': minLength: got 8, want 40"),
            "{text}"
        );
        assert!(text.contains("'Visible' does not match"), "{text}");
    }
}
