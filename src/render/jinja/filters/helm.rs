//! Helm's functions bound to a render: `required`, `tpl`, `fail`, `lookup`.

use minijinja::{Error, ErrorKind, State, Value};

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

/// Helm's `tpl`: renders `text` as a template with the current context
/// objects (`Values`, `Release`, `Chart`, …), or with `ctx` when given.
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
    match state.env().render_named_str(&name, text, ctx) {
        Ok(out) => Ok(Value::from(out)),
        Err(e) => {
            use std::error::Error as _;
            if e.source().is_some() {
                Err(e)
            } else {
                Err(e.with_source(TplSource {
                    name,
                    text: text.to_owned(),
                }))
            }
        }
    }
}

/// Helm's `fail`: an error whose detail is exactly `message`.
pub(super) fn fail(message: &str) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message.to_owned()))
}

/// Helm's `lookup` as `helm template` runs it: no cluster, an empty map.
pub(super) fn lookup(_api_version: &str, _kind: &str, _namespace: &str, _name: &str) -> Value {
    Value::from(std::collections::BTreeMap::<String, Value>::new())
}
