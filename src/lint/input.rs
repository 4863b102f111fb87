//! Loads the PATHs of `kiln lint` into lint units: each chart and each overlay is one unit
//! (rendered with the value flags); every plain manifest (files, directories, stdin) goes into one
//! shared unit.

use super::set::ChartInput;
use crate::commands::lint::{LintGroup as Group, LintOptions as LintArgs};
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{self, ChartRenderConfig};
use crate::resource::{self, Resource};
use std::path::{Path, PathBuf};

/// One set of objects linted together.
#[derive(Debug, Default)]
pub struct Unit {
    pub objects: Vec<Resource>,
    pub charts: Vec<ChartInput>,
    /// Inputs of this unit that did not load (YAML that does not parse, an overlay that does not
    /// build): reported as `input-invalid` findings while the rest is linted.
    pub failures: Vec<Failure>,
}

/// An input that did not load, with where it failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Failure {
    /// The failure of `path` (a file or directory) from its error: the error's own location when
    /// it has one, with `display` mapping chart-relative files to paths.
    fn of(path: &Path, e: &Error, display: impl Fn(&str) -> String) -> Failure {
        let (file, line) = match e.location() {
            Some(l) if l.file.is_empty() => (path.display().to_string(), l.line),
            Some(l) => (display(&l.file), l.line),
            None => (path.display().to_string(), 1),
        };
        let mut message = e.message().replace(
            ", set DuplicateKeyPolicy in Options if acceptable",
            " (a key may appear once in a mapping)",
        );
        for n in e.notes() {
            message.push_str(&format!(" ({n})"));
        }
        Failure {
            file,
            line: line.max(1),
            message,
        }
    }
}

/// Loads every PATH.
pub fn load(args: &LintArgs) -> Result<Vec<Unit>> {
    let mut loader = Loader {
        args,
        units: Vec::new(),
    };
    let mut all = Unit::default();
    let mut stdin_read = false;
    for p in &args.paths {
        let mut current = Unit::default();
        if p == "-" {
            if stdin_read {
                return Err(Error::new(ErrorKind::Usage, "`-` (stdin) given twice"));
            }
            stdin_read = true;
            let text = crate::fs::read_stdin("<stdin>")?;
            let parsed = resource::parse_stream(&text, "<stdin>", None);
            loader.manifest(Path::new("<stdin>"), parsed, &mut current);
        } else {
            let path = Path::new(p);
            if !path.exists() {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!("{p}: no such file or directory"),
                ));
            }
            if path.is_dir() {
                let root = crate::fs::Root::new(path, "the linted directory")?;
                let mut w = crate::fs::DirWalk::new(&root, path)?;
                loader.walk(path, &mut w, &mut current)?;
            } else if is_chart_archive(path) {
                let unit = load_chart(args, path);
                loader.units.push(unit);
            } else {
                loader.manifest(path, read_manifest(path), &mut current);
            }
        }
        match args.group {
            Group::All => {
                all.objects.append(&mut current.objects);
                all.failures.append(&mut current.failures);
            }
            _ => loader.push(current),
        }
    }
    loader.push(all);
    let mut units = loader.units;
    for u in units.iter_mut() {
        expand_lists(&mut u.objects);
    }
    Ok(units)
}

struct Loader<'a> {
    args: &'a LintArgs,
    units: Vec<Unit>,
}

impl Loader<'_> {
    fn push(&mut self, unit: Unit) {
        if !unit.objects.is_empty() || !unit.failures.is_empty() || !unit.charts.is_empty() {
            self.units.push(unit);
        }
    }

    /// A manifest file's objects (or its failure) into `current`, or into a set of its own with
    /// `--group file`.
    fn manifest(&mut self, path: &Path, parsed: Result<Vec<Resource>>, current: &mut Unit) {
        let mut unit = Unit::default();
        let target = if self.args.group == Group::File {
            &mut unit
        } else {
            &mut *current
        };
        match parsed {
            Ok(objects) => target.objects.extend(objects),
            Err(e) => target.failures.push(Failure::of(path, &e, str::to_string)),
        }
        self.push(unit);
    }

    /// A directory: a chart, an overlay, or a tree of manifests (whose charts and overlays are
    /// units of their own).
    fn walk(&mut self, dir: &Path, w: &mut crate::fs::DirWalk, manifests: &mut Unit) -> Result<()> {
        if dir.join("Chart.yaml").is_file() {
            let unit = load_chart(self.args, dir);
            self.units.push(unit);
            return Ok(());
        }
        if crate::overlay::kustomization::find_file(dir).is_some() {
            let unit = load_overlay(dir);
            self.units.push(unit);
            return Ok(());
        }
        // Directories and regular files only; symlinks stay inside the linted directory and a
        // symlink loop is entered once.
        for (p, kind) in w.entries(dir, true)? {
            if let crate::fs::EntryKind::Dir(canon) = kind {
                if w.enter(canon) {
                    self.walk(&p, w, manifests)?;
                    w.leave();
                }
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
            {
                self.manifest(&p, read_manifest(&p), manifests);
            }
        }
        Ok(())
    }
}

/// Whether a PATH given to `kiln lint` is a packaged chart (`web-0.1.0.tgz`, as `helm package`
/// writes it): linted as a chart, like its directory.
fn is_chart_archive(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// Builds an overlay. A build failure (a patch that does not apply, a chart of `charts:` that
/// does not render) becomes an `input-invalid` finding at the failing file.
fn load_overlay(dir: &Path) -> Unit {
    let mut charts = Vec::new();
    overlay_charts(dir, &mut charts, 0);
    let display = |source: &str| -> String {
        if Path::new(source).is_file() {
            return source.to_string();
        }
        charts
            .iter()
            .find(|c| source.starts_with(&format!("{}/", c.name.as_deref().unwrap_or(""))))
            .map_or_else(|| source.to_string(), |c| c.file_path(source))
    };
    let built = match crate::overlay::build(dir) {
        Ok(b) => b,
        Err(e) => {
            let file = crate::overlay::kustomization::find_file(dir).unwrap_or(dir.to_path_buf());
            return Unit {
                failures: vec![Failure::of(&file, &e, display)],
                ..Unit::default()
            };
        }
    };
    for w in &built.warnings {
        eprintln!("{}", crate::error::escape_control(w));
    }
    let mut objects = built.resources;
    for r in objects.iter_mut() {
        r.source = display(&r.source);
    }
    Unit {
        objects,
        ..Unit::default()
    }
}

/// Replaces each `v1` `List` (`kind: List`, `ConfigMapList`, ...) by its items, as `kubectl
/// apply` does. Items keep the list's file and line.
fn expand_lists(objects: &mut Vec<Resource>) {
    if !objects.iter().any(is_list) {
        return;
    }
    let mut out = Vec::with_capacity(objects.len());
    for r in objects.drain(..) {
        if !is_list(&r) {
            out.push(r);
            continue;
        }
        for item in r.value["items"].as_array().into_iter().flatten() {
            if !item.is_object() {
                continue;
            }
            out.push(Resource {
                text: crate::yaml::to_yaml(item, crate::yaml::Style::Kustomize)
                    .trim_end()
                    .to_string(),
                value: item.clone(),
                source: r.source.clone(),
                line: r.line,
            });
        }
    }
    *objects = out;
}

fn is_list(r: &Resource) -> bool {
    r.api_version() == "v1" && r.kind().ends_with("List") && r.value["items"].is_array()
}

/// The charts an overlay renders through `charts:`, in it and in the kustomizations it includes,
/// so their objects' sources (`web/templates/x.yaml`) can be shown as paths.
fn overlay_charts(dir: &Path, out: &mut Vec<ChartInput>, depth: usize) {
    let Some(file) = crate::overlay::kustomization::find_file(dir) else {
        return;
    };
    let Ok(k) = crate::yaml::parse_file(&file) else {
        return;
    };
    if depth > 20 {
        return;
    }
    let strings = |key: &str| -> Vec<String> {
        k.get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for c in k
        .get("charts")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(p) = c.get("path").and_then(|p| p.as_str()) {
            let chart_dir = normalize(&dir.join(p));
            if !out.iter().any(|c| c.dir == chart_dir) {
                // Loaded once more for where its files are (subcharts from archives included).
                let loaded = crate::chart::load_chart(&chart_dir).ok();
                out.push(ChartInput::new(chart_dir, loaded.as_ref(), None));
            }
        }
    }
    for chart_dir in crate::overlay::transforms::helm_charts::chart_paths(dir, &k) {
        let chart_dir = normalize(&chart_dir);
        if !out.iter().any(|c| c.dir == chart_dir) {
            let loaded = crate::chart::load_chart(&chart_dir).ok();
            out.push(ChartInput::new(chart_dir, loaded.as_ref(), None));
        }
    }
    for entry in strings("resources")
        .into_iter()
        .chain(strings("bases"))
        .chain(strings("components"))
    {
        let sub = dir.join(&entry);
        if sub.is_dir() {
            overlay_charts(&normalize(&sub), out, depth + 1);
        }
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

fn read_manifest(path: &Path) -> Result<Vec<Resource>> {
    let shown = path.display().to_string();
    let text = crate::fs::read_user_text(path, &shown)?;
    parse_parallel(&text, &shown)
}

/// `resource::parse_stream` over a large stream, in chunks of whole documents on every core.
fn parse_parallel(text: &str, source: &str) -> Result<Vec<Resource>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || text.len() < 256 * 1024 {
        return resource::parse_stream(text, source, None);
    }
    // Cut at separator lines, each chunk about len/threads bytes: (byte start, line offset).
    let docs = crate::yaml::split_documents(text);
    let base = text.as_ptr() as usize;
    let target = text.len() / threads + 1;
    let mut cuts = vec![(0usize, 0usize)];
    for d in &docs[1..] {
        let start = d.text.as_ptr() as usize - base;
        if start - cuts.last().unwrap().0 >= target {
            // Start the chunk at the separator line before the document.
            let sep = text[..start.saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            cuts.push((sep, d.line_offset - 1));
        }
    }
    let chunks: Vec<(&str, usize)> = cuts
        .iter()
        .enumerate()
        .map(|(i, &(start, line))| {
            let end = cuts.get(i + 1).map_or(text.len(), |c| c.0);
            (&text[start..end], line)
        })
        .collect();
    let parsed: Vec<Result<Vec<Resource>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|&(chunk, _)| scope.spawn(move || resource::parse_stream(chunk, source, None)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("parser thread panicked"))
            .collect()
    });
    let mut out = Vec::new();
    for (res, &(_, line)) in parsed.into_iter().zip(&chunks) {
        // Errors carry chunk-relative lines: parse the whole stream again for the exact error.
        let mut res = match res {
            Ok(r) => r,
            Err(_) => return resource::parse_stream(text, source, None),
        };
        for r in res.iter_mut() {
            r.line += line;
        }
        out.append(&mut res);
    }
    Ok(out)
}

/// Renders a chart (a directory or a packaged `.tgz`). A render failure becomes a
/// `chart-render` finding, not an error: CI gets a report pointing at the template.
fn load_chart(args: &LintArgs, dir: &Path) -> Unit {
    let cfg = ChartRenderConfig {
        include_crds: true,
        ..args.release.chart_config(
            dir.to_path_buf(),
            args.kube_version
                .as_deref()
                .unwrap_or(super::config::DEFAULT_KUBE_VERSION),
        )
    };
    let loaded = crate::chart::load_chart(dir);
    // Where the files of every chart of the tree are, kept before rendering consumes the chart.
    let located = match &loaded {
        Ok(c) => ChartInput::new(dir.to_path_buf(), Some(c), None),
        Err(_) => ChartInput::new(dir.to_path_buf(), None, None),
    };
    let (mut objects, render_error) = match loaded.and_then(|c| pipeline::render_loaded(c, &cfg)) {
        Ok(rendered) => (rendered.resources, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    // Sources are `<chart name>/templates/x.yaml`; show them under the chart as given, so they
    // are paths a code-scanning tool can open (or name the file inside the archive).
    let chart = ChartInput {
        render_error,
        ..located
    };
    for r in objects.iter_mut() {
        r.source = chart.file_path(&r.source);
    }
    Unit {
        objects,
        charts: vec![chart],
        failures: Vec::new(),
    }
}

/// Reads the `--crd` paths: the CustomResourceDefinitions of each file (an install bundle may mix
/// them with other objects, which are left out) or of every `.yaml`/`.yml`/`.json` file under a
/// directory. A path without any CRD is a usage error.
///
/// Only the CRDs of `kinds` (the kinds of the linted objects) are parsed: a document that does not
/// mention one of them is skipped by a text search, so a bundle of hundreds of CRDs costs little
/// when few of its kinds are used.
pub fn load_crds(
    paths: &[PathBuf],
    kinds: &std::collections::BTreeSet<String>,
) -> Result<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    for p in paths {
        let mut files = Vec::new();
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name().max_depth(32) {
                let entry = entry.map_err(|e| {
                    Error::new(ErrorKind::Io, format!("--crd {}: {e}", p.display()))
                })?;
                let is_yaml = entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
                if entry.file_type().is_file() && is_yaml {
                    files.push(entry.into_path());
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("--crd {}: no such file or directory", p.display()),
            ));
        }
        let mut any = false;
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| Error::io(f.display(), e))?;
            let source = f.display().to_string();
            for doc in crate::yaml::split_documents(&text) {
                if !doc.text.contains("CustomResourceDefinition") {
                    continue;
                }
                any = true;
                let used = kinds.iter().any(|k| {
                    doc.text.contains(&format!("kind: {k}"))
                        || doc.text.contains(&format!("kind: \"{k}\""))
                        || doc.text.contains(&format!("\"kind\": \"{k}\""))
                        || doc.text.contains(&format!("kind: '{k}'"))
                });
                if !used {
                    continue;
                }
                for mut r in resource::parse_stream(doc.text, &source, None)? {
                    r.line += doc.line_offset;
                    if crate::k8s::validate::is_crd(&r.value) {
                        out.push(r.value);
                    }
                }
            }
        }
        if !any {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("--crd {}: no CustomResourceDefinition in it", p.display()),
            ));
        }
    }
    Ok(out)
}
