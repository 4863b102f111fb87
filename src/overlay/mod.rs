//! Stage 5: build a kustomization like `kustomize build` (v5.7), plus kiln's `charts:` field.
//!
//! Per kustomization, in kustomize's order: `resources` (depth first, with `charts:` rendered
//! through the chart pipeline) → generators → `components` → the built-in transforms of the
//! [`transforms::TRANSFORMS`] table. At the top level only: hash suffixes for generated objects,
//! name-reference fix-up, then sort.

mod bare_nulls;
mod build;
pub mod config;
pub mod fieldpath;
mod hash;
pub mod kustomization;
pub mod refs;
pub mod select;
pub mod transforms;
mod vars;

pub use build::{build, build_with, BuildFlags};

/// Which files a kustomization may read (kustomize's `--load-restrictor`).
pub use crate::fs::LoadRestrictor;

use serde_json::Value;

/// An object moving through an overlay build.
#[derive(Debug, Clone)]
pub struct Obj {
    pub value: Value,
    /// The file it came from (for messages and lint origins).
    pub source: String,
    /// 1-based line of its document in that file.
    pub line: usize,
    /// Name and namespace when first loaded: references in other objects use these.
    pub orig_name: String,
    pub orig_namespace: String,
    /// Set on objects made by a generator.
    pub generated: Option<Generated>,
    /// Names of the `vars:` that read their value from this object.
    pub vars: Vec<String>,
    /// A prefix/suffix, namespace or hash transform has given it an earlier id (kustomize's
    /// "previous ids"); RBAC subjects follow only such objects.
    pub moved: bool,
    /// Fields its file wrote as a bare `key:` (see [`bare_nulls`]).
    pub bare_nulls: Vec<Vec<fieldpath::Seg>>,
}

/// What a generator recorded about the object it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Append the content hash to the name at the end of the build.
    pub hash: bool,
}

impl Obj {
    pub fn new(value: Value, source: impl Into<String>) -> Obj {
        let orig_name = str_at(&value, &["metadata", "name"]).to_string();
        let orig_namespace = str_at(&value, &["metadata", "namespace"]).to_string();
        Obj {
            value,
            source: source.into(),
            line: 1,
            orig_name,
            orig_namespace,
            generated: None,
            vars: Vec::new(),
            bare_nulls: Vec::new(),
            moved: false,
        }
    }

    pub fn api_version(&self) -> &str {
        str_at(&self.value, &["apiVersion"])
    }

    pub fn kind(&self) -> &str {
        str_at(&self.value, &["kind"])
    }

    pub fn name(&self) -> &str {
        str_at(&self.value, &["metadata", "name"])
    }

    pub fn namespace(&self) -> &str {
        str_at(&self.value, &["metadata", "namespace"])
    }

    /// `group` of the apiVersion (`""` for the core group).
    pub fn group(&self) -> &str {
        match self.api_version().rsplit_once('/') {
            Some((g, _)) => g,
            None => "",
        }
    }

    /// `version` of the apiVersion.
    pub fn version(&self) -> &str {
        let av = self.api_version();
        av.rsplit_once('/').map(|(_, v)| v).unwrap_or(av)
    }

    /// `Kind.version.group/namespace/name` as kustomize prints ids in messages.
    pub fn id(&self) -> String {
        let ns = if self.namespace().is_empty() {
            "[noNs]"
        } else {
            self.namespace()
        };
        let group = if self.group().is_empty() {
            "[noGrp]"
        } else {
            self.group()
        };
        format!(
            "{}.{}.{}/{}.{}",
            self.kind(),
            self.version(),
            group,
            self.name(),
            ns
        )
    }

    pub fn set_name(&mut self, name: &str) {
        set_metadata(&mut self.value, "name", name);
    }

    pub fn set_namespace(&mut self, ns: &str) {
        set_metadata(&mut self.value, "namespace", ns);
    }
}

fn set_metadata(value: &mut Value, key: &str, v: &str) {
    if let Value::Object(map) = value {
        let meta = map
            .entry("metadata")
            .or_insert_with(|| Value::Object(Default::default()));
        if !meta.is_object() {
            *meta = Value::Object(Default::default());
        }
        meta.as_object_mut()
            .unwrap()
            .insert(key.to_string(), Value::String(v.to_string()));
    }
}

/// The string at `path`, or `""`.
pub fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    let mut v = value;
    for k in path {
        match v.get(k) {
            Some(next) => v = next,
            None => return "",
        }
    }
    v.as_str().unwrap_or("")
}
