//! Helm's function map (sprig v3 plus Helm's own), one file per family, each a set of plain Rust
//! functions with Go's and sprig's semantics. The Go-template engine calls them through its
//! function registry, and the Jinja filters with the same meaning call the same code.

pub mod casing;
pub mod crypto;
pub mod encoding;
pub mod random;
pub mod regex;
pub mod semver;
pub mod strings;
