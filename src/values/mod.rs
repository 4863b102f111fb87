//! Stage 2: compute the values a chart renders with, exactly as Helm 4 does.
//!
//! 1. [`user_values`]: the `-f` files in order (merged with [`merge::merge_maps`]: maps merge,
//!    everything else replaces, nulls are kept), then the flag groups in Helm's fixed order —
//!    all `--set-json`, then `--set`, `--set-string`, `--set-file`, `--set-literal` — whatever
//!    their order on the command line. The flag grammar is in [`set_flag`].
//! 2. [`resolve`]: subcharts are enabled or disabled (tags first, then conditions, so a
//!    condition wins), `import-values` are applied, then the user values are coalesced over
//!    the chart defaults (rules in [`merge`]): each subchart sees the section under its key
//!    (alias or name) coalesced over its own defaults, plus `global` from its parent (the
//!    parent's globals win). The parent's values hold the merged subchart sections too.
//! 3. Every chart's `values.schema.json` is checked against its own values ([`schema`]); all
//!    violations of all charts are reported together.

mod deps;
pub mod merge;
pub mod schema;
pub mod set_flag;

use crate::chart::Chart;
use crate::{Error, ErrorKind, Location, Result};
use deps::{coalesce, process_enabled, process_imports, Node};
use merge::{merge_maps, Nulls};
use serde_json::{Map, Value};
use set_flag::FlagKind;
use std::io::Read;

/// The value flags of `kiln render`, as given on the command line (each list in command-line order).
#[derive(Debug, Clone, Default)]
pub struct ValueFlags {
    pub files: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_json: Vec<String>,
    pub set_literal: Vec<String>,
}

/// The values of one chart and of its enabled subcharts.
#[derive(Debug, Clone)]
pub struct ValueTree {
    /// What `Values` is in this chart's templates.
    pub values: Value,
    /// Enabled subcharts: index into `chart.subcharts`, and their tree.
    pub children: Vec<(usize, ValueTree)>,
}

/// The user-supplied values: `-f` files in order, then the `--set` family in Helm's fixed group order.
pub fn user_values(flags: &ValueFlags) -> Result<Value> {
    let mut base = Map::new();
    for file in &flags.files {
        let text = read_input(file)?;
        merge_maps(&mut base, parse_values_file(&text, file)?);
    }
    let mut read_file = |path: &str| read_input(path).map_err(|e| e.message().to_string());
    for flag in &flags.set_json {
        let trimmed = flag.trim();
        if trimmed.starts_with('{') {
            // Helm 4 also takes a whole JSON object, merged like a values file.
            let object: Map<String, Value> = serde_json::from_str(trimmed).map_err(|e| {
                Error::new(
                    ErrorKind::SetFlag,
                    format!("--set-json {flag:?}: invalid JSON object: {e}"),
                )
            })?;
            merge_maps(&mut base, object);
        } else {
            set_flag::parse_into(FlagKind::SetJson, flag, &mut base, &mut read_file)?;
        }
    }
    let groups = [
        (FlagKind::Set, &flags.set),
        (FlagKind::SetString, &flags.set_string),
        (FlagKind::SetFile, &flags.set_file),
        (FlagKind::SetLiteral, &flags.set_literal),
    ];
    for (kind, list) in groups {
        for flag in list {
            set_flag::parse_into(kind, flag, &mut base, &mut read_file)?;
        }
    }
    Ok(Value::Object(base))
}

/// Merges `extra` over `base` as a later `-f` file would (maps merge, the rest replaces).
pub fn merge_user(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => merge_maps(b, e),
        (b, e) => *b = e,
    }
}

/// Reads a file, or stdin for `-`.
fn read_input(path: &str) -> Result<String> {
    if path.trim() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::io("<stdin>", e))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
    }
}

/// Parses a values file: every YAML document in it must be a map (or empty); they merge in order.
pub fn parse_values_file(text: &str, display_path: &str) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for doc in crate::yaml::split_documents(text) {
        match crate::yaml::parse_document(doc.text, display_path)? {
            Value::Null => {}
            Value::Object(map) => merge_maps(&mut out, map),
            other => {
                return Err(Error::new(
                    ErrorKind::Values,
                    format!(
                        "{display_path}: a values file must be a map, not {}",
                        deps::kind_of(&other)
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// Coalesces user values over chart defaults, scopes subcharts, evaluates conditions and tags,
/// and validates every chart's `values.schema.json`.
pub fn resolve(chart: &Chart, user: Value) -> Result<ValueTree> {
    let user = match user {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            return Err(Error::new(
                ErrorKind::Values,
                format!("user values must be a map, not {}", deps::kind_of(&other)),
            ))
        }
    };
    let mut root = Node::new(chart, 0)?;
    process_enabled(&mut root, &user, "")?;
    process_imports(&mut root)?;
    let values = coalesce(&root, user.clone(), Nulls::Delete)?;
    let mut report = Report::default();
    check_schemas(&root, &chart.meta.name, &values, &user, &mut report)?;
    if let Some(error) = report.into_error() {
        return Err(error);
    }
    Ok(tree(&root, values))
}

fn tree(node: &Node<'_>, mut values: Map<String, Value>) -> ValueTree {
    let children = node
        .subs
        .iter()
        .map(|sub| {
            let section = match values.get(&sub.key) {
                Some(Value::Object(map)) => map.clone(),
                _ => Map::new(),
            };
            (sub.index, tree(sub, section))
        })
        .collect();
    // Keep the map as is; `values` is only moved here.
    let values = Value::Object(std::mem::take(&mut values));
    ValueTree { values, children }
}

/// Schema violations of all charts, in Helm's layout.
#[derive(Default)]
struct Report {
    text: Vec<String>,
    location: Option<Location>,
}

impl Report {
    fn into_error(self) -> Option<Error> {
        if self.text.is_empty() {
            return None;
        }
        let message = format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{}",
            self.text.join("\n")
        );
        let error = Error::new(ErrorKind::Schema, message);
        Some(match self.location {
            Some(location) => error.with_location(location),
            None => error,
        })
    }
}

fn check_schemas(
    node: &Node<'_>,
    name: &str,
    values: &Map<String, Value>,
    user: &Map<String, Value>,
    report: &mut Report,
) -> Result<()> {
    if let Some(schema) = &node.chart.schema {
        let found = schema::validate(schema, &Value::Object(values.clone())).map_err(|e| {
            Error::new(
                ErrorKind::Schema,
                format!(
                    "{}/values.schema.json is not a valid JSON schema: {e}",
                    node.chart.display_root
                ),
            )
        })?;
        if !found.is_empty() {
            report.text.push(format!("{name}:"));
            for violation in &found {
                violation.lines(0, &mut report.text);
            }
            if report.location.is_none() {
                report.location = found
                    .iter()
                    .find_map(|v| default_location(node.chart, &v.path, user));
            }
        }
    }
    for sub in &node.subs {
        let empty = Map::new();
        let sub_user = match user.get(&sub.key) {
            Some(Value::Object(map)) => map,
            _ => &empty,
        };
        match values.get(&sub.key) {
            None | Some(Value::Null) => {}
            Some(Value::Object(section)) => {
                check_schemas(sub, &sub.key, section, sub_user, report)?
            }
            Some(other) => report.text.push(format!(
                "{}:\ninvalid type for values: expected a map, got {}",
                sub.key,
                deps::kind_of(other)
            )),
        }
    }
    Ok(())
}

/// Where a violating value comes from the chart's `values.yaml` (the user did not set it),
/// the line of its key there.
fn default_location(chart: &Chart, pointer: &str, user: &Map<String, Value>) -> Option<Location> {
    let file = chart.values_file.as_ref()?;
    let keys: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    if keys.is_empty() {
        return None;
    }
    // A path the user set (or any map on it the user replaced) does not come from the defaults.
    let mut at = user;
    for (i, key) in keys.iter().enumerate() {
        match at.get(key) {
            None => break,
            Some(Value::Object(map)) if i + 1 < keys.len() => at = map,
            Some(_) => return None,
        }
    }
    let (line, column) = find_key_line(&file.text, &keys)?;
    Some(Location::in_source(
        file.display.clone(),
        &file.text,
        line,
        column,
        keys.last()?.chars().count(),
    ))
}

/// Finds the line (1-based) and column of a nested key in block-style YAML, by indentation.
/// Gives up (None) on anything it cannot follow for certain: flow style, quoted keys, lists.
fn find_key_line(text: &str, keys: &[String]) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut parent_indent: Option<usize> = None;
    let mut key_indent = Some(0);
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if parent_indent.is_some_and(|p| indent <= p) {
            // Left the map we were searching in: the key is not there.
            return None;
        }
        let want = *key_indent.get_or_insert(indent);
        if indent != want {
            continue;
        }
        let Some((key, _)) = trimmed.split_once(':') else {
            continue;
        };
        if key != keys[depth] {
            continue;
        }
        if depth + 1 == keys.len() {
            return Some((n + 1, indent + 1));
        }
        depth += 1;
        parent_indent = Some(indent);
        key_indent = None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_by_indentation() {
        let text = "a: 1\nimage:\n  # c\n  repo:\n    tag: no\n  tag: y\nother:\n  tag: z\n";
        let k = |p: &[&str]| -> Vec<String> { p.iter().map(|s| s.to_string()).collect() };
        assert_eq!(find_key_line(text, &k(&["image", "tag"])), Some((6, 3)));
        assert_eq!(find_key_line(text, &k(&["other", "tag"])), Some((8, 3)));
        assert_eq!(find_key_line(text, &k(&["a"])), Some((1, 1)));
        assert_eq!(find_key_line(text, &k(&["image", "missing"])), None);
    }
}
