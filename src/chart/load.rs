//! Reads a chart directory: `Chart.yaml`, `values.yaml`, `values.schema.json`, `templates/`,
//! `crds/`, `charts/` (subcharts as directories) and the list of other files for `Files`.

use super::{Chart, ChartMeta, Dependency, SourceFile};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::yaml;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Loads the chart in `dir` and its subcharts.
pub fn load_chart(dir: &Path) -> Result<Chart> {
    if !dir.is_dir() {
        return Err(Error::new(
            ErrorKind::Chart,
            format!("{}: not a directory", dir.display()),
        ));
    }
    let meta_path = dir.join("Chart.yaml");
    if !meta_path.is_file() {
        return Err(Error::new(
            ErrorKind::Chart,
            format!(
                "{}: no Chart.yaml found (a chart directory needs one)",
                dir.display()
            ),
        ));
    }
    let chart_yaml = read_chart_yaml(dir)?;
    load(dir, chart_yaml, None, None)
}

/// `Chart.yaml` of `dir`: its text and its parsed document (read once per chart).
fn read_chart_yaml(dir: &Path) -> Result<(String, Value)> {
    let path = dir.join("Chart.yaml");
    let text = read(&path)?;
    let raw = yaml::parse_document(&text, &path.display().to_string())?;
    Ok((text, raw))
}

fn load(
    dir: &Path,
    (meta_text, raw): (String, Value),
    parent_root: Option<&str>,
    dependency: Option<Dependency>,
) -> Result<Chart> {
    let meta_display = dir.join("Chart.yaml").display().to_string();
    let mut meta = parse_meta(raw, &meta_text, &meta_display)?;
    if let Some(alias) = dependency.as_ref().and_then(|d| d.alias.clone()) {
        meta.name = alias;
    }
    let values_key = meta.name.clone();
    let display_root = match parent_root {
        Some(p) => format!("{p}/charts/{}", meta.name),
        None => meta.name.clone(),
    };

    let (values, values_file) = load_values(dir, &display_root)?;
    let schema = load_schema(dir)?;
    let templates = load_dir_files(dir, "templates", &display_root)?;
    let crds = load_dir_files(dir, "crds", &display_root)?;
    let files = list_other_files(dir)?;
    let subcharts = load_subcharts(dir, &meta, &display_root)?;

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
    })
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), e))?;
    crate::yaml::decode_text(bytes, &path.display().to_string())
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
    if let Some(deps) = map.get("dependencies") {
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
    })
}

fn load_values(dir: &Path, display_root: &str) -> Result<(Value, Option<SourceFile>)> {
    let path = dir.join("values.yaml");
    if !path.is_file() {
        return Ok((Value::Object(Default::default()), None));
    }
    let text = read(&path)?;
    let display = format!("{display_root}/values.yaml");
    let values = match yaml::parse_document(&text, &display)? {
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
    Ok((values, Some(file)))
}

fn load_schema(dir: &Path) -> Result<Option<Value>> {
    let path = dir.join("values.schema.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = read(&path)?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Error::new(
            ErrorKind::Chart,
            format!("values.schema.json is not valid JSON: {e}"),
        )
        .with_location(Location::in_source(
            path.display().to_string(),
            &text,
            e.line(),
            e.column(),
            1,
        ))
    })
}

/// Relative `/`-separated path of `path` under `root`.
fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every regular file below `root`, sorted; symlinks must stay inside `chart_dir`.
fn walk_files(root: &Path, chart_dir: &Path) -> Result<Vec<PathBuf>> {
    let canon_chart = chart_dir
        .canonicalize()
        .map_err(|e| Error::io(chart_dir.display(), e))?;
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            Error::new(
                ErrorKind::Chart,
                format!("cannot read {}: {e}", root.display()),
            )
        })?;
        if entry.path_is_symlink() {
            let target = entry
                .path()
                .canonicalize()
                .map_err(|e| Error::io(entry.path().display(), e))?;
            if !target.starts_with(&canon_chart) {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!(
                        "{}: symlink points outside the chart ({})",
                        entry.path().display(),
                        target.display()
                    ),
                ));
            }
        }
        if entry.file_type().is_file() {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

fn load_dir_files(dir: &Path, sub: &str, display_root: &str) -> Result<Vec<SourceFile>> {
    let root = dir.join(sub);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for path in walk_files(&root, dir)? {
        let rel = rel_path(dir, &path);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(path.display(), e))?;
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

fn list_other_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for path in walk_files(dir, dir)? {
        let rel = rel_path(dir, &path);
        let special = matches!(
            rel.as_str(),
            "Chart.yaml" | "Chart.lock" | "values.yaml" | "values.schema.json"
        ) || rel.starts_with("templates/")
            || rel.starts_with("charts/");
        if !special {
            out.push(rel);
        }
    }
    Ok(out)
}

fn load_subcharts(dir: &Path, meta: &ChartMeta, display_root: &str) -> Result<Vec<Chart>> {
    let charts_dir = dir.join("charts");
    // Subchart directories with their name and Chart.yaml.
    let mut found: Vec<(PathBuf, String, (String, Value))> = Vec::new();
    if charts_dir.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(&charts_dir)
            .map_err(|e| Error::io(charts_dir.display(), e))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() && path.join("Chart.yaml").is_file() {
                let chart_yaml = read_chart_yaml(&path)?;
                let name = chart_yaml
                    .1
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                found.push((path, name, chart_yaml));
            } else if path.extension().is_some_and(|e| e == "tgz") {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!(
                        "{}: packaged subcharts are not supported; unpack it into a directory",
                        path.display()
                    ),
                ));
            }
        }
    }
    let mut subcharts = Vec::new();
    let mut used = vec![false; found.len()];
    for dep in &meta.dependencies {
        let Some(idx) = found.iter().position(|(_, n, _)| *n == dep.name) else {
            if dep
                .repository
                .as_deref()
                .is_some_and(|r| !r.is_empty() && !r.starts_with("file://"))
            {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!(
                        "dependency `{}` is in Chart.yaml but missing in {}/charts/ (kiln does not download charts: unpack it there)",
                        dep.name,
                        dir.display()
                    ),
                ));
            }
            return Err(Error::new(
                ErrorKind::Chart,
                format!(
                    "dependency `{}` is in Chart.yaml but missing in {}/charts/",
                    dep.name,
                    dir.display()
                ),
            ));
        };
        used[idx] = true;
        let (path, _, chart_yaml) = &found[idx];
        subcharts.push(load(
            path,
            chart_yaml.clone(),
            Some(display_root),
            Some(dep.clone()),
        )?);
    }
    for (i, (path, _, chart_yaml)) in found.into_iter().enumerate() {
        if !used[i] {
            subcharts.push(load(&path, chart_yaml, Some(display_root), None)?);
        }
    }
    Ok(subcharts)
}
