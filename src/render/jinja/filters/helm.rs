//! Helm's functions bound to a render: `required`, `tpl`, `fail`, `lookup`.

use minijinja::{Error, ErrorKind, State, Value};

use crate::budget;
use crate::render::limits::{self, CappedWriter};

/// Helm's `required`: fails with exactly `message` when the value is
/// missing, none or the empty string; passes it through otherwise.
pub(super) fn required(value: Value, message: &str) -> Result<Value, Error> {
    if value.is_undefined() || value.is_none() || value.as_str() == Some("") {
        return Err(Error::new(ErrorKind::InvalidOperation, message.to_owned()));
    }
    Ok(value)
}

/// The context names `tpl` passes on when it is given no context.
const TPL_CONTEXT: [&str; 6] = [
    "Values",
    "Release",
    "Chart",
    "Capabilities",
    "Template",
    "Files",
];

/// Attached (as `source()`) to errors raised inside `tpl` text, so the caller
/// can show the tpl text in its snippet: the error's line and range point
/// into [`TplSource::text`], and its name is [`TplSource::name`].
#[derive(Debug, Clone)]
pub struct TplSource {
    /// The name the tpl text was rendered under: `<template>:tpl`.
    pub name: String,
    /// The tpl text itself.
    pub text: String,
}

impl std::fmt::Display for TplSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "in tpl text rendered by {}", self.name)
    }
}

impl std::error::Error for TplSource {}

thread_local! {
    /// How many `tpl` calls are running on this thread, one inside the other.
    static TPL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Decrements [`TPL_DEPTH`] when a `tpl` call ends, however it ends.
struct TplLevel;

impl TplLevel {
    fn enter() -> Result<TplLevel, Error> {
        let depth = TPL_DEPTH.get();
        if depth >= budget::TEMPLATE_TPL_DEPTH {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "tpl nested more than {} levels deep (text rendered by tpl calls tpl again): exceeds kiln's tpl depth budget; does the text render itself?",
                    budget::TEMPLATE_TPL_DEPTH
                ),
            ));
        }
        TPL_DEPTH.set(depth + 1);
        Ok(TplLevel)
    }
}

impl Drop for TplLevel {
    fn drop(&mut self) {
        TPL_DEPTH.set(TPL_DEPTH.get().saturating_sub(1));
    }
}

/// Helm's `tpl`: renders `text` as a template with the current context
/// objects (`Values`, `Release`, `Chart`, …), or with `ctx` when given.
///
/// Budgets: the text passes the same checks as a template file; it runs on the fuel that the
/// calling template has left (and what it spends is taken from the caller); `tpl` inside `tpl`
/// text nests at most [`budget::TEMPLATE_TPL_DEPTH`] levels; its output is capped at
/// [`budget::TEMPLATE_OUTPUT_BYTES`].
pub(super) fn tpl(state: &State, text: &str, ctx: Option<Value>) -> Result<Value, Error> {
    let ctx = match ctx {
        Some(ctx) if !ctx.is_undefined() && !ctx.is_none() => ctx,
        _ => Value::from(
            TPL_CONTEXT
                .iter()
                .filter_map(|name| state.lookup(name).map(|v| (*name, v)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    };
    let name = format!("{}:tpl", state.name());
    // The inner error keeps its place in the tpl text (and the text, as its source); a wrapper
    // without a location takes the place of the `tpl(…)` call in the calling template, so the
    // message can name the value the text came from.
    let with_text = |e: Error| {
        use std::error::Error as _;
        let inner = if e.source().is_some() {
            e
        } else {
            e.with_source(TplSource {
                name: name.clone(),
                text: text.to_owned(),
            })
        };
        let detail = inner.detail().unwrap_or("error in tpl text").to_owned();
        Error::new(inner.kind(), detail).with_source(inner)
    };
    if let Err(e) = limits::check_source(&name, text) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            e.message().to_owned(),
        ));
    }
    let _level = TplLevel::enter()?;
    let mut env = state.env().clone();
    if let Some((_, remaining)) = state.fuel_levels() {
        env.set_fuel(Some(remaining));
    }
    let guarded = limits::guard_namespace_sets(text).map(|(guarded, inserts)| {
        limits::register_inserts(&name, inserts);
        guarded
    });
    let tmpl = env
        .template_from_named_str(&name, guarded.as_deref().unwrap_or(text))
        .map_err(with_text)?;
    let mut writer = CappedWriter::new(budget::TEMPLATE_OUTPUT_BYTES);
    let rendered = tmpl.render_captured_to(ctx, &mut writer);
    if writer.exceeded {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "tpl text prints more than {}: exceeds kiln's template output budget",
                budget::bytes(budget::TEMPLATE_OUTPUT_BYTES)
            ),
        ));
    }
    let captured = rendered.map_err(with_text)?;
    if let Some((consumed, _)) = captured.state().fuel_levels() {
        state.consume_fuel(consumed)?;
    }
    drop(captured);
    let out = String::from_utf8(writer.buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Value::from(out))
}

/// Helm's `fail`: an error whose detail is exactly `message`.
pub(super) fn fail(message: &str) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message.to_owned()))
}

/// Helm's `lookup` as `helm template` runs it: no cluster, an empty map.
pub(super) fn lookup(_api_version: &str, _kind: &str, _namespace: &str, _name: &str) -> Value {
    Value::from(std::collections::BTreeMap::<String, Value>::new())
}
