//! Merging values maps, with Helm's rules.
//!
//! Two different merges exist, as in Helm:
//!
//! **User values** (`-f` files, `--set-json` objects) are combined with [`merge_maps`]: maps
//! merge key by key, anything else (scalars, lists, `null`) replaces what was there. Nulls are
//! kept, so a later null can delete a chart default.
//!
//! **Coalescing** user values over a chart's defaults ([`coalesce_tables`] with
//! `Nulls::Delete`) follows Helm 4's `coalesce.go`:
//!
//! - a key only in the defaults is copied (with its nulls);
//! - maps merge recursively, the user side winning;
//! - scalars and lists replace: a user list never merges with a default list;
//! - a user `null` deletes a key whose default is not null; a user `null` for a key without a
//!   default (or whose default is null too) stays `null`;
//! - a user map over a default scalar wins, and a user scalar over a default map wins (Helm
//!   only logs a warning).
//!
//! At a chart's top level ([`coalesce_chart`]), a user `null` deletes the key whenever the
//! chart has a default for it, even a null one. A subchart's values are coalesced with nulls
//! kept at the parent level (`Nulls::Keep`) and then again with its own defaults, where they
//! delete. `global` is copied from a parent into each subchart, the parent's globals winning
//! ([`coalesce_globals`]).
//!
//! The result keeps the defaults' key order, followed by keys only the user gave, in the
//! user's order.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// What a user `null` does while coalescing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// Coalescing: a null deletes a default (Helm's `CoalesceValues`).
    Delete,
    /// Merging: nulls are kept as values (Helm's `MergeValues`, used for subchart sections).
    Keep,
}

/// Merges `overlay` into `base`: maps merge recursively, every other value replaces.
pub fn merge_maps(base: &mut Map<String, Value>, overlay: Map<String, Value>) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(incoming)) => {
                merge_maps(existing, incoming)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Coalesces user map `user` over defaults `defaults` (see the module docs).
pub fn coalesce_tables(
    user: Map<String, Value>,
    defaults: &Map<String, Value>,
    nulls: Nulls,
) -> Map<String, Value> {
    coalesce_under(user, Cow::Borrowed(defaults), nulls)
}

/// [`coalesce_tables`], with defaults that are copied where they are used when borrowed, and
/// moved when owned.
fn coalesce_under(
    user: Map<String, Value>,
    defaults: Cow<'_, Map<String, Value>>,
    nulls: Nulls,
) -> Map<String, Value> {
    coalesce_level(user, defaults, nulls, None)
}

/// One level of coalescing. At a chart's top level (`subcharts`: the keys of its enabled
/// subcharts) a user `null` deletes the key whatever its default, and the subcharts' sections
/// are coalesced with nulls kept; below, a `null` deletes only a default that is not null.
fn coalesce_level(
    user: Map<String, Value>,
    defaults: Cow<'_, Map<String, Value>>,
    nulls: Nulls,
    subcharts: Option<&[&str]>,
) -> Map<String, Value> {
    let mut user = user;
    let mut out = Map::new();
    for (key, default) in entries(defaults) {
        match user.remove(key.as_ref()) {
            None => {
                out.insert(key.into_owned(), default.into_owned());
            }
            Some(Value::Null) => {
                let keep = match nulls {
                    Nulls::Keep => true,
                    Nulls::Delete => subcharts.is_none() && default.is_null(),
                };
                if keep {
                    out.insert(key.into_owned(), Value::Null);
                }
            }
            Some(Value::Object(given)) => {
                let nulls = match subcharts {
                    Some(subs) if subs.contains(&key.as_ref()) => Nulls::Keep,
                    _ => nulls,
                };
                let merged = match as_map(default) {
                    Some(default) => coalesce_under(given, default, nulls),
                    None => given,
                };
                out.insert(key.into_owned(), Value::Object(merged));
            }
            Some(given) => {
                out.insert(key.into_owned(), given);
            }
        }
    }
    out.extend(user);
    out
}

/// The entries of a map, borrowed or moved out of it.
fn entries<'a>(
    map: Cow<'a, Map<String, Value>>,
) -> Box<dyn Iterator<Item = (Cow<'a, str>, Cow<'a, Value>)> + 'a> {
    match map {
        Cow::Borrowed(m) => Box::new(
            m.iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v))),
        ),
        Cow::Owned(m) => Box::new(m.into_iter().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))),
    }
}

/// The map a value is, borrowed or owned as the value was.
fn as_map(value: Cow<'_, Value>) -> Option<Cow<'_, Map<String, Value>>> {
    match value {
        Cow::Borrowed(Value::Object(m)) => Some(Cow::Borrowed(m)),
        Cow::Owned(Value::Object(m)) => Some(Cow::Owned(m)),
        _ => None,
    }
}

/// Merges `lower` under `upper`, keeping nulls: `upper` wins, maps merge, and the result
/// keeps `upper`'s key order with `lower`'s extra keys after (used for `import-values`).
pub fn merge_under(upper: Map<String, Value>, lower: &Map<String, Value>) -> Map<String, Value> {
    let mut out = upper;
    for (key, value) in lower {
        match (out.get_mut(key), value) {
            (Some(Value::Object(mine)), Value::Object(theirs)) => {
                let merged = merge_under(std::mem::take(mine), theirs);
                *mine = merged;
            }
            (Some(_), _) => {}
            (None, value) => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

/// The top level of coalescing one chart: `defaults` are the chart's values (copied where used
/// when borrowed, moved when owned), `subcharts` the keys of its (enabled) subcharts, whose
/// sections are coalesced with nulls kept.
pub fn coalesce_chart(
    user: Map<String, Value>,
    defaults: Cow<'_, Map<String, Value>>,
    subcharts: &[&str],
    nulls: Nulls,
) -> Map<String, Value> {
    coalesce_level(user, defaults, nulls, Some(subcharts))
}

/// Copies the parent's `global` map into a subchart's values; the parent's globals win, maps
/// inside `global` merge.
pub fn coalesce_globals(sub: &mut Map<String, Value>, parent: &Map<String, Value>) {
    let mut globals = match sub.get("global") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        // Helm skips globals when either side is not a map.
        Some(_) => return,
    };
    let parent_globals = match parent.get("global") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return,
    };
    for (key, value) in parent_globals {
        match value {
            Value::Object(from_parent) => match globals.get(&key) {
                None => {
                    globals.insert(key, Value::Object(from_parent));
                }
                Some(Value::Object(own)) => {
                    let merged = coalesce_tables(from_parent, own, Nulls::Keep);
                    globals.insert(key, Value::Object(merged));
                }
                // A map cannot replace a non-map global: Helm skips it.
                Some(_) => {}
            },
            value => {
                if !matches!(globals.get(&key), Some(Value::Object(_))) {
                    globals.insert(key, value);
                }
            }
        }
    }
    sub.insert("global".to_string(), Value::Object(globals));
}

/// The value at a dotted path whose last element is not a map (Helm's `PathValue`).
pub fn path_value<'v>(values: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, init) = parts.split_last()?;
    let table = table(values, init)?;
    match table.get(*last) {
        Some(Value::Object(_)) | None => None,
        Some(value) => Some(value),
    }
}

/// The map at a path of keys (Helm's `Table`).
pub fn table<'v>(values: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Map<String, Value>> {
    let mut table = values;
    for part in path {
        table = match table.get(*part) {
            Some(Value::Object(map)) => map,
            _ => return None,
        };
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn merge_maps_merges_maps_and_replaces_the_rest() {
        let mut base = map(json!({"a": {"x": 1, "y": [1, 2]}, "b": 1, "c": {"k": 1}}));
        merge_maps(
            &mut base,
            map(json!({"a": {"y": [3], "z": null}, "c": 5, "d": {"n": 1}})),
        );
        assert_eq!(
            Value::Object(base),
            json!({"a": {"x": 1, "y": [3], "z": null}, "b": 1, "c": 5, "d": {"n": 1}})
        );
    }

    #[test]
    fn coalesce_rules() {
        let defaults = map(json!({
            "keep": 1, "replace": [1, 2], "gone": "x", "nulldefault": null,
            "nested": {"a": 1, "b": {"c": 2}}, "scalar": 3, "table": {"t": 1}
        }));
        let user = map(json!({
            "replace": [9], "gone": null, "nulldefault": null, "new": null,
            "nested": {"b": {"c": null, "d": 4}}, "scalar": {"m": 1}, "table": "s"
        }));
        let out = coalesce_tables(user.clone(), &defaults, Nulls::Delete);
        assert_eq!(
            Value::Object(out.clone()),
            json!({
                "keep": 1, "replace": [9], "nulldefault": null,
                "nested": {"a": 1, "b": {"d": 4}}, "scalar": {"m": 1}, "table": "s", "new": null
            })
        );
        // Defaults' order first, then the user's new keys.
        let keys: Vec<&String> = out.keys().collect();
        assert_eq!(
            keys,
            [
                "keep",
                "replace",
                "nulldefault",
                "nested",
                "scalar",
                "table",
                "new"
            ]
        );
        let kept = coalesce_tables(user, &defaults, Nulls::Keep);
        assert_eq!(kept["gone"], Value::Null);
        assert_eq!(kept["nested"]["b"], json!({"c": null, "d": 4}));
    }

    #[test]
    fn merge_under_keeps_upper_order_and_nulls() {
        let upper = map(json!({"b": {"x": null}, "a": 1}));
        let lower = map(json!({"a": 2, "c": 3, "b": {"x": 1, "y": 2}}));
        let out = merge_under(upper, &lower);
        assert_eq!(
            Value::Object(out.clone()),
            json!({"b": {"x": null, "y": 2}, "a": 1, "c": 3})
        );
        assert_eq!(out.keys().collect::<Vec<_>>(), ["b", "a", "c"]);
    }

    #[test]
    fn owned_defaults_coalesce_as_borrowed_ones() {
        let defaults = map(json!({"a": null, "b": {"x": 1, "y": [1]}, "sub": {"x": 1, "z": 2}}));
        let user = map(json!({"a": null, "b": {"x": null, "w": 3}, "sub": {"x": null}, "c": 4}));
        for nulls in [Nulls::Delete, Nulls::Keep] {
            let borrowed = coalesce_chart(user.clone(), Cow::Borrowed(&defaults), &["sub"], nulls);
            let owned = coalesce_chart(user.clone(), Cow::Owned(defaults.clone()), &["sub"], nulls);
            assert_eq!(borrowed, owned);
            assert_eq!(
                serde_json::to_string(&borrowed).unwrap(),
                serde_json::to_string(&owned).unwrap()
            );
        }
    }

    #[test]
    fn chart_level_nulls_delete_even_null_defaults() {
        let defaults = map(json!({"a": null, "b": 1, "sub": {"x": 1}}));
        let user = map(json!({"a": null, "b": null, "c": null, "sub": {"x": null}}));
        let out = coalesce_chart(user, Cow::Borrowed(&defaults), &["sub"], Nulls::Delete);
        assert_eq!(Value::Object(out), json!({"sub": {"x": null}, "c": null}));
    }

    #[test]
    fn globals_parent_wins() {
        let mut sub = map(json!({"global": {"a": "sub", "m": {"x": 1, "y": 1}}, "own": 1}));
        let parent = map(json!({"global": {"a": "parent", "m": {"y": 2}, "new": true}}));
        coalesce_globals(&mut sub, &parent);
        assert_eq!(
            Value::Object(sub),
            json!({"global": {"a": "parent", "m": {"x": 1, "y": 2}, "new": true}, "own": 1})
        );
        let mut empty = Map::new();
        coalesce_globals(&mut empty, &Map::new());
        assert_eq!(Value::Object(empty), json!({"global": {}}));
    }

    #[test]
    fn paths() {
        let v = map(json!({"a": {"b": true, "m": {}}, "t": 1}));
        assert_eq!(path_value(&v, "a.b"), Some(&json!(true)));
        assert_eq!(path_value(&v, "t"), Some(&json!(1)));
        assert_eq!(path_value(&v, "a.m"), None);
        assert_eq!(path_value(&v, "a.x"), None);
        assert_eq!(path_value(&v, "t.x"), None);
    }
}
