//! Stage 3: render templates. One folder per engine: `jinja/` (minijinja, kiln's own charts) and
//! `gotmpl/` (Go text/template as Helm runs it). Each chart of a tree names its engine in
//! `Chart.yaml` (`annotations: kiln.dev/template-engine: go|jinja`, Go by default); everything after
//! this stage sees only [`RenderedFile`]s and does not know which engine ran.

pub mod gotmpl;
pub mod jinja;
pub mod limits;

pub use jinja::{context, filters, hints, strict};
pub use jinja::{RenderOptions, RenderedFile};

use crate::chart::{Chart, TemplateEngine};
use crate::error::Result;
use crate::values::ValueTree;

/// A template engine: renders the templates of the charts of a tree written for it (charts of the
/// other engine are skipped), each file once, non-partial templates only.
pub trait Engine {
    /// Which charts this engine renders.
    fn kind(&self) -> TemplateEngine;
    fn render(
        &self,
        chart: &Chart,
        tree: &ValueTree,
        opts: &RenderOptions,
    ) -> Result<Vec<RenderedFile>>;
}

/// kiln's Jinja engine.
pub struct Jinja;

impl Engine for Jinja {
    fn kind(&self) -> TemplateEngine {
        TemplateEngine::Jinja
    }
    fn render(
        &self,
        chart: &Chart,
        tree: &ValueTree,
        opts: &RenderOptions,
    ) -> Result<Vec<RenderedFile>> {
        jinja::render_chart(chart, tree, opts)
    }
}

/// Go templates, as Helm renders them.
pub struct GoTemplate;

impl Engine for GoTemplate {
    fn kind(&self) -> TemplateEngine {
        TemplateEngine::Go
    }
    fn render(
        &self,
        chart: &Chart,
        tree: &ValueTree,
        opts: &RenderOptions,
    ) -> Result<Vec<RenderedFile>> {
        gotmpl::helm::render_chart(chart, tree, opts)
    }
}

/// Renders every non-partial template of `chart` and its enabled subcharts, each with its chart's
/// engine, in Helm's order: by template path (`web/charts/redis/...` before `web/templates/...`),
/// whatever engine rendered them.
pub fn render_chart(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
) -> Result<Vec<RenderedFile>> {
    let mut order = Vec::new();
    chart_order(chart, tree, &mut order);
    let engines: [&dyn Engine; 2] = [&GoTemplate, &Jinja];
    let mut files = Vec::new();
    for e in engines {
        if order.iter().any(|c| c.meta.engine == e.kind()) {
            files.extend(e.render(chart, tree, opts)?);
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(files)
}

/// The enabled charts of a tree, parent first.
fn chart_order<'c>(chart: &'c Chart, tree: &ValueTree, out: &mut Vec<&'c Chart>) {
    out.push(chart);
    for (i, child) in &tree.children {
        chart_order(&chart.subcharts[*i], child, out);
    }
}
