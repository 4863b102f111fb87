//! Name references: which fields of an object name another object (one table, one walk, used by
//! the overlay build and by `kiln chartify`), and the overlay's fix-up after prefixes, suffixes and
//! hash suffixes, which points every reference at the final name (and, for RBAC subjects,
//! namespace). One index of the build's objects by (kind, original name); each referring field is
//! one lookup.

use super::build::ns_eq;
use super::config::{selects, NameBackRefs};
use super::fieldpath::{parse_slash, visit_mut, Seg, Walk};
use super::Obj;
use crate::error::{Error, ErrorKind, Result};
use crate::k8s::pods::pod_template_at;
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
    moved: bool,
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
                moved: o.moved,
            })
            .collect();
        Index { snaps, by_name }
    }

    /// The one object of `kind` once named `name`, seen from namespace `ns` (or `orig_ns`).
    /// `orig_ns`: also accept referrals first loaded in that namespace (RBAC subjects and
    /// webhook services, which name their namespace; kustomize groups those candidates by
    /// original namespace).
    fn find(
        &self,
        kind: &str,
        name: &str,
        ns: &str,
        orig_ns: Option<&str>,
    ) -> Result<Option<&Snap>> {
        let Some(cands) = self.by_name.get(&(kind.to_string(), name.to_string())) else {
            return Ok(None);
        };
        let mut hits: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&i| {
                let s = &self.snaps[i];
                // kustomize: the referral must be in the referrer's current namespace, unless it
                // is cluster-scoped (ServiceAccount subjects carry their own namespace).
                cluster_scoped(kind)
                    || ns_eq(&s.namespace, ns)
                    || orig_ns.is_some_and(|o| ns_eq(&s.orig_namespace, o))
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

impl Index {
    /// The one object of `kind` once named `name`, in any namespace (`None` when ambiguous).
    fn find_any_namespace(&self, kind: &str, name: &str) -> Option<&Snap> {
        let cands = self.by_name.get(&(kind.to_string(), name.to_string()))?;
        let mut hits: Vec<usize> = cands.clone();
        hits.sort_unstable();
        hits.dedup();
        match hits.as_slice() {
            [one] => Some(&self.snaps[*one]),
            _ => None,
        }
    }
}

/// Which references a walk reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefScope {
    /// Exactly the fields kustomize's name-reference fix-up follows (for identical output).
    Kustomize,
    /// Also every workload kind's pod spec and KEDA's `scaleTargetRef` (for chartify).
    All,
}

/// A reference found in an object, to read and rewrite.
pub struct Ref<'v> {
    /// The kind of the object it names.
    pub kind: String,
    /// The namespace written next to the name (RBAC subjects, webhook services), if any.
    pub namespace: Option<String>,
    value: &'v mut Value,
    /// `value` is a `{name, namespace}` map rather than the name itself.
    in_map: bool,
}

impl Ref<'_> {
    /// The name it refers to.
    pub fn name(&self) -> Option<&str> {
        if self.in_map {
            self.value.get("name").and_then(Value::as_str)
        } else {
            self.value.as_str()
        }
    }

    /// Replaces the name.
    pub fn set_name(&mut self, name: Value) {
        if self.in_map {
            self.value["name"] = name;
        } else {
            *self.value = name;
        }
    }

    /// Whether the reference carries its own namespace field (RBAC subjects, webhook services).
    pub fn has_namespace_field(&self) -> bool {
        self.in_map
    }

    /// Sets the namespace field of a `{name, namespace}` reference (no-op for plain names).
    pub fn set_namespace(&mut self, ns: &str) {
        if self.in_map {
            self.value["namespace"] = Value::String(ns.to_string());
        }
    }
}

/// Calls `f` on every name reference in `obj` (of kind `kind`).
pub fn for_each_ref(
    obj: &mut Value,
    kind: &str,
    scope: RefScope,
    f: &mut dyn FnMut(Ref<'_>) -> Result<()>,
) -> Result<()> {
    let walk = Walk {
        create: false,
        implicit_lists: true,
    };
    let pod = pod_template_at(kind);
    for field in REF_FIELDS {
        let applies = field.in_kinds.contains(&kind)
            || (scope == RefScope::All && field.pod && pod.is_some());
        if !applies {
            continue;
        }
        let mut segs: Vec<Seg> = Vec::new();
        if field.pod {
            let Some(at) = pod else { continue };
            segs.extend(at.keys.iter().map(|k| Seg::Key(k.to_string())));
            segs.push(Seg::Key("spec".into()));
        }
        segs.extend(parse_slash(field.path));
        visit_mut(obj, &segs, walk, &mut |v: &mut Value| {
            if v.is_string() {
                f(Ref {
                    kind: field.kind.to_string(),
                    namespace: None,
                    value: v,
                    in_map: false,
                })?;
            }
            Ok::<(), Error>(())
        })?;
    }
    let typed = |r: &mut Value, f: &mut dyn FnMut(Ref<'_>) -> Result<()>| -> Result<()> {
        let kind = r
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        match r.get_mut("name") {
            Some(v) if v.is_string() => f(Ref {
                kind,
                namespace: None,
                value: v,
                in_map: false,
            }),
            _ => Ok(()),
        }
    };
    match kind {
        "HorizontalPodAutoscaler" => {
            if let Some(t) = obj.pointer_mut("/spec/scaleTargetRef") {
                typed(t, f)?;
            }
        }
        "ScaledObject" if scope == RefScope::All => {
            if let Some(t) = obj.pointer_mut("/spec/scaleTargetRef") {
                if t.get("kind").is_none() {
                    // KEDA's default target kind.
                    if let Some(v) = t.get_mut("name").filter(|v| v.is_string()) {
                        f(Ref {
                            kind: "Deployment".into(),
                            namespace: None,
                            value: v,
                            in_map: false,
                        })?;
                    }
                } else {
                    typed(t, f)?;
                }
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            if let Some(role) = obj.get_mut("roleRef") {
                typed(role, f)?;
            }
            if let Some(Value::Array(subjects)) = obj.get_mut("subjects") {
                for s in subjects {
                    if s.get("kind").and_then(Value::as_str) != Some("ServiceAccount")
                        || !s.get("name").is_some_and(Value::is_string)
                    {
                        continue;
                    }
                    let namespace = s
                        .get("namespace")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    f(Ref {
                        kind: "ServiceAccount".into(),
                        namespace,
                        value: s,
                        in_map: true,
                    })?;
                }
            }
        }
        "Role" | "ClusterRole" => {
            if let Some(Value::Array(rules)) = obj.get_mut("rules") {
                for rule in rules {
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
                        continue;
                    };
                    for (res, target) in [("configmaps", "ConfigMap"), ("secrets", "Secret")] {
                        if !resources.iter().any(|r| r == res) {
                            continue;
                        }
                        for n in names.iter_mut().filter(|n| n.is_string()) {
                            f(Ref {
                                kind: target.into(),
                                namespace: None,
                                value: n,
                                in_map: false,
                            })?;
                        }
                    }
                }
            }
        }
        "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
            if let Some(Value::Array(hooks)) = obj.get_mut("webhooks") {
                for h in hooks {
                    if let Some(svc) = h.pointer_mut("/clientConfig/service") {
                        if svc.get("name").is_some_and(Value::is_string) {
                            let namespace = svc
                                .get("namespace")
                                .and_then(Value::as_str)
                                .map(str::to_string);
                            f(Ref {
                                kind: "Service".into(),
                                namespace,
                                value: svc,
                                in_map: true,
                            })?;
                        }
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Points every reference at the final names: kustomize's built-in reference fields, then the
/// `nameReference` entries of `configurations:`.
pub fn fix_references(objs: &mut [Obj], custom: &[NameBackRefs]) -> Result<()> {
    let index = Index::new(objs);
    fix_builtin(objs, &index)?;
    if custom.is_empty() {
        return Ok(());
    }
    let walk = Walk {
        create: false,
        implicit_lists: true,
    };
    for obj in objs.iter_mut() {
        let ns = obj.namespace().to_string();
        // A cluster-scoped object (a CRD's conversion webhook, a webhook configuration) may name
        // an object of any namespace.
        let any_ns = !crate::k8s::is_namespaced(obj.api_version(), obj.kind());
        for nb in custom {
            let chosen: Vec<_> = nb.field_specs.iter().filter(|s| selects(s, obj)).collect();
            for spec in chosen {
                let segs = parse_slash(&spec.path);
                visit_mut(&mut obj.value, &segs, walk, &mut |v: &mut Value| {
                    let mut rename = |v: &mut Value| -> Result<()> {
                        if let Some(name) = v.as_str() {
                            let found = if any_ns {
                                index.find_any_namespace(&nb.kind, name)
                            } else {
                                index.find(&nb.kind, name, &ns, None)?
                            };
                            if let Some(t) = found {
                                *v = Value::String(t.name.clone());
                            }
                        }
                        Ok(())
                    };
                    match v {
                        Value::Array(items) => items.iter_mut().try_for_each(&mut rename),
                        other => rename(other),
                    }
                })?;
            }
        }
    }
    Ok(())
}

fn fix_builtin(objs: &mut [Obj], index: &Index) -> Result<()> {
    for obj in objs.iter_mut() {
        let kind = obj.kind().to_string();
        let ns = obj.namespace().to_string();
        let any_ns = !crate::k8s::is_namespaced(obj.api_version(), &kind);
        for_each_ref(&mut obj.value, &kind, RefScope::Kustomize, &mut |mut r| {
            let Some(name) = r.name().map(str::to_string) else {
                return Ok(());
            };
            if r.has_namespace_field() {
                // RBAC subjects and webhook services name their own namespace.
                let own = if kind == "ValidatingWebhookConfiguration"
                    || kind == "MutatingWebhookConfiguration"
                {
                    String::new()
                } else {
                    ns.clone()
                };
                let sns = r.namespace.clone().unwrap_or(own);
                // kustomize follows only objects a name or namespace transform has touched
                // (their "previous ids"): an untouched account leaves the subject as written.
                if let Some(t) = index
                    .find(&r.kind, &name, &sns, Some(&sns))?
                    .filter(|t| t.moved)
                {
                    let (new_name, new_ns) = (t.name.clone(), t.namespace.clone());
                    let had_ns = r.namespace.is_some();
                    r.set_name(Value::String(new_name));
                    if had_ns || (!new_ns.is_empty() && r.kind == "ServiceAccount") {
                        r.set_namespace(&new_ns);
                    }
                }
            } else {
                let found = if any_ns {
                    index.find_any_namespace(&r.kind, &name)
                } else {
                    index.find(&r.kind, &name, &ns, None)?
                };
                if let Some(t) = found {
                    let new_name = t.name.clone();
                    r.set_name(Value::String(new_name));
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}
