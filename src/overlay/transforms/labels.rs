//! `labels` (pairs, includeSelectors, includeTemplates, fields) and the deprecated
//! `commonLabels` (= labels with includeSelectors), on kustomize's field specs.

use crate::error::Result;
use crate::overlay::fieldpath::{merge_string_map, parse_slash, scalar_text, visit_mut, Seg, Walk};
use crate::overlay::kustomization::{FieldSpec, Loaded};
use crate::overlay::Obj;
use serde_json::{Map, Value};

/// A field spec from kustomize's built-in tables: kind/group/version filters, a path, create.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub group: Option<&'a str>,
    pub version: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub path: &'a str,
    pub create: bool,
}

const fn row(
    group: Option<&'static str>,
    version: Option<&'static str>,
    kind: &'static str,
    path: &'static str,
    create: bool,
) -> Row<'static> {
    Row {
        group,
        version,
        kind: Some(kind),
        path,
        create,
    }
}

/// Metadata maps that get labels (and annotations): every object's, and pod/job templates'.
pub const METADATA_PATHS: &[Row<'static>] = &[
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
const VOLUME_CLAIM_PATHS: &[Row<'static>] = &[row(
    Some("apps"),
    None,
    "StatefulSet",
    "spec/volumeClaimTemplates[]/metadata/labels",
    true,
)];

/// Selector fields that `includeSelectors` (and `commonLabels`) also label.
const SELECTOR_PATHS: &[Row<'static>] = &[
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

impl<'a> Row<'a> {
    /// A user field spec (`labels[].fields`, `configurations:`) as a row.
    pub fn from_spec(s: &'a FieldSpec) -> Row<'a> {
        Row {
            group: s.group.as_deref(),
            version: s.version.as_deref(),
            kind: s.kind.as_deref(),
            path: &s.path,
            create: s.create,
        }
    }
}

/// Sets `pairs` (values already strings) at `<row path>[/<leaf>]` for every row that applies to
/// `obj`.
fn set_where(obj: &mut Obj, rows: &[Row], leaf: Option<&str>, pairs: &Map<String, Value>) {
    for r in rows {
        if !applies(obj, r.group, r.version, r.kind) {
            continue;
        }
        let mut segs = parse_slash(r.path);
        if let Some(leaf) = leaf {
            segs.push(Seg::Key(leaf.to_string()));
        }
        set_at(obj, &segs, r.create, pairs);
    }
}

/// Sets `pairs` into the maps at the rows' paths (user field specs point at the map itself).
pub fn set_in_maps(obj: &mut Obj, rows: &[Row], pairs: &Map<String, Value>) {
    if !rows.is_empty() {
        set_where(obj, rows, None, &as_strings(pairs));
    }
}

/// Sets `pairs` under `<metadata path>/<leaf>` for every row that applies to `obj`.
pub fn set_on_metadata(obj: &mut Obj, rows: &[Row], leaf: &str, pairs: &Map<String, Value>) {
    set_where(obj, rows, Some(leaf), &as_strings(pairs));
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
        let pairs = as_strings(pairs);
        let custom: Vec<Row> = k.cfg.common_labels.iter().map(Row::from_spec).collect();
        for obj in objs.iter_mut() {
            set_where(obj, METADATA_PATHS, Some("labels"), &pairs);
            set_where(obj, SELECTOR_PATHS, None, &pairs);
            set_where(obj, &custom, None, &pairs);
        }
    }
    for set in &k.k.labels {
        let pairs = as_strings(&set.pairs);
        let rows = if set.include_selectors || set.include_templates {
            METADATA_PATHS
        } else {
            &METADATA_PATHS[..1]
        };
        let extra = if set.include_selectors {
            SELECTOR_PATHS
        } else if set.include_templates || set.include_volume_claim_templates {
            VOLUME_CLAIM_PATHS
        } else {
            &[]
        };
        let c = &k.cfg;
        let custom_specs: Vec<&FieldSpec> = if set.include_selectors {
            c.common_labels.iter().collect()
        } else {
            let mut v: Vec<&FieldSpec> = c.labels.iter().collect();
            if set.include_templates {
                v.extend(c.template_labels.iter());
            }
            if set.include_templates || set.include_volume_claim_templates {
                v.extend(c.volume_claim_template_labels.iter());
            }
            v
        };
        let fields: Vec<Row> = set
            .fields
            .iter()
            .chain(custom_specs)
            .map(Row::from_spec)
            .collect();
        for obj in objs.iter_mut() {
            set_where(obj, rows, Some("labels"), &pairs);
            set_where(obj, extra, None, &pairs);
            set_where(obj, &fields, None, &pairs);
        }
    }
    Ok(())
}
