//! Name-reference fix-up: after prefixes, suffixes and hash suffixes, every field that names
//! another object of the build is pointed at that object's final name (and, for RBAC subjects,
//! namespace). One index of the build's objects by (kind, original name); each referring field is
//! one lookup.

use super::build::ns_eq;
use super::fieldpath::{visit_mut, Seg, Walk};
use super::pods::pod_spec_path;
use super::Obj;
use crate::error::{Error, ErrorKind, Result};
use serde_json::Value;
use std::collections::HashMap;

/// A field that names an object of `kind`, at `path` below the pod spec (`pod: true`) or the
/// object root, in objects of `in_kinds`.
struct RefField {
    kind: &'static str,
    in_kinds: &'static [&'static str],
    pod: bool,
    path: &'static str,
}

/// Workloads whose pod specs kustomize scans for ConfigMap and Secret references.
const CONFIG_USERS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "CronJob",
];
/// Workloads whose pod specs kustomize scans for ServiceAccount, PVC and PriorityClass names
/// (ReplicationController yes, ReplicaSet no: kustomize's table, kept for identical output).
const IDENTITY_USERS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicationController",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "CronJob",
];

const fn pod(
    in_kinds: &'static [&'static str],
    kind: &'static str,
    path: &'static str,
) -> RefField {
    RefField {
        kind,
        in_kinds,
        pod: true,
        path,
    }
}

const fn at(kind: &'static str, in_kinds: &'static [&'static str], path: &'static str) -> RefField {
    RefField {
        kind,
        in_kinds,
        pod: false,
        path,
    }
}

const REF_FIELDS: &[RefField] = &[
    pod(CONFIG_USERS, "ConfigMap", "volumes/configMap/name"),
    pod(
        CONFIG_USERS,
        "ConfigMap",
        "volumes/projected/sources/configMap/name",
    ),
    pod(
        CONFIG_USERS,
        "ConfigMap",
        "containers/env/valueFrom/configMapKeyRef/name",
    ),
    pod(
        CONFIG_USERS,
        "ConfigMap",
        "initContainers/env/valueFrom/configMapKeyRef/name",
    ),
    pod(
        CONFIG_USERS,
        "ConfigMap",
        "containers/envFrom/configMapRef/name",
    ),
    pod(
        CONFIG_USERS,
        "ConfigMap",
        "initContainers/envFrom/configMapRef/name",
    ),
    pod(CONFIG_USERS, "Secret", "volumes/secret/secretName"),
    pod(
        CONFIG_USERS,
        "Secret",
        "volumes/projected/sources/secret/name",
    ),
    pod(
        CONFIG_USERS,
        "Secret",
        "containers/env/valueFrom/secretKeyRef/name",
    ),
    pod(
        CONFIG_USERS,
        "Secret",
        "initContainers/env/valueFrom/secretKeyRef/name",
    ),
    pod(CONFIG_USERS, "Secret", "containers/envFrom/secretRef/name"),
    pod(
        CONFIG_USERS,
        "Secret",
        "initContainers/envFrom/secretRef/name",
    ),
    pod(CONFIG_USERS, "Secret", "imagePullSecrets/name"),
    pod(IDENTITY_USERS, "ServiceAccount", "serviceAccountName"),
    pod(
        IDENTITY_USERS,
        "PersistentVolumeClaim",
        "volumes/persistentVolumeClaim/claimName",
    ),
    pod(IDENTITY_USERS, "PriorityClass", "priorityClassName"),
    at("Secret", &["ServiceAccount"], "imagePullSecrets/name"),
    at("Secret", &["Ingress"], "spec/tls/secretName"),
    at("Secret", &["StorageClass"], "parameters/secretName"),
    at("Secret", &["StorageClass"], "parameters/adminSecretName"),
    at("Secret", &["StorageClass"], "parameters/userSecretName"),
    at("Secret", &["StorageClass"], "parameters/secretRef"),
    at("Service", &["StatefulSet"], "spec/serviceName"),
    at(
        "Service",
        &["Ingress"],
        "spec/rules/http/paths/backend/service/name",
    ),
    at("Service", &["Ingress"], "spec/defaultBackend/service/name"),
    at("Service", &["APIService"], "spec/service/name"),
    at("Service", &["HTTPRoute"], "spec/rules/backendRefs/name"),
    at(
        "PersistentVolume",
        &["PersistentVolumeClaim"],
        "spec/volumeName",
    ),
    at(
        "StorageClass",
        &["PersistentVolume", "PersistentVolumeClaim"],
        "spec/storageClassName",
    ),
    at(
        "StorageClass",
        &["StatefulSet"],
        "spec/volumeClaimTemplates/spec/storageClassName",
    ),
    at("IngressClass", &["Ingress"], "spec/ingressClassName"),
];

/// Kinds whose objects live in no namespace, for matching references.
fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "ClusterRole"
            | "PriorityClass"
            | "PersistentVolume"
            | "StorageClass"
            | "IngressClass"
            | "Namespace"
    )
}

/// What the index needs to know of each object (a snapshot, so objects can be rewritten).
struct Snap {
    name: String,
    namespace: String,
    orig_namespace: String,
}

struct Index {
    snaps: Vec<Snap>,
    by_name: HashMap<(String, String), Vec<usize>>,
}

impl Index {
    fn new(objs: &[Obj]) -> Index {
        let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, o) in objs.iter().enumerate() {
            by_name
                .entry((o.kind().to_string(), o.orig_name.clone()))
                .or_default()
                .push(i);
            if o.name() != o.orig_name {
                by_name
                    .entry((o.kind().to_string(), o.name().to_string()))
                    .or_default()
                    .push(i);
            }
        }
        let snaps = objs
            .iter()
            .map(|o| Snap {
                name: o.name().to_string(),
                namespace: o.namespace().to_string(),
                orig_namespace: o.orig_namespace.clone(),
            })
            .collect();
        Index { snaps, by_name }
    }

    /// The one object of `kind` once named `name`, seen from namespace `ns` (or `orig_ns`).
    fn find(&self, kind: &str, name: &str, ns: &str, orig_ns: &str) -> Result<Option<&Snap>> {
        let Some(cands) = self.by_name.get(&(kind.to_string(), name.to_string())) else {
            return Ok(None);
        };
        let mut hits: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&i| {
                let s = &self.snaps[i];
                cluster_scoped(kind) || ns_eq(&s.namespace, ns) || ns_eq(&s.orig_namespace, orig_ns)
            })
            .collect();
        hits.sort_unstable();
        hits.dedup();
        if hits.len() > 1 {
            let same: Vec<usize> = hits
                .iter()
                .copied()
                .filter(|&i| ns_eq(&self.snaps[i].namespace, ns))
                .collect();
            if same.len() == 1 {
                return Ok(Some(&self.snaps[same[0]]));
            }
            return Err(Error::new(
                ErrorKind::Overlay,
                format!(
                    "reference to {kind} `{name}` is ambiguous: {} objects match",
                    hits.len()
                ),
            ));
        }
        Ok(hits.first().map(|&i| &self.snaps[i]))
    }
}

/// Points every reference at the final names.
pub fn fix_references(objs: &mut [Obj]) -> Result<()> {
    let index = Index::new(objs);
    let walk = Walk {
        create: false,
        implicit_lists: true,
    };
    for obj in objs.iter_mut() {
        let kind = obj.kind().to_string();
        let ns = obj.namespace().to_string();
        let orig_ns = obj.orig_namespace.clone();
        let pod_path = pod_spec_path(&kind);
        for f in REF_FIELDS {
            let mut segs: Vec<Seg> = Vec::new();
            if !f.in_kinds.contains(&kind.as_str()) {
                continue;
            }
            if f.pod {
                let Some(p) = pod_path else { continue };
                segs.extend(p.iter().map(|k| Seg::Key(k.to_string())));
            }
            segs.extend(super::fieldpath::parse_slash(f.path));
            visit_mut(&mut obj.value, &segs, walk, &mut |v: &mut Value| {
                if let Some(name) = v.as_str() {
                    if let Some(target) = index.find(f.kind, name, &ns, &orig_ns)? {
                        *v = Value::String(target.name.clone());
                    }
                }
                Ok::<(), Error>(())
            })?;
        }
        match kind.as_str() {
            "HorizontalPodAutoscaler" => {
                if let Some(target) = obj.value.pointer_mut("/spec/scaleTargetRef") {
                    rename_typed(target, &index, &ns, &orig_ns)?;
                }
            }
            "RoleBinding" | "ClusterRoleBinding" => {
                if let Some(role) = obj.value.get_mut("roleRef") {
                    rename_typed(role, &index, &ns, &orig_ns)?;
                }
                if let Some(Value::Array(subjects)) = obj.value.get_mut("subjects") {
                    for s in subjects {
                        rename_subject(s, &index, &ns)?;
                    }
                }
            }
            "Role" | "ClusterRole" => {
                if let Some(Value::Array(rules)) = obj.value.get_mut("rules") {
                    for rule in rules {
                        rename_rule(rule, &index, &ns, &orig_ns)?;
                    }
                }
            }
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
                if let Some(Value::Array(hooks)) = obj.value.get_mut("webhooks") {
                    for h in hooks {
                        if let Some(svc) = h.pointer_mut("/clientConfig/service") {
                            rename_service_ref(svc, &index)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `{kind, name}` references (HPA scaleTargetRef, roleRef).
fn rename_typed(r: &mut Value, index: &Index, ns: &str, orig_ns: &str) -> Result<()> {
    let kind = r
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(name) = r.get("name").and_then(Value::as_str).map(str::to_string) else {
        return Ok(());
    };
    if let Some(t) = index.find(&kind, &name, ns, orig_ns)? {
        r["name"] = Value::String(t.name.clone());
    }
    Ok(())
}

/// RBAC subjects: a ServiceAccount of the build is followed in name and namespace.
fn rename_subject(s: &mut Value, index: &Index, binding_ns: &str) -> Result<()> {
    if s.get("kind").and_then(Value::as_str) != Some("ServiceAccount") {
        return Ok(());
    }
    let Some(name) = s.get("name").and_then(Value::as_str).map(str::to_string) else {
        return Ok(());
    };
    let sns = s
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or(binding_ns)
        .to_string();
    if let Some(t) = index.find("ServiceAccount", &name, &sns, &sns)? {
        s["name"] = Value::String(t.name.clone());
        if s.get("namespace").is_some() || !t.namespace.is_empty() {
            s["namespace"] = Value::String(t.namespace.clone());
        }
    }
    Ok(())
}

/// Role rules naming ConfigMaps or Secrets in `resourceNames`.
fn rename_rule(rule: &mut Value, index: &Index, ns: &str, orig_ns: &str) -> Result<()> {
    let resources: Vec<String> = rule
        .get("resources")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Array(names)) = rule.get_mut("resourceNames") else {
        return Ok(());
    };
    for n in names {
        let Some(name) = n.as_str().map(str::to_string) else {
            continue;
        };
        for (res, kind) in [("configmaps", "ConfigMap"), ("secrets", "Secret")] {
            if resources.iter().any(|r| r == res) {
                if let Some(t) = index.find(kind, &name, ns, orig_ns)? {
                    *n = Value::String(t.name.clone());
                    break;
                }
            }
        }
    }
    Ok(())
}

/// `{name, namespace}` Service references of webhooks.
fn rename_service_ref(svc: &mut Value, index: &Index) -> Result<()> {
    let Some(name) = svc.get("name").and_then(Value::as_str).map(str::to_string) else {
        return Ok(());
    };
    let sns = svc
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(t) = index.find("Service", &name, &sns, &sns)? {
        svc["name"] = Value::String(t.name.clone());
        if svc.get("namespace").is_some() {
            svc["namespace"] = Value::String(t.namespace.clone());
        }
    }
    Ok(())
}
