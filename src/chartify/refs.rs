//! Which fields of an object name another object, so that renamed objects are followed
//! everywhere: the same references kustomize's name-reference fix-up follows, plus KEDA's
//! `scaleTargetRef` and every workload kind's pod spec.

use crate::overlay::fieldpath::{parse_slash, visit_mut, Walk};
use serde_json::Value;

/// The pod template (`metadata` + `spec`) of a workload kind, as a JSON pointer (`""` for a Pod,
/// which is its own template).
pub fn template_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some(""),
        "PodTemplate" => Some("/template"),
        "Deployment"
        | "ReplicaSet"
        | "ReplicationController"
        | "DaemonSet"
        | "StatefulSet"
        | "Job" => Some("/spec/template"),
        "CronJob" => Some("/spec/jobTemplate/spec/template"),
        _ => None,
    }
}

/// The pod spec of a workload kind, as a JSON pointer.
pub fn pod_spec_pointer(kind: &str) -> Option<String> {
    template_pointer(kind).map(|t| format!("{t}/spec"))
}

/// Reference fields below the pod spec: (target kind, path).
const POD_REFS: &[(&str, &str)] = &[
    ("ConfigMap", "volumes/configMap/name"),
    ("ConfigMap", "volumes/projected/sources/configMap/name"),
    ("ConfigMap", "containers/env/valueFrom/configMapKeyRef/name"),
    (
        "ConfigMap",
        "initContainers/env/valueFrom/configMapKeyRef/name",
    ),
    ("ConfigMap", "containers/envFrom/configMapRef/name"),
    ("ConfigMap", "initContainers/envFrom/configMapRef/name"),
    ("Secret", "volumes/secret/secretName"),
    ("Secret", "volumes/projected/sources/secret/name"),
    ("Secret", "containers/env/valueFrom/secretKeyRef/name"),
    ("Secret", "initContainers/env/valueFrom/secretKeyRef/name"),
    ("Secret", "containers/envFrom/secretRef/name"),
    ("Secret", "initContainers/envFrom/secretRef/name"),
    ("Secret", "imagePullSecrets/name"),
    ("ServiceAccount", "serviceAccountName"),
    (
        "PersistentVolumeClaim",
        "volumes/persistentVolumeClaim/claimName",
    ),
    ("PriorityClass", "priorityClassName"),
];

/// Reference fields from the object root: (target kind, referring kind, path).
const ROOT_REFS: &[(&str, &str, &str)] = &[
    ("Secret", "ServiceAccount", "imagePullSecrets/name"),
    ("Secret", "Ingress", "spec/tls/secretName"),
    (
        "Service",
        "Ingress",
        "spec/rules/http/paths/backend/service/name",
    ),
    ("Service", "Ingress", "spec/defaultBackend/service/name"),
    ("IngressClass", "Ingress", "spec/ingressClassName"),
    ("Service", "StatefulSet", "spec/serviceName"),
    (
        "PersistentVolume",
        "PersistentVolumeClaim",
        "spec/volumeName",
    ),
    (
        "StorageClass",
        "PersistentVolumeClaim",
        "spec/storageClassName",
    ),
    ("StorageClass", "PersistentVolume", "spec/storageClassName"),
];

/// A reference found in an object.
pub struct Ref<'v> {
    /// The kind of the object it names.
    pub kind: String,
    /// The namespace the named object must be in (`None`: the referring object's).
    pub namespace: Option<String>,
    /// The name, to be rewritten.
    pub name: &'v mut Value,
}

/// Calls `f` on every name reference in `obj` (of kind `kind`).
pub fn for_each_ref(obj: &mut Value, kind: &str, f: &mut dyn FnMut(Ref<'_>)) {
    let walk = Walk {
        create: false,
        implicit_lists: true,
    };
    if let Some(pod) = pod_spec_pointer(kind) {
        if let Some(spec) = obj.pointer_mut(&pod) {
            for (target, path) in POD_REFS {
                let _ = visit_mut(spec, &parse_slash(path), walk, &mut |v: &mut Value| {
                    if v.is_string() {
                        f(Ref {
                            kind: target.to_string(),
                            namespace: None,
                            name: v,
                        });
                    }
                    Ok::<(), ()>(())
                });
            }
        }
    }
    for (target, in_kind, path) in ROOT_REFS {
        if *in_kind != kind {
            continue;
        }
        let _ = visit_mut(obj, &parse_slash(path), walk, &mut |v: &mut Value| {
            if v.is_string() {
                f(Ref {
                    kind: target.to_string(),
                    namespace: None,
                    name: v,
                });
            }
            Ok::<(), ()>(())
        });
    }
    match kind {
        "HorizontalPodAutoscaler" | "ScaledObject" => {
            if let Some(Value::Object(t)) = obj.pointer_mut("/spec/scaleTargetRef") {
                let target = t
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("Deployment")
                    .to_string();
                if let Some(name) = t.get_mut("name") {
                    f(Ref {
                        kind: target,
                        namespace: None,
                        name,
                    });
                }
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            if let Some(Value::Object(r)) = obj.get_mut("roleRef") {
                let target = r
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if let Some(name) = r.get_mut("name") {
                    f(Ref {
                        kind: target,
                        namespace: None,
                        name,
                    });
                }
            }
            if let Some(Value::Array(subjects)) = obj.get_mut("subjects") {
                for s in subjects {
                    let Value::Object(s) = s else { continue };
                    if s.get("kind").and_then(Value::as_str) != Some("ServiceAccount") {
                        continue;
                    }
                    let ns = s
                        .get("namespace")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    if let Some(name) = s.get_mut("name") {
                        f(Ref {
                            kind: "ServiceAccount".into(),
                            namespace: Some(ns.unwrap_or_default()),
                            name,
                        });
                    }
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
                    let target = if resources.iter().any(|r| r == "configmaps") {
                        "ConfigMap"
                    } else if resources.iter().any(|r| r == "secrets") {
                        "Secret"
                    } else {
                        continue;
                    };
                    if let Some(Value::Array(names)) = rule.get_mut("resourceNames") {
                        for n in names {
                            f(Ref {
                                kind: target.into(),
                                namespace: None,
                                name: n,
                            });
                        }
                    }
                }
            }
        }
        _ => {}
    }
}
