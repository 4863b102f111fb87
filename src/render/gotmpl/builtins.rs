//! Go's predefined template functions: `not len index slice print printf println eq ne lt le gt ge
//! html js urlquery call` (`and`/`or` short-circuit inside the executor).

use std::cmp::Ordering;

use super::fmt::{sprint, sprintf, sprintln};
use super::funcs::{Arity, CallCtx, FuncError, FuncMap};
use super::value::Value;

type R = Result<Value, FuncError>;

pub fn register(map: &mut FuncMap) {
    super::exec::register_control(map);
    map.add("not", Arity::Exact(1), not);
    map.add("len", Arity::Exact(1), len);
    map.add("index", Arity::AtLeast(1), index);
    map.add("slice", Arity::AtLeast(1), slice);
    map.add("print", Arity::AtLeast(0), print);
    map.add("printf", Arity::AtLeast(1), printf);
    map.add("println", Arity::AtLeast(0), println);
    map.add("eq", Arity::AtLeast(1), eq);
    map.add("ne", Arity::Exact(2), ne);
    map.add("lt", Arity::Exact(2), lt);
    map.add("le", Arity::Exact(2), le);
    map.add("gt", Arity::Exact(2), gt);
    map.add("ge", Arity::Exact(2), ge);
    map.add("html", Arity::AtLeast(0), html);
    map.add("js", Arity::AtLeast(0), js);
    map.add("urlquery", Arity::AtLeast(0), urlquery);
    map.add("call", Arity::AtLeast(1), call);
}

fn not(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::Bool(!a[0].truthy()))
}

fn len(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    match &a[0] {
        Value::Nil => Err(FuncError::call("len of nil pointer")),
        v => v
            .go_len()
            .map(|n| Value::Int(n as i64))
            .ok_or_else(|| FuncError::call(format!("len of type {}", v.type_name()))),
    }
}

fn index_arg(i: &Value, cap: usize, what: &str) -> Result<usize, FuncError> {
    let x = match i {
        Value::Nil => return Err(FuncError::call(format!("cannot index {what} with nil"))),
        v => match v.as_i64() {
            Some(x) => x,
            None => {
                return Err(FuncError::call(format!(
                    "cannot index {what} with type {}",
                    v.type_name()
                )))
            }
        },
    };
    if x < 0 || x as usize > cap {
        return Err(FuncError::call(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

fn index(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let mut item = a[0].clone();
    if item.is_nil() {
        return Err(FuncError::call("index of untyped nil"));
    }
    for (n, i) in a[1..].iter().enumerate() {
        item = match &item {
            Value::Nil if n > 0 => return Err(FuncError::call("index of nil pointer")),
            Value::List(l) => {
                let x = index_arg(i, l.len(), "slice/array")?;
                match l.get(x) {
                    Some(v) => v.clone(),
                    None => return Err(FuncError::call(format!("index out of range: {x}"))),
                }
            }
            Value::String(s) => {
                let x = index_arg(i, s.len(), "slice/array")?;
                match s.as_bytes().get(x) {
                    Some(b) => Value::Uint8(*b),
                    None => return Err(FuncError::call(format!("index out of range: {x}"))),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(i, b.len(), "slice/array")?;
                match b.get(x) {
                    Some(b) => Value::Uint8(*b),
                    None => return Err(FuncError::call(format!("index out of range: {x}"))),
                }
            }
            Value::Map(m) => match i {
                Value::String(k) => m.get(k).unwrap_or(Value::Nil),
                Value::Nil => {
                    return Err(FuncError::call("value is nil; should be of type string"))
                }
                other => {
                    return Err(FuncError::call(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    )))
                }
            },
            other => {
                return Err(FuncError::call(format!(
                    "can't index item of type {}",
                    other.type_name()
                )))
            }
        };
    }
    Ok(item)
}

fn slice(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let item = &a[0];
    let idx = &a[1..];
    if idx.len() > 3 {
        return Err(FuncError::call(format!(
            "too many slice indexes: {}",
            idx.len()
        )));
    }
    let len = match item {
        Value::Nil => return Err(FuncError::call("slice of untyped nil")),
        Value::String(s) => s.len(),
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => {
            return Err(FuncError::call(format!(
                "can't slice item of type {}",
                other.type_name()
            )))
        }
    };
    if matches!(item, Value::String(_)) && idx.len() == 3 {
        return Err(FuncError::call("cannot 3-index slice a string"));
    }
    let mut ix = [0usize, len, len];
    for (k, v) in idx.iter().enumerate() {
        ix[k] = index_arg(v, len, "slice/array")?;
    }
    if ix[0] > ix[1] {
        return Err(FuncError::call(format!(
            "invalid slice index: {} > {}",
            ix[0], ix[1]
        )));
    }
    if idx.len() == 3 && ix[1] > ix[2] {
        return Err(FuncError::call(format!(
            "invalid slice index: {} > {}",
            ix[1], ix[2]
        )));
    }
    Ok(match item {
        Value::String(s) => {
            let b = &s.as_bytes()[ix[0]..ix[1]];
            Value::str(String::from_utf8_lossy(b))
        }
        Value::List(l) => Value::List(super::value::List::typed(
            l.elem,
            l.items()[ix[0]..ix[1]].to_vec(),
        )),
        Value::Bytes(b) => Value::Bytes(std::rc::Rc::from(&b[ix[0]..ix[1]])),
        _ => unreachable!(),
    })
}

fn print(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::str(sprint(a)))
}

fn printf(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let f = match &a[0] {
        Value::String(s) => s.clone(),
        other => {
            return Err(FuncError::Plain(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            )))
        }
    };
    Ok(Value::str(sprintf(&f, &a[1..])))
}

fn println(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::str(sprintln(a)))
}

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
    Other,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Nil => Kind::Invalid,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint8(_) | Value::Uint64(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Other,
    }
}

fn uint_of(v: &Value) -> u64 {
    match v {
        Value::Uint8(u) => u64::from(*u),
        Value::Uint64(u) => *u,
        _ => 0,
    }
}

fn bad_comparison(a: &Value, b: &Value) -> FuncError {
    FuncError::call(format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    ))
}

/// Go's `eq arg1 arg2`.
fn eq2(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => {
                Ok(a.as_i64().unwrap_or(-1) >= 0 && a.as_i64().unwrap_or(0) as u64 == uint_of(b))
            }
            (Kind::Uint, Kind::Int) => {
                Ok(b.as_i64().unwrap_or(-1) >= 0 && b.as_i64().unwrap_or(0) as u64 == uint_of(a))
            }
            _ if a.is_nil() || b.is_nil() => Ok(false),
            _ => Err(bad_comparison(a, b)),
        };
    }
    Ok(match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Nil, Value::Nil) => true,
        _ if k1 == Kind::Int => a.as_i64() == b.as_i64(),
        _ if k1 == Kind::Uint => uint_of(a) == uint_of(b),
        _ => match (a, b) {
            (Value::Map(_), Value::Map(_))
            | (Value::List(_), Value::List(_))
            | (Value::Bytes(_), Value::Bytes(_)) => {
                return Err(FuncError::call(format!(
                    "non-comparable type {}: {}",
                    b.to_go_string(),
                    b.type_name()
                )))
            }
            (Value::Object(x), Value::Object(y)) => std::rc::Rc::ptr_eq(x, y),
            _ => {
                if a.type_name() != b.type_name() {
                    return Err(FuncError::call(format!(
                        "non-comparable types {}: {}, {}: {}",
                        a.to_go_string(),
                        a.type_name(),
                        b.type_name(),
                        b.to_go_string()
                    )));
                }
                false
            }
        },
    })
}

fn eq(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    if a.len() < 2 {
        return Err(FuncError::call("missing argument for comparison"));
    }
    for b in &a[1..] {
        if eq2(&a[0], b)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn ne(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::Bool(!eq2(&a[0], &a[1])?))
}

fn lt2(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    let invalid = || FuncError::call("invalid type for comparison");
    if matches!(k1, Kind::Invalid | Kind::Other) || matches!(k2, Kind::Invalid | Kind::Other) {
        return Err(invalid());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => {
                let x = a.as_i64().unwrap_or(0);
                Ok(x < 0 || (x as u64) < uint_of(b))
            }
            (Kind::Uint, Kind::Int) => {
                let y = b.as_i64().unwrap_or(0);
                Ok(y >= 0 && uint_of(a) < y as u64)
            }
            _ => Err(bad_comparison(a, b)),
        };
    }
    Ok(match (a, b) {
        (Value::Bool(_), _) => return Err(invalid()),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y) == Some(Ordering::Less),
        (Value::String(x), Value::String(y)) => x.as_bytes() < y.as_bytes(),
        _ if k1 == Kind::Int => a.as_i64() < b.as_i64(),
        _ => uint_of(a) < uint_of(b),
    })
}

fn lt(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::Bool(lt2(&a[0], &a[1])?))
}

fn le(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::Bool(lt2(&a[0], &a[1])? || eq2(&a[0], &a[1])?))
}

fn gt(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::Bool(!(lt2(&a[0], &a[1])? || eq2(&a[0], &a[1])?)))
}

fn ge(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Ok(Value::Bool(!lt2(&a[0], &a[1])?))
}

/// The text Go's escapers work on: the single string argument, else `fmt.Sprint` of all.
fn eval_args(a: &[Value]) -> String {
    match a {
        [Value::String(s)] => s.to_string(),
        _ => sprint(a),
    }
}

fn html(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let s = eval_args(a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Ok(Value::str(out))
}

fn js(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let s = eval_args(a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 || c.is_control() => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    Ok(Value::str(out))
}

fn urlquery(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let s = eval_args(a);
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::str(out))
}

/// No value a template reaches is a function: `call` always fails, naming the callee as Go
/// does (its source text, or the piped value's text).
fn call(ctx: &mut CallCtx<'_>, a: &[Value]) -> R {
    let callee = match ctx.first_arg {
        "" => a[0].to_go_string(),
        written => written.to_string(),
    };
    match &a[0] {
        Value::Nil => Err(FuncError::call("call of nil")),
        v => Err(FuncError::call(format!(
            "non-function {callee} of type {}",
            v.type_name()
        ))),
    }
}
