//! Filters and functions with Helm's meaning and Jinja names (stub: being written).
use minijinja::{Environment, Error, Output, State, Value};

/// Registers every kiln filter and function on `env`.
pub fn register(env: &mut Environment<'_>) {
    let _ = env;
}

/// YAML-friendly printing of values.
pub fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    minijinja::escape_formatter(out, state, value)
}

/// Whether `version` satisfies a Masterminds-style constraint (`>=1.30.0-0`, `^1.2`, `~1.2`,
/// `1.x`, `>=1.2 <2`, alternatives with `||`).
pub fn semver_satisfies(version: &str, constraint: &str) -> Result<bool, String> {
    let v = semver::Version::parse(version.trim_start_matches('v')).map_err(|e| e.to_string())?;
    for alt in constraint.split("||") {
        let req_text = alt
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(", ")
            .replace(", ,", ",");
        let req = semver::VersionReq::parse(&req_text).map_err(|e| e.to_string())?;
        let bare = semver::Version::new(v.major, v.minor, v.patch);
        if req.matches(&v) || req.matches(&bare) {
            return Ok(true);
        }
    }
    Ok(false)
}
