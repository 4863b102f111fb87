//! `kiln chartify`: hard-coded manifests in, a parameterized chart out.
//!
//! ```text
//! read inputs (files, directories, stdin; `kind: List` expanded)
//!   -> clean        drop server-populated fields, count them
//!   -> plan         values keys, new names, the release namespace, common labels, appVersion
//!   -> references   every reference to a renamed object follows it (overlay::refs' walk)
//!   -> extract      per kind, the fields that become values (markers in a template tree)
//!   -> template     template tree -> Jinja text
//!   -> files        Chart.yaml, values.yaml (commented), values.schema.json, helpers, NOTES, README
//! ```
//!
//! Everything is built in memory; the chart is written to a temporary directory next to the
//! target and moved into place only when complete.

pub mod clean;
pub mod extract;
mod files;
pub mod gotmpl;
pub mod template;

use crate::commands::chartify::ChartifyOptions as ChartifyArgs;
use crate::commands::Output;
use crate::error::{Error, ErrorKind, Result};
use crate::overlay::refs::RefScope;
use crate::resource::{parse_stream, Resource};
use clean::Dropped;
use extract::{camel, Extractor, Marker, Target, ValueInfo};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What `kiln chartify` is asked to do, besides the inputs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The chart name.
    pub name: String,
    /// Keep object names as they are (no `{{ h.fullname() }}-` prefix).
    pub keep_names: bool,
    /// The templates' language (Jinja by default, or Helm's Go templates).
    pub language: gotmpl::Language,
}

/// One input object, cleaned.
#[derive(Debug, Clone)]
pub struct Object {
    /// The object as the chart must render it with its default values (server fields dropped).
    pub value: Value,
    /// The input it came from.
    pub source: String,
    /// Its file in the chart (`templates/web-deployment.yaml`, or `crds/x.yaml`).
    pub file: String,
    /// Its values key (`web`), empty when nothing was extracted.
    pub key: String,
    /// Its name when the release name equals the chart name, if the chart renames it.
    pub renamed: Option<String>,
}

/// A generated chart, in memory.
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    /// Path within the chart directory → text.
    pub files: BTreeMap<String, String>,
    pub objects: Vec<Object>,
    pub values: Vec<ValueInfo>,
    pub dropped: Dropped,
    /// The namespace that became `Release.Namespace` (`None`: no input object had one).
    pub namespace: Option<String>,
    /// Namespaces of objects that kept a literal namespace (not the release's).
    pub other_namespaces: Vec<String>,
    /// Objects left out because a controller made them (`Pod web-x (owned by ReplicaSet web)`).
    pub skipped: Vec<String>,
}

/// `kiln chartify INPUT... --name NAME`.
pub fn run(args: &ChartifyArgs) -> Result<Output> {
    let docs = read_inputs(&args.inputs)?;
    let language = gotmpl::Language::parse(&args.template_language).ok_or_else(|| {
        Error::new(
            ErrorKind::Usage,
            format!(
                "--template-language {:?}: use `jinja` (kiln's charts) or `go` (Helm's Go templates)",
                args.template_language
            ),
        )
    })?;
    let opts = Options {
        name: args.name.clone(),
        keep_names: args.keep_names,
        language,
    };
    let chart = chartify(docs, &opts)?;
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    write_chart(&dir, &chart.files, args.force)?;
    Ok(Output::from(summary(&chart, &dir, args.inputs.len())))
}

/// The most YAML `kiln chartify` takes in all inputs together: 6 MiB (tens of thousands of
/// objects). Building a chart holds each object several times over (cleaned copy, template
/// tree, values, text), about 100 times the input size, so this keeps chartify under a 1 GiB
/// memory limit.
pub const MAX_INPUT_BYTES: usize = 6 * 1024 * 1024;

/// Reads every input: files, directories (recursively, `*.yaml`, `*.yml`, `*.json`, in path
/// order), `-` for stdin. At most [`MAX_INPUT_BYTES`] in all.
pub fn read_inputs(inputs: &[String]) -> Result<Vec<Resource>> {
    let mut total = 0usize;
    let mut out = Vec::new();
    for input in inputs {
        if input == "-" {
            let text = crate::fs::read_stdin("<stdin>")?;
            budget(&mut total, text.len(), "<stdin>")?;
            out.extend(parse_stream(&text, "<stdin>", None)?);
            continue;
        }
        let path = Path::new(input);
        if path.is_dir() {
            let root = crate::fs::Root::new(path, "the input directory")?;
            let mut files: Vec<PathBuf> = crate::fs::walk(&root, path, false)?
                .into_iter()
                .filter(|p| {
                    matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml" | "json")
                    )
                })
                .collect();
            files.sort();
            for f in files {
                out.extend(read_file(&f, &mut total)?);
            }
        } else {
            out.extend(read_file(path, &mut total)?);
        }
    }
    Ok(out)
}

/// Counts `len` bytes of `shown` against [`MAX_INPUT_BYTES`].
fn budget(total: &mut usize, len: usize, shown: &str) -> Result<()> {
    *total += len;
    if *total > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{shown}: the inputs of chartify exceed its limit of {} MiB of YAML in all (chartify::MAX_INPUT_BYTES); chartify fewer objects at a time",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

fn read_file(path: &Path, total: &mut usize) -> Result<Vec<Resource>> {
    let shown = path.display().to_string();
    let text = crate::fs::read_user_text(path, &shown)?;
    budget(total, text.len(), &shown)?;
    parse_stream(&text, &shown, None)
}

/// Kinds whose names are fixed by Kubernetes (or shared by every release): never prefixed.
fn keeps_name(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace" | "CustomResourceDefinition" | "APIService"
    )
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn valid_chart_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 53
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Builds the chart for `docs`.
pub fn chartify(docs: Vec<Resource>, opts: &Options) -> Result<Chart> {
    if !valid_chart_name(&opts.name) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "--name {:?}: a chart name is lowercase letters, digits and `-` (at most 53 characters)",
                opts.name
            ),
        ));
    }
    // Expand lists, clean.
    let mut dropped = Dropped::default();
    let mut objs: Vec<(Value, String)> = Vec::new();
    for doc in docs {
        expand(doc.value, &doc.source, &mut objs)?;
    }
    if objs.is_empty() {
        return Err(Error::new(
            ErrorKind::Usage,
            "no Kubernetes objects in the inputs",
        ));
    }
    let ids: Vec<(String, String, String)> = objs
        .iter()
        .map(|(v, _)| {
            (
                str_at(v, "/kind").to_string(),
                str_at(v, "/metadata/namespace").to_string(),
                str_at(v, "/metadata/name").to_string(),
            )
        })
        .collect();
    let ids: HashSet<(String, String, String)> = ids.into_iter().collect();
    let is_input = |kind: &str, ns: &str, name: &str| {
        let id = |n: &str| (kind.to_string(), n.to_string(), name.to_string());
        ids.contains(&id(ns)) || ids.contains(&id(""))
    };
    let mut skipped = Vec::new();
    objs.retain(|(v, _)| match clean::controller_owned(v, &is_input) {
        Some(what) => {
            skipped.push(what);
            false
        }
        None => true,
    });
    for (v, _) in objs.iter_mut() {
        clean::clean(v, &mut dropped);
    }
    let mut seen: HashMap<(String, String, String), String> = HashMap::new();
    for (v, source) in &objs {
        let name = str_at(v, "/metadata/name");
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{source}: a {} without metadata.name cannot be templated",
                    str_at(v, "/kind")
                ),
            ));
        }
        let id = (
            str_at(v, "/kind").to_string(),
            str_at(v, "/metadata/namespace").to_string(),
            name.to_string(),
        );
        if let Some(first) = seen.insert(id.clone(), source.clone()) {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("{} {} appears twice (in {first} and {source})", id.0, id.2),
            ));
        }
    }

    let (namespace, other_namespaces) = release_namespace(&objs);
    let release_ns = namespace.clone().unwrap_or_else(|| "default".into());
    let norm_ns = |v: &Value| norm_ns(v, &release_ns);
    // New names: `{{ h.fullname() }}-<name>`, the chart name's prefix stripped from names that
    // carry it (a rendered Helm release) unless that would make two names equal.
    let prefix = format!("{}-", opts.name);
    let suffix_of = |name: &str, strip: bool| -> String {
        if strip && name == opts.name {
            String::new()
        } else if strip && name.starts_with(&prefix) && name.len() > prefix.len() {
            name[prefix.len()..].to_string()
        } else {
            name.to_string()
        }
    };
    let mut strip = true;
    {
        let mut ids: HashSet<(String, String, String)> = HashSet::new();
        for (v, _) in &objs {
            let id = (
                str_at(v, "/kind").to_string(),
                norm_ns(v),
                suffix_of(str_at(v, "/metadata/name"), true),
            );
            if !ids.insert(id) {
                strip = false;
            }
        }
    }
    let keys = values_keys(
        &objs
            .iter()
            .map(|(v, _)| {
                (
                    str_at(v, "/kind"),
                    suffix_of(str_at(v, "/metadata/name"), strip),
                )
            })
            .collect::<Vec<_>>(),
    );

    let is_crd = |v: &Value| str_at(v, "/kind") == "CustomResourceDefinition";
    let suffixes: Vec<Option<String>> = objs
        .iter()
        .map(|(v, _)| {
            let kind = str_at(v, "/kind");
            (!opts.keep_names && !keeps_name(kind))
                .then(|| suffix_of(str_at(v, "/metadata/name"), strip))
        })
        .collect();

    let (app_version, shared_tag) = app_version(&objs);

    // Common labels: shared by every templated object; selector labels: shared by every selector.
    let templated: Vec<usize> = (0..objs.len()).filter(|&i| !is_crd(&objs[i].0)).collect();
    let label_maps: Vec<Map<String, Value>> = templated
        .iter()
        .map(|&i| {
            objs[i]
                .0
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let common = intersect(&label_maps);
    let selector_maps: Vec<Map<String, Value>> = templated
        .iter()
        .filter_map(|&i| selector_pointer(str_at(&objs[i].0, "/kind")).map(|p| (i, p)))
        .filter_map(|(i, p)| objs[i].0.pointer(p).and_then(Value::as_object).cloned())
        .collect();
    let selector_common = intersect(&selector_maps);

    // Templates.
    let mut ex = Extractor {
        markers: Vec::new(),
        values: Vec::new(),
        app_version: app_version.clone(),
        shared_tag,
    };
    let mut objects: Vec<Object> = Vec::new();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    // Files taken, and per stem the next number to try (linear in the objects, however many
    // share a name).
    let mut used_files: HashSet<String> = HashSet::new();
    let mut next_n: HashMap<String, usize> = HashMap::new();
    let index: HashMap<(String, String, String), usize> = objs
        .iter()
        .enumerate()
        .map(|(i, (v, _))| {
            (
                (
                    str_at(v, "/kind").to_string(),
                    norm_ns(v),
                    str_at(v, "/metadata/name").to_string(),
                ),
                i,
            )
        })
        .collect();
    let plan = Plan {
        objs: &objs,
        namespace: namespace.clone(),
        release_ns: release_ns.clone(),
        suffixes: suffixes.clone(),
        index,
        common: common.clone(),
        selector_common: selector_common.clone(),
    };
    let mut notes: Vec<(String, String)> = Vec::new();
    for (i, (value, source)) in objs.iter().enumerate() {
        let kind = str_at(value, "/kind").to_string();
        let name = str_at(value, "/metadata/name").to_string();
        let base = suffixes[i]
            .clone()
            .unwrap_or_else(|| suffix_of(&name, strip));
        let dir = if is_crd(value) { "crds" } else { "templates" };
        let what = format!("{kind} {name:?} (from {source})");
        crate::fs::file_name(&name, &what)?;
        let stem = if base.is_empty() {
            kind.to_lowercase()
        } else {
            format!("{base}-{}", kind.to_lowercase())
        };
        crate::fs::file_name(&stem, &what)?;
        let mut file = format!("{dir}/{stem}.yaml");
        let n = next_n.entry(format!("{dir}/{stem}")).or_insert(2);
        while used_files.contains(&file) {
            file = format!("{dir}/{stem}-{n}.yaml");
            *n += 1;
        }
        used_files.insert(file.clone());
        let renamed = suffixes[i].as_ref().map(|s| {
            if s.is_empty() {
                opts.name.clone()
            } else {
                format!("{}-{s}", opts.name)
            }
        });
        if is_crd(value) {
            files.insert(
                file.clone(),
                crate::yaml::to_yaml(value, crate::yaml::Style::Helm),
            );
            objects.push(Object {
                value: value.clone(),
                source: source.clone(),
                file,
                key: String::new(),
                renamed: None,
            });
            continue;
        }
        let key = keys[i].clone();
        let before = ex.values.len();
        let tpl = plan.template_tree(
            &mut ex,
            i,
            &Target {
                index: objects.len(),
                key: &key,
                label: format!("{kind} {name}"),
                kind: &kind,
            },
        );
        let has_values = ex.values.len() > before;
        let go = opts.language == gotmpl::Language::Go;
        let mut text = template::render(&tpl, &ex.markers, opts.language, &opts.name);
        if !go && text.contains("{{ h.") {
            text = format!("{{%- import \"_helpers.tpl\" as h %}}\n{text}");
        }
        files.insert(file.clone(), text);
        notes.push((
            kind.clone(),
            match (&suffixes[i], go) {
                (Some(s), false) => name_expr(s),
                (Some(s), true) => gotmpl::inline(&name_expr(s), &opts.name),
                (None, false) => template::escape_jinja(&name),
                (None, true) => gotmpl::escape(&name),
            },
        ));
        objects.push(Object {
            value: value.clone(),
            source: source.clone(),
            file,
            key: if has_values { key } else { String::new() },
            renamed,
        });
    }

    let meta = files::Meta {
        name: &opts.name,
        app_version: app_version.as_deref(),
        objects: &objects,
        values: &ex.values,
        common: &common,
        selector_common: &selector_common,
        notes: &notes,
        language: opts.language,
    };
    files.extend(files::chart_files(&meta));
    Ok(Chart {
        name: opts.name.clone(),
        files,
        objects,
        values: ex.values,
        dropped,
        namespace,
        other_namespaces,
        skipped,
    })
}

/// What every object's template needs to know about the others.
struct Plan<'a> {
    objs: &'a [(Value, String)],
    /// The namespace that becomes `Release.Namespace`.
    namespace: Option<String>,
    /// Where objects without a namespace are installed (for matching references).
    release_ns: String,
    /// Per object: the part of its new name after `{{ h.fullname() }}-` (`None`: kept).
    suffixes: Vec<Option<String>>,
    /// Objects by (kind, namespace, name).
    index: HashMap<(String, String, String), usize>,
    common: Map<String, Value>,
    selector_common: Map<String, Value>,
}

impl Plan<'_> {
    /// The namespace an object lives in (`""` for cluster-scoped kinds).
    fn norm_ns(&self, v: &Value) -> String {
        norm_ns(v, &self.release_ns)
    }

    /// The object with markers where its namespace, name, references, values and shared
    /// labels go.
    fn template_tree(&self, ex: &mut Extractor, i: usize, t: &Target) -> Value {
        let (value, _) = &self.objs[i];
        let kind = t.kind;
        let name = str_at(value, "/metadata/name");
        let namespace = &self.namespace;
        let mut tpl = value.clone();
        let own_ns = self.norm_ns(value);
        // Namespace and name.
        if !str_at(value, "/metadata/namespace").is_empty()
            && Some(str_at(value, "/metadata/namespace")) == namespace.as_deref()
        {
            let m = ex.marker(Marker::Inline("{{ Release.Namespace }}".into()));
            tpl["metadata"]["namespace"] = m;
        }
        if let Some(s) = &self.suffixes[i] {
            let m = ex.marker(Marker::Inline(name_expr(s)));
            tpl["metadata"]["name"] = m;
        } else if kind == "Namespace" && Some(name) == namespace.as_deref() {
            // The release's own namespace follows the release.
            let m = ex.marker(Marker::Inline("{{ Release.Namespace }}".into()));
            tpl["metadata"]["name"] = m;
        }
        // References to renamed objects.
        let walked =
            crate::overlay::refs::for_each_ref(&mut tpl, kind, RefScope::All, &mut |mut r| {
                let Some(target_name) = r.name().map(str::to_string) else {
                    return Ok(());
                };
                let target_ns = match &r.namespace {
                    _ if cluster_kind(&r.kind) => String::new(),
                    Some(ns) if !ns.is_empty() => ns.clone(),
                    _ => own_ns.clone(),
                };
                let Some(&t) = self.index.get(&(r.kind.clone(), target_ns, target_name)) else {
                    return Ok(());
                };
                if let Some(s) = &self.suffixes[t] {
                    r.set_name(ex.marker(Marker::Inline(name_expr(s))));
                }
                Ok(())
            });
        // The callback never fails: lookups here are plain map reads.
        debug_assert!(walked.is_ok());
        if matches!(kind, "RoleBinding" | "ClusterRoleBinding") {
            if let Some(Value::Array(subjects)) = tpl.get_mut("subjects") {
                for s in subjects {
                    if s.get("kind").and_then(Value::as_str) == Some("ServiceAccount")
                        && namespace.is_some()
                        && s.get("namespace").and_then(Value::as_str) == namespace.as_deref()
                    {
                        s["namespace"] =
                            ex.marker(Marker::Inline("{{ Release.Namespace }}".into()));
                    }
                }
            }
        }
        // Values.
        ex.object(&mut tpl, t);
        // Labels.
        if !self.common.is_empty() {
            label_marker(&mut tpl, "/metadata/labels", &self.common, "labels", ex);
        }
        if let Some(t) = crate::k8s::pods::pod_template_at(kind).map(|at| at.pointer) {
            let p = format!("{t}/metadata/labels");
            let done =
                !self.common.is_empty() && label_marker(&mut tpl, &p, &self.common, "labels", ex);
            if !done && !self.selector_common.is_empty() {
                label_marker(&mut tpl, &p, &self.selector_common, "selector_labels", ex);
            }
            if kind == "CronJob" && !self.common.is_empty() {
                label_marker(
                    &mut tpl,
                    "/spec/jobTemplate/metadata/labels",
                    &self.common,
                    "labels",
                    ex,
                );
            }
        }
        if let Some(p) = selector_pointer(kind) {
            if !self.selector_common.is_empty() {
                label_marker(&mut tpl, p, &self.selector_common, "selector_labels", ex);
            }
        }
        tpl
    }
}

fn norm_ns(v: &Value, release_ns: &str) -> String {
    if !crate::k8s::is_namespaced(str_at(v, "/apiVersion"), str_at(v, "/kind")) {
        return String::new();
    }
    match str_at(v, "/metadata/namespace") {
        "" => release_ns.to_string(),
        ns => ns.to_string(),
    }
}

/// `{{ h.fullname() }}-<suffix>`.
fn name_expr(suffix: &str) -> String {
    if suffix.is_empty() {
        "{{ h.fullname() }}".into()
    } else {
        format!("{{{{ h.fullname() }}}}-{}", template::escape_jinja(suffix))
    }
}

/// The namespace that becomes `Release.Namespace` (the most common one, the first seen on a
/// tie), and the other namespaces, which stay literal.
fn release_namespace(objs: &[(Value, String)]) -> (Option<String>, Vec<String>) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (v, _) in objs {
        let ns = str_at(v, "/metadata/namespace");
        if ns.is_empty() {
            continue;
        }
        match at.get(ns) {
            Some(&i) => counts[i].1 += 1,
            None => {
                at.insert(ns, counts.len());
                counts.push((ns.to_string(), 1));
            }
        }
    }
    let mut best: Option<&(String, usize)> = None;
    for c in &counts {
        if best.is_none_or(|b| c.1 > b.1) {
            best = Some(c);
        }
    }
    let namespace = best.map(|(n, _)| n.clone());
    let mut others: Vec<String> = counts
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| Some(n) != namespace.as_ref())
        .collect();
    others.sort();
    (namespace, others)
}

/// Values keys from (kind, name without the chart prefix): camelCase names; a name several
/// objects share (or a reserved key) gets its kind appended, then a number if still taken.
fn values_keys(objs: &[(&str, String)]) -> Vec<String> {
    let camels: Vec<String> = objs
        .iter()
        .map(|(kind, base)| match camel(base) {
            c if c.is_empty() => camel(kind),
            c => c,
        })
        .collect();
    let reserved = ["nameOverride", "fullnameOverride", "global"];
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in &camels {
        *counts.entry(c.as_str()).or_default() += 1;
    }
    // Keys taken, and per base the next number to try: linear however many names are shared.
    let mut keys: Vec<String> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut next_n: HashMap<String, usize> = HashMap::new();
    for (i, c) in camels.iter().enumerate() {
        let shared = counts[c.as_str()] > 1 || reserved.contains(&c.as_str());
        let base = if shared {
            format!("{c}{}", objs[i].0)
        } else {
            c.clone()
        };
        let mut key = base.clone();
        let n = next_n.entry(base.clone()).or_insert(2);
        while taken.contains(&key) {
            key = format!("{base}{n}");
            *n += 1;
        }
        taken.insert(key.clone());
        keys.push(key);
    }
    keys
}

/// The chart's appVersion: the first image tag; `true` when every tagged image shares it (the
/// tags then default to it).
fn app_version(objs: &[(Value, String)]) -> (Option<String>, bool) {
    let mut tags: Vec<String> = Vec::new();
    for (v, _) in objs {
        let Some(spec) =
            crate::k8s::pods::pod_template_at(str_at(v, "/kind")).map(|at| at.spec_pointer)
        else {
            continue;
        };
        for list in ["initContainers", "containers"] {
            let containers = v
                .pointer(&format!("{spec}/{list}"))
                .and_then(Value::as_array);
            for c in containers.into_iter().flatten() {
                let image = c.get("image").and_then(Value::as_str);
                if let Some(t) = image.and_then(|i| extract::parse_image(i).tag) {
                    tags.push(t);
                }
            }
        }
    }
    let shared = !tags.is_empty() && tags.iter().all(|t| *t == tags[0]);
    (tags.into_iter().next(), shared)
}

/// Cluster-scoped kinds among the reference targets.
fn cluster_kind(kind: &str) -> bool {
    matches!(
        kind,
        "ClusterRole" | "PriorityClass" | "PersistentVolume" | "StorageClass" | "IngressClass"
    )
}

/// Where a kind keeps the labels that select its pods.
fn selector_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => {
            Some("/spec/selector/matchLabels")
        }
        "Service" | "ReplicationController" => Some("/spec/selector"),
        _ => None,
    }
}

/// The labels (key and value) every map has; empty when there are no maps.
fn intersect(maps: &[Map<String, Value>]) -> Map<String, Value> {
    let Some((first, rest)) = maps.split_first() else {
        return Map::new();
    };
    first
        .iter()
        .filter(|(k, v)| rest.iter().all(|m| m.get(*k) == Some(*v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Replaces the labels map at `pointer` by a helper call plus its own labels, when it has
/// every label of `shared`. Returns whether it did.
fn label_marker(
    tpl: &mut Value,
    pointer: &str,
    shared: &Map<String, Value>,
    helper: &'static str,
    ex: &mut Extractor,
) -> bool {
    let Some(Value::Object(labels)) = tpl.pointer(pointer) else {
        return false;
    };
    if !shared.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        return false;
    }
    let rest: Map<String, Value> = labels
        .iter()
        .filter(|(k, _)| !shared.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let m = ex.marker(Marker::Labels { helper, rest });
    *tpl.pointer_mut(pointer).unwrap() = m;
    true
}

/// Adds `value` to `out`, expanding `kind: List` documents (as `kubectl get -o yaml` prints).
fn expand(value: Value, source: &str, out: &mut Vec<(Value, String)>) -> Result<()> {
    let kind = str_at(&value, "/kind");
    if str_at(&value, "/apiVersion").starts_with("kustomize.config.k8s.io/") {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{source} is a {kind}, not a manifest; build it first: kiln render DIR | kiln chartify - --name NAME"
            ),
        ));
    }
    if kind == "List" || (kind.ends_with("List") && value.get("items").is_some_and(Value::is_array))
    {
        let items = match value.get("items").cloned() {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => return Ok(()),
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::Yaml,
                    format!("{source}: `items` of a {kind} must be a list of objects"),
                ))
            }
        };
        for item in items {
            if !(item.get("apiVersion").is_some_and(Value::is_string)
                && item.get("kind").is_some_and(Value::is_string))
            {
                return Err(Error::new(
                    ErrorKind::Yaml,
                    format!("{source}: an item of a {kind} has no apiVersion or kind"),
                ));
            }
            expand(item, source, out)?;
        }
        return Ok(());
    }
    out.push((value, source.to_string()));
    Ok(())
}

/// Writes `files` under `dir`: into a fresh sibling directory first, then moved into place.
/// An existing `dir` is replaced only with `force`, and only if it is a chart (or empty).
pub fn write_chart(dir: &Path, files: &BTreeMap<String, String>, force: bool) -> Result<()> {
    if dir.exists() {
        if !force {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{} already exists; pass --force to replace it",
                    dir.display()
                ),
            ));
        }
        let is_chart = dir.join("Chart.yaml").is_file();
        let empty = crate::fs::is_empty_dir(dir);
        if !(is_chart || empty) {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{} exists and is not a chart; refusing to replace it even with --force",
                    dir.display()
                ),
            ));
        }
    }
    let files = files
        .iter()
        .map(|(rel, text)| crate::fs::OutputFile::new(rel, text.clone(), rel))
        .collect::<Result<Vec<_>>>()?;
    crate::fs::write_staged(dir, &files, crate::fs::Existing::Replace, &[])?;
    Ok(())
}

/// The summary printed on stdout.
pub fn summary(chart: &Chart, dir: &Path, inputs: usize) -> String {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for o in &chart.objects {
        *kinds
            .entry(str_at(&o.value, "/kind").to_string())
            .or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let required: Vec<String> = chart
        .values
        .iter()
        .filter(|v| v.required)
        .map(|v| files::set_key(&v.path))
        .collect();
    let mut out = format!(
        "chartify: chart {} written to {}\n  objects: {} from {inputs} input{} ({})\n  values extracted: {}",
        chart.name,
        dir.display(),
        chart.objects.len(),
        if inputs == 1 { "" } else { "s" },
        kinds.join(", "),
        chart.values.len(),
    );
    if !required.is_empty() {
        out.push_str(&format!(
            " ({} required, no default: {})",
            required.len(),
            required.join(", ")
        ));
    }
    out.push('\n');
    if chart.dropped.counts.is_empty() {
        out.push_str("  dropped: nothing\n");
    } else {
        out.push_str("  dropped (server-populated):\n");
        for (field, n) in &chart.dropped.counts {
            out.push_str(&format!(
                "    {field} ({n} object{})\n",
                if *n == 1 { "" } else { "s" }
            ));
        }
    }
    if !chart.skipped.is_empty() {
        out.push_str(&format!(
            "  left out (made by a controller): {}\n",
            chart.skipped.join(", ")
        ));
    }
    if let Some(ns) = &chart.namespace {
        out.push_str(&format!("  namespace: {ns} -> Release.Namespace\n"));
    }
    if !chart.other_namespaces.is_empty() {
        out.push_str(&format!(
            "  kept literal namespaces: {}\n",
            chart.other_namespaces.join(", ")
        ));
    }
    out.push_str(&format!("  files written: {}\n", chart.files.len()));
    for f in chart.files.keys() {
        out.push_str(&format!("    {f}\n"));
    }
    out.push_str(&format!(
        "  render it: kiln render {} -n {}{}\n",
        dir.display(),
        chart.namespace.as_deref().unwrap_or("default"),
        required
            .iter()
            .map(|r| format!(" --set {r}=..."))
            .collect::<String>()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shared_names_get_their_kind() {
        let keys = values_keys(&[
            ("Deployment", "web".into()),
            ("Service", "web".into()),
            ("ConfigMap", "web-config".into()),
            ("ServiceAccount", String::new()),
            ("ConfigMap", "global".into()),
        ]);
        assert_eq!(
            keys,
            [
                "webDeployment",
                "webService",
                "webConfig",
                "serviceAccount",
                "globalConfigMap"
            ]
        );
    }

    #[test]
    fn most_common_namespace_wins_first_on_a_tie() {
        let obj = |ns: &str| (json!({"metadata": {"namespace": ns}}), String::new());
        let (ns, others) = release_namespace(&[obj("b"), obj("a"), obj("a"), obj("c")]);
        assert_eq!(
            (ns.as_deref(), others),
            (Some("a"), vec!["b".into(), "c".into()])
        );
        let (ns, _) = release_namespace(&[obj("b"), obj("a")]);
        assert_eq!(ns.as_deref(), Some("b"));
    }

    #[test]
    fn lists_are_expanded() {
        let mut out = Vec::new();
        let list = json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "List", "items": [
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}
            ]}
        ]});
        expand(list, "x.yaml", &mut out).unwrap();
        assert_eq!(out.len(), 2);
        let bad = json!({"apiVersion": "v1", "kind": "List", "items": [{"metadata": {}}]});
        assert!(expand(bad, "x.yaml", &mut Vec::new()).is_err());
        let k = json!({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"});
        let err = expand(k, "kustomization.yaml", &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("build it first"), "{err}");
    }
}
