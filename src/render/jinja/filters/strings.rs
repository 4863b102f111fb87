//! String filters: `nindent`, `quote`, `squote`, `trunc`, `trimsuffix`, `trimprefix`, `kebabcase`,
//! `snakecase`, `camelcase`, on the shared cores of [`crate::functions::strings`] and
//! [`crate::functions::casing`].

use minijinja::{Error, ErrorKind, Value};

use crate::budget;

use super::display;
use crate::functions::{casing, strings};

/// sprig's `nindent`: a newline, then every line (empty ones too) indented.
/// The result may not pass [`crate::budget::TEMPLATE_OUTPUT_BYTES`]: it is refused before anything
/// is allocated.
pub(super) fn nindent(value: &Value, n: i64) -> Result<String, Error> {
    let text = display(value)?;
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let size = strings::indented_size(n, &text).saturating_add(1);
    if size > budget::TEMPLATE_OUTPUT_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "nindent({n}) of {lines} line(s) would make {} bytes of text: exceeds kiln's template output budget of {}",
                budget::thousands(size as u64),
                budget::bytes(budget::TEMPLATE_OUTPUT_BYTES)
            ),
        ));
    }
    Ok(strings::nindent(n, &text))
}

/// sprig's `quote`: Go's `%q` of the value's text; a missing or none value gives "".
pub(super) fn quote(value: &Value) -> Result<String, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    Ok(strings::go_quote(&display(value)?))
}

/// sprig's `squote`: the value's text in single quotes, nothing escaped.
pub(super) fn squote(value: &Value) -> Result<String, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    Ok(format!("'{}'", display(value)?))
}

/// sprig's `trunc`: the first `n` characters, or with a negative `n` the last `-n` (characters,
/// where Go counts bytes: a Jinja chart never gets half a character).
pub(super) fn trunc(value: &Value, n: i64) -> Result<String, Error> {
    let text = display(value)?;
    let count = text.chars().count() as i64;
    let out = if n < 0 && count + n > 0 {
        text.chars().skip((count + n) as usize).collect()
    } else if n >= 0 && count > n {
        text.chars().take(n as usize).collect()
    } else {
        text.into_owned()
    };
    Ok(out)
}

pub(super) fn trimsuffix(text: &str, suffix: &str) -> String {
    text.strip_suffix(suffix).unwrap_or(text).to_owned()
}

pub(super) fn trimprefix(text: &str, prefix: &str) -> String {
    text.strip_prefix(prefix).unwrap_or(text).to_owned()
}

/// sprig's `kebabcase`: `HTTPServer` → `http-server`.
pub(super) fn kebabcase(text: &str) -> String {
    casing::kebabcase(text)
}

/// sprig's `snakecase`: `FirstName` → `first_name`.
pub(super) fn snakecase(text: &str) -> String {
    casing::snakecase(text)
}

/// sprig's `camelcase`: `http_server` → `HttpServer`.
pub(super) fn camelcase(text: &str) -> String {
    casing::camelcase(text)
}
