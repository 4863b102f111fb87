//! The Go template engine: Go 1.25's `text/template` as Helm 4 runs it.
//!
//! * [`value`]: Go's dynamic values (shared maps, Go's distinct types).
//! * [`fmt`]: Go's `fmt` printing (`%v`, `print`, `printf`).
//! * [`funcs`]: the function interface and registry the function library plugs into.

pub mod fmt;
pub mod funcs;
pub mod value;

pub use funcs::{Arity, CallCtx, FuncError, FuncMap, Host};
pub use value::{ElemType, List, Map, MapType, NumberMode, Object, Value};
pub mod ahead;
pub mod builtins;
pub mod exec;
pub mod helm;
pub mod helmfuncs;
pub mod lexer;
pub mod objects;
pub mod parse;
#[cfg(test)]
mod tests;
