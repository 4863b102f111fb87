//! `labels` (pairs, includeSelectors, includeTemplates, fields) and the deprecated
//! `commonLabels` (= labels with includeSelectors), on kustomize's field specs.

use crate::error::Result;
use crate::overlay::fieldpath::{merge_string_map, parse_slash, scalar_text, visit_mut, Seg, Walk};
use crate::overlay::kustomization::{FieldSpec, Loaded};
use crate::overlay::Obj;
use serde_json::{Map, Value};

/// A field spec from kustomize's built-in tables: kind/group/version filters, a path, create.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub group: Option<&'static str>,
    pub version: Option<&'static str>,
    pub kind: Option<&'static str>,
    pub path: &'static str,
    pub create: bool,
}

const fn row(
    group: Option<&'static str>,
    version: Option<&'static str>,
    kind: &'static str,
    path: &'static str,
    create: bool,
) -> Row {
    Row {
        group,
        version,
        kind: Some(kind),
        path,
        create,
    }
}

/// Metadata maps that get labels (and annotations): every object's, and pod/job templates'.
pub const METADATA_PATHS: &[Row] = &[
    Row {
        group: None,
        version: None,
        kind: None,
        path: "metadata",
        create: true,
    },
    row(
        None,
        Some("v1"),
        "ReplicationController",
        "spec/template/metadata",
        true,
    ),
    row(None, None, "Deployment", "spec/template/metadata", true),
    row(None, None, "ReplicaSet", "spec/template/metadata", true),
    row(None, None, "DaemonSet", "spec/template/metadata", true),
    row(
        Some("apps"),
        None,
        "StatefulSet",
        "spec/template/metadata",
        true,
    ),
    row(Some("batch"), None, "Job", "spec/template/metadata", true),
    row(
        Some("batch"),
        None,
        "CronJob",
        "spec/jobTemplate/metadata",
        true,
    ),
    row(
        Some("batch"),
        None,
        "CronJob",
        "spec/jobTemplate/spec/template/metadata",
        true,
    ),
];

/// StatefulSet volume claim templates, labelled with `includeTemplates` or
/// `includeVolumeClaimTemplates`.
const VOLUME_CLAIM_PATHS: &[Row] = &[row(Some("apps"), None, "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true)];

/// Selector fields that `includeSelectors` (and `commonLabels`) also label.
const SELECTOR_PATHS: &[Row] = &[
    row(None, Some("v1"), "Service", "spec/selector", true),
    row(None, Some("v1"), "ReplicationController", "spec/selector", true),
    row(None, None, "Deployment", "spec/selector/matchLabels", true),
    row(Some("apps"), None, "Deployment", "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    row(Some("apps"), None, "Deployment", "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    row(Some("apps"), None, "Deployment", "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    row(Some("apps"), None, "Deployment", "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    row(Some("apps"), None, "Deployment", "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false),
    row(None, None, "ReplicaSet", "spec/selector/matchLabels", true),
    row(None, None, "DaemonSet", "spec/selector/matchLabels", true),
    row(Some("apps"), None, "StatefulSet", "spec/selector/matchLabels", true),
    row(Some("apps"), None, "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true),
    row(Some("apps"), None, "StatefulSet", "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    row(Some("apps"), None, "StatefulSet", "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    row(Some("apps"), None, "StatefulSet", "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    row(Some("apps"), None, "StatefulSet", "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    row(Some("apps"), None, "StatefulSet", "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false),
    row(Some("batch"), None, "Job", "spec/selector/matchLabels", false),
    row(Some("batch"), None, "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false),
    row(Some("policy"), None, "PodDisruptionBudget", "spec/selector/matchLabels", false),
    row(Some("networking.k8s.io"), None, "NetworkPolicy", "spec/podSelector/matchLabels", false),
    row(Some("networking.k8s.io"), None, "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false),
    row(Some("networking.k8s.io"), None, "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false),
];

fn applies(obj: &Obj, group: Option<&str>, version: Option<&str>, kind: Option<&str>) -> bool {
    kind.is_none_or(|k| k == obj.kind())
        && group.is_none_or(|g| g == obj.group())
        && version.is_none_or(|v| v == obj.version())
}

/// Label values are strings in Kubernetes; kustomize writes scalars as their text.
fn as_strings(pairs: &Map<String, Value>) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(scalar_text(v).unwrap_or_default())))
        .collect()
}

/// Merges `pairs` into the map at `path`, creating it when `create`.
fn set_at(obj: &mut Obj, path: &[Seg], create: bool, pairs: &Map<String, Value>) {
    let walk = Walk {
        create,
        implicit_lists: true,
    };
    let _ = visit_mut::<()>(&mut obj.value, path, walk, &mut |v| {
        if create || v.is_object() {
            merge_string_map(v, pairs);
        }
        Ok(())
    });
}

/// Sets `pairs` under `<metadata path>/<leaf>` for every row that applies to `obj`.
pub fn set_on_metadata(obj: &mut Obj, rows: &[Row], leaf: &str, pairs: &Map<String, Value>) {
    let pairs = as_strings(pairs);
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|r| applies(obj, r.group, r.version, r.kind))
        .collect();
    for r in rows {
        let mut segs = parse_slash(r.path);
        segs.push(Seg::Key(leaf.to_string()));
        set_at(obj, &segs, r.create, &pairs);
    }
}

fn set_on_rows(obj: &mut Obj, rows: &[Row], pairs: &Map<String, Value>) {
    let pairs = as_strings(pairs);
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|r| applies(obj, r.group, r.version, r.kind))
        .collect();
    for r in rows {
        set_at(obj, &parse_slash(r.path), r.create, &pairs);
    }
}

fn set_on_specs(obj: &mut Obj, specs: &[FieldSpec], pairs: &Map<String, Value>) {
    let pairs = as_strings(pairs);
    let specs: Vec<&FieldSpec> = specs
        .iter()
        .filter(|s| {
            applies(
                obj,
                s.group.as_deref(),
                s.version.as_deref(),
                s.kind.as_deref(),
            )
        })
        .collect();
    for s in specs {
        set_at(obj, &parse_slash(&s.path), s.create, &pairs);
    }
}

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    if let Some(pairs) = k.k.common_labels.as_ref().filter(|p| !p.is_empty()) {
        if let Some(dup) =
            k.k.labels
                .iter()
                .flat_map(|l| l.pairs.keys())
                .find(|key| pairs.contains_key(*key))
        {
            return Err(k.error(
                "commonLabels",
                format!("label name '{dup}' exists in both commonLabels and labels"),
            ));
        }
        for obj in objs.iter_mut() {
            set_on_metadata(obj, METADATA_PATHS, "labels", pairs);
            set_on_rows(obj, SELECTOR_PATHS, pairs);
        }
    }
    for set in &k.k.labels {
        for obj in objs.iter_mut() {
            let rows = if set.include_selectors || set.include_templates {
                METADATA_PATHS
            } else {
                &METADATA_PATHS[..1]
            };
            set_on_metadata(obj, rows, "labels", &set.pairs);
            if set.include_selectors {
                set_on_rows(obj, SELECTOR_PATHS, &set.pairs);
            } else if set.include_templates || set.include_volume_claim_templates {
                set_on_rows(obj, VOLUME_CLAIM_PATHS, &set.pairs);
            }
            set_on_specs(obj, &set.fields, &set.pairs);
        }
    }
    Ok(())
}
