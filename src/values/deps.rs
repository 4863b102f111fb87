//! Subcharts: which are enabled (tags, then conditions), `import-values`, and the coalescing
//! of a chart together with its subcharts, in the order Helm 4 does these steps.

use super::merge::{coalesce_chart, coalesce_globals, merge_under, path_value, table, Nulls};
use crate::chart::{Chart, Dependency};
use crate::{Error, ErrorKind, Result};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A chart while its values are being resolved.
#[derive(Debug, Clone)]
pub(super) struct Node<'c> {
    pub chart: &'c Chart,
    /// Index of this chart in its parent's `subcharts` (0 for the top chart).
    pub index: usize,
    /// The key of this chart's values in its parent (alias or name).
    pub key: String,
    /// The chart's defaults (its values, borrowed); replaced by the merged values of its whole
    /// subtree once `import-values` are processed (as Helm does).
    pub defaults: Cow<'c, Map<String, Value>>,
    /// The subcharts still enabled.
    pub subs: Vec<Node<'c>>,
    /// `Chart.yaml` dependency entries still enabled, their names replaced by their aliases;
    /// `None` when there are none (Helm then skips tags, conditions and imports).
    pub deps: Option<Vec<Dependency>>,
}

impl<'c> Node<'c> {
    pub fn new(chart: &'c Chart, index: usize) -> Result<Node<'c>> {
        let defaults = match &chart.values {
            Value::Object(map) => Cow::Borrowed(map),
            Value::Null => Cow::Owned(Map::new()),
            other => {
                let err = Error::new(
                    ErrorKind::Values,
                    format!(
                        "{}: values.yaml must be a map, not {}",
                        chart.display_root,
                        kind_of(other)
                    ),
                );
                return Err(match &chart.values_file {
                    Some(f) => err.with_location(super::first_content_line(&f.display, &f.text, 0)),
                    None => err,
                });
            }
        };
        let subs = chart
            .subcharts
            .iter()
            .enumerate()
            .map(|(i, sub)| Node::new(sub, i))
            .collect::<Result<Vec<_>>>()?;
        let deps = if chart.meta.dependencies.is_empty() {
            None
        } else {
            Some(
                chart
                    .meta
                    .dependencies
                    .iter()
                    .map(|d| {
                        let mut d = d.clone();
                        if let Some(alias) = d.alias.as_ref().filter(|a| !a.is_empty()) {
                            d.name = alias.clone();
                        }
                        d
                    })
                    .collect(),
            )
        };
        Ok(Node {
            chart,
            index,
            key: chart.values_key.clone(),
            defaults,
            subs,
            deps,
        })
    }
}

pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// What coalescing does with each chart's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Defaults {
    /// Copies what it uses: the defaults stay for later steps.
    Keep,
    /// Moves them into the result (the last step): each node's defaults are left empty.
    Take,
}

/// Coalesces `user` over a chart's defaults, then each subchart's section (with `global`
/// copied in) over the subchart's defaults, recursively.
pub(super) fn coalesce(
    node: &mut Node<'_>,
    user: Map<String, Value>,
    nulls: Nulls,
    defaults: Defaults,
) -> Result<Map<String, Value>> {
    let keys: Vec<&str> = node.subs.iter().map(|s| s.key.as_str()).collect();
    let own = match defaults {
        Defaults::Keep => Cow::Borrowed(&*node.defaults),
        Defaults::Take => std::mem::take(&mut node.defaults),
    };
    let mut dest = coalesce_chart(user, own, &keys, nulls);
    for sub in &mut node.subs {
        let section = match dest.get_mut(&sub.key) {
            None => Map::new(),
            Some(Value::Object(map)) => std::mem::take(map),
            Some(other) => {
                return Err(Error::new(
                    ErrorKind::Values,
                    format!(
                        "the values for subchart {:?} must be a map, not {}",
                        sub.key,
                        kind_of(other)
                    ),
                ))
            }
        };
        let mut section = section;
        coalesce_globals(&mut section, &dest);
        let section = coalesce(sub, section, nulls, defaults)?;
        dest.insert(sub.key.clone(), Value::Object(section));
    }
    Ok(dest)
}

/// Disables subcharts by tags, then conditions, evaluated against the coalesced values; then
/// recurses into the enabled subcharts. `path` is the dotted prefix of this chart's values
/// (`""` at the top, `"sub."` below), as Helm resolves nested conditions from the top.
pub(super) fn process_enabled(
    node: &mut Node<'_>,
    values: &Map<String, Value>,
    path: &str,
) -> Result<()> {
    let Some(deps) = node.deps.take() else {
        return Ok(());
    };
    let cvals = coalesce(node, values.clone(), Nulls::Delete, Defaults::Keep)?;
    let mut enabled = vec![true; deps.len()];
    if let Some(Value::Object(tags)) = cvals.get("tags") {
        for (dep, on) in deps.iter().zip(enabled.iter_mut()) {
            let (mut has_true, mut has_false) = (false, false);
            for tag in &dep.tags {
                match tags.get(tag) {
                    Some(Value::Bool(true)) => has_true = true,
                    Some(Value::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            *on = has_true || !has_false;
        }
    }
    for (dep, on) in deps.iter().zip(enabled.iter_mut()) {
        for condition in &dep.condition {
            let condition = condition.trim();
            if condition.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{path}{condition}")) {
                *on = *b;
                break;
            }
        }
    }
    let disabled: Vec<&str> = deps
        .iter()
        .zip(&enabled)
        .filter(|(_, on)| !**on)
        .map(|(d, _)| d.name.as_str())
        .collect();
    node.subs.retain(|s| !disabled.contains(&s.key.as_str()));
    let kept: Vec<Dependency> = deps
        .iter()
        .zip(&enabled)
        .filter(|(_, on)| **on)
        .map(|(d, _)| d.clone())
        .collect();
    node.deps = if kept.is_empty() { None } else { Some(kept) };
    for sub in &mut node.subs {
        let sub_path = format!("{path}{}.", sub.key);
        process_enabled(sub, &cvals, &sub_path)?;
    }
    Ok(())
}

/// Applies `import-values` bottom-up. Like Helm, every chart with enabled dependencies gets
/// the merged values of its subtree as its new defaults, with imported values below its own.
pub(super) fn process_imports(node: &mut Node<'_>) -> Result<()> {
    for sub in &mut node.subs {
        process_imports(sub)?;
    }
    let Some(deps) = node.deps.take() else {
        return Ok(());
    };
    let merged = coalesce(node, Map::new(), Nulls::Keep, Defaults::Keep)?;
    let mut imported = Map::new();
    for dep in &deps {
        for import in &dep.import_values {
            let (child, parent) = match import {
                Value::Object(m) => (
                    m.get("child").map(plain).unwrap_or_default(),
                    m.get("parent").map(plain).unwrap_or_default(),
                ),
                Value::String(s) => (format!("exports.{s}"), ".".to_string()),
                _ => continue,
            };
            let path = format!("{}.{child}", dep.name);
            let parts: Vec<&str> = path.split('.').collect();
            let Some(found) = table(&merged, &parts) else {
                continue;
            };
            let mut value = found.clone();
            if parent != "." {
                for part in parent.split('.').rev() {
                    let mut outer = Map::new();
                    outer.insert(part.to_string(), Value::Object(value));
                    value = outer;
                }
            }
            // Earlier imports win over later ones, as in Helm.
            imported = merge_under(imported, &value);
        }
    }
    node.defaults = Cow::Owned(merge_under(merged, &imported));
    node.deps = Some(deps);
    Ok(())
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
