//! Stage 2: compute the values a chart renders with (stub: being written).
use crate::chart::Chart;
use crate::Result;
use serde_json::Value;

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

/// The user-supplied values: `-f` files in order, then the `--set` family in Helm's fixed group order.
pub fn user_values(flags: &ValueFlags) -> Result<Value> {
    let _ = flags;
    Ok(Value::Object(Default::default()))
}

/// Coalesces user values over chart defaults, scopes subcharts, evaluates conditions and tags,
/// and validates every chart's `values.schema.json`.
pub fn resolve(chart: &Chart, user: Value) -> Result<ValueTree> {
    let _ = user;
    Ok(ValueTree {
        values: chart.values.clone(),
        children: Vec::new(),
    })
}

/// Merges `extra` over `base` as a later `-f` file would.
pub fn merge_user(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                match b.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        merge_user(existing, v)
                    }
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, e) => *b = e,
    }
}
