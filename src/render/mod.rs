//! Stage 3: render templates with minijinja.

mod context;
mod env;
pub mod filters;

pub use env::{render_chart, RenderOptions, RenderedFile};
