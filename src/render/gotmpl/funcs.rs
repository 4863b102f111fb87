//! The function interface of the Go template engine.
//!
//! Every function a template can call (sprig, Helm's own, kiln's) is a plain Rust function
//!
//! ```ignore
//! fn upper(ctx: &mut CallCtx<'_>, args: &[Value]) -> Result<Value, FuncError>
//! ```
//!
//! registered by name in a [`FuncMap`] with its [`Arity`]:
//!
//! ```ignore
//! // src/functions/strings.rs
//! pub fn register(map: &mut FuncMap) {
//!     map.add("upper", Arity::Exact(1), upper);
//!     map.add("list", Arity::AtLeast(0), list);
//! }
//! ```
//!
//! Rules the engine guarantees, so functions need not check them:
//! * `args.len()` satisfies the registered arity; otherwise the engine reports Go's
//!   `wrong number of args for NAME: want N got M` at the call. In a pipeline the piped value is the
//!   LAST argument (`.x | default "a"` calls `default "a" .x`).
//! * Arguments are fully evaluated Go values. Missing map keys arrive as [`Value::Nil`].
//! * Function names are checked when a template is parsed: an unknown name fails the parse of its file,
//!   as in Go. The builtins `and`, `or`, `not`, `len`, `index`, `slice`, `print`, `printf`, `println`,
//!   `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `html`, `js`, `urlquery`, `call` belong to the engine; Helm's
//!   `include`, `tpl`, `required`, `fail` and `lookup` are registered by the engine too
//!   (in the engine's Helm layer).
//!
//! Rules for functions:
//! * Return Go's result type: `Value::Int` for Go `int`, `Value::Int64` for `int64`, `Value::Float` for
//!   `float64`, `Value::string_list` for `[]string`, a fresh [`Map`] for a new dict, the SAME map
//!   (mutated through [`Map::borrow_mut`]/[`Map::insert`]) where Go mutates in place (`set`, `unset`,
//!   `merge`, `mergeOverwrite`, ...).
//! * Errors: [`FuncError::Call`] for Go's `error calling NAME: MSG` (the engine adds the prefix and the
//!   location), [`FuncError::Plain`] for an error shown as is (Go's argument conversion errors such as
//!   [`wrong_type`]), [`FuncError::Fail`] for a message the chart author wrote.
//! * Anything driven by input size (`repeat`, `until`, `genPrivateKey` sizes, ...) charges the budget with
//!   [`CallCtx::charge`] before allocating, so a template cannot exhaust memory or time.
//! * Functions must be deterministic when the engine is (`ctx.seed()` gives a per-render seed for
//!   `rand*`/`uuidv4`), must not touch the network or the environment, and must not print secrets in
//!   errors.

use std::collections::HashMap;

use super::value::{List, Map, Value};

/// The signature of every template function.
pub type Func = fn(&mut CallCtx<'_>, &[Value]) -> Result<Value, FuncError>;

/// How many arguments a function takes (Go: fixed parameters, or fixed plus a variadic tail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Exact(usize),
    AtLeast(usize),
    /// From `min` to `max` inclusive (Go has no such thing; for functions registered under one name that
    /// behave like overloads).
    Range(usize, usize),
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exact(k) => n == k,
            Arity::AtLeast(k) => n >= k,
            Arity::Range(lo, hi) => (lo..=hi).contains(&n),
        }
    }

    /// Go's wording of the expected count: `2`, `at least 1`.
    pub fn describe(self) -> String {
        match self {
            Arity::Exact(k) => k.to_string(),
            Arity::AtLeast(k) => format!("at least {k}"),
            Arity::Range(lo, hi) => format!("{lo} to {hi}"),
        }
    }
}

/// A registered function.
#[derive(Clone, Copy)]
pub struct FuncSpec {
    pub func: Func,
    pub arity: Arity,
}

/// Name → function. Built once per render; cheap to look up.
#[derive(Clone, Default)]
pub struct FuncMap {
    funcs: HashMap<&'static str, FuncSpec, foldhash::fast::RandomState>,
}

impl FuncMap {
    pub fn new() -> FuncMap {
        FuncMap::default()
    }

    /// Registers (or replaces) a function.
    pub fn add(&mut self, name: &'static str, arity: Arity, func: Func) {
        self.funcs.insert(name, FuncSpec { func, arity });
    }

    pub fn get(&self, name: &str) -> Option<&FuncSpec> {
        self.funcs.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.funcs.keys().copied()
    }
}

/// Why a function failed.
#[derive(Debug, Clone)]
pub enum FuncError {
    /// Shown as Go does: `error calling NAME: MESSAGE`.
    Call(String),
    /// Shown as is (Go's argument conversion errors: `wrong type for value; expected string; got int`).
    Plain(String),
    /// The chart author's own message (`fail`, `required`): shown as is, the template located.
    Fail(String),
    /// An error that already carries its location (from an `include` or `tpl` of another template):
    /// the engine adds the calling site to its chain.
    Located(Box<crate::error::Error>),
}

impl FuncError {
    pub fn call(msg: impl Into<String>) -> FuncError {
        FuncError::Call(msg.into())
    }
}

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FuncError::Call(m) | FuncError::Plain(m) | FuncError::Fail(m) => f.write_str(m),
            FuncError::Located(e) => write!(f, "{e}"),
        }
    }
}

/// What a function can ask of the engine that called it.
pub trait Host {
    /// Executes the named template (`define`) with `data` as dot; Helm's `include`.
    fn include(&mut self, name: &str, data: &Value) -> Result<std::rc::Rc<str>, FuncError>;
    /// Parses `text` as a template (seeing the current template set) and executes it; Helm's `tpl`.
    fn tpl(&mut self, text: &str, data: &Value) -> Result<String, FuncError>;
    /// Charges `units` (≈ bytes allocated or loop steps) against the render budget.
    fn charge(&mut self, units: u64) -> Result<(), FuncError>;
    /// A seed for pseudo-random functions, fixed per render.
    fn seed(&self) -> u64;
    /// The name of the template being executed (`chart/templates/x.yaml`).
    fn template_name(&self) -> &str;
}

/// The context a function is called with.
pub struct CallCtx<'a> {
    /// The function's name as the template wrote it.
    pub name: &'a str,
    /// How the first argument was written (`.Values.f` in `call .Values.f`), for the messages
    /// of `call`; empty when not known.
    pub first_arg: &'a str,
    host: &'a mut dyn Host,
}

impl<'a> CallCtx<'a> {
    pub fn new(name: &'a str, host: &'a mut dyn Host) -> CallCtx<'a> {
        CallCtx {
            name,
            first_arg: "",
            host,
        }
    }

    pub fn include(&mut self, name: &str, data: &Value) -> Result<std::rc::Rc<str>, FuncError> {
        self.host.include(name, data)
    }

    pub fn tpl(&mut self, text: &str, data: &Value) -> Result<String, FuncError> {
        self.host.tpl(text, data)
    }

    pub fn charge(&mut self, units: u64) -> Result<(), FuncError> {
        self.host.charge(units)
    }

    pub fn seed(&self) -> u64 {
        self.host.seed()
    }

    pub fn template_name(&self) -> &str {
        self.host.template_name()
    }
}

/// Go's argument conversion error: `wrong type for value; expected string; got int`.
pub fn wrong_type(expected: &str, got: &Value) -> FuncError {
    FuncError::Plain(format!(
        "wrong type for value; expected {expected}; got {}",
        got.type_name()
    ))
}

/// A string argument, as Go's conversion to a `string` parameter accepts it (only strings; nil is
/// Go's `invalid value; expected string`).
pub fn arg_str(v: &Value) -> Result<&str, FuncError> {
    match v {
        Value::String(s) => Ok(s),
        Value::Nil => Err(FuncError::Plain("invalid value; expected string".into())),
        other => Err(wrong_type("string", other)),
    }
}

/// A map argument (`map[string]interface {}` parameters).
pub fn arg_map(v: &Value) -> Result<&Map, FuncError> {
    match v {
        Value::Map(m) => Ok(m),
        Value::Nil => Err(FuncError::Plain(
            "invalid value; expected map[string]interface {}".into(),
        )),
        other => Err(wrong_type("map[string]interface {}", other)),
    }
}

/// A list argument (`[]interface {}` parameters).
pub fn arg_list(v: &Value) -> Result<&List, FuncError> {
    match v {
        Value::List(l) => Ok(l),
        Value::Nil => Err(FuncError::Plain(
            "invalid value; expected []interface {}".into(),
        )),
        other => Err(wrong_type("[]interface {}", other)),
    }
}

/// An `int` parameter: Go's template engine converts any integer kind (not floats, not strings).
pub fn arg_int(v: &Value) -> Result<i64, FuncError> {
    match v.as_i64() {
        Some(i) => Ok(i),
        None if v.is_nil() => Err(FuncError::Plain("invalid value; expected int".into())),
        None => Err(wrong_type("int", v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoHost;
    impl Host for NoHost {
        fn include(&mut self, name: &str, _: &Value) -> Result<std::rc::Rc<str>, FuncError> {
            Err(FuncError::call(format!("no template {name:?}")))
        }
        fn tpl(&mut self, _: &str, _: &Value) -> Result<String, FuncError> {
            Ok(String::new())
        }
        fn charge(&mut self, _: u64) -> Result<(), FuncError> {
            Ok(())
        }
        fn seed(&self) -> u64 {
            0
        }
        fn template_name(&self) -> &str {
            "t"
        }
    }

    fn upper(_: &mut CallCtx<'_>, args: &[Value]) -> Result<Value, FuncError> {
        Ok(Value::str(arg_str(&args[0])?.to_uppercase()))
    }

    #[test]
    fn registry_calls_functions_with_a_context() {
        let mut map = FuncMap::new();
        map.add("upper", Arity::Exact(1), upper);
        let spec = map.get("upper").unwrap();
        assert!(spec.arity.accepts(1) && !spec.arity.accepts(2));
        let mut host = NoHost;
        let mut ctx = CallCtx::new("upper", &mut host);
        let out = (spec.func)(&mut ctx, &[Value::str("ab")]).unwrap();
        assert_eq!(out.to_go_string(), "AB");
        let err = (spec.func)(&mut ctx, &[Value::Int(1)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "wrong type for value; expected string; got int"
        );
    }
}
