//! The objects templates see, with Helm's names: `Release`, `Chart`, `Capabilities`, `Files`
//! (and `Values`, `Template`, built in `env.rs`).

use crate::chart::Chart;
use base64::Engine as _;
use minijinja::value::{from_args, Enumerator, Object, ObjectRepr, Value};
use minijinja::{Error as JError, ErrorKind as JErrorKind, State};
use serde_json::{json, Map, Value as Json};
use std::path::PathBuf;
use std::sync::Arc;

/// What `Capabilities.APIVersions` reports without `--api-versions`: every group/version a
/// Kubernetes 1.35 API server serves, and each as `group/version/Kind` (as Helm lists them), from
/// the embedded API data.
pub fn default_api_versions() -> &'static [String] {
    static VERSIONS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    VERSIONS.get_or_init(|| API_VERSIONS.lines().map(str::to_string).collect())
}

/// [`default_api_versions`], written out from the embedded API data (sorted, each once), so that a
/// render needs no parse of that data; a test checks that they agree.
const API_VERSIONS: &str = include_str!("../../k8s/data/api-versions-1.35.txt");

/// [`default_api_versions`] as the embedded API data gives them.
#[cfg(test)]
fn api_versions_of_the_data() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in crate::k8s::Schema::builtin().kinds() {
        let gv = if k.group.is_empty() {
            k.version.clone()
        } else {
            format!("{}/{}", k.group, k.version)
        };
        out.push(format!("{gv}/{}", k.kind));
        out.push(gv);
    }
    out.sort();
    out.dedup();
    out
}

/// `Release`: Name, Namespace, Service, IsInstall, IsUpgrade, Revision.
pub fn release(name: &str, namespace: &str) -> Json {
    json!({
        "Name": name,
        "Namespace": namespace,
        "Service": "kiln",
        "IsInstall": true,
        "IsUpgrade": false,
        "Revision": 1,
    })
}

/// `Chart`: the Chart.yaml fields under Helm's capitalised names.
pub fn chart(chart: &Chart) -> Json {
    let mut out = Map::new();
    if let Json::Object(raw) = &chart.meta.raw {
        for (k, v) in raw {
            out.insert(helm_field_name(k), v.clone());
        }
    }
    out.insert("Name".into(), Json::String(chart.meta.name.clone()));
    out.entry("Type")
        .or_insert_with(|| Json::String(chart.meta.chart_type.clone()));
    for k in ["AppVersion", "Description", "KubeVersion"] {
        out.entry(k).or_insert_with(|| Json::String(String::new()));
    }
    Json::Object(out)
}

/// `apiVersion` → `APIVersion`, `appVersion` → `AppVersion`, `name` → `Name`.
fn helm_field_name(key: &str) -> String {
    match key {
        "apiVersion" => "APIVersion".into(),
        _ => {
            let mut c = key.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

/// `Capabilities.KubeVersion` for a version like `1.35.0` or `v1.35.0`.
pub fn kube_version(version: &str) -> Json {
    let v = version.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next().unwrap_or("1");
    let minor = parts.next().unwrap_or("0");
    json!({
        "Version": format!("v{v}"),
        "GitVersion": format!("v{v}"),
        "Major": major,
        "Minor": minor,
    })
}

/// `Capabilities.APIVersions`: iterable, with `has(x)` (a method) and `is has` usage.
#[derive(Debug)]
pub struct ApiVersions {
    pub versions: Vec<String>,
}

impl ApiVersions {
    /// True for a listed group/version, or `group/version/Kind` of a listed group/version.
    pub fn has(&self, query: &str) -> bool {
        if self.versions.iter().any(|v| v == query) {
            return true;
        }
        match query.rsplit_once('/') {
            Some((gv, kind)) if kind.starts_with(|c: char| c.is_ascii_uppercase()) => {
                self.versions.iter().any(|v| v == gv)
            }
            _ => false,
        }
    }
}

impl Object for ApiVersions {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let idx = key.as_usize()?;
        self.versions.get(idx).map(|s| Value::from(s.as_str()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.versions.len())
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, JError> {
        match method {
            "has" | "Has" => {
                let (query,): (&str,) = from_args(args)?;
                Ok(Value::from(self.has(query)))
            }
            _ => Err(JError::from(JErrorKind::UnknownMethod)),
        }
    }
}

/// `Files`: read-only access to the chart's own non-template files. Paths are relative to the
/// chart directory; absolute paths and `..` that leave the chart are errors, and so is a file
/// that does not exist (Helm returns an empty string; kiln refuses to hide a typo).
#[derive(Debug)]
pub struct Files {
    pub dir: PathBuf,
    /// The files' contents when the chart came from a `.tgz` archive.
    pub packed: Option<Arc<std::collections::BTreeMap<String, Vec<u8>>>>,
    /// Chart display root, for messages.
    pub chart: String,
    /// Sorted relative paths that may be read.
    pub paths: Arc<Vec<String>>,
    /// When set, the subset `glob` selected.
    pub selection: Option<Vec<String>>,
}

impl Files {
    fn visible(&self) -> &[String] {
        match &self.selection {
            Some(s) => s,
            None => &self.paths,
        }
    }

    /// Normalises a user path, refusing escapes.
    fn normalize(&self, path: &str) -> Result<String, JError> {
        let escape = || {
            JError::new(
                JErrorKind::InvalidOperation,
                format!("Files: path `{path}` is outside the chart `{}`", self.chart),
            )
        };
        if path.starts_with('/') || path.starts_with('\\') || path.contains(':') && cfg!(windows) {
            return Err(escape());
        }
        let mut parts: Vec<&str> = Vec::new();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(escape());
                    }
                }
                s => parts.push(s),
            }
        }
        Ok(parts.join("/"))
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, JError> {
        let rel = self.normalize(path)?;
        if self.paths.binary_search(&rel).is_err() {
            return Err(JError::new(
                JErrorKind::InvalidOperation,
                format!(
                    "Files: no file `{rel}` in chart `{}` (templates/, charts/ and the chart's own metadata files are not readable)",
                    self.chart
                ),
            ));
        }
        crate::chart::read_chart_file(&self.dir, self.packed.as_deref(), &rel).map_err(|e| {
            JError::new(
                JErrorKind::InvalidOperation,
                format!("Files: cannot read `{rel}`: {}", e.message()),
            )
        })
    }

    fn get(&self, path: &str) -> Result<String, JError> {
        Ok(String::from_utf8_lossy(&self.read(path)?).into_owned())
    }

    fn glob(&self, pattern: &str) -> Result<Files, JError> {
        let re = glob_regex(pattern).map_err(|e| {
            JError::new(
                JErrorKind::InvalidOperation,
                format!("Files.glob: bad pattern `{pattern}`: {e}"),
            )
        })?;
        let selection = self
            .visible()
            .iter()
            .filter(|p| re.is_match(p))
            .cloned()
            .collect();
        Ok(Files {
            dir: self.dir.clone(),
            packed: self.packed.clone(),
            chart: self.chart.clone(),
            paths: self.paths.clone(),
            selection: Some(selection),
        })
    }

    /// `{basename: content}` of the visible files, values transformed by `f`.
    fn as_map(&self, f: impl Fn(&[u8]) -> String) -> Result<Json, JError> {
        let mut map = Map::new();
        let mut entries: Vec<(String, String)> = Vec::new();
        for p in self.visible() {
            let base = p.rsplit('/').next().unwrap_or(p).to_string();
            entries.push((base, f(&self.read(p)?)));
        }
        entries.sort();
        for (k, v) in entries {
            map.insert(k, Json::String(v));
        }
        Ok(Json::Object(map))
    }
}

/// A glob as Go's `path.Match` plus `**` across directories.
pub(crate) fn glob_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str(".*");
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                re.push('[');
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    re.push(c);
                }
                re.push(']');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re)
}

impl Object for Files {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let k = key.as_str()?;
        let rel = self.normalize(k).ok()?;
        self.visible()
            .contains(&rel)
            .then(|| Value::from(self.get(&rel).unwrap_or_default()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.visible()
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect(),
        )
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, JError> {
        match method {
            "get" | "Get" => {
                let (path,): (&str,) = from_args(args)?;
                Ok(Value::from(self.get(path)?))
            }
            "get_bytes" | "GetBytes" => {
                let (path,): (&str,) = from_args(args)?;
                Ok(Value::from_bytes(self.read(path)?))
            }
            "lines" | "Lines" => {
                let (path,): (&str,) = from_args(args)?;
                let text = self.get(path)?;
                let lines: Vec<Value> = text.lines().map(Value::from).collect();
                Ok(Value::from(lines))
            }
            "glob" | "Glob" => {
                let (pattern,): (&str,) = from_args(args)?;
                Ok(Value::from_object(self.glob(pattern)?))
            }
            "as_config" | "AsConfig" => {
                from_args::<()>(args)?;
                let map = self.as_map(|b| String::from_utf8_lossy(b).into_owned())?;
                Ok(Value::from(yaml_block(&map)))
            }
            "as_secrets" | "AsSecrets" => {
                from_args::<()>(args)?;
                let map = self.as_map(|b| base64::engine::general_purpose::STANDARD.encode(b))?;
                Ok(Value::from(yaml_block(&map)))
            }
            _ => Err(JError::from(JErrorKind::UnknownMethod)),
        }
    }
}

/// Helm's `toYaml` text (no trailing newline) of an object, empty for an empty map.
fn yaml_block(map: &Json) -> String {
    if map.as_object().is_some_and(|m| m.is_empty()) {
        return String::new();
    }
    crate::yaml::to_yaml(map, crate::yaml::Style::Helm)
        .trim_end_matches('\n')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_api_versions_are_the_embedded_datas() {
        let data = api_versions_of_the_data();
        assert!(data.len() > 100);
        assert_eq!(
            default_api_versions(),
            data.as_slice(),
            "src/k8s/data/api-versions-1.35.txt must hold these lines:\n{}\n",
            data.join("\n")
        );
    }

    #[test]
    fn glob_matches_like_helm() {
        let re = glob_regex("config/*.conf").unwrap();
        assert!(re.is_match("config/a.conf"));
        assert!(!re.is_match("config/sub/a.conf"));
        assert!(glob_regex("config/**")
            .unwrap()
            .is_match("config/sub/a.conf"));
    }

    #[test]
    fn api_versions_has_group_version_and_kind() {
        let a = ApiVersions {
            versions: vec!["apps/v1".into(), "v1".into()],
        };
        assert!(a.has("apps/v1"));
        assert!(a.has("apps/v1/Deployment"));
        assert!(a.has("v1/Pod"));
        assert!(!a.has("keda.sh/v1alpha1"));
    }

    #[test]
    fn chart_fields_are_capitalised() {
        assert_eq!(helm_field_name("appVersion"), "AppVersion");
        assert_eq!(helm_field_name("apiVersion"), "APIVersion");
        assert_eq!(helm_field_name("kubeVersion"), "KubeVersion");
    }
}
