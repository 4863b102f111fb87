//! Helm's engine-bound functions: `include`, `tpl`, `required`, `fail`, `lookup`.

use super::funcs::{arg_str, Arity, CallCtx, FuncError, FuncMap};
use super::value::{Map, Value};

type R = Result<Value, FuncError>;

pub fn register(map: &mut FuncMap) {
    map.add("include", Arity::Exact(2), include);
    map.add("tpl", Arity::Exact(2), tpl);
    map.add("required", Arity::Exact(2), required);
    map.add("fail", Arity::Exact(1), fail);
    map.add("lookup", Arity::Exact(4), lookup);
}

fn include(ctx: &mut CallCtx<'_>, a: &[Value]) -> R {
    let name = arg_str(&a[0])?.to_string();
    Ok(Value::String(ctx.include(&name, &a[1])?))
}

fn tpl(ctx: &mut CallCtx<'_>, a: &[Value]) -> R {
    let text = arg_str(&a[0])?.to_string();
    if !matches!(a[1], Value::Map(_)) {
        return Err(FuncError::Plain(format!(
            "wrong type for value; expected common.Values; got {}",
            a[1].type_name()
        )));
    }
    Ok(Value::str(ctx.tpl(&text, &a[1])?))
}

/// Helm's `required`: nil or an empty string fail with the chart's message.
fn required(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    let msg = arg_str(&a[0])?;
    match &a[1] {
        Value::Nil => Err(FuncError::Fail(msg.to_string())),
        Value::String(s) if s.is_empty() => Err(FuncError::Fail(msg.to_string())),
        v => Ok(v.clone()),
    }
}

fn fail(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    Err(FuncError::Fail(arg_str(&a[0])?.to_string()))
}

/// `lookup` without a cluster (as `helm template`): an empty map.
fn lookup(_: &mut CallCtx<'_>, a: &[Value]) -> R {
    for v in a {
        arg_str(v)?;
    }
    Ok(Value::Map(Map::new()))
}
