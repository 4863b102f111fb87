//! sprig's math: integer math on int64 (`add`, `add1`, `sub`, `mul`, `div`, `mod`, `max`/`biggest`,
//! `min`), float math on exact decimals (`addf`, `add1f`, `subf`, `mulf`, `divf`: `addf 0.1 0.2` is
//! 0.3), and float64 helpers (`maxf`, `minf`, `floor`, `ceil`, `round`). Arguments convert as cast
//! does: `add "2" 1.9` is 3.

use std::str::FromStr as _;

use rust_decimal::Decimal;

use crate::functions::types::{to_float64, to_int64};
use crate::functions::{call_err, int_arg};
use crate::render::gotmpl::{Arity, FuncError, FuncMap, Value};

/// The decimal operations of the `*f` family.
#[derive(Debug, Clone, Copy)]
pub enum DecimalOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// shopspring/decimal's `NewFromFloat`: the shortest decimal that reads back as `f`.
fn decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{f}")).ok()
}

/// sprig's `execDecimalOp`: folds `rest` into `first` with exact decimal arithmetic (division rounded
/// to 16 decimal places, half away from zero), then reads the result as a float64. Values out of the
/// decimal range fall back to float arithmetic.
pub fn decimal_fold(first: f64, rest: &[f64], op: DecimalOp) -> Result<f64, String> {
    let mut exact = decimal(first);
    let mut float = first;
    for &x in rest {
        if matches!(op, DecimalOp::Div) && x == 0.0 {
            return Err("decimal division by 0".into());
        }
        float = match op {
            DecimalOp::Add => float + x,
            DecimalOp::Sub => float - x,
            DecimalOp::Mul => float * x,
            DecimalOp::Div => float / x,
        };
        exact = match (exact, decimal(x)) {
            (Some(a), Some(b)) => match op {
                DecimalOp::Add => a.checked_add(b),
                DecimalOp::Sub => a.checked_sub(b),
                DecimalOp::Mul => a.checked_mul(b),
                DecimalOp::Div => a.checked_div(b).map(|q| {
                    q.round_dp_with_strategy(
                        16,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    )
                }),
            },
            _ => None,
        };
    }
    Ok(match exact {
        Some(d) => f64::from_str(&d.normalize().to_string()).unwrap_or(float),
        None => float,
    })
}

/// sprig's `round x places [half]`: rounds up from `half` (0.5 by default) of the last place.
pub fn round(x: f64, places: i64, half: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * x;
    let frac = digit.fract();
    let r = if frac >= half {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

fn int_fold(a: &[Value], f: fn(i64, i64) -> Option<i64>) -> Result<Value, FuncError> {
    let mut acc = to_int64(&a[0]);
    for v in &a[1..] {
        acc =
            f(acc, to_int64(v)).ok_or_else(|| call_err("runtime error: integer divide by zero"))?;
    }
    Ok(Value::Int64(acc))
}

fn float_fold(a: &[Value], first: f64, op: DecimalOp) -> Result<Value, FuncError> {
    let rest: Vec<f64> = a.iter().map(to_float64).collect();
    Ok(Value::Float(
        decimal_fold(first, &rest, op).map_err(call_err)?,
    ))
}

pub(crate) fn register(map: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    map.add("add1", Exact(1), |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
    });
    map.add("add", AtLeast(0), |_, a| {
        Ok(Value::Int64(
            a.iter().map(to_int64).fold(0i64, i64::wrapping_add),
        ))
    });
    map.add("sub", Exact(2), |_, a| {
        int_fold(a, |x, y| Some(x.wrapping_sub(y)))
    });
    map.add("mul", AtLeast(1), |_, a| {
        int_fold(a, |x, y| Some(x.wrapping_mul(y)))
    });
    map.add("div", Exact(2), |_, a| int_fold(a, i64::checked_div));
    map.add("mod", Exact(2), |_, a| int_fold(a, i64::checked_rem));
    for name in ["max", "biggest"] {
        map.add(name, AtLeast(1), |_, a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        });
    }
    map.add("min", AtLeast(1), |_, a| {
        Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    map.add("maxf", AtLeast(1), |_, a| {
        Ok(Value::Float(
            a[1..]
                .iter()
                .map(to_float64)
                .fold(to_float64(&a[0]), go_max),
        ))
    });
    map.add("minf", AtLeast(1), |_, a| {
        Ok(Value::Float(
            a[1..]
                .iter()
                .map(to_float64)
                .fold(to_float64(&a[0]), go_min),
        ))
    });
    map.add("floor", Exact(1), |_, a| {
        Ok(Value::Float(to_float64(&a[0]).floor()))
    });
    map.add("ceil", Exact(1), |_, a| {
        Ok(Value::Float(to_float64(&a[0]).ceil()))
    });
    map.add("round", AtLeast(2), |_, a| {
        let places = int_arg(&a[1])?;
        let half = match a.get(2) {
            Some(Value::Float(f)) => *f,
            Some(other) => return Err(crate::functions::wrong_type("float64", other)),
            None => 0.5,
        };
        Ok(Value::Float(round(to_float64(&a[0]), places, half)))
    });
    map.add("add1f", Exact(1), |_, a| {
        float_fold(&[Value::Float(1.0)], to_float64(&a[0]), DecimalOp::Add)
    });
    map.add("addf", AtLeast(0), |_, a| {
        float_fold(a, 0.0, DecimalOp::Add)
    });
    map.add("subf", AtLeast(1), |_, a| {
        float_fold(&a[1..], to_float64(&a[0]), DecimalOp::Sub)
    });
    map.add("mulf", AtLeast(1), |_, a| {
        float_fold(&a[1..], to_float64(&a[0]), DecimalOp::Mul)
    });
    map.add("divf", AtLeast(1), |_, a| {
        float_fold(&a[1..], to_float64(&a[0]), DecimalOp::Div)
    });
}

/// Go's `math.Max`: NaN wins, +0 beats -0.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    a.max(b)
}

/// Go's `math.Min`.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    a.min(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn decimal_math_like_sprig() {
        assert_eq!(decimal_fold(0.1, &[0.2], DecimalOp::Add).unwrap(), 0.3);
        assert_eq!(
            decimal_fold(2.0, &[3.0], DecimalOp::Div).unwrap(),
            0.6666666666666667
        );
        assert_eq!(
            decimal_fold(1.0, &[3.0], DecimalOp::Div).unwrap(),
            0.3333333333333333
        );
        assert_eq!(decimal_fold(1.1, &[3.0], DecimalOp::Mul).unwrap(), 3.3);
        assert_eq!(decimal_fold(1.0, &[0.9], DecimalOp::Sub).unwrap(), 0.1);
        assert_eq!(
            decimal_fold(1e30, &[3.0], DecimalOp::Div).unwrap(),
            3.333333333333333e29
        );
        assert_eq!(decimal_fold(1e20, &[1e20], DecimalOp::Mul).unwrap(), 1e40);
        assert_eq!(
            decimal_fold(1.0, &[0.0], DecimalOp::Div).unwrap_err(),
            "decimal division by 0"
        );
        assert_eq!(round(2.555, 2, 0.5), 2.56);
        assert_eq!(round(-1.5, 0, 0.5), -2.0);
        assert_eq!(round(1.5, 0, 0.5), 2.0);
    }
}
