//! `configurations:`: transformer field specs (kubebuilder's `kustomizeconfig.yaml` files) that
//! extend kustomize's built-in ones, and the built-in `varReference` list used by `vars:`.
//!
//! kustomize merges a kustomization's configurations with those of every base and component it
//! accumulates (a base's configuration reaches its parents, not its siblings), and uses the merged
//! set for that kustomization's transformers; name references and vars are resolved once, at the
//! top, with the set merged over the whole tree. kiln's transforms carry kustomize's built-in field
//! specs themselves; this file holds only what the configurations add. An entry equal to a
//! built-in one (same group, version, kind and path) adds nothing, as in kustomize.

use super::kustomization::{FieldSpec, Loaded};
use crate::error::{Error, ErrorKind, Location, Result};
use serde::Deserialize;

/// The field-spec lists a configuration file may hold (kustomize's `TransformerConfig`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub volume_claim_template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackRefs>,
    pub var_reference: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
}

/// A `nameReference` entry: objects of `kind` are named by the fields `field_specs`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NameBackRefs {
    pub kind: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub api_version: Option<String>,
    pub field_specs: Vec<FieldSpec>,
}

fn same_spec(a: &FieldSpec, b: &FieldSpec) -> bool {
    a.path == b.path
        && a.kind.as_deref().unwrap_or("") == b.kind.as_deref().unwrap_or("")
        && a.group.as_deref().unwrap_or("") == b.group.as_deref().unwrap_or("")
        && a.version.as_deref().unwrap_or("") == b.version.as_deref().unwrap_or("")
}

fn merge_specs(into: &mut Vec<FieldSpec>, from: &[FieldSpec]) {
    for s in from {
        if !into.iter().any(|t| same_spec(t, s)) {
            into.push(s.clone());
        }
    }
}

impl TransformerConfig {
    pub fn is_empty(&self) -> bool {
        *self == TransformerConfig::default()
    }

    /// Adds `other`'s entries (kustomize's `TransformerConfig.Merge`).
    pub fn merge(&mut self, other: &TransformerConfig) {
        merge_specs(&mut self.name_prefix, &other.name_prefix);
        merge_specs(&mut self.name_suffix, &other.name_suffix);
        merge_specs(&mut self.namespace, &other.namespace);
        merge_specs(&mut self.common_labels, &other.common_labels);
        merge_specs(&mut self.labels, &other.labels);
        merge_specs(&mut self.template_labels, &other.template_labels);
        merge_specs(
            &mut self.volume_claim_template_labels,
            &other.volume_claim_template_labels,
        );
        merge_specs(&mut self.common_annotations, &other.common_annotations);
        merge_specs(&mut self.var_reference, &other.var_reference);
        merge_specs(&mut self.images, &other.images);
        merge_specs(&mut self.replicas, &other.replicas);
        for nb in &other.name_reference {
            match self
                .name_reference
                .iter_mut()
                .find(|t| t.kind == nb.kind && t.group_version() == nb.group_version())
            {
                Some(t) => merge_specs(&mut t.field_specs, &nb.field_specs),
                None => self.name_reference.push(nb.clone()),
            }
        }
    }

    /// Reads the `configurations:` files of a kustomization.
    pub fn load(k: &Loaded) -> Result<TransformerConfig> {
        let mut cfg = TransformerConfig::default();
        for entry in &k.k.configurations {
            let (text, display) = super::build::read_file(k, entry)?;
            let raw = crate::yaml::parse_document(&text, &display)?;
            if raw.is_null() {
                continue;
            }
            let one: TransformerConfig = serde_json::from_value(raw).map_err(|e| {
                Error::new(
                    ErrorKind::Overlay,
                    format!("invalid transformer configuration: {e}"),
                )
                .with_location(Location::in_source(&display, &text, 1, 1, 1))
            })?;
            cfg.merge(&one);
        }
        Ok(cfg)
    }
}

impl NameBackRefs {
    /// (group, version) of the referred kind.
    pub fn group_version(&self) -> (String, String) {
        if let Some(av) = self.api_version.as_deref().filter(|a| !a.is_empty()) {
            return match av.split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), av.to_string()),
            };
        }
        (
            self.group.clone().unwrap_or_default(),
            self.version.clone().unwrap_or_default(),
        )
    }
}

/// Whether a field spec's kind/group/version filters select an object.
pub fn selects(spec: &FieldSpec, obj: &super::Obj) -> bool {
    let ok = |want: &Option<String>, have: &str| {
        want.as_deref().is_none_or(|w| w.is_empty() || w == have)
    };
    ok(&spec.kind, obj.kind()) && ok(&spec.group, obj.group()) && ok(&spec.version, obj.version())
}

/// kustomize's built-in `varReference` field specs: the fields `$(VAR)` is expanded in.
pub fn builtin_var_reference() -> Vec<FieldSpec> {
    const POD: &[&str] = &[
        "containers/args",
        "containers/command",
        "containers/env/value",
        "containers/volumeMounts/mountPath",
        "initContainers/args",
        "initContainers/command",
        "initContainers/env/value",
        "initContainers/volumeMounts/mountPath",
    ];
    let spec = |kind: &str, path: String| FieldSpec {
        path,
        kind: (!kind.is_empty()).then(|| kind.to_string()),
        ..FieldSpec::default()
    };
    let mut out = Vec::new();
    let workloads: &[(&str, &str, &str)] = &[
        // kind, pod spec prefix, nfs server path
        (
            "CronJob",
            "spec/jobTemplate/spec/template/spec/",
            "spec/jobTemplate/spec/template/volumes/nfs/server",
        ),
        (
            "DaemonSet",
            "spec/template/spec/",
            "spec/template/spec/volumes/nfs/server",
        ),
        (
            "Deployment",
            "spec/template/spec/",
            "spec/template/spec/volumes/nfs/server",
        ),
        (
            "Job",
            "spec/template/spec/",
            "spec/template/spec/volumes/nfs/server",
        ),
        ("Pod", "spec/", "spec/volumes/nfs/server"),
        (
            "ReplicaSet",
            "spec/template/spec/",
            "spec/template/spec/volumes/nfs/server",
        ),
        (
            "StatefulSet",
            "spec/template/spec/",
            "spec/volumeClaimTemplates/spec/nfs/server",
        ),
    ];
    for (kind, prefix, nfs) in workloads {
        for p in POD {
            out.push(spec(kind, format!("{prefix}{p}")));
        }
        out.push(spec(kind, nfs.to_string()));
        if *kind == "Deployment" {
            out.push(spec(kind, "spec/template/metadata/annotations".into()));
        }
    }
    for p in ["spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"] {
        out.push(spec("Ingress", p.into()));
    }
    for p in ["spec/ports/port", "spec/ports/targetPort"] {
        out.push(spec("Service", p.into()));
    }
    out.push(spec("PersistentVolume", "spec/nfs/server".into()));
    out.push(spec("", "metadata/labels".into()));
    out.push(spec("", "metadata/annotations".into()));
    out
}
