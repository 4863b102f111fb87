//! The Jinja engine (minijinja): kiln's own chart language.

pub mod context;
mod env;
pub mod filters;
pub mod hints;
pub mod strict;

pub use env::{render_chart, RenderOptions, RenderedFile};
