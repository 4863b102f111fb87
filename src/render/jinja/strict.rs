//! Strict values: an undefined value that reaches a filter is an error naming the value
//! (`Values.cleanup.shedule` is undefined), except for the filters that exist to handle missing
//! values (`default`, `required`). Printing and iteration are already strict
//! (`UndefinedBehavior::SemiStrict`); `if` and the tests (`is defined`) stay lenient.
//!
//! [`StrictFilters`] stands in for the environment while filters are registered and wraps each
//! one; [`register_builtins`] does the same for minijinja's own filters that would otherwise
//! accept an undefined value silently.

use minijinja::functions::Function;
use minijinja::value::{FunctionArgs, FunctionResult, Rest, StringInput};
use minijinja::{Environment, Error, State, Value};

/// Filters that may receive an undefined value: they exist to handle one.
const ALLOW_UNDEFINED: &[&str] = &["default", "d", "required"];

/// Registers filters on the wrapped environment, each refusing an undefined input value.
pub struct StrictFilters<'e, 's>(pub &'e mut Environment<'s>);

impl StrictFilters<'_, '_> {
    /// Like [`Environment::add_filter`], with the undefined check in front.
    pub fn add_filter<F, Rv, Args>(&mut self, name: &'static str, f: F)
    where
        F: Function<Rv, Args>,
        Rv: FunctionResult,
        Args: for<'a> FunctionArgs<'a>,
    {
        if ALLOW_UNDEFINED.contains(&name) {
            self.0.add_filter(name, f);
            return;
        }
        let inner = Value::from_function(f);
        self.0
            .add_filter(name, move |state: &mut State, args: Rest<Value>| {
                if let Some(first) = args.first() {
                    reject_undefined(state, first)?;
                }
                inner.call(state, &args)
            });
    }

    /// Functions are registered as they are (their arguments are checked by their own types).
    pub fn add_function<F, Rv, Args>(&mut self, name: &'static str, f: F)
    where
        F: Function<Rv, Args>,
        Rv: FunctionResult,
        Args: for<'a> FunctionArgs<'a>,
    {
        self.0.add_function(name, f);
    }
}

/// Errors when `value` is undefined. minijinja's own check records where the value came from,
/// so the message names it (`` `Values.cleanup.shedule` is undefined ``).
fn reject_undefined(state: &State, value: &Value) -> Result<(), Error> {
    if value.is_undefined() {
        StringInput::new(state, value)?;
    }
    Ok(())
}

/// minijinja's built-in filters that take any value (and so would pass an undefined one
/// through): wrapped so an undefined input is an error. (`string` and `pprint` are kiln's own,
/// depth-checked, registered strict by `filters::register`.)
pub fn register_builtins(env: &mut Environment<'_>) {
    use minijinja::filters as f;
    let mut env = StrictFilters(env);
    env.add_filter("length", f::length);
    env.add_filter("count", f::length);
    env.add_filter("list", f::list);
    env.add_filter("first", f::first);
    env.add_filter("last", f::last);
    env.add_filter("bool", f::bool);
    env.add_filter("int", f::int);
    env.add_filter("float", f::float);
    env.add_filter("abs", f::abs);
    env.add_filter("items", f::items);
    env.add_filter("join", f::join);
    env.add_filter("reverse", f::reverse);
}

/// Where the undefined value named by minijinja's detail (`` `Values.a.b` is undefined ``)
/// appears in the source: its last occurrence on the error's line up to the error's span (a
/// filter's name), so the caret points at the value rather than at the filter.
pub fn undefined_span(
    src: &str,
    at: std::ops::Range<usize>,
    detail: Option<&str>,
) -> Option<std::ops::Range<usize>> {
    let detail = detail?;
    let start = detail.find('`')? + 1;
    let len = detail[start..].find("` is undefined")?;
    let expr = &detail[start..start + len];
    let line_start = src[..at.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[at.start..]
        .find('\n')
        .map_or(src.len(), |i| at.start + i);
    let found = src[line_start..at.end.min(line_end)]
        .rfind(expr)
        .or_else(|| src[line_start..line_end].find(expr))?;
    Some(line_start + found..line_start + found + expr.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{context, UndefinedBehavior};

    fn render(src: &str) -> Result<String, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_debug(true);
        crate::render::filters::register(&mut env);
        register_builtins(&mut env);
        env.render_str(src, context! { Values => context! { a => "x" } })
    }

    #[test]
    fn undefined_into_a_filter_names_the_value() {
        for filter in [
            "quote",
            "b64enc",
            "trunc(3)",
            "nindent(2)",
            "squote",
            "tojson",
        ] {
            let err = render(&format!("{{{{ Values.b | {filter} }}}}")).unwrap_err();
            assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError, "{filter}");
            assert!(
                err.detail()
                    .unwrap_or_default()
                    .contains("`Values.b` is undefined"),
                "{filter}: {err:?}"
            );
        }
    }

    #[test]
    fn default_required_and_tests_still_see_undefined() {
        assert_eq!(render("{{ Values.b | default('y') }}").unwrap(), "y");
        assert_eq!(
            render("{% if Values.b is defined %}1{% else %}0{% endif %}").unwrap(),
            "0"
        );
        assert_eq!(render("{% if Values.b %}1{% endif %}").unwrap(), "");
        assert!(render("{{ Values.b | required('need b') }}")
            .unwrap_err()
            .to_string()
            .contains("need b"));
        assert_eq!(render("{{ Values.a | quote }}").unwrap(), "\"x\"");
    }
}
