//! Stage 2: compute the values a chart renders with, by Helm's rules (checked against
//! Helm 4.1.4 by `tests/helm_values.rs`).
//!
//! 1. [`user_values`]: the `-f` files in order (`-` is stdin; the documents of one file and the
//!    files are stacked with [`merge::merge_maps`], later wins, nulls kept), then the flag groups
//!    in Helm's fixed order, whatever their order on the command line: every `--set-json`, then
//!    `--set`, `--set-string`, `--set-file`, `--set-literal` (grammar in [`set_flag`]). The flags
//!    write into the merged file values, so `--set list[1]=x` changes a list given by a `-f` file
//!    in place, while a list that exists only in the chart defaults is replaced.
//! 2. [`resolve`]: which subcharts are enabled: tags, then conditions. A dependency is disabled by
//!    its tags only when none of its tags is `true` and one is `false` in the top-level `tags:`
//!    map; then the first of its `condition` paths (relative to the parent's values) that holds a
//!    bool decides. Both are read from the user values coalesced over the plain chart defaults
//!    with every subchart enabled, as Helm does.
//! 3. The chart defaults: a chart that lists enabled dependencies has its `values.yaml`
//!    pre-merged with theirs (their values under their key, the parent's side winning, nulls
//!    kept, `global` copied down) plus what it imports from them with `import-values`.
//! 4. The user values coalesced over those defaults ([`merge::coalesce_values`]): maps merge,
//!    scalars and lists replace, a user `null` deletes a key that has a default (a `null` for a
//!    key without one stays), a `null` in the defaults stays. Then each enabled subchart: the
//!    values under its key (alias, else name) with the parent's `global` copied in (the parent
//!    winning), coalesced over its own defaults the same way; a user `null` under a subchart's
//!    key deletes that subchart's default. The parent's values hold each enabled subchart's
//!    result under its key; a disabled subchart's key keeps only what the parent and user set.
//! 5. Every chart's `values.schema.json` is checked against its scoped values ([`schema`]).

pub mod merge;
pub mod schema;
pub mod set_flag;

use crate::chart::{Chart, SourceFile};
use crate::{Error, ErrorKind, Result};
use serde_json::{Map, Value};
use set_flag::SetKind;
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
    user_values_with_files(flags).map(|(values, _)| values)
}

/// [`user_values`], also returning the `-f` files read (for [`resolve_with_files`] to point
/// schema errors at the line that set a value).
pub fn user_values_with_files(flags: &ValueFlags) -> Result<(Value, Vec<SourceFile>)> {
    let mut stdin_text: Option<String> = None;
    let mut read = |path: &str| -> Result<String> {
        if path.trim() == "-" {
            if stdin_text.is_none() {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Error::io("<stdin>", e))?;
                stdin_text = Some(text);
            }
            return Ok(stdin_text.clone().unwrap_or_default());
        }
        std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
    };

    let mut base = Map::new();
    let mut sources = Vec::new();
    for file in &flags.files {
        let text = read(file)?;
        let shown = if file.trim() == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        merge::merge_maps(&mut base, parse_values_file(&text, shown)?);
        sources.push(SourceFile {
            rel: shown.to_string(),
            display: shown.to_string(),
            text,
        });
    }
    let groups = [
        (SetKind::Json, &flags.set_json),
        (SetKind::Typed, &flags.set),
        (SetKind::String, &flags.set_string),
        (SetKind::File, &flags.set_file),
        (SetKind::Literal, &flags.set_literal),
    ];
    for (kind, texts) in groups {
        for text in texts {
            let mut read_file = |path: &str| read(path).map_err(|e| e.message().to_string());
            set_flag::apply(kind, text, &mut base, &mut read_file)?;
        }
    }
    Ok((Value::Object(base), sources))
}

/// Parses a values file: its YAML documents merged in order; each must be a map (or empty).
pub fn parse_values_file(text: &str, shown: &str) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for doc in crate::yaml::split_documents(text) {
        match crate::yaml::parse_document_at(doc.text, shown, doc.line_offset)? {
            Value::Null => {}
            Value::Object(map) => merge::merge_maps(&mut out, map),
            other => {
                return Err(Error::new(
                    ErrorKind::Values,
                    format!(
                        "values file {shown} must be a map of keys to values, not {}",
                        kind_name(&other)
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
    resolve_with_files(chart, user, &[])
}

/// [`resolve`], with the `-f` files the user values came from, so that a schema violation whose
/// value was set by one of them points at its line.
pub fn resolve_with_files(chart: &Chart, user: Value, files: &[SourceFile]) -> Result<ValueTree> {
    let user = match user {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            return Err(Error::new(
                ErrorKind::Values,
                format!("the user values must be a map, not {}", kind_name(&other)),
            ))
        }
    };
    // Conditions and tags are read from the plain chart defaults with every subchart enabled.
    let all = Enabled::all(chart);
    let own = match &chart.values {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    let plain = Mode {
        keep_nulls: false,
        premerged: false,
    };
    let full = coalesce_chart(chart, &own, user.clone(), &all, plain)?;
    let tags = match full.get("tags") {
        Some(Value::Object(tags)) => tags.clone(),
        _ => Map::new(),
    };
    let enabled = decide(chart, &full, &tags);
    let rendering = Mode {
        keep_nulls: false,
        premerged: true,
    };
    let values = coalesce_chart(
        chart,
        &defaults_of(chart, &enabled)?,
        user,
        &enabled,
        rendering,
    )?;
    let tree = build_tree(chart, Value::Object(values), &enabled);
    schema::validate_tree(chart, &tree, files)?;
    Ok(tree)
}

/// Which subcharts are enabled, as a tree parallel to `Chart::subcharts`.
#[derive(Debug, Clone)]
struct Enabled {
    subs: Vec<Option<Enabled>>,
}

impl Enabled {
    fn all(chart: &Chart) -> Enabled {
        Enabled {
            subs: chart
                .subcharts
                .iter()
                .map(|s| Some(Enabled::all(s)))
                .collect(),
        }
    }
}

/// Tags then conditions for each subchart of `chart`, whose (fully coalesced) values are `scope`.
fn decide(chart: &Chart, scope: &Map<String, Value>, tags: &Map<String, Value>) -> Enabled {
    let subs = chart
        .subcharts
        .iter()
        .map(|sub| {
            let mut on = true;
            if let Some(dep) = &sub.dependency {
                let (mut any_true, mut any_false) = (false, false);
                for tag in &dep.tags {
                    match tags.get(tag) {
                        Some(Value::Bool(true)) => any_true = true,
                        Some(Value::Bool(false)) => any_false = true,
                        _ => {}
                    }
                }
                on = any_true || !any_false;
                for path in &dep.condition {
                    if let Some(Value::Bool(b)) = path_value(scope, path.trim()) {
                        on = *b;
                        break;
                    }
                }
            }
            on.then(|| {
                let inner = match scope.get(&sub.values_key) {
                    Some(Value::Object(m)) => m.clone(),
                    _ => Map::new(),
                };
                decide(sub, &inner, tags)
            })
        })
        .collect();
    Enabled { subs }
}

/// A dotted path's value, if it names a non-map value (Helm's `PathValue`).
fn path_value<'a>(values: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return None;
    }
    let mut keys = path.split('.');
    let last = keys.next_back()?;
    let mut table = values;
    for key in keys {
        table = table.get(key)?.as_object()?;
    }
    table.get(last).filter(|v| !v.is_object())
}

/// How [`coalesce_chart`] treats defaults and nulls.
#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Keep user nulls instead of letting them delete defaults (Helm's `MergeValues`).
    keep_nulls: bool,
    /// Use each chart's pre-merged defaults (see [`defaults_of`]) rather than its `values.yaml`.
    premerged: bool,
}

/// A chart's defaults as Helm's render step sees them: a chart that lists enabled dependencies
/// has its `values.yaml` pre-merged with theirs (nulls kept) plus what it imports from them
/// (`import-values`), as Helm does; otherwise its `values.yaml`.
fn defaults_of(chart: &Chart, enabled: &Enabled) -> Result<Map<String, Value>> {
    let own = match &chart.values {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    let lists_enabled_dependency = chart
        .subcharts
        .iter()
        .zip(&enabled.subs)
        .any(|(sub, e)| e.is_some() && sub.dependency.is_some());
    if !lists_enabled_dependency {
        return Ok(own);
    }
    let mode = Mode {
        keep_nulls: true,
        premerged: true,
    };
    let merged = coalesce_chart(chart, &own, Map::new(), enabled, mode)?;
    let imported = imported_values(chart, &merged, enabled);
    // The chart's own values win over what it imports.
    Ok(merge::coalesce_tables(merged, imported, true))
}

/// The values a chart imports from its enabled subcharts (`import-values` of its dependencies),
/// read from its pre-merged defaults: a string `name` imports the subchart's `exports.name` map
/// at the top level; `{child: a.b, parent: x.y}` imports the subchart's map `a.b` at `x.y`
/// (`.` is the top level). Earlier imports win over later ones; a missing or non-map source is
/// skipped, as in Helm.
fn imported_values(
    chart: &Chart,
    merged: &Map<String, Value>,
    enabled: &Enabled,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (sub, _) in chart
        .subcharts
        .iter()
        .zip(&enabled.subs)
        .filter(|(_, e)| e.is_some())
    {
        let Some(dep) = &sub.dependency else { continue };
        for item in &dep.import_values {
            let (child, parent) = match item {
                Value::String(name) => (format!("exports.{name}"), ".".to_string()),
                Value::Object(map) => {
                    let text = |k: &str| match map.get(k) {
                        Some(Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                        None => String::new(),
                    };
                    (text("child"), text("parent"))
                }
                _ => continue,
            };
            let Some(table) = table_at(merged, &format!("{}.{child}", sub.values_key)) else {
                continue;
            };
            let mut placed = table.clone();
            if parent != "." {
                for key in parent.rsplit('.') {
                    let mut wrapper = Map::new();
                    wrapper.insert(key.to_string(), Value::Object(placed));
                    placed = wrapper;
                }
            }
            out = merge::coalesce_tables(out, placed, true);
        }
    }
    out
}

/// The map at a dotted path (Helm's `Values.Table`).
fn table_at<'a>(values: &'a Map<String, Value>, path: &str) -> Option<&'a Map<String, Value>> {
    let mut here = values;
    for key in path.split('.') {
        here = here.get(key)?.as_object()?;
    }
    Some(here)
}

/// `user` over `defaults` (this chart's), then each enabled subchart scoped under its key, with
/// the parent's `global` copied in.
fn coalesce_chart(
    chart: &Chart,
    defaults: &Map<String, Value>,
    user: Map<String, Value>,
    enabled: &Enabled,
    mode: Mode,
) -> Result<Map<String, Value>> {
    let on: Vec<(&Chart, &Enabled)> = chart
        .subcharts
        .iter()
        .zip(&enabled.subs)
        .filter_map(|(sub, e)| e.as_ref().map(|e| (sub, e)))
        .collect();
    let keys: Vec<&str> = on.iter().map(|(sub, _)| sub.values_key.as_str()).collect();
    let mut values = merge::coalesce_values(defaults, user, &keys, mode.keep_nulls);
    for (sub, sub_enabled) in on {
        let key = &sub.values_key;
        let mut scoped = match values.get(key) {
            None => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(other) => {
                return Err(Error::new(
                    ErrorKind::Values,
                    format!(
                        "the values of subchart {key:?} (in chart {:?}) must be a map, not {}",
                        chart.meta.name,
                        kind_name(other)
                    ),
                ))
            }
        };
        merge::coalesce_globals(&mut scoped, &values);
        let sub_defaults = if mode.premerged {
            defaults_of(sub, sub_enabled)?
        } else {
            match &sub.values {
                Value::Object(map) => map.clone(),
                _ => Map::new(),
            }
        };
        let merged = coalesce_chart(sub, &sub_defaults, scoped, sub_enabled, mode)?;
        values.insert(key.clone(), Value::Object(merged));
    }
    Ok(values)
}

fn build_tree(chart: &Chart, values: Value, enabled: &Enabled) -> ValueTree {
    let children = chart
        .subcharts
        .iter()
        .zip(&enabled.subs)
        .enumerate()
        .filter_map(|(i, (sub, e))| {
            let e = e.as_ref()?;
            let scoped = values
                .get(&sub.values_key)
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            Some((i, build_tree(sub, scoped, e)))
        })
        .collect();
    ValueTree { values, children }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Merges `extra` over `base` as a later `-f` file would (Helm's `mergeMaps`).
pub fn merge_user(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => merge::merge_maps(b, e),
        (b, e) => *b = e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn temp_file(name: &str, text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("kiln-values-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    #[test]
    fn files_then_flag_groups_in_helm_order() {
        let a = temp_file("a.yaml", "x: 1\nm: {a: 1, l: [1, 2]}\n---\nd2: 2\n");
        let b = temp_file("b.yaml", "m: {b: 2, l: [3]}\nn: null\n");
        let text = temp_file("t.txt", "file text");
        let flags = ValueFlags {
            files: vec![a, b],
            // Given last on the command line, but applied after --set-json and before --set-string.
            set: vec!["s=1,j=set,m.l[1]=B".into()],
            set_string: vec!["s=str".into()],
            set_file: vec![format!("f={text}")],
            set_json: vec![r#"j={"k":1}"#.into()],
            set_literal: vec!["lit=a,b".into()],
        };
        assert_eq!(
            user_values(&flags).unwrap(),
            json!({
                "x": 1, "m": {"a": 1, "l": [3, "B"], "b": 2}, "d2": 2, "n": null,
                "j": "set", "s": "str", "f": "file text", "lit": "a,b",
            })
        );
    }

    #[test]
    fn a_values_file_must_be_a_map() {
        let list = temp_file("list.yaml", "- a\n");
        let flags = ValueFlags {
            files: vec![list.clone()],
            ..ValueFlags::default()
        };
        let err = user_values(&flags).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Values);
        assert!(err.message().contains(&list), "{err}");
        assert_eq!(
            parse_values_file("# only a comment\n", "x").unwrap(),
            Map::new()
        );
    }

    #[test]
    fn path_value_and_table_at() {
        let values = json!({"a": {"b": {"c": true}, "s": "x"}, "top": false});
        let map = values.as_object().unwrap();
        assert_eq!(path_value(map, "a.b.c"), Some(&json!(true)));
        assert_eq!(path_value(map, "top"), Some(&json!(false)));
        assert_eq!(
            path_value(map, "a.b"),
            None,
            "a map is not a condition value"
        );
        assert_eq!(path_value(map, "a.s.c"), None);
        assert_eq!(path_value(map, ""), None);
        assert_eq!(table_at(map, "a.b").map(|m| m.len()), Some(1));
        assert_eq!(table_at(map, "a.s"), None);
    }
}
