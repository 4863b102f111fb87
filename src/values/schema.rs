//! `values.schema.json` validation: every chart's schema against its scoped values (a subchart's
//! values include `global`), every violation listed with its JSON-pointer path, as Helm does.

use super::ValueTree;
use crate::chart::{Chart, SourceFile};
use crate::{Error, ErrorKind, Location, Result};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// The header of Helm's schema error, kept word for word.
const HEADER: &str =
    "values don't meet the specifications of the schema(s) in the following chart(s):";

/// Validates the whole tree; one error listing every violation of every chart.
/// `files` are the user's `-f` files, in command-line order: a violating value that one of them
/// set (the last that has it, with that value) is pointed at; else a violating default of the
/// chart's own `values.yaml`.
pub fn validate_tree(chart: &Chart, tree: &ValueTree, files: &[SourceFile]) -> Result<()> {
    let mut report = String::new();
    let mut location = None;
    let parsed: Vec<(&SourceFile, Value)> = files
        .iter()
        .filter_map(|f| {
            let map = super::parse_values_file(&f.text, &f.display).ok()?;
            Some((f, Value::Object(map)))
        })
        .collect();
    let mut ctx = Walk {
        files: &parsed,
        scope: Vec::new(),
        report: &mut report,
        location: &mut location,
    };
    ctx.walk(chart, tree, &chart.meta.name)?;
    if report.is_empty() {
        return Ok(());
    }
    let mut err = Error::new(
        ErrorKind::Schema,
        format!("{HEADER}\n{}", report.trim_end()),
    );
    if let Some(loc) = location {
        err = err.with_location(loc);
    }
    Err(err)
}

struct Walk<'a> {
    /// The user's `-f` files, parsed.
    files: &'a [(&'a SourceFile, Value)],
    /// Keys from the top chart's values to the current chart's.
    scope: Vec<String>,
    report: &'a mut String,
    location: &'a mut Option<Location>,
}

impl Walk<'_> {
    /// One chart, then its enabled subcharts.
    fn walk(&mut self, chart: &Chart, tree: &ValueTree, name: &str) -> Result<()> {
        if let Some(schema) = &chart.schema {
            let violations = violations(chart, schema, &tree.values)?;
            if !violations.is_empty() {
                self.report.push_str(&format!("{name}:\n"));
                for (path, message) in &violations {
                    self.report
                        .push_str(&format!("- at '{}': {message}\n", display_pointer(path)));
                }
                if self.location.is_none() {
                    *self.location = violations.iter().find_map(|(path, _)| {
                        self.file_location(&tree.values, path)
                            .or_else(|| default_location(chart, &tree.values, path))
                    });
                }
            }
        }
        for (index, child) in &tree.children {
            let sub = &chart.subcharts[*index];
            self.scope.push(sub.values_key.clone());
            self.walk(sub, child, &sub.values_key)?;
            self.scope.pop();
        }
        Ok(())
    }

    /// The line in the last `-f` file that holds the violating value itself.
    fn file_location(&self, values: &Value, pointer: &str) -> Option<Location> {
        let value = values.pointer(pointer)?;
        let mut keys = self.scope.clone();
        keys.extend(pointer_keys(pointer));
        if keys.is_empty() {
            return None;
        }
        let full: String = keys
            .iter()
            .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
            .collect();
        self.files.iter().rev().find_map(|(file, parsed)| {
            if parsed.pointer(&full)? != value {
                return None;
            }
            let (line, column, len) = find_key_line(&file.text, &keys)?;
            Some(Location::in_source(
                file.display.clone(),
                &file.text,
                line,
                column,
                len,
            ))
        })
    }
}

fn pointer_keys(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `(JSON pointer, message)` for each violation, in the validator's order.
fn violations(chart: &Chart, schema: &Value, values: &Value) -> Result<Vec<(String, String)>> {
    let schema_file = format!("{}/values.schema.json", chart.display_root);
    let validator = jsonschema::validator_for(schema).map_err(|e| {
        Error::new(
            ErrorKind::Schema,
            format!("{schema_file} is not a valid JSON schema: {e}"),
        )
    })?;
    let mut out: Vec<(String, String)> = validator
        .iter_errors(values)
        .map(|e| {
            let path = e.instance_path().as_str().to_string();
            let message = message(e.kind(), e.instance(), &e.to_string());
            (path, message)
        })
        .collect();
    out.dedup();
    Ok(out)
}

fn display_pointer(path: &str) -> &str {
    path
}

/// A violation in the words Helm's validator uses, where kiln knows them; otherwise the
/// jsonschema crate's own message.
fn message(kind: &ValidationErrorKind, instance: &Value, fallback: &str) -> String {
    let size = |v: &Value| match v {
        Value::String(s) => s.chars().count(),
        Value::Array(l) => l.len(),
        Value::Object(m) => m.len(),
        _ => 0,
    };
    let quoted = |v: &Value| match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    let names = |list: &[String]| {
        list.iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("got {}, want {want}", json_type(instance))
        }
        ValidationErrorKind::Minimum { limit } => format!("minimum: got {instance}, want {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("maximum: got {instance}, want {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("exclusiveMinimum: got {instance}, want {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("exclusiveMaximum: got {instance}, want {limit}")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("minLength: got {}, want {limit}", size(instance))
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("maxLength: got {}, want {limit}", size(instance))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("minItems: got {}, want {limit}", size(instance))
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("maxItems: got {}, want {limit}", size(instance))
        }
        ValidationErrorKind::Enum { options } => match options.as_ref() {
            Value::Array(list) => format!(
                "value must be one of {}",
                list.iter().map(quoted).collect::<Vec<_>>().join(", ")
            ),
            other => format!("value must be one of {}", quoted(other)),
        },
        ValidationErrorKind::Constant { expected_value } => {
            format!("value must be {}", quoted(expected_value))
        }
        ValidationErrorKind::Required { property } => {
            format!("missing property {}", quoted(property))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("additional properties {} not allowed", names(unexpected))
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{} does not match pattern '{pattern}'", quoted(instance))
        }
        _ => fallback.to_string(),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The line of a violating key in the chart's `values.yaml`, when the key is written there.
fn default_location(chart: &Chart, values: &Value, pointer: &str) -> Option<Location> {
    let file = chart.values_file.as_ref()?;
    // Only when the violating value is the default itself (not overridden by the user).
    if chart.values.pointer(pointer)? != values.pointer(pointer)? {
        return None;
    }
    let keys = pointer_keys(pointer);
    if keys.is_empty() {
        return None;
    }
    let (line, column, len) = find_key_line(&file.text, &keys)?;
    Some(Location::in_source(
        file.display.clone(),
        &file.text,
        line,
        column,
        len,
    ))
}

/// Finds `keys` (a path of map keys; list indexes end the search) in block-style YAML text by
/// indentation. Returns the 1-based line and column of the deepest key found and its length.
pub fn find_key_line(text: &str, keys: &[String]) -> Option<(usize, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for key in keys {
        if key.parse::<usize>().is_ok() && found.is_some() {
            break;
        }
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if let Some(p) = parent_indent {
                if indent <= p {
                    break;
                }
            }
            let name = [key.clone(), format!("\"{key}\""), format!("'{key}'")]
                .into_iter()
                .find(|k| {
                    trimmed.starts_with(k.as_str())
                        && trimmed[k.len()..].trim_start().starts_with(':')
                });
            if let Some(name) = name {
                hit = Some((i, indent, name.chars().count()));
                break;
            }
        }
        let (i, indent, len) = hit?;
        found = Some((i + 1, indent + 1, len));
        start = i + 1;
        parent_indent = Some(indent);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_by_indentation() {
        let text = "a:\n  x: 1\nb:\n  # c\n  x: 2\n  'y': 3\n";
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(find_key_line(text, &path(&["b", "x"])), Some((5, 3, 1)));
        assert_eq!(find_key_line(text, &path(&["a", "x"])), Some((2, 3, 1)));
        assert_eq!(find_key_line(text, &path(&["b", "y"])), Some((6, 3, 3)));
        assert_eq!(find_key_line(text, &path(&["a", "y"])), None);
    }
}
