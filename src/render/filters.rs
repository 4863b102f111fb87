//! Filters and functions with Helm's meaning and Jinja names (stub: being written).
use minijinja::Environment;

/// Registers every kiln filter and function on `env`.
pub fn register(env: &mut Environment<'_>) {
    let _ = env;
}
