//! `namespace`: sets `metadata.namespace` on every namespaced object (scope from the
//! Kubernetes 1.35 API; unknown kinds count as namespaced, as kustomize does), renames `v1`
//! Namespace objects, moves RBAC subjects named `default`, and sets APIService and CRD
//! conversion-webhook service namespaces.

use crate::error::Result;
use crate::k8s;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;
use serde_json::Value;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    let Some(ns) = k.k.namespace.as_deref().filter(|n| !n.is_empty()) else {
        return Ok(());
    };
    let schema = super::patching::custom_schema(k)?;
    for obj in objs.iter_mut() {
        let (av, kind) = (obj.api_version().to_string(), obj.kind().to_string());
        let namespaced = schema
            .as_ref()
            .and_then(|s| s.is_namespaced(&av, &kind))
            .unwrap_or_else(|| k8s::is_namespaced(&av, &kind));
        obj.moved = true;
        if kind == "Namespace" && av == "v1" {
            obj.set_name(ns);
        } else if namespaced {
            obj.set_namespace(ns);
        }
        let v = &mut obj.value;
        match kind.as_str() {
            "RoleBinding" | "ClusterRoleBinding" => {
                if let Some(Value::Array(subjects)) = v.get_mut("subjects") {
                    for s in subjects
                        .iter_mut()
                        .filter(|s| s.get("name").and_then(Value::as_str) == Some("default"))
                    {
                        s["namespace"] = Value::String(ns.to_string());
                    }
                }
            }
            "APIService" => {
                if let Some(svc) = v.pointer_mut("/spec/service").filter(|s| s.is_object()) {
                    svc["namespace"] = Value::String(ns.to_string());
                }
            }
            "CustomResourceDefinition" => {
                if let Some(svc) = v.pointer_mut("/spec/conversion/webhook/clientConfig/service") {
                    if svc.get("namespace").is_some() {
                        svc["namespace"] = Value::String(ns.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    // `configurations:` namespace fields.
    let walk = crate::overlay::fieldpath::Walk {
        create: false,
        implicit_lists: true,
    };
    for spec in k
        .cfg
        .namespace
        .iter()
        .filter(|s| s.path != "metadata/namespace" && s.path != "metadata/name")
    {
        let segs = crate::overlay::fieldpath::parse_slash(&spec.path);
        let walk = crate::overlay::fieldpath::Walk {
            create: spec.create,
            ..walk
        };
        for obj in objs
            .iter_mut()
            .filter(|o| crate::overlay::config::selects(spec, o))
        {
            let _ =
                crate::overlay::fieldpath::visit_mut::<()>(&mut obj.value, &segs, walk, &mut |v| {
                    if v.is_string() || v.is_null() {
                        *v = Value::String(ns.to_string());
                    }
                    Ok(())
                });
        }
    }
    Ok(())
}
