//! sprig's list functions: `list`/`tuple`, `append`/`push`, `prepend`, `first`, `rest`, `last`,
//! `initial`, `reverse`, `uniq`, `without`, `has`, `slice`, `concat`, `chunk`, `compact`,
//! `sortAlpha`, `until`, `untilStep`, `seq`, and their `must*` forms.
//!
//! They accept any Go slice and answer with a new `[]interface {}`; what is not a slice is sprig's
//! error (`Cannot find first on type int`), and nil is the nil dereference Go panics with. Items are
//! compared with Go's `reflect.DeepEqual`, so `1`, `"1"` and `1.0` are three different items.

use crate::functions::types::{deep_equal, empty, to_int64};
use crate::functions::{call_err, charge, int_arg, kind_of, nil_deref, slice_items, strval};
use crate::render::gotmpl::{Arity, CallCtx, ElemType, FuncError, FuncMap, List, Value};

/// Go's `untilStep start stop step`: from `start` towards `stop` (excluded) by `step`; nothing when
/// the step goes the wrong way.
pub fn until_step(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut out = Vec::new();
    if stop < start {
        if step >= 0 {
            return out;
        }
        let mut i = start;
        while i > stop {
            out.push(i);
            i += step;
        }
        return out;
    }
    if step <= 0 {
        return out;
    }
    let mut i = start;
    while i < stop {
        out.push(i);
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    out
}

/// The length `untilStep` would produce, to check the budget before building it.
fn until_len(start: i64, stop: i64, step: i64) -> u128 {
    let span = (i128::from(stop) - i128::from(start)).unsigned_abs();
    let step = i128::from(step).unsigned_abs().max(1);
    span / step + 1
}

/// sprig's `seq`: like GNU seq, the numbers joined by spaces.
pub fn seq(params: &[i64]) -> Option<(i64, i64, i64)> {
    Some(match *params {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            (1, end + inc, inc)
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            (start, end + step, step)
        }
        [start, step, end] => {
            let inc = if end < start { -1 } else { 1 };
            if end < start && step > 0 {
                return None;
            }
            (start, end + inc, step)
        }
        _ => return None,
    })
}

fn ints(items: Vec<i64>) -> Value {
    Value::List(List::typed(
        ElemType::Int,
        items.into_iter().map(Value::Int).collect(),
    ))
}

/// The items of the slice argument, or sprig's error naming the operation.
fn items(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    if v.is_nil() {
        return Err(nil_deref());
    }
    slice_items(v).ok_or_else(|| call_err(format!("Cannot {what} type {}", kind_of(v))))
}

fn checked_until(
    ctx: &mut CallCtx<'_>,
    start: i64,
    stop: i64,
    step: i64,
) -> Result<Value, FuncError> {
    let n = until_len(start, stop, step);
    charge(ctx, usize::try_from(n).unwrap_or(usize::MAX))?;
    Ok(ints(until_step(start, stop, step)))
}

fn first(a: &[Value]) -> Result<Value, FuncError> {
    Ok(items(&a[0], "find first on")?
        .first()
        .cloned()
        .unwrap_or_default())
}

fn last(a: &[Value]) -> Result<Value, FuncError> {
    Ok(items(&a[0], "find last on")?
        .last()
        .cloned()
        .unwrap_or_default())
}

fn rest(a: &[Value]) -> Result<Value, FuncError> {
    let all = items(&a[0], "find rest on")?;
    Ok(Value::list(all.into_iter().skip(1).collect()))
}

fn initial(a: &[Value]) -> Result<Value, FuncError> {
    let mut all = items(&a[0], "find initial on")?;
    all.pop();
    Ok(Value::list(all))
}

fn reverse(a: &[Value]) -> Result<Value, FuncError> {
    let mut all = items(&a[0], "find reverse on")?;
    all.reverse();
    Ok(Value::list(all))
}

fn uniq(a: &[Value]) -> Result<Value, FuncError> {
    let mut out: Vec<Value> = Vec::new();
    for item in items(&a[0], "find uniq on")? {
        if !out.iter().any(|o| deep_equal(o, &item)) {
            out.push(item);
        }
    }
    Ok(Value::list(out))
}

fn without(a: &[Value]) -> Result<Value, FuncError> {
    let omit = &a[1..];
    let all = items(&a[0], "find without on")?;
    Ok(Value::list(
        all.into_iter()
            .filter(|i| !omit.iter().any(|o| deep_equal(o, i)))
            .collect(),
    ))
}

fn has(a: &[Value]) -> Result<Value, FuncError> {
    if a[1].is_nil() {
        return Ok(Value::Bool(false));
    }
    let all = items(&a[1], "find has on")?;
    Ok(Value::Bool(all.iter().any(|i| deep_equal(&a[0], i))))
}

fn compact(a: &[Value]) -> Result<Value, FuncError> {
    let all = items(&a[0], "compact on")?;
    Ok(Value::list(all.into_iter().filter(|i| !empty(i)).collect()))
}

fn append(a: &[Value]) -> Result<Value, FuncError> {
    let mut all = items(&a[0], "push on")?;
    all.push(a[1].clone());
    Ok(Value::list(all))
}

fn prepend(a: &[Value]) -> Result<Value, FuncError> {
    let mut all = items(&a[0], "prepend on")?;
    all.insert(0, a[1].clone());
    Ok(Value::list(all))
}

fn chunk(a: &[Value]) -> Result<Value, FuncError> {
    let size = int_arg(&a[0])?;
    let all = items(&a[1], "chunk")?;
    if size <= 0 {
        return Err(call_err("runtime error: makeslice: len out of range"));
    }
    Ok(Value::list(
        all.chunks(size as usize)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    ))
}

fn slice(a: &[Value]) -> Result<Value, FuncError> {
    if a[0].is_nil() {
        return Err(nil_deref());
    }
    let Some(all) = slice_items(&a[0]) else {
        return Err(call_err(format!(
            "list should be type of slice or array but {}",
            kind_of(&a[0])
        )));
    };
    if all.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map_or(0, to_int64);
    let end = a.get(2).map_or(all.len() as i64, to_int64);
    if start < 0 || end < start || end as usize > all.len() {
        return Err(call_err(format!(
            "reflect: slice index out of range [{start}:{end}] with length {}",
            all.len()
        )));
    }
    let elem = a[0].as_list().map_or(ElemType::Interface, |l| l.elem);
    Ok(Value::List(List::typed(
        elem,
        all[start as usize..end as usize].to_vec(),
    )))
}

fn concat(a: &[Value]) -> Result<Value, FuncError> {
    let mut out = Vec::new();
    for list in a {
        if list.is_nil() {
            return Err(nil_deref());
        }
        let Some(items) = slice_items(list) else {
            return Err(call_err(format!(
                "Cannot concat type {} as list",
                kind_of(list)
            )));
        };
        out.extend(items);
    }
    Ok(Value::list(out))
}

fn sort_alpha(a: &[Value]) -> Result<Value, FuncError> {
    let mut out = if slice_items(&a[0]).is_some() {
        crate::functions::strings::strslice(&a[0])
    } else {
        vec![strval(&a[0])]
    };
    out.sort();
    Ok(Value::string_list(out))
}

pub(crate) fn register(map: &mut FuncMap) {
    use Arity::{AtLeast, Exact, Range};
    for name in ["list", "tuple"] {
        map.add(name, AtLeast(0), |_, a| Ok(Value::list(a.to_vec())));
    }
    let pairs: [(
        &'static str,
        &'static str,
        Arity,
        crate::render::gotmpl::funcs::Func,
    ); 15] = [
        ("first", "mustFirst", Exact(1), |_, a| first(a)),
        ("last", "mustLast", Exact(1), |_, a| last(a)),
        ("rest", "mustRest", Exact(1), |_, a| rest(a)),
        ("initial", "mustInitial", Exact(1), |_, a| initial(a)),
        ("reverse", "mustReverse", Exact(1), |_, a| reverse(a)),
        ("uniq", "mustUniq", Exact(1), |_, a| uniq(a)),
        ("without", "mustWithout", AtLeast(1), |_, a| without(a)),
        ("has", "mustHas", Exact(2), |_, a| has(a)),
        ("compact", "mustCompact", Exact(1), |_, a| compact(a)),
        ("append", "mustAppend", Exact(2), |_, a| append(a)),
        ("push", "mustPush", Exact(2), |_, a| append(a)),
        ("prepend", "mustPrepend", Exact(2), |_, a| prepend(a)),
        ("chunk", "mustChunk", Exact(2), |_, a| chunk(a)),
        ("slice", "mustSlice", AtLeast(1), |_, a| slice(a)),
        ("concat", "concat", AtLeast(0), |ctx, a| {
            let total = a.iter().map(|l| l.go_len().unwrap_or(0)).sum::<usize>();
            charge(ctx, total.saturating_mul(16))?;
            concat(a)
        }),
    ];
    for (name, must, arity, func) in pairs {
        map.add(name, arity, func);
        map.add(must, arity, func);
    }
    map.add("sortAlpha", Exact(1), |_, a| sort_alpha(a));
    map.add("until", Exact(1), |ctx, a| {
        let n = int_arg(&a[0])?;
        checked_until(ctx, 0, n, if n < 0 { -1 } else { 1 })
    });
    map.add("untilStep", Exact(3), |ctx, a| {
        checked_until(ctx, int_arg(&a[0])?, int_arg(&a[1])?, int_arg(&a[2])?)
    });
    map.add("seq", Range(0, usize::MAX), |ctx, a| {
        let params = a.iter().map(int_arg).collect::<Result<Vec<_>, _>>()?;
        let Some((start, stop, step)) = seq(&params) else {
            return Ok(Value::str(""));
        };
        charge(
            ctx,
            usize::try_from(until_len(start, stop, step)).unwrap_or(usize::MAX),
        )?;
        let parts: Vec<String> = until_step(start, stop, step)
            .iter()
            .map(i64::to_string)
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn ranges_like_sprig() {
        assert_eq!(until_step(0, 10, 3), [0, 3, 6, 9]);
        assert_eq!(until_step(3, 0, -1), [3, 2, 1]);
        assert!(until_step(0, 3, -1).is_empty());
        let seq_text = |p: &[i64]| {
            seq(p).map(|(a, b, c)| {
                until_step(a, b, c)
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        };
        assert_eq!(seq_text(&[5]).unwrap(), "1 2 3 4 5");
        assert_eq!(seq_text(&[5, 1]).unwrap(), "5 4 3 2 1");
        assert_eq!(seq_text(&[1, 2, 8]).unwrap(), "1 3 5 7");
        assert_eq!(seq_text(&[5, 1, 1]), None);
    }

    #[test]
    fn list_operations() {
        let l = Value::list(vec![
            Value::Int(1),
            Value::Int(1),
            Value::str("1"),
            Value::Float(1.0),
        ]);
        assert_eq!(uniq(&[l]).unwrap().to_go_string(), "[1 1 1]");
        let three = Value::list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(
            slice(&[three.clone(), Value::Int(1)])
                .unwrap()
                .to_go_string(),
            "[2 3]"
        );
        assert_eq!(
            chunk(&[Value::Int(2), three.clone()])
                .unwrap()
                .to_go_string(),
            "[[1 2] [3]]"
        );
        assert_eq!(
            first(&[Value::Int(3)]).unwrap_err().to_string(),
            "Cannot find first on type int"
        );
        assert_eq!(
            slice(&[Value::str("hello"), Value::Int(1)])
                .unwrap_err()
                .to_string(),
            "list should be type of slice or array but string"
        );
        assert!(first(&[Value::Nil]).is_err());
        assert_eq!(
            sort_alpha(&[Value::list(vec![
                Value::str("b"),
                Value::Int(1),
                Value::str("a")
            ])])
            .unwrap()
            .to_go_string(),
            "[1 a b]"
        );
    }
}
