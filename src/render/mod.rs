//! Stage 3: render templates. One folder per engine: `jinja/` (minijinja, kiln's own charts) and
//! `gotmpl/` (Go text/template as Helm runs it).

pub mod gotmpl;
pub mod jinja;

pub use jinja::{context, filters};
pub use jinja::{render_chart, RenderOptions, RenderedFile};
