//! Reads a chart directory: `Chart.yaml`, `values.yaml`, `values.schema.json`, `templates/`,
//! `crds/`, `charts/` (subcharts as directories or `.tgz` archives) and the list of other files
//! for `Files`. A packaged chart (`.tgz`) given as the chart is read by [`super::packed`].

use super::archive::Budget;
use super::helmignore::Ignore;
use super::packed::{self, Packed};
use super::{Chart, ChartMeta, Dependency, SourceFile, TemplateEngine, ENGINE_ANNOTATION};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fs::Root;
use crate::yaml;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Loads the chart in `dir` (a chart directory or a packaged `.tgz` chart) and its subcharts.
pub fn load_chart(dir: &Path) -> Result<Chart> {
    load_chart_meanwhile(dir, &mut NothingMeanwhile)
}

/// What the reading thread may do while it waits for the rest of a chart to be read (see
/// [`load_chart_meanwhile`]).
pub trait Meanwhile {
    /// One piece of work on the top chart's templates (`meta` is its metadata); false when
    /// none is left.
    fn step(&mut self, meta: &ChartMeta, templates: &[SourceFile]) -> bool;

    /// The templates given to [`Meanwhile::step`] are gone (the chart is read again, one part
    /// after the other): nothing done with them may be used.
    fn forget(&mut self);
}

/// Nothing to do while a chart is read.
struct NothingMeanwhile;

impl Meanwhile for NothingMeanwhile {
    fn step(&mut self, _: &ChartMeta, _: &[SourceFile]) -> bool {
        false
    }

    fn forget(&mut self) {}
}

/// [`load_chart`]; once the top chart's own templates are read, and while its values and
/// subcharts are still being read on another thread, this thread works on them with
/// `meanwhile` (the render's work that needs nothing else: the Go engine parses them). The
/// chart read is the same either way.
pub fn load_chart_meanwhile(dir: &Path, meanwhile: &mut dyn Meanwhile) -> Result<Chart> {
    let mut budget = Budget::default();
    if dir.is_file() {
        return packed::load_archive_file(dir, &mut budget);
    }
    if !dir.is_dir() {
        return Err(Error::new(
            ErrorKind::Chart,
            format!("{}: not a directory", dir.display()),
        ));
    }
    let root = Root::new(dir, "the chart")?;
    if !root.exists(Path::new("Chart.yaml")) {
        return Err(Error::new(
            ErrorKind::Chart,
            format!(
                "{}: no Chart.yaml found (a chart directory needs one)",
                dir.display()
            ),
        ));
    }
    let ignore = read_helmignore(&root)?;
    if ignore.ignores_file("Chart.yaml") {
        return Err(Error::new(
            ErrorKind::Chart,
            format!(
                "{}: .helmignore ignores Chart.yaml, so the chart has none (Helm: Chart.yaml file is missing)",
                dir.display()
            ),
        ));
    }
    let chart_yaml = read_chart_yaml(&root)?;
    load(
        &root,
        chart_yaml,
        None,
        None,
        &ignore,
        &mut budget,
        Some(meanwhile),
    )
}

/// The `.helmignore` rules of a chart directory (Helm's default rule alone when it has none).
fn read_helmignore(root: &Root) -> Result<Ignore> {
    let name = ".helmignore";
    let file = root.dir().join(name).display().to_string();
    if root.is_file(Path::new(name)) {
        Ignore::parse(Some(&read(root, name)?), &file)
    } else {
        Ignore::parse(None, &file)
    }
}

/// `Chart.yaml` of the chart at `root`: its text and its parsed document (read once per chart).
fn read_chart_yaml(root: &Root) -> Result<(String, Value)> {
    let dir = root.dir();
    let path = dir.join("Chart.yaml");
    let text = read(root, "Chart.yaml")?;
    let raw = yaml::parse_document(&text, &path.display().to_string())?;
    let requirements = dir.join("requirements.yaml");
    let raw = if root.is_file(Path::new("requirements.yaml")) {
        let req = read(root, "requirements.yaml")?;
        with_requirements(raw, &req, &requirements.display().to_string())?
    } else {
        raw
    };
    Ok((text, raw))
}

/// Helm reads `requirements.yaml` (apiVersion v1 charts) into the chart's metadata: its
/// `dependencies` replace those of `Chart.yaml`.
pub(super) fn with_requirements(mut raw: Value, text: &str, file: &str) -> Result<Value> {
    let req = yaml::parse_document(text, file)?;
    match req {
        Value::Null => {}
        Value::Object(map) => {
            if let (Some(deps), Value::Object(meta)) = (map.get("dependencies"), &mut raw) {
                meta.insert("dependencies".into(), deps.clone());
            }
        }
        _ => {
            return Err(Error::new(
                ErrorKind::Chart,
                "requirements.yaml must be a mapping with `dependencies`",
            )
            .with_location(Location::in_source(file, text, 1, 1, 1)))
        }
    }
    Ok(raw)
}

/// Helm's check of `Chart.lock` / `requirements.lock`: YAML mapping, else the chart does not load.
/// Returns the locked versions by dependency name (for messages).
pub(super) fn parse_lock(text: &str, file: &str) -> Result<Vec<(String, String, String)>> {
    let lock = yaml::parse_document(text, file)?;
    let mut out = Vec::new();
    match &lock {
        Value::Null => {}
        Value::Object(map) => {
            for dep in map
                .get("dependencies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let get = |k: &str| {
                    dep.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                out.push((get("name"), get("version"), get("repository")));
            }
        }
        _ => {
            return Err(
                Error::new(ErrorKind::Chart, "the lock file must be a mapping")
                    .with_location(Location::in_source(file, text, 1, 1, 1)),
            )
        }
    }
    Ok(out)
}

/// What the thread reading a chart reads itself: `values.schema.json`, the templates and the paths
/// of the other files.
type OwnParts = (Option<Value>, Vec<SourceFile>, Vec<String>);

fn load(
    root: &Root,
    (meta_text, raw): (String, Value),
    parent_root: Option<&str>,
    dependency: Option<Dependency>,
    ignore: &Ignore,
    budget: &mut Budget,
    mut meanwhile: Option<&mut dyn Meanwhile>,
) -> Result<Chart> {
    let dir = root.dir();
    let meta_display = dir.join("Chart.yaml").display().to_string();
    let (meta, values_key, display_root) = chart_meta(
        raw,
        &meta_text,
        &meta_display,
        parent_root,
        dependency.as_ref(),
    )?;

    let values_part = || {
        if ignore.ignores_file("values.yaml") {
            Ok((Value::Object(Default::default()), None))
        } else {
            load_values(root, &display_root, meta.engine)
        }
    };
    let rest_part = || -> Result<OwnParts> {
        let schema = match ignore.ignores_file("values.schema.json") {
            true => None,
            false => load_schema(root)?,
        };
        let mut templates = load_dir_files(root, "templates", &display_root)?;
        templates.retain(|f| !ignore.ignores_file(&f.rel));
        let mut files = list_other_files(root, &meta.api_version)?;
        files.retain(|rel| !ignore.ignores_file(rel));
        Ok((schema, templates, files))
    };
    let subcharts_part = |budget: &mut Budget| {
        let lock = read_lock(root)?;
        load_subcharts(
            root,
            &meta,
            &display_root,
            &lock,
            parent_root
                .is_none()
                .then_some((meta_display.as_str(), meta_text.as_str())),
            ignore,
            budget,
        )
    };
    // For the top chart on more than one core: the values and the subcharts on a helper
    // thread, the rest meanwhile. Should anything fail, the chart is read again one part after
    // the other (which file takes the run over its total input limit depends on which thread
    // read first), so that the error is the one a reading in order meets first.
    let mut parallel = None;
    if parent_root.is_none() && crate::parallel::threads() >= 2 {
        let checkpoint = crate::fs::input_checkpoint();
        let start = budget.clone();
        let helper = || {
            let values = values_part()?;
            Ok::<_, Error>((values, subcharts_part(budget)?))
        };
        let step = |rest: &Result<OwnParts>| match (rest, meanwhile.as_deref_mut()) {
            (Ok((_, templates, _)), Some(work)) => work.step(&meta, templates),
            _ => false,
        };
        match crate::parallel::join_waiting(helper, rest_part, step) {
            (Ok(first), Ok(rest)) => parallel = Some((first, rest)),
            _ => {
                crate::fs::input_restore(checkpoint);
                *budget = start;
                if let Some(work) = meanwhile {
                    work.forget();
                }
            }
        }
    }
    let ((values, subcharts), rest) = match parallel {
        Some(done) => done,
        None => {
            let values = values_part()?;
            let rest = rest_part()?;
            ((values, subcharts_part(budget)?), rest)
        }
    };
    let (values, values_file) = values;
    let (schema, templates, files) = rest;
    let crds = crds_of(&files);

    Ok(Chart {
        dir: dir.to_path_buf(),
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
        packed: None,
        archive_prefix: None,
    })
}

/// `Chart.lock` (or `requirements.lock`) of a chart directory, checked as Helm checks it.
fn read_lock(root: &Root) -> Result<Vec<(String, String, String)>> {
    for name in ["Chart.lock", "requirements.lock"] {
        let path = root.dir().join(name);
        if root.is_file(Path::new(name)) {
            return parse_lock(&read(root, name)?, &path.display().to_string());
        }
    }
    Ok(Vec::new())
}

/// Reads `rel` inside the chart at `root` (symlinks must stay inside the chart).
fn read(root: &Root, rel: &str) -> Result<String> {
    let shown = root.dir().join(rel).display().to_string();
    let bytes = root.read(Path::new(rel), &shown)?;
    crate::yaml::decode_text(bytes, &shown)
}

/// `Chart.yaml` of a chart (directory or archive) as kiln keeps it: its metadata with the name
/// checked and an alias applied, the key its values live under, and the path its files are
/// shown under (`parent/charts/name`).
pub(super) fn chart_meta(
    raw: Value,
    text: &str,
    file: &str,
    parent_root: Option<&str>,
    dependency: Option<&Dependency>,
) -> Result<(ChartMeta, String, String)> {
    let mut meta = parse_meta(raw, text, file)?;
    check_name(&meta.name, "chart.metadata.name", text, file, "name")?;
    if let Some(alias) = dependency.and_then(|d| d.alias.clone()) {
        meta.name = alias;
    }
    let display_root = match parent_root {
        Some(p) => format!("{p}/charts/{}", meta.name),
        None => meta.name.clone(),
    };
    let values_key = meta.name.clone();
    Ok((meta, values_key, display_root))
}

/// A chart name or alias becomes a directory of `render -o`: it must be one file name (Helm:
/// `chart.metadata.name "../x" is invalid`).
fn check_name(name: &str, what: &str, text: &str, file: &str, key: &str) -> Result<()> {
    crate::fs::file_name(name, &format!("{what} in {file}")).map_err(|e| {
        Error::new(ErrorKind::Chart, e.message().to_string())
            .with_location(key_location(file, text, key))
    })?;
    Ok(())
}

/// Where `key:` is written in a YAML text, for pointing errors at it.
fn key_location(file: &str, text: &str, key: &str) -> Location {
    let prefix = format!("{key}:");
    for (i, line) in text.lines().enumerate() {
        if line.starts_with(&prefix) {
            return Location::in_source(file, text, i + 1, 1, key.len());
        }
    }
    Location::in_source(file, text, 1, 1, 1)
}

fn parse_meta(raw: Value, text: &str, file: &str) -> Result<ChartMeta> {
    let Value::Object(map) = &raw else {
        return Err(Error::new(ErrorKind::Chart, "Chart.yaml must be a mapping")
            .with_location(Location::in_source(file, text, 1, 1, 1)));
    };
    let field = |k: &str| -> Option<String> {
        map.get(k).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let missing = |k: &str| {
        Error::new(ErrorKind::Chart, format!("Chart.yaml: `{k}` is required"))
            .with_location(Location::in_source(file, text, 1, 1, 1))
    };
    let api_version = field("apiVersion").ok_or_else(|| missing("apiVersion"))?;
    if api_version != "v2" && api_version != "v1" {
        return Err(Error::new(
            ErrorKind::Chart,
            format!("Chart.yaml: apiVersion `{api_version}` is not supported (use v2)"),
        )
        .with_location(key_location(file, text, "apiVersion")));
    }
    let name = field("name").ok_or_else(|| missing("name"))?;
    let version = field("version").ok_or_else(|| missing("version"))?;
    if semver::Version::parse(version.trim_start_matches('v')).is_err() {
        return Err(Error::new(
            ErrorKind::Chart,
            format!("Chart.yaml: version `{version}` is not a valid SemVer 2 version"),
        )
        .with_location(key_location(file, text, "version")));
    }
    let chart_type = field("type").unwrap_or_else(|| "application".to_string());
    if chart_type != "application" && chart_type != "library" {
        return Err(Error::new(
            ErrorKind::Chart,
            format!("Chart.yaml: type `{chart_type}` is invalid (application or library)"),
        )
        .with_location(key_location(file, text, "type")));
    }
    let mut dependencies = Vec::new();
    // `dependencies:` left empty (null) is no dependencies, as for Helm.
    if let Some(deps) = map.get("dependencies").filter(|d| !d.is_null()) {
        let Value::Array(items) = deps else {
            return Err(Error::new(
                ErrorKind::Chart,
                "Chart.yaml: `dependencies` must be a list",
            )
            .with_location(key_location(file, text, "dependencies")));
        };
        for item in items {
            let get = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            let Some(dep_name) = get("name") else {
                return Err(Error::new(
                    ErrorKind::Chart,
                    "Chart.yaml: every dependency needs a `name`",
                )
                .with_location(key_location(file, text, "dependencies")));
            };
            let condition = get("condition")
                .map(|c| {
                    c.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let tags = item
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let import_values = item
                .get("import-values")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if let Some(alias) = get("alias") {
                let allowed = !alias.is_empty()
                    && alias
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !allowed {
                    return Err(Error::new(
                        ErrorKind::Chart,
                        format!(
                            "Chart.yaml: dependency `{dep_name}` has disallowed characters in the alias {alias:?} (letters, digits, `_` and `-` only)"
                        ),
                    )
                    .with_location(key_location(file, text, "dependencies")));
                }
            }
            dependencies.push(Dependency {
                name: dep_name,
                alias: get("alias"),
                version: get("version"),
                repository: get("repository"),
                condition,
                tags,
                import_values,
            });
        }
    }
    let engine = template_engine(&raw, text, file)?;
    Ok(ChartMeta {
        api_version,
        name,
        version,
        app_version: field("appVersion"),
        description: field("description"),
        kube_version: field("kubeVersion"),
        chart_type,
        dependencies,
        raw,
        engine,
    })
}

/// The `kiln.dev/template-engine` annotation: `go` (the default) or `jinja`.
fn template_engine(raw: &Value, text: &str, file: &str) -> Result<TemplateEngine> {
    let Some(v) = raw
        .get("annotations")
        .and_then(|a| a.get(ENGINE_ANNOTATION))
    else {
        return Ok(TemplateEngine::Go);
    };
    match v.as_str() {
        Some("go") => Ok(TemplateEngine::Go),
        Some("jinja") => Ok(TemplateEngine::Jinja),
        _ => {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let loc = text
                .lines()
                .enumerate()
                .find_map(|(i, l)| {
                    l.find(ENGINE_ANNOTATION)
                        .map(|c| Location::in_source(file, text, i + 1, c + 1, l.len() - c))
                })
                .unwrap_or_else(|| Location::in_source(file, text, 1, 1, 1));
            Err(Error::new(
                ErrorKind::Chart,
                format!(
                    "Chart.yaml: annotation `{ENGINE_ANNOTATION}: {shown}` names no template engine (use `go` for Helm's Go templates, the default, or `jinja`)"
                ),
            )
            .with_location(loc))
        }
    }
}

fn load_values(
    root: &Root,
    display_root: &str,
    engine: TemplateEngine,
) -> Result<(Value, Option<SourceFile>)> {
    if !root.exists(Path::new("values.yaml")) {
        return Ok((Value::Object(Default::default()), None));
    }
    let text = read(root, "values.yaml")?;
    let display = format!("{display_root}/values.yaml");
    parse_values(text, display, engine).map(|(v, f)| (v, Some(f)))
}

/// `values.yaml` of a chart: a mapping (an empty file is an empty mapping), read as Helm reads
/// it for a Go-template chart (see [`TemplateEngine::yaml_flavor`]).
pub(super) fn parse_values(
    text: String,
    display: String,
    engine: TemplateEngine,
) -> Result<(Value, SourceFile)> {
    let values = match yaml::parse_document_as(&text, &display, 0, engine.yaml_flavor())? {
        Value::Null => Value::Object(Default::default()),
        v @ Value::Object(_) => v,
        _ => {
            return Err(
                Error::new(ErrorKind::Values, "values.yaml must be a mapping")
                    .with_location(Location::in_source(&display, &text, 1, 1, 1)),
            )
        }
    };
    let file = SourceFile {
        rel: "values.yaml".into(),
        display,
        text,
    };
    Ok((values, file))
}

fn load_schema(root: &Root) -> Result<Option<Value>> {
    let path = root.dir().join("values.schema.json");
    if !root.exists(Path::new("values.schema.json")) {
        return Ok(None);
    }
    let text = read(root, "values.schema.json")?;
    parse_schema(&text, &path.display().to_string())
}

/// `values.schema.json` of a chart.
pub(super) fn parse_schema(text: &str, file: &str) -> Result<Option<Value>> {
    serde_json::from_str(text).map(Some).map_err(|e| {
        Error::new(
            ErrorKind::Chart,
            format!("values.schema.json is not valid JSON: {e}"),
        )
        .with_location(Location::in_source(file, text, e.line(), e.column(), 1))
    })
}

/// Relative `/`-separated path of `path` under `root`.
fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Paths from a walk are the root joined with plain names: on Unix, already `/`-separated.
    #[cfg(unix)]
    if let Some(text) = rel.to_str() {
        return text.to_string();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every regular file below `dir`, sorted; symlinks must stay inside the chart at `chart`,
/// loops are not followed (see [`crate::fs::walk`]).
fn walk_files(dir: &Path, chart: &Root) -> Result<Vec<PathBuf>> {
    crate::fs::walk(chart, dir, false).map_err(|e| Error::new(ErrorKind::Chart, e.message()))
}

fn load_dir_files(chart: &Root, sub: &str, display_root: &str) -> Result<Vec<SourceFile>> {
    let dir = chart.dir();
    let root = dir.join(sub);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for path in walk_files(&root, chart)? {
        let rel = rel_path(dir, &path);
        let bytes = chart.read(Path::new(&rel), &path.display().to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::new(
                ErrorKind::Chart,
                format!("{}: not UTF-8 text", path.display()),
            )
        })?;
        files.push(SourceFile {
            display: format!("{display_root}/{rel}"),
            rel,
            text,
        });
    }
    Ok(files)
}

/// The files under `crds/` among a chart's other files (listed, not read).
pub(super) fn crds_of(files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| f.starts_with("crds/"))
        .cloned()
        .collect()
}

/// The chart's other files ([`is_other_file`]), sorted. The `templates/` directory is not
/// entered: none of its files is another file, and [`load_dir_files`] has walked it already.
fn list_other_files(chart: &Root, api_version: &str) -> Result<Vec<String>> {
    let dir = chart.dir();
    let templates = dir.join("templates");
    let walked = crate::fs::walk_except(chart, dir, false, Some(&templates))
        .map_err(|e| Error::new(ErrorKind::Chart, e.message()))?;
    Ok(walked
        .iter()
        .map(|path| rel_path(dir, path))
        .filter(|rel| is_other_file(rel, api_version))
        .collect())
}

/// Whether a chart file is one `Files` can read, as Helm sorts them: not the metadata, values,
/// schema, lock, templates or subcharts (but `charts/*.prov` signatures, and `requirements.*` of
/// apiVersion v1 charts, are).
pub(super) fn is_other_file(rel: &str, api_version: &str) -> bool {
    match rel {
        "Chart.yaml" | "Chart.lock" | "values.yaml" | "values.schema.json" => false,
        "requirements.yaml" | "requirements.lock" => api_version == "v1",
        _ if rel.starts_with("templates/") => false,
        _ if rel.starts_with("charts/") => rel.ends_with(".prov"),
        _ => true,
    }
}

/// A chart found in a `charts/` folder: a directory or an archive, with its `Chart.yaml`.
pub(super) struct Candidate {
    /// The chart's own name (from its `Chart.yaml`, not the file name).
    pub name: String,
    pub version: String,
    pub source: CandidateSource,
}

pub(super) enum CandidateSource {
    /// A subchart directory, with the `.helmignore` rules that cover it.
    Dir(Root, (String, Value), Ignore),
    Packed(Packed, (String, Value)),
}

impl Candidate {
    pub(super) fn new(source: CandidateSource) -> Candidate {
        let raw = match &source {
            CandidateSource::Dir(_, (_, raw), _) | CandidateSource::Packed(_, (_, raw)) => raw,
        };
        let get = |k: &str| match raw.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        Candidate {
            name: get("name"),
            version: get("version"),
            source,
        }
    }

    fn load(
        &self,
        parent_root: &str,
        dependency: Option<Dependency>,
        budget: &mut Budget,
    ) -> Result<Chart> {
        match &self.source {
            CandidateSource::Dir(root, chart_yaml, ignore) => load(
                root,
                chart_yaml.clone(),
                Some(parent_root),
                dependency,
                ignore,
                budget,
                None,
            ),
            CandidateSource::Packed(p, chart_yaml) => {
                packed::load(p, chart_yaml.clone(), Some(parent_root), dependency, budget)
            }
        }
    }
}

/// Helm's `IsCompatibleRange`: a dependency's `version` constraint admits a chart's version. An
/// empty or invalid constraint admits nothing (Helm then renders the chart as an unlisted
/// subchart, without alias, condition or tags).
fn is_compatible_range(constraint: Option<&str>, version: &str) -> bool {
    match constraint {
        Some(c) if !c.trim().is_empty() => {
            crate::render::filters::semver_satisfies(version, c).unwrap_or(false)
        }
        _ => false,
    }
}

/// Subcharts as Helm 4 resolves them: every dependency of `Chart.yaml` takes the first chart in
/// `charts/` with its name whose version its constraint admits (a copy per alias); charts that no
/// dependency admits are kept as they are. A dependency with no chart of its name at all is an
/// error for the top chart (Helm checks only there): `top` is its `Chart.yaml`, as the file
/// shown in messages and its text, for pointing at the dependency's entry.
pub(super) fn resolve_subcharts(
    candidates: Vec<Candidate>,
    meta: &ChartMeta,
    display_root: &str,
    charts_dir: &str,
    lock: &[(String, String, String)],
    top: Option<(&str, &str)>,
    budget: &mut Budget,
) -> Result<Vec<Chart>> {
    if budget.depth == 0 {
        return Err(Error::new(
            ErrorKind::Chart,
            format!(
                "{charts_dir}: subcharts nested more than {} levels deep",
                super::archive::MAX_DEPTH
            ),
        ));
    }
    budget.depth -= 1;
    let admits = |d: &Dependency, c: &Candidate| {
        d.name == c.name && is_compatible_range(d.version.as_deref(), &c.version)
    };
    let mut subcharts = Vec::new();
    for dep in &meta.dependencies {
        if let Some(c) = candidates.iter().find(|c| admits(dep, c)) {
            subcharts.push(c.load(display_root, Some(dep.clone()), budget)?);
        } else if let Some((file, text)) =
            top.filter(|_| !candidates.iter().any(|c| c.name == dep.name))
        {
            let locked = lock
                .iter()
                .find(|(n, _, _)| *n == dep.name)
                .map(|(_, v, r)| {
                    if r.is_empty() {
                        format!(" (locked at version {v})")
                    } else {
                        format!(" (locked at version {v} from {r})")
                    }
                })
                .unwrap_or_default();
            let err = Error::new(
                ErrorKind::Chart,
                format!(
                    "dependency `{}`{locked} is listed in Chart.yaml but is neither a directory nor a .tgz archive in {charts_dir}/: run `helm dependency build` first (kiln downloads nothing)",
                    dep.name
                ),
            );
            return Err(match dependency_location(file, text, &dep.name) {
                Some(loc) => err.with_location(loc),
                None => err,
            });
        }
    }
    for c in &candidates {
        if !meta.dependencies.iter().any(|d| admits(d, c)) {
            subcharts.push(c.load(display_root, None, budget)?);
        }
    }
    budget.depth += 1;
    Ok(subcharts)
}

/// Where the `dependencies:` entry named `name` is written in a Chart.yaml text: its `name:`
/// line (`None` when the text does not list it, as when `requirements.yaml` does).
fn dependency_location(file: &str, text: &str, name: &str) -> Option<Location> {
    let mut in_deps = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with([' ', '-', '#']) && !line.is_empty() {
            in_deps = line.starts_with("dependencies:");
            continue;
        }
        if !in_deps {
            continue;
        }
        let trimmed = line.trim_start();
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed).trim_start();
        let Some(value) = item.strip_prefix("name:") else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or("").trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        if value == name {
            let col = line.len() - item.len() + 1;
            return Some(Location::in_source(
                file,
                text,
                i + 1,
                col,
                item.trim_end().len(),
            ));
        }
    }
    None
}

/// Whether an entry of `charts/` is skipped as Helm skips it (`_*`, `.*`).
pub(super) fn is_ignored_in_charts(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

fn load_subcharts(
    root: &Root,
    meta: &ChartMeta,
    display_root: &str,
    lock: &[(String, String, String)],
    top: Option<(&str, &str)>,
    ignore: &Ignore,
    budget: &mut Budget,
) -> Result<Vec<Chart>> {
    let charts_dir = root.dir().join("charts");
    let mut found = Vec::new();
    if charts_dir.is_dir() {
        // Sorted; symlinks checked to stay inside the chart.
        let entries = crate::fs::DirWalk::new(root, &charts_dir)?.entries(&charts_dir, false)?;
        for (path, _) in entries {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if is_ignored_in_charts(&name) || name.ends_with(".prov") {
                continue;
            }
            let rel = format!("charts/{name}");
            let ignored = match path.is_dir() {
                true => ignore.ignores_dir(&rel),
                false => ignore.ignores_file(&rel),
            };
            if ignored {
                continue;
            }
            if path.is_dir() {
                if path.join("Chart.yaml").is_file() {
                    let sub = Root::new(&path, "the chart")?;
                    let chart_yaml = read_chart_yaml(&sub)?;
                    let covered = ignore.subchart(&name);
                    found.push(Candidate::new(CandidateSource::Dir(
                        sub, chart_yaml, covered,
                    )));
                } else if !walk_files(&path, root)?.is_empty() {
                    return Err(Error::new(
                        ErrorKind::Chart,
                        format!(
                            "{}: not a chart (no Chart.yaml); charts/ may hold only subcharts, as directories or .tgz archives",
                            path.display()
                        ),
                    ));
                }
            } else if name.ends_with(".tgz") {
                let p = packed::read_archive_file(&path, budget)?;
                let chart_yaml = p.chart_yaml()?;
                found.push(Candidate::new(CandidateSource::Packed(p, chart_yaml)));
            } else {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!(
                        "{}: not a chart; charts/ may hold only subcharts, as directories or .tgz archives (Helm refuses this file too)",
                        path.display()
                    ),
                ));
            }
        }
    }
    resolve_subcharts(
        found,
        meta,
        display_root,
        &charts_dir.display().to_string(),
        lock,
        top,
        budget,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chart directory whose parent and subchart may each be broken in several ways.
    fn chart(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kiln-load-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    const CHART: &str = "apiVersion: v2\nname: top\nversion: 1.0.0\n";
    const SUB: &str = "apiVersion: v2\nname: sub\nversion: 1.0.0\n";

    #[test]
    fn errors_come_in_the_order_the_parts_are_read_whatever_the_threads() {
        // values.yaml (read with the subcharts) comes before the templates (read meanwhile).
        let dir = chart(
            "values-first",
            &[
                ("Chart.yaml", CHART),
                ("values.yaml", "a: [1\n"),
                ("templates/x.yaml", "\u{0}"),
                ("charts/sub/Chart.yaml", "name: [\n"),
            ],
        );
        let e = load_chart(&dir).unwrap_err().to_string();
        assert!(e.contains("values.yaml"), "{e}");
        // The templates come before the subcharts (read meanwhile on the other thread).
        std::fs::write(dir.join("values.yaml"), "a: 1\n").unwrap();
        std::fs::write(dir.join("templates/x.yaml"), b"\xff\xfe").unwrap();
        let e = load_chart(&dir).unwrap_err().to_string();
        assert!(e.contains("x.yaml: not UTF-8 text"), "{e}");
        // Then the subcharts.
        std::fs::write(dir.join("templates/x.yaml"), "kind: A\n").unwrap();
        let e = load_chart(&dir).unwrap_err().to_string();
        assert!(e.contains("charts/sub/Chart.yaml"), "{e}");
        // All well: the subchart's values and templates are there.
        std::fs::write(dir.join("charts/sub/Chart.yaml"), SUB).unwrap();
        std::fs::write(dir.join("charts/sub/values.yaml"), "b: 2\n").unwrap();
        std::fs::create_dir_all(dir.join("charts/sub/templates")).unwrap();
        std::fs::write(dir.join("charts/sub/templates/y.yaml"), "kind: B\n").unwrap();
        let c = load_chart(&dir).unwrap();
        assert_eq!(c.values["a"], 1);
        assert_eq!(c.templates.len(), 1);
        assert_eq!(c.subcharts.len(), 1);
        assert_eq!(c.subcharts[0].values["b"], 2);
        assert_eq!(
            c.subcharts[0].templates[0].display,
            "top/charts/sub/templates/y.yaml"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
