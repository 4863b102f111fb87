//! The minijinja environment of a chart: one per chart (subcharts get their own, with their own
//! `Values`), Helm-named globals, kiln filters, templates loaded lazily by display path.

use super::context::{self, ApiVersions, Files};
use super::filters;
use crate::budget;
use crate::chart::{Chart, SourceFile};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::render::limits;
use crate::values::ValueTree;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Everything about the release that templates see besides values.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub release_name: String,
    pub namespace: String,
    /// `1.35.0` style.
    pub kube_version: String,
    /// Group/versions `Capabilities.APIVersions` reports (defaults plus `--api-versions`).
    pub api_versions: Vec<String>,
    /// Value paths (from the top chart's values) that `--set` gave an integer: Go templates see
    /// them as `int64`, every other number as `float64` (Helm reads values files through JSON).
    pub set_int_paths: Vec<Vec<String>>,
    /// `Release.IsUpgrade` (and not `IsInstall`), as `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--random-seed`: random template functions repeat from run to run (default: a fresh seed
    /// from the operating system per render, as helm does).
    pub random_seed: Option<u64>,
}

/// The rendered text of one template.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// `chart/templates/x.yaml` (subcharts: `parent/charts/sub/templates/x.yaml`).
    pub display: String,
    /// Path relative to its chart's directory (`templates/x.yaml`).
    pub rel: String,
    /// Shared: the render hands a copy of each file to a reader while it keeps its own.
    pub text: Arc<String>,
    /// `NOTES.txt`: rendered, never part of the manifests.
    pub is_notes: bool,
}

/// All template sources of a chart tree, by display path.
type Sources = Arc<HashMap<String, Arc<str>>>;

fn collect_sources(chart: &Chart, out: &mut HashMap<String, Arc<str>>) {
    for t in &chart.templates {
        out.insert(t.display.clone(), Arc::from(t.text.as_str()));
    }
    for sub in &chart.subcharts {
        collect_sources(sub, out);
    }
}

/// Renders every non-partial template of `chart` and its enabled subcharts, in chart order
/// (parent first, then subcharts), templates in path order.
///
/// Every template is first checked against the parser budgets, then rendered on a thread with a
/// known, large stack ([`budget::RENDER_STACK_BYTES`]), with [`budget::TEMPLATE_FUEL`] per
/// template and the output budgets (see [`crate::budget`]).
pub fn render_chart(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
) -> Result<Vec<RenderedFile>> {
    let mut sources = HashMap::new();
    collect_sources(chart, &mut sources);
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    // What minijinja compiles: the text with a depth check after each namespace assignment
    // (errors still point into the original text, `sources`).
    let mut compiled = HashMap::new();
    let mut inserts = Vec::new();
    for name in names {
        limits::check_source(name, &sources[name])?;
        if let Some((text, list)) = limits::guard_namespace_sets(&sources[name]) {
            compiled.insert(name.clone(), Arc::from(text));
            inserts.push((name.clone(), list));
        }
    }
    for (name, text) in &sources {
        compiled.entry(name.clone()).or_insert_with(|| text.clone());
    }
    let sources: Sources = Arc::new(sources);
    let compiled: Sources = Arc::new(compiled);
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("kiln-render".into())
            .stack_size(budget::RENDER_STACK_BYTES)
            .spawn_scoped(scope, || {
                for (name, list) in inserts {
                    limits::register_inserts(&name, list);
                }
                let mut out = Vec::new();
                let mut total = 0usize;
                let r = render_one(chart, tree, opts, &sources, &compiled, &mut out, &mut total);
                limits::clear_inserts();
                r.map(|_| out)
            })
            .map_err(|e| {
                Error::new(
                    ErrorKind::Template,
                    format!("cannot start the render thread: {e}"),
                )
            })?;
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn render_one(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
    sources: &Sources,
    compiled: &Sources,
    out: &mut Vec<RenderedFile>,
    total: &mut usize,
) -> Result<()> {
    if !chart.meta.is_library() && chart.meta.engine == crate::chart::TemplateEngine::Jinja {
        let env = environment(chart, tree, opts, compiled.clone())?;
        for t in chart.templates.iter().filter(|t| !is_partial(&t.rel)) {
            let text = render_template(&env, chart, t, sources)?;
            *total += text.len();
            if *total > budget::RENDER_OUTPUT_BYTES {
                return Err(budget::exceeded(
                    ErrorKind::Template,
                    &format!(
                        "{}: the chart's templates print more than {} in total",
                        t.display,
                        budget::bytes(budget::RENDER_OUTPUT_BYTES)
                    ),
                    "render output",
                    &budget::bytes(budget::RENDER_OUTPUT_BYTES),
                    "render fewer objects per release, or split the chart",
                ));
            }
            out.push(RenderedFile {
                display: t.display.clone(),
                rel: t.rel.clone(),
                text: Arc::new(text),
                is_notes: t.rel == "templates/NOTES.txt",
            });
        }
    }
    for (idx, child) in &tree.children {
        render_one(
            &chart.subcharts[*idx],
            child,
            opts,
            sources,
            compiled,
            out,
            total,
        )?;
    }
    Ok(())
}

/// Files whose name starts with `_` are partials: importable, never rendered.
fn is_partial(rel: &str) -> bool {
    rel.rsplit('/').next().is_some_and(|n| n.starts_with('_'))
}

fn environment<'s>(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
    sources: Sources,
) -> Result<Environment<'s>> {
    let mut env = Environment::new();
    env.set_fuel(Some(budget::TEMPLATE_FUEL));
    env.set_recursion_limit(budget::TEMPLATE_RECURSION);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Debug mode records where each undefined value came from, so errors name the value path.
    env.set_debug(true);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // Jinja's default whitespace rules (no trim_blocks / lstrip_blocks): `{%- … %}` then trims
    // like Helm's `{{- … }}`, so templates ported from Helm keep their layout.
    env.set_formatter(filters::format_value);
    filters::register(&mut env);
    super::strict::register_builtins(&mut env);

    let root = format!("{}/templates", chart.display_root);
    let parent_root = chart.display_root.clone();
    let lookup = sources.clone();
    env.set_path_join_callback(move |name, parent| {
        join_template_path(name, parent, &root, &parent_root, &lookup).into()
    });
    let loader_sources = sources;
    env.set_loader(move |name| Ok(loader_sources.get(name).map(|s| s.to_string())));

    env.add_global("Values", Value::from(Serde(&tree.values)));
    let mut release = context::release(&opts.release_name, &opts.namespace);
    if opts.is_upgrade {
        release["IsInstall"] = false.into();
        release["IsUpgrade"] = true.into();
    }
    env.add_global("Release", Value::from(Serde(release)));
    env.add_global("Chart", Value::from(Serde(context::chart(chart))));
    let caps: std::collections::BTreeMap<&str, Value> = std::collections::BTreeMap::from([
        (
            "KubeVersion",
            Value::from(Serde(context::kube_version(&opts.kube_version))),
        ),
        (
            "APIVersions",
            Value::from_object(ApiVersions {
                versions: opts.api_versions.clone(),
            }),
        ),
    ]);
    env.add_global("Capabilities", Value::from(caps));
    env.add_global(
        "Files",
        Value::from_object(Files {
            dir: chart.dir.clone(),
            packed: chart.packed.clone(),
            chart: chart.display_root.clone(),
            paths: Arc::new(chart.files.clone()),
            selection: None,
        }),
    );
    Ok(env)
}

/// Resolves an import name: relative to the importing template's directory, else relative to the
/// chart's `templates/`, else `<subchart>/<path>` inside the chart's `charts/`.
fn join_template_path(
    name: &str,
    parent: &str,
    templates_root: &str,
    chart_root: &str,
    sources: &HashMap<String, Arc<str>>,
) -> String {
    let parent_dir = parent.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let candidates = [
        normalize(&format!("{parent_dir}/{name}")),
        normalize(&format!("{templates_root}/{name}")),
        match name.split_once('/') {
            Some((sub, rest)) => normalize(&format!("{chart_root}/charts/{sub}/templates/{rest}")),
            None => String::new(),
        },
    ];
    for c in &candidates {
        if sources.contains_key(c) {
            return c.clone();
        }
    }
    candidates[0].clone()
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn render_template(
    env: &Environment<'_>,
    chart: &Chart,
    t: &SourceFile,
    sources: &Sources,
) -> Result<String> {
    let template_ctx = serde_json::json!({
        "Template": {
            "Name": t.display,
            "BasePath": format!("{}/templates", chart.display_root),
        }
    });
    let tmpl = env
        .get_template(&t.display)
        .map_err(|e| go_hint(template_error(&e, sources), chart, sources))?;
    let mut writer = limits::CappedWriter::new(budget::TEMPLATE_OUTPUT_BYTES);
    budget::working_on(&t.display);
    let rendered = tmpl.render_captured_to(Value::from(Serde(template_ctx)), &mut writer);
    budget::working_on("");
    if writer.exceeded {
        return Err(output_exceeded(&t.display));
    }
    match rendered {
        // The writer only ever receives whole `str`s.
        Ok(_) => Ok(String::from_utf8(writer.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(e) => {
            let err = go_hint(template_error(&e, sources), chart, sources);
            Err(match err.location() {
                Some(loc) if loc.file != t.display => {
                    err.with_note(format!("while rendering {}", t.display))
                }
                _ => err,
            })
        }
    }
}

/// The error for a template whose output passed [`budget::TEMPLATE_OUTPUT_BYTES`].
fn output_exceeded(display: &str) -> Error {
    budget::exceeded(
        ErrorKind::Template,
        &format!(
            "{display}: the template prints more than {}",
            budget::bytes(budget::TEMPLATE_OUTPUT_BYTES)
        ),
        "template output",
        &budget::bytes(budget::TEMPLATE_OUTPUT_BYTES),
        "check loops and `indent`/`nindent` widths; split large output over several templates",
    )
}

/// Adds a hint when the template that failed looks like a Go (Helm) template.
fn go_hint(err: Error, chart: &Chart, sources: &Sources) -> Error {
    let text = err
        .location()
        .and_then(|l| sources.get(&l.file))
        .map(|s| s.to_string())
        .unwrap_or_default();
    let looks_go = [
        "{{ .Values",
        "{{- .Values",
        "{{ include",
        "{{- include",
        "{{/*",
        "{{- /*",
        "{{ .Release",
        "{{- if .",
        "{{ if .",
    ]
    .iter()
    .any(|p| text.contains(p));
    if !looks_go {
        return err;
    }
    err.with_note(format!(
        "this template looks like a Go (Helm) template, but chart `{}` declares the Jinja engine; \
         remove `{}: jinja` from its Chart.yaml annotations (or set it to `go`) to render it as Helm does",
        chart.meta.name,
        crate::chart::ENGINE_ANNOTATION
    ))
}

/// Converts a minijinja error into a kiln error located in the template that failed.
pub fn template_error(e: &minijinja::Error, sources: &HashMap<String, Arc<str>>) -> Error {
    // The innermost error with a location is the most precise one.
    let mut chain: Vec<&minijinja::Error> = vec![e];
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        if let Some(je) = next.downcast_ref::<minijinja::Error>() {
            chain.push(je);
        }
        cur = next;
    }
    let located = chain
        .iter()
        .rev()
        .find(|err| err.name().is_some() && err.line().is_some())
        .copied()
        .unwrap_or(e);
    let source = located
        .name()
        .and_then(|n| sources.get(n).cloned())
        .or_else(|| located.template_source().map(Arc::from));
    // minijinja's spans are in the compiled text; map them back to the original.
    let original = |r: std::ops::Range<usize>| match located.name() {
        Some(name) => {
            let start = limits::original_offset(name, r.start);
            start..limits::original_offset(name, r.end).max(start)
        }
        None => r,
    };
    let range = match (&source, located.range().map(original)) {
        // minijinja's spans can end inside a multi-byte character of invalid input.
        (Some(src), Some(r))
            if r.start <= r.end
                && r.end <= src.len()
                && src.is_char_boundary(r.start)
                && src.is_char_boundary(r.end) =>
        {
            Some(
                super::strict::undefined_span(src, r.clone(), located.detail())
                    .unwrap_or_else(|| widen_to_expression(src, r)),
            )
        }
        _ => None,
    };
    let span_text = match (&source, &range) {
        (Some(src), Some(r)) => Some(src[r.clone()].to_string()),
        _ => None,
    };
    let budget_note = match located.kind() {
        minijinja::ErrorKind::OutOfFuel => Some(format!(
            "kiln's template fuel budget is {} steps per template (one per instruction, one per 64 bytes of data created); make loops smaller or split the work across templates",
            budget::thousands(budget::TEMPLATE_FUEL)
        )),
        minijinja::ErrorKind::InvalidOperation
            if located.detail() == Some("recursion limit exceeded") =>
        {
            Some(format!(
                "kiln's template recursion budget is {} levels of macro calls, includes and blocks",
                budget::TEMPLATE_RECURSION
            ))
        }
        _ => None,
    };
    let message = match (located.kind(), &span_text) {
        (minijinja::ErrorKind::OutOfFuel, _) => format!(
            "template budget exceeded: the render did more work than kiln's template fuel of {} allows",
            budget::thousands(budget::TEMPLATE_FUEL)
        ),
        (minijinja::ErrorKind::UndefinedError, _) if located.detail().is_some() => {
            let detail = located.detail().unwrap_or_default();
            format!(
                "undefined value: {}",
                detail.replace("` is undefined", "` is not defined")
            )
        }
        (minijinja::ErrorKind::UndefinedError, Some(expr)) => {
            format!("undefined value: `{}` is not defined", expr.trim())
        }
        _ => match located.detail() {
            Some(d) => match located.kind() {
                minijinja::ErrorKind::SyntaxError => format!("syntax error: {d}"),
                minijinja::ErrorKind::InvalidOperation => d.to_string(),
                minijinja::ErrorKind::TemplateNotFound => format!("template not found: {d}"),
                kind => format!("{kind}: {d}"),
            },
            None => located.kind().to_string(),
        },
    };
    let mut err = Error::new(ErrorKind::Template, message);
    if let Some(name) = located.name() {
        let loc = match (&source, range, located.line()) {
            (Some(src), Some(r), _) => Location::at_offset(name, src, r.start, r.end - r.start),
            (Some(src), _, Some(line)) => Location::in_source(name, src, line, 1, 1),
            (None, _, Some(line)) => Location::new(name, line, 1),
            _ => Location::new(name, 1, 1),
        };
        err = err.with_location(loc);
    }
    if let Some(note) = tpl_origin(&chain, located, sources) {
        err = err.with_note(note);
    }
    if let Some(note) = budget_note {
        err = err.with_note(note);
    }
    super::hints::explain(err, source.as_deref())
}

/// For an error inside `tpl` text: where that text came from, as a note. The outermost error of
/// the chain points at the `tpl(…)` call in the template; its first argument is the value path
/// that held the text (`Values.cfg.tmpl`).
fn tpl_origin(
    chain: &[&minijinja::Error],
    located: &minijinja::Error,
    sources: &HashMap<String, Arc<str>>,
) -> Option<String> {
    if !located.name().is_some_and(|n| n.ends_with(":tpl")) {
        return None;
    }
    let outer = chain
        .iter()
        .find(|e| e.name().is_some_and(|n| !n.ends_with(":tpl")) && e.range().is_some())?;
    let name = outer.name()?;
    let src = sources.get(name)?;
    let range = outer.range()?;
    let call = src.get(range.clone())?;
    let line = src[..range.start].matches('\n').count() + 1;
    let arg = call.find("tpl(").map(|i| {
        let rest = &call[i + 4..];
        let end = rest.find([',', ')']).unwrap_or(rest.len());
        rest[..end].trim().to_string()
    });
    Some(match arg.filter(|a| !a.is_empty()) {
        Some(arg) => {
            format!("the tpl text is the value of `{arg}`, passed to tpl at {name}:{line}")
        }
        None => format!("the tpl text was passed to tpl at {name}:{line}"),
    })
}

/// minijinja points attribute errors at `.attr`; widen to the whole dotted name before it.
fn widen_to_expression(src: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let bytes = src.as_bytes();
    let mut start = r.start;
    while start > 0 {
        let c = bytes[start - 1];
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            start -= 1;
        } else {
            break;
        }
    }
    start..r.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_start_with_underscore() {
        assert!(is_partial("templates/_helpers.tpl"));
        assert!(is_partial("templates/sub/_x.yaml"));
        assert!(!is_partial("templates/job.yaml"));
    }

    #[test]
    fn import_paths_resolve_relative_then_chart_then_subchart() {
        let mut s = HashMap::new();
        s.insert("web/templates/_helpers.tpl".to_string(), Arc::from(""));
        s.insert(
            "web/charts/common/templates/_lib.tpl".to_string(),
            Arc::from(""),
        );
        let j = |n: &str, p: &str| join_template_path(n, p, "web/templates", "web", &s);
        assert_eq!(
            j("_helpers.tpl", "web/templates/api.yaml"),
            "web/templates/_helpers.tpl"
        );
        assert_eq!(
            j("_helpers.tpl", "web/templates/sub/x.yaml"),
            "web/templates/_helpers.tpl"
        );
        assert_eq!(
            j("common/_lib.tpl", "web/templates/api.yaml"),
            "web/charts/common/templates/_lib.tpl"
        );
    }
}
