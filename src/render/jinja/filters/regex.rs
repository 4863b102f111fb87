//! `regex_replace` and `regex_match`: sprig's `regexReplaceAll` and `regexMatch` through
//! [`crate::functions::regex`] (Go's syntax and replacement rules).

use minijinja::{Error, ErrorKind};

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

/// sprig's `regexReplaceAll`: `$1`, `${1}`, `$name` and `$$` in the replacement, as Go's
/// `ReplaceAllString`.
pub(super) fn regex_replace(text: &str, pattern: &str, replacement: &str) -> Result<String, Error> {
    crate::functions::regex::regex_replace_all(pattern, text, replacement).map_err(invalid)
}

/// sprig's `regexMatch`: whether the pattern matches anywhere in the text.
pub(super) fn regex_match(text: &str, pattern: &str) -> Result<bool, Error> {
    crate::functions::regex::regex_match(pattern, text).map_err(invalid)
}
