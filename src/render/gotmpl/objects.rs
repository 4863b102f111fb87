//! Helm's objects as Go templates see them: `.Capabilities` (with `KubeVersion`, `APIVersions`,
//! `HelmVersion`) and `.Files`.

use std::any::Any;
use std::path::PathBuf;
use std::rc::Rc;

use super::funcs::{arg_str, FuncError};
use super::value::{Object, Value};
use base64::Engine as _;

/// The Helm version kiln reports in `.Capabilities.HelmVersion` (the one its output is checked
/// against).
pub const HELM_VERSION: &str = "v4.1.4";
const HELM_GIT_COMMIT: &str = "05fa37973dc9e42b76e1d2883494c87174b6074f";
const HELM_GO_VERSION: &str = "go1.25.9";
/// The client-go version helm 4.1.4 was built with (`HelmVersion.KubeClientVersion`), whatever
/// `--kube-version` says.
const HELM_KUBE_CLIENT: &str = "v1.35";

/// `*common.Capabilities`.
#[derive(Debug)]
pub struct Capabilities {
    pub kube: Value,
    pub api_versions: Value,
    pub helm: Value,
}

impl Capabilities {
    /// `kube_version` as given (`1.32`, `v1.33.4+k3s1`; checked by the caller: at least major
    /// and minor): helm keeps it as written, with a `v`.
    pub fn new(kube_version: &str, api_versions: Vec<String>) -> Capabilities {
        let v = kube_version.trim_start_matches('v');
        let numbers = crate::k8s::version_numbers(v);
        let mut parts = numbers.split('.');
        let number = |p: Option<&str>| p.and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
        let kube = KubeVersion {
            version: format!("v{v}"),
            normalized: format!("v{numbers}"),
            major: number(parts.next()).to_string(),
            minor: number(parts.next()).to_string(),
        };
        Capabilities {
            kube: Value::object(kube),
            api_versions: Value::object(VersionSet(api_versions)),
            helm: Value::object(BuildInfo),
        }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*common.Capabilities".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(self.kube.clone()),
            "APIVersions" => Some(self.api_versions.clone()),
            "HelmVersion" => Some(self.helm.clone()),
            _ => None,
        }
    }
    fn fmt_v(&self) -> String {
        format!("&{}", self.fmt_action().unwrap_or_default())
    }
    fn fmt_action(&self) -> Option<String> {
        Some(format!(
            "{{{} {} {}}}",
            self.kube.to_go_string(),
            self.api_versions.to_go_string(),
            self.helm.to_go_string()
        ))
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "KubeVersion": self.kube.to_json().unwrap_or_default(),
            "APIVersions": self.api_versions.to_json().unwrap_or_default(),
            "HelmVersion": self.helm.to_json().unwrap_or_default(),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `common.KubeVersion`: `Version`, `Major`, `Minor`, `GitVersion`. Its `String` method (the
/// version without suffix) has a pointer receiver: an action prints through it, a copy (a
/// function's argument, a field of a printed struct) prints the struct
/// `{Version normalizedVersion Major Minor}`.
#[derive(Debug)]
pub struct KubeVersion {
    pub version: String,
    /// The version without what follows its numbers (what helm checks `kubeVersion:` against).
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "common.KubeVersion".into()
    }
    fn kind(&self) -> &'static str {
        "struct"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" => Some(Value::str(&self.version)),
            "Major" => Some(Value::str(&self.major)),
            "Minor" => Some(Value::str(&self.minor)),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "String"
    }
    fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        (name == "String").then(|| {
            no_args(name, args)?;
            Ok(Value::str(&self.normalized))
        })
    }
    fn fmt_v(&self) -> String {
        format!(
            "{{{} {} {} {}}}",
            self.version, self.normalized, self.major, self.minor
        )
    }
    fn fmt_action(&self) -> Option<String> {
        Some(self.normalized.clone())
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"Version": self.version, "Major": self.major, "Minor": self.minor})
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `common.VersionSet`: the API versions, with `Has`.
#[derive(Debug)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn kind(&self) -> &'static str {
        "slice"
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        (name == "Has").then(|| {
            if args.len() != 1 {
                return Err(FuncError::Plain(format!(
                    "wrong number of args for Has: want 1 got {}",
                    args.len()
                )));
            }
            let q = arg_str(&args[0])?;
            Ok(Value::Bool(self.0.iter().any(|v| v == q)))
        })
    }
    fn fmt_v(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!(self.0)
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn range_items(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(Value::str).collect())
    }
    fn truthy(&self) -> bool {
        !self.0.is_empty()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `version.BuildInfo` of the Helm kiln stands in for.
#[derive(Debug)]
pub struct BuildInfo;

impl Object for BuildInfo {
    fn type_name(&self) -> String {
        "version.BuildInfo".into()
    }
    fn kind(&self) -> &'static str {
        "struct"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(HELM_VERSION)),
            "GitCommit" => Some(Value::str(HELM_GIT_COMMIT)),
            "GitTreeState" => Some(Value::str("clean")),
            "GoVersion" => Some(Value::str(HELM_GO_VERSION)),
            "KubeClientVersion" => Some(Value::str(HELM_KUBE_CLIENT)),
            _ => None,
        }
    }
    fn fmt_v(&self) -> String {
        format!("{{{HELM_VERSION} {HELM_GIT_COMMIT} clean {HELM_GO_VERSION} {HELM_KUBE_CLIENT}}}")
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "version": HELM_VERSION, "git_commit": HELM_GIT_COMMIT, "git_tree_state": "clean",
            "go_version": HELM_GO_VERSION, "kube_client_version": HELM_KUBE_CLIENT,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn no_args(name: &str, args: &[Value]) -> Result<(), FuncError> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(FuncError::Plain(format!(
            "wrong number of args for {name}: want 0 got {}",
            args.len()
        )))
    }
}

/// `.Files`: the chart's non-template files (`engine.files`). Only the files the chart loader listed
/// (inside the chart directory, outside `templates/` and `charts/`) can be read; like Helm, a path
/// that is not one of them reads as empty.
#[derive(Debug, Clone)]
pub struct Files {
    pub dir: PathBuf,
    /// The files' contents when the chart came from a `.tgz` archive.
    pub packed: Option<std::sync::Arc<std::collections::BTreeMap<String, Vec<u8>>>>,
    /// Sorted relative paths (the selection after `Glob`).
    pub paths: Rc<Vec<String>>,
}

impl Files {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let rel = normalize(path)?;
        self.paths.binary_search(&rel).ok()?;
        crate::chart::read_chart_file(&self.dir, self.packed.as_deref(), &rel).ok()
    }

    fn get(&self, path: &str) -> String {
        self.read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    fn as_map(&self, f: impl Fn(&[u8]) -> String) -> String {
        if self.paths.is_empty() {
            return String::new();
        }
        let mut map = serde_json::Map::new();
        let mut entries: Vec<(String, String)> = Vec::new();
        for p in self.paths.iter() {
            let base = p.rsplit('/').next().unwrap_or(p).to_string();
            entries.push((base, f(&self.read(p).unwrap_or_default())));
        }
        entries.sort();
        for (k, v) in entries {
            map.insert(k, serde_json::Value::String(v));
        }
        crate::yaml::to_yaml(&serde_json::Value::Object(map), crate::yaml::Style::Helm)
            .trim_end_matches('\n')
            .to_string()
    }
}

/// A chart-relative path without `.`/`..`; `None` when it leaves the chart or is absolute.
fn normalize(path: &str) -> Option<String> {
    if path.starts_with('/') || path.starts_with('\\') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }
    fn kind(&self) -> &'static str {
        "map"
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Get" | "GetBytes" | "Glob" | "Lines" | "AsConfig" | "AsSecrets"
        )
    }
    fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let one = |args: &[Value]| -> Result<String, FuncError> {
            if args.len() != 1 {
                return Err(FuncError::Plain(format!(
                    "wrong number of args for {name}: want 1 got {}",
                    args.len()
                )));
            }
            Ok(arg_str(&args[0])?.to_string())
        };
        Some(match name {
            "Get" => one(args).map(|p| Value::str(self.get(&p))),
            "GetBytes" => {
                one(args).map(|p| Value::Bytes(Rc::from(self.read(&p).unwrap_or_default())))
            }
            "Lines" => one(args).map(|p| {
                let mut s = self.get(&p);
                if s.ends_with('\n') {
                    s.pop();
                }
                if s.is_empty() {
                    return Value::string_list(Vec::<String>::new());
                }
                Value::string_list(s.split('\n'))
            }),
            "Glob" => one(args).and_then(|pat| {
                let re = crate::render::jinja::context::glob_regex(&pat)
                    .map_err(|e| FuncError::Call(format!("bad glob pattern {pat:?}: {e}")))?;
                let paths: Vec<String> = self
                    .paths
                    .iter()
                    .filter(|p| re.is_match(p))
                    .cloned()
                    .collect();
                Ok(Value::object(Files {
                    dir: self.dir.clone(),
                    packed: self.packed.clone(),
                    paths: Rc::new(paths),
                }))
            }),
            "AsConfig" => no_args(name, args)
                .map(|_| Value::str(self.as_map(|b| String::from_utf8_lossy(b).into_owned()))),
            "AsSecrets" => no_args(name, args).map(|_| {
                Value::str(self.as_map(|b| base64::engine::general_purpose::STANDARD.encode(b)))
            }),
            _ => return None,
        })
    }
    fn fmt_v(&self) -> String {
        let parts: Vec<String> = self.paths.iter().map(|p| format!("{p}:[...]")).collect();
        format!("map[{}]", parts.join(" "))
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.paths.len())
    }
    fn range_pairs(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.paths
                .iter()
                .map(|p| {
                    let bytes = self.read(p).unwrap_or_default();
                    (Value::str(p), Value::Bytes(bytes.into()))
                })
                .collect(),
        )
    }
    fn truthy(&self) -> bool {
        !self.paths.is_empty()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The methods of Helm's `common.Values` (`.Values`, and what `Table` returns): `Table`,
/// `AsMap`, `YAML` and `PathValue`. A method takes precedence over a key of the same name, as
/// in Go. `None` when `name` is no method (a key lookup then).
pub fn values_method(
    m: &super::value::Map,
    name: &str,
    args: &[Value],
) -> Option<Result<Value, FuncError>> {
    use super::value::MapType;
    let want = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(FuncError::Plain(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            )))
        }
    };
    let retyped = |m: &super::value::Map, ty: MapType| {
        let mut out = m.clone();
        out.ty = ty;
        Value::Map(out)
    };
    Some(match name {
        "AsMap" => want(0).map(|()| retyped(m, MapType::Interface)),
        "YAML" => want(0).and_then(|()| {
            let json = Value::Map(m.clone())
                .to_json()
                .map_err(|e| FuncError::Call(e.to_string()))?;
            Ok(Value::from(crate::yaml::to_yaml(
                &json,
                crate::yaml::Style::Helm,
            )))
        }),
        "Table" => want(1).and_then(|()| {
            let path = arg_str(&args[0])?;
            let mut table = m.clone();
            for key in path.split('.') {
                let next = table.get(key);
                table = match next {
                    Some(Value::Map(inner)) if inner.ty != MapType::String => inner,
                    _ => return Err(FuncError::Call(format!("{key:?} is not a table"))),
                };
            }
            Ok(retyped(&table, MapType::Values))
        }),
        "PathValue" => want(1).and_then(|()| {
            let path = arg_str(&args[0])?;
            if path.is_empty() {
                return Err(FuncError::Call("YAML path cannot be empty".into()));
            }
            let keys: Vec<&str> = path.split('.').collect();
            let (last, tables) = keys.split_last().expect("split yields one item");
            let mut table = m.clone();
            for &key in tables {
                table = match table.get(key) {
                    Some(Value::Map(inner)) if inner.ty != MapType::String => inner,
                    _ => return Err(FuncError::Call(format!("{last:?} is not a value"))),
                };
            }
            match table.get(last) {
                Some(Value::Map(inner)) if inner.ty != MapType::String => {
                    Err(FuncError::Call(format!("{last:?} is not a value")))
                }
                Some(v) => Ok(v),
                None => Err(FuncError::Call(format!("{last:?} is not a value"))),
            }
        }),
        _ => return None,
    })
}
