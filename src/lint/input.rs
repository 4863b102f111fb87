//! Loads the PATHs of `kiln lint` into lint units: each chart and each overlay is one unit
//! (rendered with the value flags); every plain manifest (files, directories, stdin) goes into one
//! shared unit.

use super::set::ChartInput;
use crate::cli::args::LintArgs;
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{self, ChartRenderConfig};
use crate::resource::{self, Resource};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One set of objects linted together.
#[derive(Debug, Default)]
pub struct Unit {
    pub objects: Vec<Resource>,
    pub charts: Vec<ChartInput>,
}

/// Loads every PATH.
pub fn load(args: &LintArgs) -> Result<Vec<Unit>> {
    let mut units = Vec::new();
    let mut manifests = Unit::default();
    let mut stdin_read = false;
    for p in &args.paths {
        if p == "-" {
            if stdin_read {
                return Err(Error::new(ErrorKind::Usage, "`-` (stdin) given twice"));
            }
            stdin_read = true;
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::io("<stdin>", e))?;
            manifests
                .objects
                .extend(resource::parse_stream(&text, "<stdin>", None)?);
            continue;
        }
        let path = Path::new(p);
        if !path.exists() {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("{p}: no such file or directory"),
            ));
        }
        if path.is_dir() {
            walk(args, path, &mut units, &mut manifests)?;
        } else {
            manifests.objects.extend(read_manifest(path)?);
        }
    }
    if !manifests.objects.is_empty() {
        units.push(manifests);
    }
    for u in units.iter_mut() {
        expand_lists(&mut u.objects);
    }
    Ok(units)
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

/// A directory: a chart, an overlay, or a tree of manifests (whose charts and overlays are
/// units of their own).
fn walk(args: &LintArgs, dir: &Path, units: &mut Vec<Unit>, manifests: &mut Unit) -> Result<()> {
    if dir.join("Chart.yaml").is_file() {
        units.push(load_chart(args, dir));
        return Ok(());
    }
    if crate::overlay::kustomization::find_file(dir).is_some() {
        let built = crate::overlay::build(dir)?;
        for w in &built.warnings {
            eprintln!("{}", crate::error::escape_control(w));
        }
        let mut objects = built.resources;
        let mut charts = Vec::new();
        overlay_charts(dir, &mut charts, 0);
        for r in objects.iter_mut() {
            if Path::new(&r.source).is_file() {
                continue;
            }
            if let Some(c) = charts.iter().find(|c| {
                r.source
                    .starts_with(&format!("{}/", c.name.as_deref().unwrap_or("")))
            }) {
                r.source = c.file_path(&r.source);
            }
        }
        units.push(Unit {
            objects,
            charts: Vec::new(),
        });
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir.display(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(args, &p, units, manifests)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            manifests.objects.extend(read_manifest(&p)?);
        }
    }
    Ok(())
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
            let name = chart_name(&chart_dir);
            if !out.iter().any(|c| c.dir == chart_dir) {
                out.push(ChartInput {
                    dir: chart_dir,
                    render_error: None,
                    name,
                });
            }
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
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
    parse_parallel(&text, &path.display().to_string())
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

/// Renders a chart. A render failure becomes a `chart-render` finding, not an error: CI gets a
/// report pointing at the template.
fn load_chart(args: &LintArgs, dir: &Path) -> Unit {
    let cfg = ChartRenderConfig {
        include_crds: true,
        ..args
            .release
            .chart_config(dir.to_path_buf(), &args.kube_version)
    };
    let (mut objects, render_error) = match pipeline::render_chart(&cfg) {
        Ok(rendered) => (rendered.resources, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    // Sources are `<chart name>/templates/x.yaml`; show them under the directory as given, so
    // they are paths a code-scanning tool can open.
    let chart = ChartInput {
        dir: dir.to_path_buf(),
        render_error,
        name: chart_name(dir),
    };
    for r in objects.iter_mut() {
        r.source = chart.file_path(&r.source);
    }
    Unit {
        objects,
        charts: vec![chart],
    }
}

fn chart_name(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Chart.yaml")).ok()?;
    let v = crate::yaml::parse_document(&text, "Chart.yaml").ok()?;
    v.get("name")?.as_str().map(str::to_string)
}

/// Reads the `--crd` files: every CustomResourceDefinition in them.
pub fn load_crds(files: &[PathBuf]) -> Result<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    for f in files {
        for r in read_manifest(f)? {
            if r.kind() != "CustomResourceDefinition" {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "--crd {}: {} {} is not a CustomResourceDefinition",
                        f.display(),
                        r.kind(),
                        r.name()
                    ),
                ));
            }
            out.push(r.value);
        }
    }
    Ok(out)
}
