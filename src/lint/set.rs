//! The object set the rules look at: every object of one lint unit (a chart, an overlay, or the
//! plain manifests), plus the charts themselves for the chart rules.

use crate::resource::Resource;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// A chart given to `kiln lint`, for the chart rules.
#[derive(Debug, Clone)]
pub struct ChartInput {
    /// The chart directory (or packaged `.tgz` chart) as given.
    pub dir: PathBuf,
    /// The render failure, when the chart's templates did not render with the given values.
    pub render_error: Option<crate::Error>,
    /// The chart's name: the first component of its display paths (`web/templates/x.yaml`).
    pub name: Option<String>,
    /// Where the files of the chart and its subcharts are, by display-path prefix, longest first
    /// (`web/charts/redis` → `web/charts/redis-1.2.3.tgz:`); empty when the chart did not load.
    pub roots: Vec<(String, FileBase)>,
}

/// Where the files of one chart of a tree are.
#[derive(Debug, Clone)]
pub enum FileBase {
    /// A chart directory: files are paths below it.
    Dir(PathBuf),
    /// A chart inside an archive: files are shown as this prefix and their path inside the
    /// chart (`web-0.1.0.tgz:` + `templates/x.yaml`).
    Archive(String),
}

impl ChartInput {
    /// A chart as given to `kiln lint`, with where the files of every chart of its tree are.
    pub fn new(
        dir: PathBuf,
        chart: Option<&crate::chart::Chart>,
        render_error: Option<crate::Error>,
    ) -> ChartInput {
        let roots = chart.map_or_else(Vec::new, |c| {
            c.by_display_root()
                .into_iter()
                .map(|(root, sub)| {
                    let base = match &sub.archive_prefix {
                        Some(p) => FileBase::Archive(p.clone()),
                        None => FileBase::Dir(sub.dir.clone()),
                    };
                    (root.to_string(), base)
                })
                .collect()
        });
        let name = match chart {
            Some(c) => Some(c.display_root.clone()),
            None if dir.is_dir() => chart_name(&dir),
            None => None,
        };
        ChartInput {
            dir,
            render_error,
            name,
            roots,
        }
    }

    /// Whether the chart was given as a packaged `.tgz` chart.
    pub fn is_archive(&self) -> bool {
        self.dir.is_file()
    }

    /// How a file of the top chart (`Chart.yaml`) is shown: a path under the directory, or
    /// `web-0.1.0.tgz:Chart.yaml` inside an archive.
    pub fn shown(&self, rel: &str) -> String {
        if self.is_archive() {
            format!("{}:{rel}", self.dir.display())
        } else {
            self.dir.join(rel).display().to_string()
        }
    }

    /// A file of the top chart as text (`None` when the chart has no such file).
    pub fn read(&self, rel: &str) -> crate::Result<Option<String>> {
        if self.is_archive() {
            return crate::chart::read_archive_text(&self.dir, rel);
        }
        let root = crate::fs::Root::new(&self.dir, "the chart")?;
        if !root.is_file(std::path::Path::new(rel)) {
            return Ok(None);
        }
        root.read_to_string(std::path::Path::new(rel), &self.shown(rel))
            .map(Some)
    }

    /// A display path (`web/templates/x.yaml`) as a path under the directory as given
    /// (`charts/web/templates/x.yaml`), so code-scanning tools can open it; a file inside a
    /// chart archive as the archive, a colon and its path inside the chart
    /// (`web/charts/redis-1.2.3.tgz:templates/x.yaml`).
    pub fn file_path(&self, display: &str) -> String {
        for (root, base) in &self.roots {
            if let Some(rest) = display
                .strip_prefix(root.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                return match base {
                    FileBase::Dir(dir) => dir.join(rest).display().to_string(),
                    FileBase::Archive(prefix) => format!("{prefix}{rest}"),
                };
            }
        }
        match &self.name {
            Some(name) => match display
                .strip_prefix(name.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(rest) => self.dir.join(rest).display().to_string(),
                None => display.to_string(),
            },
            None => display.to_string(),
        }
    }
}

/// The `name` of a chart directory's `Chart.yaml`, if it reads.
pub fn chart_name(dir: &std::path::Path) -> Option<String> {
    let shown = dir.join("Chart.yaml").display().to_string();
    let text = crate::fs::Root::new(dir, "the chart")
        .and_then(|r| r.read_to_string(std::path::Path::new("Chart.yaml"), &shown))
        .ok()?;
    let v = crate::yaml::parse_document(&text, "Chart.yaml").ok()?;
    v.get("name")?.as_str().map(str::to_string)
}

/// Everything one lint unit holds.
#[derive(Debug)]
pub struct LintSet {
    pub objects: Vec<Resource>,
    pub charts: Vec<ChartInput>,
    /// The namespace of objects that set none (`--namespace`, `default` unless given).
    pub default_namespace: String,
    /// Inputs of the set that did not load (reported by `input-invalid`).
    pub failures: Vec<crate::lint::input::Failure>,
    /// Schema verdicts, one per object (computed by the runner when the schema rule is on).
    pub schema: Vec<crate::lint::rules::schema::Checked>,
    /// Index: (kind, effective namespace, name) → objects.
    index: HashMap<(String, String, String), Vec<usize>>,
}

impl LintSet {
    pub fn new(
        objects: Vec<Resource>,
        charts: Vec<ChartInput>,
        default_namespace: &str,
    ) -> LintSet {
        let mut set = LintSet {
            objects,
            charts,
            default_namespace: default_namespace.to_string(),
            failures: Vec::new(),
            schema: Vec::new(),
            index: HashMap::new(),
        };
        let mut index: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        for (i, r) in set.objects.iter().enumerate() {
            index
                .entry((
                    r.kind().to_string(),
                    set.namespace_of(r).to_string(),
                    r.name().to_string(),
                ))
                .or_default()
                .push(i);
        }
        set.index = index;
        set
    }

    /// The namespace an object lands in: its own, the default for namespaced kinds without one,
    /// empty for cluster-scoped kinds.
    pub fn namespace_of<'a>(&'a self, r: &'a Resource) -> &'a str {
        // PodSecurityPolicy (removed in 1.25) was cluster-scoped.
        if !crate::k8s::is_namespaced(r.api_version(), r.kind()) || r.kind() == "PodSecurityPolicy"
        {
            return "";
        }
        match r.namespace() {
            "" => &self.default_namespace,
            ns => ns,
        }
    }

    /// Objects of `kind` named `name` in `namespace` (empty for cluster-scoped kinds).
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> &[usize] {
        self.index
            .get(&(kind.to_string(), namespace.to_string(), name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether an object of `kind` named `name` exists in `namespace` (ignored for
    /// cluster-scoped kinds).
    pub fn has(&self, kind: &str, namespace: &str, name: &str) -> bool {
        !self.find(kind, namespace, name).is_empty() || !self.find(kind, "", name).is_empty()
    }

    /// Objects of a kind.
    pub fn of_kind<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
        self.objects
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.kind() == kind)
    }

    /// Every object with its index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Resource)> {
        self.objects.iter().enumerate()
    }
}

/// A string at a path of keys (`""` when absent or not a string).
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut v = v;
    for k in path {
        match v.get(k) {
            Some(next) => v = next,
            None => return "",
        }
    }
    v.as_str().unwrap_or("")
}
