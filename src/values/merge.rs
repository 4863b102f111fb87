//! Merging value maps: Helm's `mergeMaps` for user files and its coalesce rules for chart
//! defaults.
//!
//! Two different merges exist, as in Helm:
//!
//! - [`merge_maps`] stacks user sources (`-f` files, documents of one file, a `--set-json`
//!   object): maps merge recursively, anything else in the later source replaces, and `null`s
//!   are kept (they are needed later to delete chart defaults).
//! - [`coalesce_values`] puts user values over one chart's defaults:
//!   - maps merge recursively, the user side winning;
//!   - scalars and lists replace whole (a list is never merged item by item);
//!   - a user `null` deletes a key that has a non-null default; a user `null` for a key without a
//!     default stays `null`;
//!   - a `null` in the chart defaults is copied as `null` (Helm 4.1; a subchart's default nulls
//!     disappear, because its pre-merged defaults hold them and its own coalesce deletes them);
//!   - a user map over a default scalar wins, and a user scalar over a default map wins too
//!     (Helm only warns);
//!   - under the key of a subchart, nulls are kept (the subchart's own coalesce deletes the
//!     defaults they name), so a parent can delete a subchart default with `sub: {key: null}`.
//! - [`coalesce_globals`] copies the parent's `global` map into a subchart's values; maps in it
//!   merge, the parent's side winning.

use serde_json::{Map, Value};

/// Helm's `mergeMaps`: `over` is merged into `base`; maps merge, anything else replaces.
pub fn merge_maps(base: &mut Map<String, Value>, over: Map<String, Value>) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(b)), Value::Object(o)) => merge_maps(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// User values over one chart's defaults (the chart's own keys only; subcharts are scoped by
/// the caller). `subchart_keys` are the keys that belong to subcharts. With `keep_nulls` (Helm's
/// "merge" mode, used to pre-merge a chart's defaults with its subcharts') user nulls are kept.
pub fn coalesce_values(
    defaults: &Map<String, Value>,
    mut user: Map<String, Value>,
    subchart_keys: &[&str],
    keep_nulls: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, default) in defaults {
        match user.shift_remove(key) {
            // A user null deletes the default.
            Some(Value::Null) if !keep_nulls => {}
            Some(Value::Object(user_map)) => match default {
                Value::Object(default_map) => {
                    let keep = keep_nulls || subchart_keys.contains(&key.as_str());
                    let merged = coalesce_tables(user_map, default_map.clone(), keep);
                    out.insert(key.clone(), Value::Object(merged));
                }
                _ => {
                    out.insert(key.clone(), Value::Object(user_map));
                }
            },
            Some(user_value) => {
                out.insert(key.clone(), user_value);
            }
            // Defaults are copied as they are, nulls included (Helm 4.1).
            None => {
                out.insert(key.clone(), default.clone());
            }
        }
    }
    // Keys only the user has, nulls included.
    out.extend(user);
    out
}

/// `high` over `low`, recursively. With `keep_nulls` false a `null` in `high` deletes a
/// non-null value of `low`; with it true the `null` is kept.
pub fn coalesce_tables(
    mut high: Map<String, Value>,
    low: Map<String, Value>,
    keep_nulls: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, low_value) in low {
        match high.shift_remove(&key) {
            None => {
                out.insert(key, low_value);
            }
            Some(Value::Null) => {
                if keep_nulls || low_value.is_null() {
                    out.insert(key, Value::Null);
                }
            }
            Some(Value::Object(high_map)) => {
                let merged = match low_value {
                    Value::Object(low_map) => coalesce_tables(high_map, low_map, keep_nulls),
                    _ => high_map,
                };
                out.insert(key, Value::Object(merged));
            }
            Some(high_value) => {
                out.insert(key, high_value);
            }
        }
    }
    out.extend(high);
    out
}

/// Copies the parent's `global` into `sub` (the subchart's values), the parent's side winning.
/// A `global` that is not a map on either side is left alone, as in Helm.
pub fn coalesce_globals(sub: &mut Map<String, Value>, parent: &Map<String, Value>) {
    let mut sub_global = match sub.get("global") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return,
    };
    let parent_global = match parent.get("global") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return,
    };
    for (key, value) in parent_global {
        match (value, sub_global.get(&key)) {
            (Value::Object(pmap), None) => {
                sub_global.insert(key, Value::Object(pmap));
            }
            (Value::Object(pmap), Some(Value::Object(smap))) => {
                let merged = coalesce_tables(pmap, smap.clone(), true);
                sub_global.insert(key, Value::Object(merged));
            }
            // A map cannot replace a scalar, nor a scalar a map.
            (Value::Object(_), Some(_)) | (_, Some(Value::Object(_))) => {}
            (value, _) => {
                sub_global.insert(key, value);
            }
        }
    }
    sub.insert("global".to_string(), Value::Object(sub_global));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn merge_maps_keeps_nulls_and_replaces_lists() {
        let mut base = obj(json!({"a": {"x": 1, "y": [1, 2]}, "b": 1, "c": {"k": 1}}));
        merge_maps(
            &mut base,
            obj(json!({"a": {"y": [3], "z": null}, "b": {"m": 1}, "c": 2})),
        );
        assert_eq!(
            Value::Object(base),
            json!({"a": {"x": 1, "y": [3], "z": null}, "b": {"m": 1}, "c": 2})
        );
    }

    #[test]
    fn coalesce_rules() {
        let defaults = obj(json!({
            "keep": 1, "gone": 2, "nulldef": null, "list": [1, 2], "scalar": "s",
            "map": {"a": 1, "b": {"c": 2, "d": 3}, "n": null}, "tomap": 1, "toscalar": {"x": 1},
        }));
        let user = obj(json!({
            "gone": null, "list": [9], "scalar": 5, "map": {"b": {"d": null, "e": 4}, "new": null},
            "tomap": {"y": 1}, "toscalar": "z", "extra": null,
        }));
        let got = coalesce_values(&defaults, user.clone(), &[], false);
        assert_eq!(
            Value::Object(got),
            json!({
                "keep": 1, "nulldef": null, "list": [9], "scalar": 5,
                "map": {"a": 1, "b": {"c": 2, "e": 4}, "n": null, "new": null},
                "tomap": {"y": 1}, "toscalar": "z", "extra": null,
            })
        );
        // Merge mode (pre-merging defaults) keeps every null.
        let got = coalesce_values(&defaults, user, &[], true);
        assert_eq!(got["gone"], json!(null));
        assert_eq!(got["map"]["b"], json!({"c": 2, "d": null, "e": 4}));
    }

    #[test]
    fn subchart_keys_keep_nulls() {
        let defaults = obj(json!({"sub": {"a": 1, "b": 2}}));
        let user = obj(json!({"sub": {"a": null}}));
        assert_eq!(
            Value::Object(coalesce_values(&defaults, user.clone(), &["sub"], false)),
            json!({"sub": {"a": null, "b": 2}})
        );
        assert_eq!(
            Value::Object(coalesce_values(&defaults, user, &[], false)),
            json!({"sub": {"b": 2}})
        );
    }

    #[test]
    fn globals_parent_wins() {
        let mut sub =
            obj(json!({"global": {"a": 1, "m": {"x": 1, "y": 1}, "s": {"k": 1}}, "v": 1}));
        let parent = obj(json!({"global": {"a": 2, "b": 3, "m": {"y": 2}, "s": 5}}));
        coalesce_globals(&mut sub, &parent);
        assert_eq!(
            Value::Object(sub),
            json!({"global": {"a": 2, "m": {"x": 1, "y": 2}, "s": {"k": 1}, "b": 3}, "v": 1})
        );
        let mut sub = Map::new();
        coalesce_globals(&mut sub, &Map::new());
        assert_eq!(Value::Object(sub), json!({"global": {}}));
    }
}
