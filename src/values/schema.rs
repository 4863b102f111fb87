//! `values.schema.json` validation: every violation, one line each, in Helm's wording.

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
        .map(|e| violation(&e))
        .collect())
}

fn violation(error: &ValidationError<'_>) -> Violation {
    let instance: &Value = error.instance();
    let mut causes = Vec::new();
    let message = match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let mut want: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
            };
            want.sort_unstable();
            format!("got {}, want {}", json_type(instance), want.join(" or "))
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
        ValidationErrorKind::Minimum { limit } => format!("minimum: got {instance}, want {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("maximum: got {instance}, want {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("exclusiveMinimum: got {instance}, want {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("exclusiveMaximum: got {instance}, want {limit}")
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!("multipleOf: got {instance}, want {}", number(*multiple_of))
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("minLength: got {}, want {limit}", str_len(instance))
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("maxLength: got {}, want {limit}", str_len(instance))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("minItems: got {}, want {limit}", len(instance))
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("maxItems: got {}, want {limit}", len(instance))
        }
        ValidationErrorKind::MinProperties { limit } => {
            format!("minProperties: got {}, want {limit}", len(instance))
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("maxProperties: got {}, want {limit}", len(instance))
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{} does not match pattern '{pattern}'", quoted(instance))
        }
        ValidationErrorKind::UniqueItems => match equal_items(instance) {
            Some((a, b)) => format!("items at {a} and {b} are equal"),
            None => "items are not unique".to_string(),
        },
        ValidationErrorKind::Not { .. } => "'not' failed".to_string(),
        ValidationErrorKind::FalseSchema => "false schema".to_string(),
        ValidationErrorKind::AnyOf { context } => {
            causes = context.iter().flatten().map(violation).collect();
            "'anyOf' failed".to_string()
        }
        ValidationErrorKind::OneOfNotValid { context } => {
            causes = context.iter().flatten().map(violation).collect();
            "'oneOf' failed, none matched".to_string()
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "'oneOf' failed, more than one subschema matched".to_string()
        }
        ValidationErrorKind::Format { format } => {
            format!("{} is not valid '{format}'", quoted(instance))
        }
        _ => error.to_string(),
    };
    Violation {
        path: error.instance_path().as_str().to_string(),
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
}
