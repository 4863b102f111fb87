//! sprig's dict functions: `dict`, `get`, `set`, `unset`, `hasKey`, `pluck`, `dig`, `keys`,
//! `values`, `pick`, `omit`, `merge`, `mergeOverwrite` (and `must*` forms).
//!
//! Maps are shared, as in Go: `set`, `unset`, `merge` and `mergeOverwrite` change the map they are
//! given, wherever else it is held (`.Values`, a variable, an item of a `range`). `keys` and `values`
//! come out in sorted key order where Go's order is random.

use crate::functions::{call_err, map_arg, str_arg, strval};
use crate::render::gotmpl::{Arity, FuncError, FuncMap, Map, Value};

/// Whether a value is mergo's "empty" (Go's zero value, looking through the interface).
fn mergo_empty(v: &Value) -> bool {
    crate::functions::types::empty(v)
}

/// mergo's `Merge` (`overwrite == false`: keys missing or empty in `dst` are filled from `src`,
/// nested maps merged) and `MergeWithOverwrite` (`true`: `src` wins, nested maps merged, a `null`
/// in `src` clears the key), changing `dst` in place.
pub fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), FuncError> {
    if depth > 1000 {
        return Err(call_err("merge: maps nest too deeply"));
    }
    if dst.ptr_eq(src) {
        return Ok(());
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, sv) in entries {
        let dv = dst.get(&key);
        if sv.is_nil() {
            if overwrite {
                dst.insert(key, Value::Nil);
            }
            continue;
        }
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&sv, &dv) {
            merge_into(dm, sm, overwrite, depth + 1)?;
            if !dm.is_empty() {
                continue;
            }
        }
        let dst_empty = dv.as_ref().is_none_or(mergo_empty);
        if overwrite || dst_empty {
            dst.insert(key, sv);
        }
    }
    Ok(())
}

/// sprig's `dig k1 k2 … default dict`: the value at the path, or the default when a key is missing.
pub fn dig(args: &[Value]) -> Result<Value, FuncError> {
    let n = args.len();
    let Value::Map(mut current) = args[n - 1].clone() else {
        return Err(call_err(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            args[n - 1].type_name()
        )));
    };
    let default = &args[n - 2];
    let keys = &args[..n - 2];
    for (i, k) in keys.iter().enumerate() {
        let Value::String(k) = k else {
            return Err(call_err(format!(
                "interface conversion: interface {{}} is {}, not string",
                k.type_name()
            )));
        };
        let Some(step) = current.get(k) else {
            return Ok(default.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        match step {
            Value::Map(m) => current = m,
            other => {
                return Err(call_err(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    other.type_name()
                )))
            }
        }
    }
    Ok(default.clone())
}

fn maps(args: &[Value]) -> Result<Vec<Map>, FuncError> {
    args.iter().map(map_arg).collect()
}

fn merge(args: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let dst = map_arg(&args[0])?;
    for src in maps(&args[1..])? {
        merge_into(&dst, &src, overwrite, 0)?;
    }
    Ok(Value::Map(dst))
}

fn string_keys(args: &[Value]) -> Result<Vec<&str>, FuncError> {
    args.iter().map(str_arg).collect()
}

pub(crate) fn register(map: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    map.add("dict", AtLeast(0), |_, a| {
        let m = Map::new();
        for pair in a.chunks(2) {
            let value = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
            m.insert(strval(&pair[0]), value);
        }
        Ok(Value::Map(m))
    });
    map.add("get", Exact(2), |_, a| {
        let (m, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
        Ok(m.get(k).unwrap_or_else(|| Value::str("")))
    });
    map.add("set", Exact(3), |_, a| {
        let (m, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
        m.insert(k, a[2].clone());
        Ok(Value::Map(m.clone()))
    });
    map.add("unset", Exact(2), |_, a| {
        let (m, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
        m.remove(k);
        Ok(Value::Map(m.clone()))
    });
    map.add("hasKey", Exact(2), |_, a| {
        let (m, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
        Ok(Value::Bool(m.contains_key(k)))
    });
    map.add("pluck", AtLeast(1), |_, a| {
        let key = str_arg(&a[0])?;
        Ok(Value::list(
            maps(&a[1..])?.iter().filter_map(|m| m.get(key)).collect(),
        ))
    });
    map.add("dig", AtLeast(3), |_, a| dig(a));
    map.add("keys", AtLeast(0), |_, a| {
        let mut out = Vec::new();
        for m in maps(a)? {
            out.extend(m.keys());
        }
        Ok(Value::string_list(out))
    });
    map.add("values", Exact(1), |_, a| {
        Ok(Value::list(
            map_arg(&a[0])?.borrow().values().cloned().collect(),
        ))
    });
    map.add("pick", AtLeast(1), |_, a| {
        let m = map_arg(&a[0])?;
        let out = Map::new();
        for k in string_keys(&a[1..])? {
            if let Some(v) = m.get(k) {
                out.insert(k, v);
            }
        }
        Ok(Value::Map(out))
    });
    map.add("omit", AtLeast(1), |_, a| {
        let m = map_arg(&a[0])?;
        let omit = string_keys(&a[1..])?;
        let out = Map::new();
        for (k, v) in m.borrow().iter() {
            if !omit.contains(&k.as_str()) {
                out.insert(k.clone(), v.clone());
            }
        }
        Ok(Value::Map(out))
    });
    map.add("merge", AtLeast(1), |_, a| merge(a, false));
    map.add("mustMerge", AtLeast(1), |_, a| merge(a, false));
    map.add("mergeOverwrite", AtLeast(1), |_, a| merge(a, true));
    map.add("mustMergeOverwrite", AtLeast(1), |_, a| merge(a, true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::gotmpl::NumberMode;

    fn v(json: serde_json::Value) -> Value {
        Value::from_json(&json, NumberMode::Int64)
    }

    fn json(v: &Value) -> String {
        v.to_json().unwrap().to_string()
    }

    // Expected values printed by helm 4.1.4 (merge and mergeOverwrite of the same two dicts).
    #[test]
    fn merge_follows_mergo_in_place() {
        let src =
            serde_json::json!({"a": [2], "b": {"z": 1}, "c": {"d": 2, "n": 3}, "e": null, "f": 5});
        let dst = v(serde_json::json!({"a": [1], "b": "x", "c": {"d": 1}, "e": "y", "f": 0}));
        let out = merge(&[dst.clone(), v(src.clone())], true).unwrap();
        assert_eq!(
            json(&out),
            r#"{"a":[2],"b":{"z":1},"c":{"d":2,"n":3},"e":null,"f":5}"#
        );
        assert_eq!(json(&dst), json(&out), "changed in place");

        let src =
            serde_json::json!({"a": [2], "b": "src", "c": {"d": 2, "n": 3}, "f": 5, "g": null});
        let dst = v(serde_json::json!({"a": [1], "b": "", "c": {"d": 1}, "f": 0, "g": "keep"}));
        let out = merge(&[dst.clone(), v(src)], false).unwrap();
        assert_eq!(
            json(&out),
            r#"{"a":[1],"b":"src","c":{"d":1,"n":3},"f":5,"g":"keep"}"#
        );
        assert_eq!(json(&dst), json(&out), "changed in place");
    }

    #[test]
    fn dig_walks_maps() {
        let d = v(serde_json::json!({"a": {"b": "v"}}));
        let dig_path = |keys: &[&str]| {
            let mut args: Vec<Value> = keys.iter().map(Value::str).collect();
            args.push(Value::str("def"));
            args.push(d.clone());
            dig(&args).unwrap().to_go_string()
        };
        assert_eq!(dig_path(&["a", "b"]), "v");
        assert_eq!(dig_path(&["a", "x"]), "def");
        assert_eq!(dig_path(&["x", "y"]), "def");
    }
}
