//! Filters and functions with Helm's meaning and Jinja names, and the
//! YAML-friendly value formatter.
//!
//! | kiln (Jinja)                         | Helm / sprig            |
//! |--------------------------------------|-------------------------|
//! | `v \| toyaml`                        | `toYaml v`              |
//! | `s \| fromyaml`                      | `fromYaml s`            |
//! | `v \| tojson`                        | `toJson v`              |
//! | `s \| fromjson`                      | `fromJson s`            |
//! | `s \| nindent(n)`                    | `nindent n s`           |
//! | `v \| quote`, `v \| squote`          | `quote v`, `squote v`   |
//! | `s \| b64enc`, `s \| b64dec`         | `b64enc s`, `b64dec s`  |
//! | `s \| sha256sum`                     | `sha256sum s`           |
//! | `v \| required(msg)`                 | `required msg v`        |
//! | `s \| trunc(n)`                      | `trunc n s`             |
//! | `s \| trimsuffix(x)`, `trimprefix`   | `trimSuffix x s`, …     |
//! | `ver \| semver_compare(c)`           | `semverCompare c ver`   |
//! | `s \| regex_replace(re, repl)`       | `regexReplaceAll re s repl` |
//! | `s \| regex_match(re)`               | `regexMatch re s`       |
//! | `kebabcase`, `snakecase`, `camelcase`| same names              |
//! | `tpl(text)` / `tpl(text, ctx)`       | `tpl text .`            |
//! | `fail(msg)`                          | `fail msg`              |
//! | `lookup(api, kind, ns, name)`        | `lookup …` (empty map)  |
//!
//! Behaviour copied from Helm (checked with the helm 4 binary), including its
//! odd corners: `fromyaml`/`fromjson` return `{"Error": "…"}` instead of
//! failing, `b64dec` returns Go's error text for bad input, `quote` of a
//! missing value is the empty string, `tojson` escapes `<`, `>`, `&` as
//! `\u003c`… and sorts keys as Go's `json.Marshal` does. Deliberate
//! differences: `trunc` counts characters where Go counts bytes (so it never
//! splits a UTF-8 sequence); integers are never pushed through float64;
//! lists and maps turn into text as compact JSON wherever a string is needed
//! (`quote`, `nindent`, printing), where Go would print `[1 a]` / `map[a:1]`;
//! floats print as minijinja prints them (`1.0`), where Go prints `1`.
//!
//! One file per family, as `crate::functions` (whose cores these filters call, so a Jinja filter and
//! the Go function of the same name print the same): [`yaml_json`], [`strings`], [`encoding`],
//! [`regex`], [`semver`], and [`helm`] for the functions bound to a render (`tpl`, `required`, …).
use crate::budget;
use std::borrow::Cow;

use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Output, State, Value};

mod encoding;
mod helm;
mod regex;
mod semver;
mod strings;
#[cfg(test)]
mod tests;
mod yaml_json;

pub use crate::functions::semver::semver_satisfies;
pub use helm::TplSource;

use encoding::*;
use helm::*;
use regex::*;
use semver::*;
use strings::*;
use yaml_json::*;

/// Registers every kiln filter and function on `env` (Jinja's own filters
/// such as `indent`, `default`, `lower`, `replace` stay available; `tojson`
/// is replaced by Helm's variant).
pub fn register(env: &mut Environment<'_>) {
    // Each filter refuses an undefined input (`default` and `required` excepted).
    let env = &mut super::strict::StrictFilters(env);
    env.add_filter("toyaml", toyaml);
    env.add_filter("fromyaml", fromyaml);
    env.add_filter("tojson", tojson);
    env.add_filter("fromjson", fromjson);
    env.add_filter("nindent", nindent);
    env.add_filter("quote", quote);
    env.add_filter("squote", squote);
    env.add_filter("b64enc", b64enc);
    env.add_filter("b64dec", b64dec);
    env.add_filter("sha256sum", sha256sum);
    env.add_filter("required", required);
    env.add_filter("trunc", trunc);
    env.add_filter("trimsuffix", trimsuffix);
    env.add_filter("trimprefix", trimprefix);
    env.add_filter("semver_compare", semver_compare);
    env.add_filter("regex_replace", regex_replace);
    env.add_filter("regex_match", regex_match);
    env.add_filter("kebabcase", kebabcase);
    env.add_filter("snakecase", snakecase);
    env.add_filter("camelcase", camelcase);
    env.add_filter("string", string);
    env.add_filter("pprint", pprint);
    env.add_function("tpl", tpl);
    env.add_function("fail", fail);
    env.add_function("lookup", lookup);
    env.add_function(crate::render::limits::NEST_CHECK, nest_check);
}

/// The formatter for `env.set_formatter`: prints values so the result is
/// YAML. Strings and numbers as they are, `true`/`false`, none as `null`,
/// lists and maps as compact JSON (a YAML flow collection). Undefined values
/// go to minijinja's [`minijinja::escape_formatter`], so the strictness
/// checks and the silent undefined of `if` expressions behave as usual.
pub fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::Undefined | ValueKind::String => minijinja::escape_formatter(out, state, value),
        _ => {
            let text = display(value)?;
            out.write_str(&text).map_err(|_| {
                Error::new(
                    ErrorKind::WriteFailure,
                    "could not write the rendered output",
                )
            })
        }
    }
}

/// The text of a value as the formatter prints it (used by every filter that
/// turns a value into a string).
pub(super) fn display(value: &Value) -> Result<Cow<'_, str>, Error> {
    Ok(match value.kind() {
        ValueKind::Undefined => Cow::Borrowed(""),
        ValueKind::None => Cow::Borrowed("null"),
        ValueKind::Bool => Cow::Borrowed(if value.is_true() { "true" } else { "false" }),
        ValueKind::String => Cow::Borrowed(value.as_str().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => {
            Cow::Owned(serde_json::to_string(&to_json(value)?).map_err(bad_serialization)?)
        }
        _ => Cow::Owned(value.to_string()),
    })
}

pub(super) fn bad_serialization(e: serde_json::Error) -> Error {
    Error::new(ErrorKind::BadSerialization, e.to_string())
}

/// The error for a value nested deeper than [`budget::TEMPLATE_VALUE_DEPTH`].
fn too_deep() -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "value nested more than {} levels deep: exceeds kiln's value depth budget",
            budget::TEMPLATE_VALUE_DEPTH
        ),
    )
}

/// Fails when `value` nests lists or maps deeper than [`budget::TEMPLATE_VALUE_DEPTH`]; walks
/// the value with its own stack, so the check itself cannot overflow.
fn check_depth(value: &Value) -> Result<(), Error> {
    let mut todo: Vec<(Value, usize)> = vec![(value.clone(), 0)];
    while let Some((v, depth)) = todo.pop() {
        if !matches!(v.kind(), ValueKind::Seq | ValueKind::Map) {
            continue;
        }
        if depth >= budget::TEMPLATE_VALUE_DEPTH {
            return Err(too_deep());
        }
        let is_map = v.kind() == ValueKind::Map;
        for item in v.try_iter()? {
            let child = if is_map { v.get_item(&item)? } else { item };
            todo.push((child, depth + 1));
        }
    }
    Ok(())
}

/// The check kiln inserts after each `{% set ns.attr = … %}` (see
/// [`crate::render::limits::guard_namespace_sets`]): fails when the value just stored nests deeper
/// than [`budget::TEMPLATE_VALUE_DEPTH`]. Each list or map it visits costs one unit of the
/// template's fuel, so checking large or shared values again and again runs out of fuel rather
/// than time. Prints nothing (`false`).
fn nest_check(state: &State, values: minijinja::value::Rest<Value>) -> Result<bool, Error> {
    const BATCH: u64 = 1024;
    let mut todo: Vec<(Value, usize)> = values.0.into_iter().map(|v| (v, 0)).collect();
    let mut visited = 0u64;
    while let Some((v, depth)) = todo.pop() {
        if !matches!(v.kind(), ValueKind::Seq | ValueKind::Map) {
            continue;
        }
        if depth >= budget::TEMPLATE_VALUE_DEPTH {
            return Err(too_deep());
        }
        visited += 1;
        if visited.is_multiple_of(BATCH) {
            state.consume_fuel(BATCH)?;
        }
        let is_map = v.kind() == ValueKind::Map;
        for item in v.try_iter()? {
            let child = if is_map { v.get_item(&item)? } else { item };
            if matches!(child.kind(), ValueKind::Seq | ValueKind::Map) {
                todo.push((child, depth + 1));
            }
        }
    }
    state.consume_fuel(visited % BATCH)?;
    Ok(false)
}

/// Jinja's `string`, depth-checked first (minijinja prints nested values recursively).
fn string(value: Value) -> Result<Value, Error> {
    if value.kind() == ValueKind::String {
        return Ok(value);
    }
    check_depth(&value)?;
    Ok(Value::from(value.to_string()))
}

/// Jinja's `pprint`, depth-checked first.
fn pprint(value: Value) -> Result<String, Error> {
    check_depth(&value)?;
    Ok(format!("{value:#?}"))
}

/// Converts a template value into the document model (`serde_json::Value`).
/// Map keys that are not strings are printed; undefined becomes null. Values nested deeper than
/// [`budget::TEMPLATE_VALUE_DEPTH`] (a template can build them with `namespace` in a loop) are an
/// error, not a stack overflow.
pub fn to_json(value: &Value) -> Result<serde_json::Value, Error> {
    to_json_at(value, 0)
}

fn to_json_at(value: &Value, depth: usize) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    if depth > budget::TEMPLATE_VALUE_DEPTH {
        return Err(too_deep());
    }
    Ok(match value.kind() {
        ValueKind::Undefined | ValueKind::None => J::Null,
        ValueKind::Bool => J::Bool(value.is_true()),
        ValueKind::Number => {
            if value.is_integer() {
                if let Ok(i) = i64::try_from(value.clone()) {
                    J::from(i)
                } else if let Ok(u) = u64::try_from(value.clone()) {
                    J::from(u)
                } else {
                    // Integers beyond 64 bits: keep the digits.
                    serde_json::from_str(&value.to_string())
                        .unwrap_or_else(|_| J::String(value.to_string()))
                }
            } else {
                let f = f64::try_from(value.clone())?;
                serde_json::Number::from_f64(f).map_or(J::Null, J::Number)
            }
        }
        ValueKind::String => J::String(value.as_str().unwrap_or_default().to_owned()),
        ValueKind::Bytes => {
            J::String(String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into_owned())
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let mut items = Vec::with_capacity(value.len().unwrap_or(0));
            for item in value.try_iter()? {
                items.push(to_json_at(&item, depth + 1)?);
            }
            J::Array(items)
        }
        ValueKind::Map => {
            let mut map = serde_json::Map::new();
            for key in value.try_iter()? {
                let item = value.get_item(&key)?;
                let key = match key.as_str() {
                    Some(s) => s.to_owned(),
                    None => key.to_string(),
                };
                map.insert(key, to_json_at(&item, depth + 1)?);
            }
            J::Object(map)
        }
        _ => J::String(value.to_string()),
    })
}
