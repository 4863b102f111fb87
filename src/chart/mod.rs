//! Stage 1: load a chart (a directory in Helm's layout, or a packaged `.tgz`) into memory.

pub mod archive;
mod helmignore;
mod load;
mod packed;

pub use load::{load_chart, load_chart_meanwhile, Meanwhile};
pub use packed::{read_archive_text, read_shown, ArchiveCache};

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A file of the chart, kept with the path it is shown under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path inside the chart directory, with `/` separators (`templates/job.yaml`).
    pub rel: String,
    /// Path shown to users and in `# Source:` lines (`cronjob/templates/job.yaml`).
    pub display: String,
    pub text: String,
}

/// One `dependencies` entry of `Chart.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Dependency {
    pub name: String,
    pub alias: Option<String>,
    pub version: Option<String>,
    pub repository: Option<String>,
    /// Comma-separated value paths in Helm; already split here.
    pub condition: Vec<String>,
    pub tags: Vec<String>,
    pub import_values: Vec<Value>,
}

/// The fields of `Chart.yaml` that kiln reads, plus the raw document.
#[derive(Debug, Clone, Default)]
pub struct ChartMeta {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    pub description: Option<String>,
    pub kube_version: Option<String>,
    /// `application` (default) or `library`.
    pub chart_type: String,
    pub dependencies: Vec<Dependency>,
    /// The whole `Chart.yaml` as parsed.
    pub raw: Value,
    /// The engine its templates are written for (annotation `kiln.dev/template-engine`).
    pub engine: TemplateEngine,
}

/// The Chart.yaml annotation that picks a chart's template engine.
pub const ENGINE_ANNOTATION: &str = "kiln.dev/template-engine";

/// Which engine renders a chart's templates: Go templates as Helm (the default), or kiln's Jinja.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TemplateEngine {
    #[default]
    Go,
    Jinja,
}

impl TemplateEngine {
    /// How the chart's values files are read: as Helm reads them for a Go-template chart (YAML
    /// 1.1 keys, the last repeated key wins), with kiln's own rules for a Jinja chart.
    pub fn yaml_flavor(self) -> crate::yaml::Flavor {
        match self {
            TemplateEngine::Go => crate::yaml::Flavor::Helm,
            TemplateEngine::Jinja => crate::yaml::Flavor::Kubectl,
        }
    }
}

impl ChartMeta {
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }
}

/// A loaded chart with its subcharts.
#[derive(Debug, Clone)]
pub struct Chart {
    pub dir: PathBuf,
    /// Prefix of every displayed path: `web`, or `web/charts/redis` for a subchart.
    pub display_root: String,
    pub meta: ChartMeta,
    /// The key this chart's values live under in its parent (alias or name); its own name at the top.
    pub values_key: String,
    /// `values.yaml` as parsed (an object; empty when the file is missing).
    pub values: Value,
    /// `values.yaml` as text, for error locations.
    pub values_file: Option<SourceFile>,
    /// `values.schema.json`, if present.
    pub schema: Option<Value>,
    /// Everything under `templates/`, sorted by path.
    pub templates: Vec<SourceFile>,
    /// Paths (relative, `/`-separated, sorted) of everything under `crds/`: also in `files`, read
    /// only when CRDs are rendered ([`Chart::crd_files`]), as Helm reads them only then.
    pub crds: Vec<String>,
    /// Subcharts from `charts/`, in directory order.
    pub subcharts: Vec<Chart>,
    /// The dependency entry of the parent that this subchart satisfies, if any.
    pub dependency: Option<Dependency>,
    /// Paths (relative, `/`-separated, sorted) of the chart's other files, what `Files` can read:
    /// everything but `Chart.yaml`, `values.yaml`, `values.schema.json`, `templates/` and `charts/`.
    pub files: Vec<String>,
    /// The contents of `files` when the chart was read from a `.tgz` archive (there is no
    /// directory to read them from); `None` for a chart directory.
    pub packed: Option<Arc<BTreeMap<String, Vec<u8>>>>,
    /// For a chart read from an archive, what its files' paths inside the chart are appended to
    /// in messages and lint findings: `web-0.1.0.tgz:` (then `templates/x.yaml`).
    pub archive_prefix: Option<String>,
}

impl Chart {
    /// Where a file of the chart (`rel`, inside the chart) is: a path under the chart directory,
    /// or `web-0.1.0.tgz:templates/x.yaml` for a file in a chart archive.
    pub fn file_shown(&self, rel: &str) -> String {
        match &self.archive_prefix {
            Some(prefix) => format!("{prefix}{rel}"),
            None => self.dir.join(rel).display().to_string(),
        }
    }

    /// Every chart of the tree (this one and its subcharts, depth first) as the prefix of its
    /// display paths (`web/charts/redis`) and the chart itself, longest prefixes first: what maps
    /// a display path (`web/charts/redis/templates/x.yaml`) back to a file with
    /// [`Chart::file_shown`].
    pub fn by_display_root(&self) -> Vec<(&str, &Chart)> {
        fn walk<'a>(c: &'a Chart, out: &mut Vec<(&'a str, &'a Chart)>) {
            out.push((c.display_root.as_str(), c));
            for s in &c.subcharts {
                walk(s, out);
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
        out
    }

    /// Reads one of the chart's other files (`rel` from [`Chart::files`]): from memory for a
    /// packaged chart, else from the chart directory.
    pub fn read_file(&self, rel: &str) -> crate::error::Result<Vec<u8>> {
        read_chart_file(&self.dir, self.packed.as_deref(), rel)
    }

    /// Bytes of template and values text of the chart and its subcharts (what its parsed forms
    /// grow from).
    pub fn source_bytes(&self) -> usize {
        let own: usize = self.templates.iter().map(|t| t.text.len()).sum::<usize>()
            + self.values_file.as_ref().map_or(0, |f| f.text.len());
        own + self
            .subcharts
            .iter()
            .map(Chart::source_bytes)
            .sum::<usize>()
    }

    /// The manifests under `crds/` (`.yaml`, `.yml`, `.json`, as Helm's `CRDObjects`) with their
    /// text, read now (`--include-crds`).
    pub fn crd_files(&self) -> crate::error::Result<Vec<SourceFile>> {
        self.crds
            .iter()
            .filter(|rel| [".yaml", ".yml", ".json"].iter().any(|e| rel.ends_with(e)))
            .map(|rel| {
                let display = format!("{}/{rel}", self.display_root);
                let text = String::from_utf8(self.read_file(rel)?).map_err(|_| {
                    crate::error::Error::new(
                        crate::error::ErrorKind::Chart,
                        format!("{display}: not UTF-8 text"),
                    )
                })?;
                Ok(SourceFile {
                    rel: rel.clone(),
                    display,
                    text,
                })
            })
            .collect()
    }
}

/// Reads `rel` of a chart: from its archive's files when it has them, else below `dir` through
/// the shared confined reader (symlinks must stay inside the chart).
pub fn read_chart_file(
    dir: &std::path::Path,
    packed: Option<&BTreeMap<String, Vec<u8>>>,
    rel: &str,
) -> crate::error::Result<Vec<u8>> {
    match packed {
        Some(files) => files.get(rel).cloned().ok_or_else(|| {
            crate::error::Error::new(
                crate::error::ErrorKind::Io,
                format!("`{rel}` is not in the chart archive"),
            )
        }),
        None => crate::fs::Root::new(dir, "the chart")?.read(std::path::Path::new(rel), rel),
    }
}
