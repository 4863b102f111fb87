//! Charts read from archives: a packaged chart given as the chart (`kiln render redis-1.2.3.tgz`)
//! and the `charts/*.tgz` that `helm dependency build` leaves. They load into the same [`Chart`]
//! as a directory, their files held in memory, so no later stage knows where a chart came from.

use super::archive::{self, Budget};
use super::load::{
    chart_meta, is_ignored_in_charts, is_other_file, parse_lock, parse_schema, parse_values,
    resolve_subcharts, with_requirements, Candidate, CandidateSource,
};
use super::{Chart, Dependency, SourceFile};
use crate::error::{Error, ErrorKind, Result};
use crate::yaml;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A chart's files in memory, by path inside the chart.
#[derive(Debug, Clone)]
pub struct Packed {
    /// The archive, then the folder inside it (`web/charts/redis-1.2.3.tgz/redis`): the chart's
    /// `dir`, never read from disk.
    pub dir: PathBuf,
    /// What a file's path inside the chart is appended to in messages: the archive and a colon
    /// (`web/charts/redis-1.2.3.tgz:`, then `templates/x.yaml`), with the path inside the outer
    /// archive for a chart nested in one (`web-0.1.0.tgz:charts/redis-1.2.3.tgz:`).
    pub prefix: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Reads a `.tgz` chart archive from disk.
pub fn read_archive_file(path: &Path, budget: &mut Budget) -> Result<Packed> {
    let bytes = read_capped(path)?;
    read_archive(&bytes, &path.display().to_string(), budget)
}

/// Reads the archive file itself, refusing one larger than the decompressed-size budget (a
/// compressed archive is never larger than what it holds, give or take its headers).
fn read_capped(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let mut bytes = Vec::new();
    file.take(archive::MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path.display(), e))?;
    if bytes.len() as u64 > archive::MAX_BYTES {
        return Err(Error::new(
            ErrorKind::Chart,
            format!(
                "{}: the archive is larger than {} MiB",
                path.display(),
                archive::MAX_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// Reads a chart archive held in memory; `shown` names it in messages.
pub fn read_archive(bytes: &[u8], shown: &str, budget: &mut Budget) -> Result<Packed> {
    let a = archive::read(bytes, shown, budget)?;
    Ok(Packed {
        dir: PathBuf::from(format!("{shown}/{}", a.folder)),
        prefix: format!("{shown}:"),
        files: a.files,
    })
}

/// Loads a packaged chart given as the chart to render.
pub fn load_archive_file(path: &Path, budget: &mut Budget) -> Result<Chart> {
    let p = read_archive_file(path, budget).map_err(|e| {
        if path.extension().is_some_and(|x| x == "tgz" || x == "gz") {
            e
        } else {
            e.with_note(
                "the chart must be a chart directory or a .tgz archive made by `helm package`",
            )
        }
    })?;
    let chart_yaml = p.chart_yaml()?;
    load(&p, chart_yaml, None, None, budget)
}

/// One file of a packaged chart as text (`None` when the archive does not hold it).
pub fn read_archive_text(path: &Path, rel: &str) -> Result<Option<String>> {
    read_archive_file(path, &mut Budget::default())?.text(rel)
}

/// Archives already read by [`read_shown`], by how they are shown.
pub type ArchiveCache = std::collections::HashMap<String, Arc<BTreeMap<String, Vec<u8>>>>;

/// A file of a chart archive by the name messages and lint findings give it
/// (`web-0.1.0.tgz:templates/x.yaml`, `web/charts/redis-1.2.3.tgz:charts/common-2.0.0.tgz:templates/_x.tpl`);
/// `None` when `shown` names no file inside an archive. Archives read are kept in `cache`.
pub fn read_shown(shown: &str, cache: &mut ArchiveCache) -> Option<String> {
    let mut at = 0;
    let mut files: Option<Arc<BTreeMap<String, Vec<u8>>>> = None;
    while let Some(i) = shown[at..].find(".tgz:") {
        let end = at + i + ".tgz".len();
        let key = &shown[..end];
        let archive = match cache.get(key) {
            Some(f) => f.clone(),
            None => {
                let mut budget = Budget::default();
                let read = match &files {
                    None => read_archive_file(Path::new(key), &mut budget).ok()?,
                    Some(outer) => {
                        let bytes = outer.get(&shown[at..end])?;
                        read_archive(bytes, key, &mut budget).ok()?
                    }
                };
                let f = Arc::new(read.files);
                cache.insert(key.to_string(), f.clone());
                f
            }
        };
        files = Some(archive);
        at = end + 1;
    }
    let bytes = files?.get(&shown[at..])?.clone();
    String::from_utf8(bytes).ok()
}

impl Packed {
    fn shown(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// A file as UTF-8 text, if the archive has it.
    fn text(&self, rel: &str) -> Result<Option<String>> {
        let Some(bytes) = self.files.get(rel) else {
            return Ok(None);
        };
        String::from_utf8(bytes.clone()).map(Some).map_err(|_| {
            Error::new(
                ErrorKind::Chart,
                format!("{}: not UTF-8 text", self.shown(rel)),
            )
        })
    }

    /// `Chart.yaml` (with `requirements.yaml` folded in, as Helm does) as text and document.
    pub fn chart_yaml(&self) -> Result<(String, Value)> {
        let Some(text) = self.text("Chart.yaml")? else {
            return Err(Error::new(
                ErrorKind::Chart,
                format!(
                    "{}: no Chart.yaml in the chart archive",
                    self.prefix.trim_end_matches([':', '/'])
                ),
            ));
        };
        let raw = yaml::parse_document(&text, &self.shown("Chart.yaml"))?;
        let raw = match self.text("requirements.yaml")? {
            Some(req) => with_requirements(raw, &req, &self.shown("requirements.yaml"))?,
            None => raw,
        };
        Ok((text, raw))
    }

    /// The files under `sub/`, as chart sources, sorted by path.
    fn sources(&self, sub: &str, display_root: &str) -> Result<Vec<SourceFile>> {
        let prefix = format!("{sub}/");
        let mut out = Vec::new();
        for rel in self.files.keys().filter(|k| k.starts_with(&prefix)) {
            let text = self.text(rel)?.unwrap_or_default();
            out.push(SourceFile {
                rel: rel.clone(),
                display: format!("{display_root}/{rel}"),
                text,
            });
        }
        Ok(out)
    }
}

/// Builds a [`Chart`] from an archive's files: the same steps as for a directory.
pub(super) fn load(
    p: &Packed,
    (meta_text, raw): (String, Value),
    parent_root: Option<&str>,
    dependency: Option<Dependency>,
    budget: &mut Budget,
) -> Result<Chart> {
    let meta_file = p.shown("Chart.yaml");
    let (meta, values_key, display_root) = chart_meta(
        raw,
        &meta_text,
        &meta_file,
        parent_root,
        dependency.as_ref(),
    )?;
    let (values, values_file) = match p.text("values.yaml")? {
        Some(text) => {
            let (v, f) = parse_values(text, format!("{display_root}/values.yaml"), meta.engine)?;
            (v, Some(f))
        }
        None => (Value::Object(Default::default()), None),
    };
    let schema = match p.text("values.schema.json")? {
        Some(text) => parse_schema(&text, &p.shown("values.schema.json"))?,
        None => None,
    };
    let templates = p.sources("templates", &display_root)?;
    let other: BTreeMap<String, Vec<u8>> = p
        .files
        .iter()
        .filter(|(rel, _)| is_other_file(rel, &meta.api_version))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let files: Vec<String> = other.keys().cloned().collect();
    let crds = super::load::crds_of(&files);
    let mut lock = Vec::new();
    for name in ["Chart.lock", "requirements.lock"] {
        if let Some(text) = p.text(name)? {
            lock = parse_lock(&text, &p.shown(name))?;
            break;
        }
    }
    let candidates = subchart_candidates(p, budget)?;
    let subcharts = resolve_subcharts(
        candidates,
        &meta,
        &display_root,
        &p.shown("charts"),
        &lock,
        parent_root
            .is_none()
            .then_some((meta_file.as_str(), meta_text.as_str())),
        budget,
    )?;
    Ok(Chart {
        dir: p.dir.clone(),
        display_root,
        meta,
        values_key,
        values,
        values_file,
        schema,
        templates,
        crds,
        subcharts,
        dependency,
        files,
        packed: Some(Arc::new(other)),
        archive_prefix: Some(p.prefix.clone()),
    })
}

/// The subcharts inside an archive's `charts/`: folders and nested `.tgz` archives, grouped by
/// their first path component as Helm groups them.
fn subchart_candidates(p: &Packed, budget: &mut Budget) -> Result<Vec<Candidate>> {
    let mut groups: BTreeMap<&str, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for (rel, bytes) in &p.files {
        let Some(rest) = rel.strip_prefix("charts/") else {
            continue;
        };
        if rel.ends_with(".prov") {
            continue;
        }
        let (name, inner) = rest.split_once('/').unwrap_or((rest, ""));
        groups
            .entry(name)
            .or_default()
            .insert(inner.to_string(), bytes.clone());
    }
    let mut out = Vec::new();
    for (name, files) in groups {
        if is_ignored_in_charts(name) {
            continue;
        }
        let shown = p.shown(&format!("charts/{name}"));
        let sub = if name.ends_with(".tgz") {
            let Some(bytes) = files.get("") else {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!("{shown}: expected a chart archive, found a folder"),
                ));
            };
            read_archive(bytes, &shown, budget)?
        } else {
            let files: BTreeMap<String, Vec<u8>> =
                files.into_iter().filter(|(k, _)| !k.is_empty()).collect();
            if !files.contains_key("Chart.yaml") {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!(
                        "{shown}: not a chart (no Chart.yaml); charts/ may hold only subcharts, as folders or .tgz archives"
                    ),
                ));
            }
            Packed {
                dir: PathBuf::from(&shown),
                prefix: format!("{shown}/"),
                files,
            }
        };
        let chart_yaml = sub.chart_yaml()?;
        out.push(Candidate::new(CandidateSource::Packed(sub, chart_yaml)));
    }
    Ok(out)
}
