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
//!
//! Helm's order of these steps has visible effects, which kiln keeps (each is a golden case
//! in `tests/helm_values/`): when a chart lists dependencies, Helm first merges every
//! subchart's defaults (and globals) into the parent's defaults, so a subchart's own `null`
//! defaults disappear, `--set global.x=null` removes `x` from the parent's globals while the
//! subchart still sees the default `x`, and a user `null` for a key that only the parent's
//! `values.yaml` gives the subchart stays `null`. Conditions and `tags` of nested subcharts
//! are resolved from the top chart's values (`sub.leaf.enabled`); `import-values` read the
//! charts' defaults only, never user values.
//!
//! One Helm behaviour is not copied: Helm shares nested maps between a parent's and a
//! subchart's `global` (a shallow copy), so a subchart's default `global.a.b.c` leaks into
//! the parent's own `global.a.b`. In kiln every chart's values are its own.

mod deps;
pub mod merge;
pub mod schema;
pub mod set_flag;
pub mod typos;

use crate::chart::{Chart, SourceFile};
use crate::{Error, ErrorKind, Location, Result};
use deps::{coalesce, process_enabled, process_imports, Defaults, Node};
use merge::{merge_maps, Nulls};
use serde_json::{Map, Value};
use set_flag::FlagKind;

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

/// User values together with the `-f` files they were read from, so that errors about a
/// value can point at its line.
#[derive(Debug, Clone, Default)]
pub struct UserValues {
    /// The merged user values (a map).
    pub values: Value,
    /// The `-f` files in command-line order, each with the map it parsed to.
    pub files: Vec<(SourceFile, Map<String, Value>)>,
}

/// The user-supplied values: `-f` files in order, then the `--set` family in Helm's fixed group order.
pub fn user_values(flags: &ValueFlags) -> Result<Value> {
    user_values_with_files(flags).map(|u| u.values)
}

/// [`user_values`], keeping the `-f` files for error locations (see [`resolve_with_files`]).
pub fn user_values_with_files(flags: &ValueFlags) -> Result<UserValues> {
    user_values_for(flags, crate::yaml::Flavor::Kubectl)
}

/// [`user_values_with_files`] with the `-f` files read by a given reader's rules: Helm's
/// ([`crate::yaml::Flavor::Helm`], YAML 1.1 keys, last repeated key wins) for a Go-template chart.
pub fn user_values_for(flags: &ValueFlags, flavor: crate::yaml::Flavor) -> Result<UserValues> {
    let mut base = Map::new();
    let mut files = Vec::new();
    for file in &flags.files {
        let text = read_input(file)?;
        let display = if file.trim() == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        let parsed = parse_values_file_as(&text, display, flavor)?;
        merge_maps(&mut base, parsed.clone());
        let source = SourceFile {
            rel: file.clone(),
            display: display.to_string(),
            text,
        };
        files.push((source, parsed));
    }
    let mut read_file = |path: &str| read_input(path).map_err(|e| e.message().to_string());
    let mut used = set_flag::SetBudget::default();
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
            set_flag::parse_into_budgeted(
                FlagKind::SetJson,
                flag,
                &mut base,
                &mut read_file,
                &mut used,
            )?;
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
            set_flag::parse_into_budgeted(kind, flag, &mut base, &mut read_file, &mut used)?;
        }
    }
    Ok(UserValues {
        values: Value::Object(base),
        files,
    })
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
        crate::fs::read_stdin("<stdin>")
    } else {
        crate::fs::read_user_text(std::path::Path::new(path), path)
    }
}

/// The value paths `--set` flags give integers (later `--set-string` and friends may override them;
/// the renderer checks the final value is still a number).
pub fn set_int_paths(flags: &ValueFlags) -> Result<Vec<Vec<String>>> {
    fn walk(map: &Map<String, Value>, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        for (k, v) in map {
            path.push(k.clone());
            match v {
                Value::Number(n) if n.is_i64() || n.is_u64() => out.push(path.clone()),
                Value::Object(m) => walk(m, path, out),
                _ => {}
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    for flag in &flags.set {
        let parsed = set_flag::parse(FlagKind::Set, flag)?;
        walk(&parsed, &mut Vec::new(), &mut out);
    }
    Ok(out)
}

/// Parses a values file: every YAML document in it must be a map (or empty); they merge in order.
pub fn parse_values_file(text: &str, display_path: &str) -> Result<Map<String, Value>> {
    parse_values_file_as(text, display_path, crate::yaml::Flavor::Kubectl)
}

/// [`parse_values_file`] with a given reader's rules.
pub fn parse_values_file_as(
    text: &str,
    display_path: &str,
    flavor: crate::yaml::Flavor,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for doc in crate::yaml::split_documents(text) {
        match crate::yaml::parse_document_as(doc.text, display_path, doc.line_offset, flavor)? {
            Value::Null => {}
            Value::Object(map) => merge_maps(&mut out, map),
            other => {
                return Err(Error::new(
                    ErrorKind::Values,
                    format!(
                        "{display_path}: a values file must be a map, not {}",
                        deps::kind_of(&other)
                    ),
                )
                .with_location(first_content_line(
                    display_path,
                    text,
                    doc.line_offset,
                )))
            }
        }
    }
    Ok(out)
}

/// The first line with content (not blank, not a comment) at or after line `from` (0-based).
pub(crate) fn first_content_line(file: &str, text: &str, from: usize) -> crate::error::Location {
    let line = text
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && t != "---"
        })
        .map_or(from + 1, |(i, _)| i + 1);
    crate::error::Location::in_source(file, text, line, 1, 1)
}

/// Coalesces user values over chart defaults, scopes subcharts, evaluates conditions and tags,
/// and validates every chart's `values.schema.json`.
pub fn resolve(chart: &Chart, user: Value) -> Result<ValueTree> {
    resolve_with_files(
        chart,
        &UserValues {
            values: user,
            files: Vec::new(),
        },
    )
}

/// [`resolve`]; a schema violation whose value comes from a `-f` file or a `values.yaml` points
/// at the line of its key there.
pub fn resolve_with_files(chart: &Chart, user: &UserValues) -> Result<ValueTree> {
    let user_map = match &user.values {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        other => {
            return Err(Error::new(
                ErrorKind::Values,
                format!("user values must be a map, not {}", deps::kind_of(other)),
            ))
        }
    };
    let mut root = Node::new(chart, 0)?;
    process_enabled(&mut root, &user_map, "")?;
    process_imports(&mut root)?;
    let values = coalesce(&mut root, user_map.clone(), Nulls::Delete, Defaults::Take)?;
    let mut check = SchemaCheck {
        root_values: &values,
        user: &user_map,
        files: &user.files,
        charts: Vec::new(),
        keys: Vec::new(),
        text: Vec::new(),
        location: None,
    };
    check.chart(&root, &chart.meta.name, &values)?;
    if let Some(error) = check.into_error() {
        return Err(error);
    }
    Ok(tree(&root, values))
}

fn tree(node: &Node<'_>, values: Map<String, Value>) -> ValueTree {
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
    ValueTree {
        values: Value::Object(values),
        children,
    }
}

/// Validates every chart's schema and collects the report in Helm's layout.
struct SchemaCheck<'a> {
    root_values: &'a Map<String, Value>,
    user: &'a Map<String, Value>,
    files: &'a [(SourceFile, Map<String, Value>)],
    /// The charts from the top down to the one being checked.
    charts: Vec<&'a Chart>,
    /// The subchart keys from the top down to the one being checked.
    keys: Vec<String>,
    text: Vec<String>,
    location: Option<Location>,
}

impl<'a> SchemaCheck<'a> {
    fn chart(&mut self, node: &Node<'a>, name: &str, values: &Map<String, Value>) -> Result<()> {
        self.charts.push(node.chart);
        // A subchart's section is registered with the subchart (below), not twice.
        let walked_below = |key: &str| {
            node.subs.iter().any(|s| s.key == key)
                && matches!(values.get(key), Some(Value::Object(_)))
        };
        schema::register_secrets(node.chart.schema.as_ref(), values, &walked_below);
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
                self.text.push(format!("{name}:"));
                for violation in &found {
                    violation.lines(0, &mut self.text);
                }
                if self.location.is_none() {
                    self.location = found.iter().find_map(|v| self.locate(&v.path));
                }
            }
        }
        for sub in &node.subs {
            match values.get(&sub.key) {
                None | Some(Value::Null) => {}
                Some(Value::Object(section)) => {
                    self.keys.push(sub.key.clone());
                    self.chart(sub, &sub.key, section)?;
                    self.keys.pop();
                }
                Some(other) => self.text.push(format!(
                    "{}:\ninvalid type for values: expected a map, got {}",
                    sub.key,
                    deps::kind_of(other)
                )),
            }
        }
        self.charts.pop();
        Ok(())
    }

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

    /// Where the value at `pointer` (in the current chart's values) was written: the last `-f`
    /// file that gave it, else the top-most `values.yaml` that has it. None when a flag set
    /// it or when the key cannot be found for certain.
    fn locate(&self, pointer: &str) -> Option<Location> {
        let mut path: Vec<String> = self.keys.clone();
        path.extend(
            pointer
                .split('/')
                .skip(1)
                .map(|k| k.replace("~1", "/").replace("~0", "~")),
        );
        // Point at the key of a list rather than into it.
        let mut at = Some(self.root_values);
        let mut keep = 0;
        for key in &path {
            match at.and_then(|m| m.get(key)) {
                Some(Value::Object(map)) => at = Some(map),
                Some(_) => at = None,
                None => break,
            }
            keep += 1;
        }
        path.truncate(keep);
        if path.len() <= self.keys.len() {
            return None;
        }
        if let Some(given) = lookup(self.user, &path) {
            let (file, _) = self
                .files
                .iter()
                .rev()
                .find(|(_, parsed)| lookup(parsed, &path) == Some(given))?;
            return key_location(file, &path);
        }
        for (depth, chart) in self.charts.iter().enumerate() {
            let rel = &path[depth..];
            let defaults = chart.values.as_object()?;
            if lookup(defaults, rel).is_some() {
                return key_location(chart.values_file.as_ref()?, rel);
            }
        }
        None
    }
}

/// The value at a path of map keys.
fn lookup<'v>(map: &'v Map<String, Value>, path: &[String]) -> Option<&'v Value> {
    let (last, init) = path.split_last()?;
    let mut at = map;
    for key in init {
        at = at.get(key)?.as_object()?;
    }
    at.get(last)
}

fn key_location(file: &SourceFile, path: &[String]) -> Option<Location> {
    let (line, column) = find_key_line(&file.text, path)?;
    Some(Location::in_source(
        file.display.clone(),
        &file.text,
        line,
        column,
        path.last()?.chars().count(),
    ))
}

/// Finds the line (1-based) and column of a nested key in block-style YAML, by indentation.
/// Gives up (None) on anything it cannot follow for certain, such as flow style or quoted keys.
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
