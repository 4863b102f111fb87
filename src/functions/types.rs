//! sprig's defaults, conversions and reflection: `default`, `empty`, `coalesce`, `all`, `any`,
//! `ternary`, `toString`, `atoi`, `int`, `int64`, `float64`, `toDecimal`, `typeOf`, `typeIs`,
//! `typeIsLike`, `kindOf`, `kindIs`, `deepEqual`, `deepCopy`.
//!
//! Conversions follow spf13/cast 1.7 as sprig calls it: failures give 0, strings are read with Go's
//! base prefixes (`0x1F`, `0o17`, a leading `0` for octal) after a `.0…` tail is dropped, floats are
//! truncated, `true` is 1.

use crate::functions::{bool_arg, str_arg, strval};
use crate::render::gotmpl::{Arity, FuncError, FuncMap, List, Map, Value};

/// sprig's `empty`: nil, false, 0, and empty strings, lists and maps (Go's zero values); objects
/// are never empty.
pub fn empty(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        other => !other.truthy(),
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b`/leading-`0` prefixes, `_`
/// between digits only with a prefix.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_owned(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_owned(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_owned(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_owned(), true)
    } else {
        (10, lower, false)
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    if digits.contains('_') && !prefixed {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let magnitude = u64::from_str_radix(&clean, radix).ok()?;
    if neg {
        if magnitude > i64::MAX as u64 + 1 {
            return None;
        }
        Some((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// cast's `trimZeroDecimal`: `"12.00"` → `"12"`.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => return s,
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// cast's `ToInt64` (also `ToInt`): 0 when the value does not convert.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint8(u) => i64::from(*u),
        Value::Uint64(u) => *u as i64,
        Value::Float(f) => *f as i64,
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// cast's `ToFloat64`: 0 when the value does not convert.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint8(u) => f64::from(*u),
        Value::Uint64(u) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text and the `Inf`/`NaN` spellings.
pub fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    let numeric = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'));
    if numeric || matches!(body, "inf" | "infinity" | "nan") {
        return lower.parse().ok();
    }
    None
}

/// Go's `reflect.DeepEqual` on template values: same types, same contents.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Uint8(x), Value::Uint8(y)) => x == y,
        (Value::Uint64(x), Value::Uint64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem == y.elem
                && x.len() == y.len()
                && x.items()
                    .iter()
                    .zip(y.items())
                    .all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.ptr_eq(y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.type_name() == y.type_name() && x.fmt_v() == y.fmt_v()
        }
        _ => false,
    }
}

/// copystructure's `Copy`: new maps and lists all the way down (maps stop being shared).
pub fn deep_copy(v: &Value, depth: usize) -> Result<Value, FuncError> {
    if depth > 10_000 {
        return Err(crate::functions::call_err(
            "deepCopy: the value nests too deeply",
        ));
    }
    Ok(match v {
        Value::Map(m) => {
            let mut entries = std::collections::BTreeMap::new();
            for (k, item) in m.borrow().iter() {
                entries.insert(k.clone(), deep_copy(item, depth + 1)?);
            }
            Value::Map(Map::with_type(m.ty, entries))
        }
        Value::List(l) => Value::List(List::typed(
            l.elem,
            l.items()
                .iter()
                .map(|i| deep_copy(i, depth + 1))
                .collect::<Result<_, _>>()?,
        )),
        other => other.clone(),
    })
}

pub(crate) fn register(map: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    map.add("default", AtLeast(1), |_, a| {
        let given = a.get(1);
        Ok(match given {
            Some(v) if !empty(v) => v.clone(),
            _ => a[0].clone(),
        })
    });
    map.add("empty", Exact(1), |_, a| Ok(Value::Bool(empty(&a[0]))));
    map.add("coalesce", AtLeast(0), |_, a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    map.add("all", AtLeast(0), |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    });
    map.add("any", AtLeast(0), |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    });
    map.add("ternary", Exact(3), |_, a| {
        Ok(if bool_arg(&a[2])? {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    map.add("toString", Exact(1), |_, a| Ok(Value::from(strval(&a[0]))));
    map.add("atoi", Exact(1), |_, a| {
        let s = str_arg(&a[0])?;
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        Ok(Value::Int(if ok { s.parse().unwrap_or(0) } else { 0 }))
    });
    map.add("int", Exact(1), |_, a| Ok(Value::Int(to_int64(&a[0]))));
    map.add("int64", Exact(1), |_, a| Ok(Value::Int64(to_int64(&a[0]))));
    map.add("float64", Exact(1), |_, a| {
        Ok(Value::Float(to_float64(&a[0])))
    });
    map.add("toDecimal", Exact(1), |_, a| {
        let text = a[0].to_go_string();
        let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
        let ok = !digits.is_empty() && digits.bytes().all(|b| (b'0'..=b'7').contains(&b));
        let n = if ok {
            i64::from_str_radix(&text, 8).unwrap_or(0)
        } else {
            0
        };
        Ok(Value::Int64(n))
    });
    map.add("typeOf", Exact(1), |_, a| Ok(Value::from(a[0].type_name())));
    map.add("typeIs", Exact(2), |_, a| {
        Ok(Value::Bool(str_arg(&a[0])? == a[1].type_name()))
    });
    map.add("typeIsLike", Exact(2), |_, a| {
        let (target, t) = (str_arg(&a[0])?, a[1].type_name());
        Ok(Value::Bool(t == target || t == format!("*{target}")))
    });
    map.add("kindOf", Exact(1), |_, a| Ok(Value::str(a[0].kind_name())));
    map.add("kindIs", Exact(2), |_, a| {
        Ok(Value::Bool(str_arg(&a[0])? == a[1].kind_name()))
    });
    map.add("deepEqual", Exact(2), |_, a| {
        Ok(Value::Bool(deep_equal(&a[0], &a[1])))
    });
    map.add("deepCopy", Exact(1), |_, a| deep_copy(&a[0], 0));
    map.add("mustDeepCopy", Exact(1), |_, a| deep_copy(&a[0], 0));
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn cast_conversions() {
        assert_eq!(to_int64(&Value::str("12")), 12);
        assert_eq!(to_int64(&Value::str("abc")), 0);
        assert_eq!(to_int64(&Value::str("0x1F")), 31);
        assert_eq!(to_int64(&Value::str("010")), 8);
        assert_eq!(to_int64(&Value::str("12.00")), 12);
        assert_eq!(to_int64(&Value::str("12.5")), 0);
        assert_eq!(to_int64(&Value::Float(1.5)), 1);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_float64(&Value::str("2.5")), 2.5);
        assert_eq!(to_float64(&Value::str("1e3")), 1000.0);
        assert_eq!(to_float64(&Value::str("x")), 0.0);
    }

    #[test]
    fn emptiness_and_equality() {
        assert!(empty(&Value::Nil) && empty(&Value::Int(0)) && empty(&Value::str("")));
        assert!(!empty(&Value::Float(0.1)));
        assert!(!deep_equal(&Value::Int(1), &Value::Int64(1)));
        assert!(deep_equal(
            &Value::list(vec![Value::Int(1)]),
            &Value::list(vec![Value::Int(1)])
        ));
    }
}
