//! `b64enc`, `b64dec`, `sha256sum` on the shared cores of [`crate::functions::encoding`] and
//! [`crate::functions::crypto`].

use minijinja::{Error, Value};

use super::display;
use crate::functions::{crypto, encoding};

pub(super) fn b64enc(value: &Value) -> Result<String, Error> {
    Ok(encoding::b64enc(display(value)?.as_bytes()))
}

/// sprig's `b64dec`: on bad input it returns Go's error text, not an error.
pub(super) fn b64dec(text: &str) -> String {
    String::from_utf8_lossy(&encoding::b64dec(text)).into_owned()
}

pub(super) fn sha256sum(value: &Value) -> Result<String, Error> {
    Ok(crypto::sha256sum(display(value)?.as_bytes()))
}
