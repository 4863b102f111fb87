//! The whole `kiln render` flow for a chart: load → values → render → parse → sort.
//! Everything happens in memory; nothing is written until every stage has succeeded.

use crate::chart::{self, Chart};
use crate::error::{Error, ErrorKind, Result};
use crate::render::{self, context::default_api_versions, RenderOptions};
use crate::resource::{self, Resource};
use crate::values::{self, ValueFlags};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Lookups by name only (nothing iterates these maps): a fast hash.
type FastHash = foldhash::fast::RandomState;

/// Everything `kiln render CHART` needs, built from the command line (or a kustomization's
/// `charts:` entry).
#[derive(Debug, Clone, Default)]
pub struct ChartRenderConfig {
    pub chart_dir: PathBuf,
    pub values: ValueFlags,
    /// Extra user values merged over the flags (a kustomization's inline `values:`).
    pub inline_values: Option<serde_json::Value>,
    /// Defaults to the chart's name.
    pub release_name: Option<String>,
    pub namespace: String,
    pub kube_version: String,
    pub api_versions: Vec<String>,
    pub show_only: Vec<String>,
    pub include_crds: bool,
    /// `Release.IsUpgrade` true (and `IsInstall` false), as `--is-upgrade`.
    pub is_upgrade: bool,
    /// Do not check values against the charts' `values.schema.json`.
    pub skip_schema_validation: bool,
    /// A template whose output does not parse: show its rendered text in the error.
    pub debug: bool,
    /// Seed of the random template functions (`None`: fresh randomness per render, as helm).
    pub random_seed: Option<u64>,
    /// Keep only each object's head (apiVersion, kind, name, namespace) in the result: what
    /// printing needs, at a fraction of the memory. Objects are still parsed in full.
    pub heads_only: bool,
}

/// The Kubernetes version charts are rendered for unless `--kube-version` says otherwise.
pub const DEFAULT_KUBE_VERSION: &str = "1.35.0";

/// The result of rendering a chart.
#[derive(Debug, Clone)]
pub struct RenderedChart {
    /// Objects in Helm's install order (CRDs first when included).
    pub resources: Vec<Resource>,
    /// The rendered `NOTES.txt` of the top chart, if any.
    pub notes: Option<String>,
    /// User value keys that no template reads and no values.yaml has (likely typos).
    pub unused_values: Vec<String>,
    /// Documents that hold only comments. `helm template` prints them (where an object of kind ""
    /// sorts: after the known kinds, before unknown kinds and hooks); nothing else uses them.
    pub comments: Vec<Resource>,
}

impl RenderedChart {
    /// What `kiln render` prints, taken out of the result (nothing is copied): the objects with
    /// the comment-only documents at Helm's place.
    pub fn take_printed(&mut self) -> Vec<Resource> {
        let resources = std::mem::take(&mut self.resources);
        let comments = std::mem::take(&mut self.comments);
        if comments.is_empty() {
            return resources;
        }
        let known = |r: &Resource| {
            crate::order::HELM_INSTALL_ORDER.contains(&r.kind())
                && r.value
                    .pointer("/metadata/annotations/helm.sh~1hook")
                    .is_none()
        };
        let at = resources
            .iter()
            .position(|r| !known(r))
            .unwrap_or(resources.len());
        let mut out = Vec::with_capacity(resources.len() + comments.len());
        let mut rest = resources.into_iter();
        out.extend(rest.by_ref().take(at));
        out.extend(comments);
        out.extend(rest);
        out
    }
}

/// Renders a chart into sorted resources.
pub fn render_chart(cfg: &ChartRenderConfig) -> Result<RenderedChart> {
    // The engines start on the top chart's templates while its values and subcharts are read.
    let mut work = render::EarlyWork::default();
    let chart = chart::load_chart_meanwhile(&cfg.chart_dir, &mut work)?;
    render_loaded_after(chart, work, cfg)
}

/// Renders a chart already loaded (from `cfg.chart_dir`) into sorted resources.
pub fn render_loaded(chart: Chart, cfg: &ChartRenderConfig) -> Result<RenderedChart> {
    render_loaded_after(chart, render::EarlyWork::default(), cfg)
}

/// [`render_loaded`], with the engines' work done while the chart was read.
fn render_loaded_after(
    mut chart: Chart,
    work: render::EarlyWork,
    cfg: &ChartRenderConfig,
) -> Result<RenderedChart> {
    if cfg.skip_schema_validation {
        values::typos::drop_schemas(&mut chart);
    }
    if chart.meta.is_library() {
        return Err(Error::new(
            ErrorKind::Chart,
            format!(
                "{}: library charts render nothing; use it as a dependency of an application chart",
                chart.meta.name
            ),
        ));
    }
    let kube_version = normalize_kube_version(&cfg.kube_version)?;
    check_kube_version(&chart, &kube_version)?;

    // How each rendered file is read back: with which template (for error locations) and as
    // `helm template` reads Go templates' output; `None` for files not read (NOTES.txt, files
    // --show-only leaves out).
    let sources: HashMap<&str, (&str, chart::TemplateEngine), FastHash> = template_sources(&chart)
        .into_iter()
        .map(|(display, text, engine)| (display, (text, engine)))
        .collect();
    let plan = |f: &render::RenderedFile| -> Option<(Vec<usize>, Option<&str>, bool)> {
        if f.is_notes {
            return None;
        }
        let matched: Vec<usize> = (0..cfg.show_only.len())
            .filter(|&i| show_only_matches(&cfg.show_only[i], &chart, &f.display))
            .collect();
        if !cfg.show_only.is_empty() && matched.is_empty() {
            return None;
        }
        let source = sources.get(f.display.as_str());
        let template = source.map(|(t, _)| *t);
        let helm = source.is_none_or(|(_, engine)| *engine == chart::TemplateEngine::Go);
        Some((matched, template, helm))
    };
    let read = |f: &render::RenderedFile, template: Option<&str>, helm: bool| -> Result<Read> {
        let debug = |e: Error| match cfg.debug {
            true => e.with_note(format!("rendered text of {}:\n{}", f.display, f.text)),
            false => e,
        };
        if helm {
            return resource::parse_stream_helm(&f.text, &f.display, template, cfg.heads_only)
                .map_err(debug);
        }
        let parsed = resource::parse_stream_as(&f.text, &f.display, template, cfg.heads_only)
            .map_err(debug)?;
        Ok((parsed, resource::comment_documents(&f.text, &f.display)))
    };
    // Files the engine hands over as soon as they are rendered are read meanwhile (on a thread
    // that would otherwise wait); each file reads the same whenever it is read, and the results
    // are taken in file order below.
    let early: Mutex<HashMap<String, Result<Read>, FastHash>> = Mutex::new(HashMap::default());
    let read_early = |f: &render::RenderedFile| {
        if let Some((_, template, helm)) = plan(f) {
            let r = read(f, template, helm);
            let mut early = early.lock().unwrap_or_else(|e| e.into_inner());
            early.insert(f.display.clone(), r);
        }
    };
    // The engines' work that needs no values (parsing the Go templates) runs on a helper
    // thread meanwhile.
    let prepared = render::Prepared::after(&chart, work).reading_with(&read_early);
    let (tree, unused_values, mut files) = std::thread::scope(|s| {
        prepared.start(s);
        crate::parallel::awake_done();
        let r = values_and_render(&chart, cfg, kube_version, &prepared);
        // Nothing more to parse (the render is over, or failed); the helpers end.
        prepared.stop();
        r
    })?;
    crate::budget::dispose(prepared, 0);
    // Helm's SortManifests: templates by full path (`web/charts/redis/templates/x.yaml`), bytewise,
    // before the stable sort by kind.
    files.sort_by(|a, b| a.display.cmp(&b.display));

    let mut notes = None;
    let mut resources = Vec::new();
    // Per --show-only pattern: did it match a template that rendered at least one object?
    let mut shown = vec![false; cfg.show_only.len()];
    let mut comments = Vec::new();
    // Which files are read, with what: decided in order, then the files not read yet are parsed
    // on every core (each file's objects come out the same, and the first error in file order
    // wins, as when they are read one after the other).
    let mut work: Vec<(usize, Vec<usize>, Option<&str>, bool)> = Vec::new();
    for (k, f) in files.iter().enumerate() {
        if f.is_notes && f.display == format!("{}/templates/NOTES.txt", chart.display_root) {
            notes = Some(f.text.to_string());
        }
        if let Some((matched, template, helm)) = plan(f) {
            work.push((k, matched, template, helm));
        }
    }
    let mut early = early.into_inner().unwrap_or_else(|e| e.into_inner());
    type Pending<'w, 'a> = (
        &'w (usize, Vec<usize>, Option<&'a str>, bool),
        Mutex<Option<Result<Read>>>,
    );
    let ready: Vec<Option<Result<Read>>> = work
        .iter()
        .map(|w| early.remove(&files[w.0].display))
        .collect();
    // Read already: no work left (and no size) for the threads.
    let sizes: Vec<usize> = work
        .iter()
        .zip(&ready)
        .map(|(w, r)| {
            if r.is_some() {
                0
            } else {
                files[w.0].text.len()
            }
        })
        .collect();
    let pending: Vec<Pending<'_, '_>> =
        work.iter().zip(ready.into_iter().map(Mutex::new)).collect();
    let read = |(w, ready): &Pending<'_, '_>| {
        let done = ready.lock().unwrap_or_else(|e| e.into_inner()).take();
        done.unwrap_or_else(|| read(&files[w.0], w.2, w.3))
    };
    for (w, parsed) in work
        .iter()
        .zip(crate::parallel::map(&pending, &sizes, read))
    {
        let (parsed, other) = parsed?;
        if !parsed.is_empty() {
            for &i in &w.1 {
                shown[i] = true;
            }
        }
        resources.extend(parsed);
        comments.extend(other);
    }
    for (s, shown) in cfg.show_only.iter().zip(shown) {
        if shown {
            continue;
        }
        let exists = files
            .iter()
            .any(|f| show_only_matches(s, &chart, &f.display));
        // Helm fails alike for a template that does not exist and one that renders nothing.
        return Err(Error::new(
            ErrorKind::Usage,
            if exists {
                format!(
                    "--show-only {s}: the template renders no objects with these values (helm: could not find template {s} in chart)"
                )
            } else {
                format!(
                    "--show-only {s}: no template with that path in chart {}",
                    chart.meta.name
                )
            },
        ));
    }
    crate::order::sort_helm(&mut resources);
    if cfg.include_crds {
        let mut crds = Vec::new();
        collect_crds(&chart, &tree, &mut crds)?;
        crds.append(&mut resources);
        resources = crds;
    }
    // What the render was made from is not freed piece by piece when the process ends right
    // after (see budget::dispose): the rendered texts, the values, the parse work, the chart.
    let rendered_bytes = files.iter().map(|f| f.text.len()).sum();
    crate::budget::dispose(pending, 0);
    crate::budget::dispose((work, files), rendered_bytes);
    crate::budget::dispose(sources, 0);
    let source_bytes = chart.source_bytes();
    crate::budget::dispose((tree, chart), source_bytes);
    Ok(RenderedChart {
        resources,
        notes,
        unused_values,
        comments,
    })
}

/// A rendered file read back: its objects, and its documents that hold only comments.
type Read = (Vec<Resource>, Vec<Resource>);

/// The chart's values (checked, with the keys nothing uses) and its rendered templates.
fn values_and_render(
    chart: &Chart,
    cfg: &ChartRenderConfig,
    kube_version: String,
    prepared: &render::Prepared<'_>,
) -> Result<(values::ValueTree, Vec<String>, Vec<render::RenderedFile>)> {
    let mut user = values::user_values_for(&cfg.values, chart.meta.engine.yaml_flavor())?;
    if let Some(inline) = &cfg.inline_values {
        values::merge_user(&mut user.values, inline.clone());
    }
    let tree = values::resolve_with_files(chart, &user)?;
    let unused_values = values::typos::unused_keys(chart, &user.values);

    let mut api_versions = default_api_versions().to_vec();
    for v in &cfg.api_versions {
        for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !api_versions.iter().any(|x| x == part) {
                api_versions.push(part.to_string());
            }
        }
    }
    let opts = RenderOptions {
        release_name: cfg
            .release_name
            .clone()
            .unwrap_or_else(|| chart.meta.name.clone()),
        namespace: if cfg.namespace.is_empty() {
            "default".into()
        } else {
            cfg.namespace.clone()
        },
        kube_version,
        api_versions,
        set_int_paths: values::set_int_paths(&cfg.values)?,
        is_upgrade: cfg.is_upgrade,
        random_seed: cfg.random_seed,
    };
    let files = render::render_chart(chart, &tree, &opts, prepared)?;
    Ok((tree, unused_values, files))
}

/// Every template of the chart tree: display path, source text, and the engine of its chart.
fn template_sources(chart: &Chart) -> Vec<(&str, &str, chart::TemplateEngine)> {
    let mut out: Vec<_> = chart
        .templates
        .iter()
        .map(|t| (t.display.as_str(), t.text.as_str(), chart.meta.engine))
        .collect();
    for sub in &chart.subcharts {
        out.extend(template_sources(sub));
    }
    out
}

fn collect_crds(chart: &Chart, tree: &values::ValueTree, out: &mut Vec<Resource>) -> Result<()> {
    for f in &chart.crd_files()? {
        out.extend(resource::parse_stream(&f.text, &f.display, None)?);
    }
    for (idx, child) in &tree.children {
        collect_crds(&chart.subcharts[*idx], child, out)?;
    }
    Ok(())
}

/// `--show-only templates/x.yaml` matches `<chart>/templates/x.yaml`; a full display path
/// (`web/charts/redis/templates/x.yaml`) matches too.
fn show_only_matches(pattern: &str, chart: &Chart, display: &str) -> bool {
    let pattern = pattern.trim_start_matches("./");
    display == pattern || display == format!("{}/{}", chart.display_root, pattern)
}

/// `--kube-version` as helm reads it (Kubernetes' generic version parser): an optional `v`, at
/// least major and minor, anything after the numbers kept (`1.32`, `v1.33.4+k3s1`). Returned
/// without the `v`, otherwise as written: templates see `v1.32` where it was written so.
fn normalize_kube_version(v: &str) -> Result<String> {
    let v = if v.is_empty() {
        DEFAULT_KUBE_VERSION
    } else {
        v.trim()
    };
    let bare = v.strip_prefix('v').unwrap_or(v);
    let parts: Vec<&str> = crate::k8s::version_numbers(bare).split('.').collect();
    let bad = |p: &&str| p.parse::<u32>().is_err() || (p.len() > 1 && p.starts_with('0'));
    if parts.len() < 2 || parts.iter().any(bad) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("--kube-version {v}: not a Kubernetes version (expected X.Y or X.Y.Z; helm: illegal version string)"),
        ));
    }
    Ok(bare.to_string())
}

fn check_kube_version(chart: &Chart, version: &str) -> Result<()> {
    let Some(constraint) = chart
        .meta
        .kube_version
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    else {
        return Ok(());
    };
    // Helm checks the numbers alone (a `-gke.100` suffix would make a pre-release).
    let numbers = crate::k8s::version_numbers(version);
    let numbers = match numbers.matches('.').count() {
        1 => format!("{numbers}.0"),
        _ => numbers.to_string(),
    };
    let ok = crate::render::filters::semver_satisfies(&numbers, constraint).map_err(|e| {
        Error::new(
            ErrorKind::Chart,
            format!("Chart.yaml kubeVersion `{constraint}`: {e}"),
        )
        .with_location(kube_version_location(chart))
    })?;
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Chart,
            format!(
                "chart {} requires kubeVersion {constraint}, which is incompatible with Kubernetes v{version} (set --kube-version)",
                chart.meta.name
            ),
        )
        .with_location(kube_version_location(chart)))
    }
}

/// Where `kubeVersion:` is written in the chart's Chart.yaml (line 1 when it cannot be found).
fn kube_version_location(chart: &Chart) -> crate::error::Location {
    let file = match &chart.archive_prefix {
        Some(_) => chart.file_shown("Chart.yaml"),
        None => format!("{}/Chart.yaml", chart.display_root),
    };
    let text = match &chart.archive_prefix {
        // A packaged chart: its Chart.yaml is read from the archive again.
        Some(_) => chart::read_shown(&chart.file_shown("Chart.yaml"), &mut Default::default()),
        None => std::fs::read_to_string(chart.dir.join("Chart.yaml")).ok(),
    }
    .unwrap_or_default();
    let line = text
        .lines()
        .position(|l| l.starts_with("kubeVersion:"))
        .map_or(1, |i| i + 1);
    crate::error::Location::in_source(file, &text, line, 1, "kubeVersion".len())
}

/// Reads a chart directory path for messages.
pub fn display_path(p: &Path) -> String {
    p.display().to_string()
}
