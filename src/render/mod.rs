//! Stage 3: render templates. One folder per engine: `jinja/` (minijinja, kiln's own charts) and
//! `gotmpl/` (Go text/template as Helm runs it). Each chart of a tree names its engine in
//! `Chart.yaml` (`annotations: kiln.dev/template-engine: go|jinja`, Go by default); everything after
//! this stage sees only [`RenderedFile`]s and does not know which engine ran.

pub mod gotmpl;
pub mod jinja;
pub mod limits;

pub use jinja::{context, filters, hints, strict};
pub use jinja::{RenderOptions, RenderedFile};

use crate::chart::{Chart, SourceFile, TemplateEngine};
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
        prepared: &Prepared<'_>,
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
        _prepared: &Prepared<'_>,
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
        prepared: &Prepared<'_>,
    ) -> Result<Vec<RenderedFile>> {
        gotmpl::helm::render_chart(chart, tree, opts, prepared.go.as_ref(), prepared.reader)
    }
}

/// Renders every non-partial template of `chart` and its enabled subcharts, each with its chart's
/// engine, in Helm's order: by template path (`web/charts/redis/...` before `web/templates/...`),
/// whatever engine rendered them.
pub fn render_chart(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
    prepared: &Prepared<'_>,
) -> Result<Vec<RenderedFile>> {
    let mut order = Vec::new();
    chart_order(chart, tree, &mut order);
    let engines: [&dyn Engine; 2] = [&GoTemplate, &Jinja];
    let mut files = Vec::new();
    for e in engines {
        if order.iter().any(|c| c.meta.engine == e.kind()) {
            files.extend(e.render(chart, tree, opts, prepared)?);
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(files)
}

/// What the engines can do with a chart before its values are known: the Go engine parses the
/// templates of the chart's Go charts (on a helper thread started with [`Prepared::start`], while
/// the values are computed).
pub struct Prepared<'c> {
    go: Option<gotmpl::ahead::AheadParse<'c>>,
    /// Called with each rendered file as soon as it is final, on a thread that would otherwise
    /// wait for the render (engines that cannot do that leave it uncalled).
    reader: Option<&'c (dyn Fn(&RenderedFile) + Sync)>,
}

/// What the engines do with a chart's templates while the rest of the chart is still being read
/// (see [`crate::chart::load_chart_meanwhile`]): the Go engine parses the top chart's templates.
/// The work is then part of the [`Prepared`] work of the chart.
#[derive(Default)]
pub struct EarlyWork {
    go: gotmpl::ahead::EarlyParse,
}

impl crate::chart::Meanwhile for EarlyWork {
    fn step(&mut self, meta: &crate::chart::ChartMeta, templates: &[SourceFile]) -> bool {
        self.go.step(meta, templates)
    }

    fn forget(&mut self) {
        self.go = Default::default();
    }
}

impl<'c> Prepared<'c> {
    /// The work for `chart` and its subcharts (nothing started yet).
    pub fn new(chart: &'c Chart) -> Prepared<'c> {
        Prepared::after(chart, EarlyWork::default())
    }

    /// The work for `chart` and its subcharts, of which `early` did some while `chart` was read.
    pub fn after(chart: &'c Chart, early: EarlyWork) -> Prepared<'c> {
        Prepared {
            go: gotmpl::ahead::AheadParse::new(chart, early.go),
            reader: None,
        }
    }

    /// Hands each rendered file to `reader` as soon as it is final (see [`Prepared`]).
    pub fn reading_with(mut self, reader: &'c (dyn Fn(&RenderedFile) + Sync)) -> Prepared<'c> {
        self.reader = Some(reader);
        self
    }

    /// Starts the helper threads in `scope`.
    pub fn start<'s>(&'s self, scope: &'s std::thread::Scope<'s, '_>) {
        if let Some(go) = &self.go {
            go.start(scope);
        }
    }

    /// Ends the helper threads' parsing (the render is over, or will not happen); a helper
    /// that was given the rendered files still reads them all.
    pub fn stop(&self) {
        if let Some(go) = &self.go {
            go.stop();
        }
    }
}

/// The enabled charts of a tree, parent first.
fn chart_order<'c>(chart: &'c Chart, tree: &ValueTree, out: &mut Vec<&'c Chart>) {
    out.push(chart);
    for (i, child) in &tree.children {
        chart_order(&chart.subcharts[*i], child, out);
    }
}
