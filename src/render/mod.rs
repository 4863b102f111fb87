//! Stage 3: render templates with minijinja.

pub mod context;
mod env;
pub mod filters;
pub mod limits;

pub use env::{render_chart, RenderOptions, RenderedFile};
