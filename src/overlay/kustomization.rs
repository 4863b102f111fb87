//! The `kustomization.yaml` file: its fields as kustomize v5 defines them (plus kiln's
//! `charts:`), read strictly — unknown fields are errors with their line.

use crate::error::{Error, ErrorKind, Location, Result};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The file names kustomize looks for, in its order.
pub const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Every top-level field kustomize v5.7 accepts, plus `charts`.
const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
    "charts",
];

/// Fields kustomize has that kiln refuses, with the reason shown to the user.
const REFUSED_FIELDS: &[(&str, &str)] = &[
    ("helmChartInflationGenerator", "`helmChartInflationGenerator` is not supported: use `helmCharts:` (its replacement in kustomize)"),
    ("validators", "`validators` (plugins) are not supported: kiln runs no plugins; validate the output with `kiln lint`"),
    ("crds", "`crds` (CRD files for name references) is not supported yet"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Kustomization {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: Option<Value>,
    pub openapi: Option<Value>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    pub namespace: Option<String>,
    pub common_labels: Option<Map<String, Value>>,
    pub labels: Vec<LabelSet>,
    pub common_annotations: Option<Map<String, Value>>,
    pub patches_strategic_merge: Vec<String>,
    #[serde(rename = "patchesJson6902")]
    pub patches_json6902: Vec<Patch>,
    pub patches: Vec<Patch>,
    pub images: Vec<Image>,
    pub image_tags: Vec<Image>,
    pub replacements: Vec<Value>,
    pub replicas: Vec<Replica>,
    pub sort_options: Option<SortOptions>,
    pub resources: Vec<String>,
    pub components: Vec<String>,
    pub bases: Vec<String>,
    pub config_map_generator: Vec<Generator>,
    pub secret_generator: Vec<Generator>,
    pub generator_options: Option<GeneratorOptions>,
    pub build_metadata: Vec<String>,
    pub charts: Vec<ChartRef>,
    /// kustomize's `helmCharts:` entries, read by `transforms/helm_charts.rs`.
    pub helm_charts: Vec<Value>,
    pub helm_globals: Option<Value>,
    pub configurations: Vec<String>,
    /// Built-in generator / transformer configurations (files or inline YAML).
    pub generators: Vec<String>,
    pub transformers: Vec<String>,
    /// `None` for a missing or null `vars:` (kustomize warns only when it is a list).
    pub vars: Option<Vec<Var>>,
}

/// A deprecated `vars:` entry: `$(name)` expands to `fieldref.fieldPath` of the object `objref`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Var {
    pub name: String,
    #[serde(alias = "objRef")]
    pub objref: VarTarget,
    #[serde(alias = "fieldRef")]
    pub fieldref: VarField,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct VarTarget {
    pub api_version: Option<String>,
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct VarField {
    #[serde(alias = "fieldpath")]
    #[serde(rename = "fieldPath")]
    pub field_path: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LabelSet {
    pub pairs: Map<String, Value>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub include_volume_claim_templates: bool,
    pub fields: Vec<FieldSpec>,
}

/// Where a transform writes: a path of `/`-separated fields, restricted to a kind.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct FieldSpec {
    pub path: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub create: bool,
}

/// A `patches` / `patchesJson6902` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Patch {
    pub path: Option<String>,
    pub patch: Option<String>,
    pub target: Option<Selector>,
    pub options: Option<PatchOptions>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PatchOptions {
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

/// A target selector: regexes on the id, plus label/annotation selectors.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Selector {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Image {
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<Value>,
    pub digest: Option<String>,
    pub tag_suffix: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SortOptions {
    pub order: Option<String>,
    pub legacy_sort_options: Option<LegacySortOptions>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LegacySortOptions {
    pub order_first: Vec<String>,
    pub order_last: Vec<String>,
}

/// A `configMapGenerator` / `secretGenerator` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Generator {
    pub name: String,
    pub namespace: Option<String>,
    pub behavior: Option<String>,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    pub envs: Vec<String>,
    pub env: Option<String>,
    pub options: Option<GeneratorOptions>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct GeneratorOptions {
    pub labels: Option<Map<String, Value>>,
    pub annotations: Option<Map<String, Value>>,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

/// kiln's own `charts:` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ChartRef {
    pub path: String,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    pub values_files: Vec<String>,
    pub values: Option<Value>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub include_crds: bool,
}

/// A loaded kustomization and where it lives.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dir: PathBuf,
    /// The `configurations:` field specs merged over this kustomization's bases and components
    /// (filled by the build before the transforms run).
    pub cfg: super::config::TransformerConfig,
    /// The file, as shown in messages.
    pub file: String,
    pub text: String,
    pub k: Kustomization,
    /// Which files it may read (kustomize's `--load-restrictor`; root-only by default).
    pub load_restrictor: crate::fs::LoadRestrictor,
    /// What its `helmCharts:` entries render with when they do not say.
    pub helm_defaults: super::transforms::helm_charts::HelmDefaults,
}

impl Loaded {
    /// A location pointing at `field:` in the file (or its first line).
    pub fn field_location(&self, field: &str) -> Location {
        key_location(&self.file, &self.text, field)
    }

    /// An overlay error pointing at `field`.
    pub fn error(&self, field: &str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Overlay, message).with_location(self.field_location(field))
    }
}

/// Where `key:` (a field) or `- key` (a list entry) is written, else the first line that
/// mentions `key`, else line 1.
fn key_location(file: &str, text: &str, key: &str) -> Location {
    let prefix = format!("{key}:");
    let item = format!("- {key}");
    let quoted = [format!("- \"{key}\""), format!("- '{key}'")];
    let at = |i: usize, _line: &str, col_of: usize| {
        Location::in_source(file, text, i + 1, col_of + 1, key.len())
    };
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if t.starts_with(&prefix) {
            return at(i, line, indent);
        }
        if t.starts_with(&format!("- {prefix}")) {
            return at(i, line, indent + 2);
        }
        if t.trim_end() == item || quoted.iter().any(|q| t.trim_end() == q) {
            return at(
                i,
                line,
                indent + 2 + usize::from(!t.trim_end().ends_with(key)),
            );
        }
    }
    if !key.is_empty() {
        for (i, line) in text.lines().enumerate() {
            if let Some(col) = line.find(key) {
                return at(i, line, col);
            }
        }
    }
    Location::in_source(file, text, 1, 1, 1)
}

/// The kustomization file in `dir`, if any.
pub fn find_file(dir: &Path) -> Option<PathBuf> {
    // Any non-directory entry counts (a symlink to a device or outside the directory too), so
    // reading it reports why it cannot be used instead of skipping it.
    FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.symlink_metadata().is_ok_and(|m| !m.is_dir()))
}

/// Reads and checks the kustomization in `dir`.
pub fn load(dir: &Path, display_dir: &str) -> Result<Loaded> {
    let path = find_file(dir).ok_or_else(|| {
        Error::new(
            ErrorKind::Overlay,
            format!(
                "{display_dir}: no kustomization.yaml, kustomization.yml or Kustomization in this directory"
            ),
        )
    })?;
    let name = path.file_name().unwrap().to_string_lossy();
    let file = if display_dir.is_empty() || display_dir == "." {
        name.to_string()
    } else {
        format!("{}/{name}", display_dir.trim_end_matches('/'))
    };
    let rel = Path::new(path.file_name().unwrap_or_default());
    let text = crate::fs::Root::new(dir, "the kustomization directory")
        .map_err(|e| {
            Error::new(
                ErrorKind::Overlay,
                format!("{display_dir}: {}", e.message()),
            )
        })?
        .read_to_string(rel, &file)?;
    let raw = crate::yaml::parse_document(&text, &file)?;
    let raw = match raw {
        Value::Null => Value::Object(Map::new()),
        v @ Value::Object(_) => v,
        _ => {
            return Err(
                Error::new(ErrorKind::Overlay, "a kustomization must be a mapping")
                    .with_location(Location::in_source(&file, &text, 1, 1, 1)),
            )
        }
    };
    let map = raw.as_object().unwrap();
    for key in map.keys() {
        if !KNOWN_FIELDS.contains(&key.as_str()) {
            let hint = KNOWN_FIELDS
                .iter()
                .filter(|k| similar(k, key))
                .map(|k| format!(" (did you mean `{k}`?)"))
                .next()
                .unwrap_or_default();
            return Err(Error::new(
                ErrorKind::Overlay,
                format!("unknown field `{key}` in kustomization{hint}"),
            )
            .with_location(key_location(&file, &text, key)));
        }
        if let Some((_, why)) = REFUSED_FIELDS.iter().find(|(f, _)| f == key) {
            return Err(
                Error::new(ErrorKind::Overlay, *why).with_location(key_location(&file, &text, key))
            );
        }
    }
    // kustomize reads a field left empty (`vars:` with every entry commented out) as absent.
    let raw = match raw.clone() {
        Value::Object(mut m) => {
            m.retain(|_, v| !v.is_null());
            Value::Object(m)
        }
        other => other,
    };
    let k: Kustomization = serde_json::from_value(raw.clone()).map_err(|e| {
        let field = map
            .keys()
            .find(|k| serde_json::from_value::<Kustomization>(single(&raw, k)).is_err())
            .cloned()
            .unwrap_or_default();
        Error::new(ErrorKind::Overlay, format!("invalid kustomization: {e}"))
            .with_location(key_location(&file, &text, &field))
    })?;
    if let Some(kind) = &k.kind {
        if kind != "Kustomization" && kind != "Component" {
            return Err(Error::new(
                ErrorKind::Overlay,
                format!("kind `{kind}` is not Kustomization or Component"),
            )
            .with_location(key_location(&file, &text, "kind")));
        }
    }
    check_string_maps(&file, &text, map)?;
    Ok(Loaded {
        dir: dir.to_path_buf(),
        cfg: Default::default(),
        file,
        text,
        k,
        load_restrictor: crate::fs::LoadRestrictor::default(),
        helm_defaults: Default::default(),
    })
}

/// Label and annotation values must be strings (kustomize refuses `a: 1` too); kiln never turns
/// a number or a boolean into a string behind the user's back.
fn check_string_maps(file: &str, text: &str, map: &Map<String, Value>) -> Result<()> {
    let mut maps: Vec<(String, &Value)> = Vec::new();
    for field in ["commonLabels", "commonAnnotations"] {
        if let Some(v) = map.get(field) {
            maps.push((field.to_string(), v));
        }
    }
    if let Some(Value::Array(sets)) = map.get("labels") {
        for (i, set) in sets.iter().enumerate() {
            if let Some(pairs) = set.get("pairs") {
                maps.push((format!("labels[{i}].pairs"), pairs));
            }
        }
    }
    for (field, value) in maps {
        let Value::Object(pairs) = value else {
            continue;
        };
        for (key, v) in pairs {
            let what = match v {
                Value::String(_) | Value::Null => continue,
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "a list",
                Value::Object(_) => "a map",
            };
            return Err(Error::new(
                ErrorKind::Overlay,
                format!(
                    "{field}: the value of `{key}` is {what}; label and annotation values must be strings: quote it (`{key}: \"{}\"`)",
                    if v.is_array() || v.is_object() { String::from("…") } else { v.to_string() }
                ),
            )
            .with_location(key_location(file, text, key)));
        }
    }
    Ok(())
}

fn single(raw: &Value, key: &str) -> Value {
    let mut m = Map::new();
    if let Some(v) = raw.get(key) {
        m.insert(key.to_string(), v.clone());
    }
    Value::Object(m)
}

/// Edit distance ≤ 2, for "did you mean" hints.
fn similar(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

impl Kustomization {
    /// kustomize's deprecation warnings for the fields this kustomization uses, in its order.
    pub fn deprecation_warnings(&self) -> Vec<&'static str> {
        const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
        let _ = FIX;
        let mut w = Vec::new();
        if !self.bases.is_empty() {
            w.push("# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically.");
        }
        if self.common_labels.is_some() {
            w.push("# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically.");
        }
        if !self.image_tags.is_empty() {
            w.push("# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically.");
        }
        if !self.patches_json6902.is_empty() {
            w.push("# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically.");
        }
        if !self.patches_strategic_merge.is_empty() {
            w.push("# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically.");
        }
        if self.vars.is_some() {
            w.push("# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically.");
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_similar_field_names() {
        assert!(similar("namePrefix", "namePrefx"));
        assert!(!similar("namePrefix", "images"));
    }
}
