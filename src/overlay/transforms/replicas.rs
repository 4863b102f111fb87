//! `replicas`: sets `spec.replicas` of the named Deployment, ReplicationController, ReplicaSet
//! or StatefulSet. A name that matches none of those is an error.

use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;
use serde_json::Value;

const KINDS: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for r in &k.k.replicas {
        let mut found = false;
        for obj in objs
            .iter_mut()
            .filter(|o| o.name() == r.name || o.orig_name == r.name)
        {
            // `configurations:` replicas fields (a custom resource's `spec/size`, ...).
            let custom: Vec<_> = k
                .cfg
                .replicas
                .iter()
                .filter(|s| crate::overlay::config::selects(s, obj))
                .cloned()
                .collect();
            if !custom.is_empty() {
                found = true;
                let walk = crate::overlay::fieldpath::Walk {
                    create: true,
                    implicit_lists: true,
                };
                for spec in custom {
                    let segs = crate::overlay::fieldpath::parse_slash(&spec.path);
                    let walk = crate::overlay::fieldpath::Walk {
                        create: spec.create,
                        ..walk
                    };
                    let _ = crate::overlay::fieldpath::visit_mut::<()>(
                        &mut obj.value,
                        &segs,
                        walk,
                        &mut |v| {
                            if spec.create || !v.is_null() {
                                *v = Value::from(r.count);
                            }
                            Ok(())
                        },
                    );
                }
            }
            if !KINDS.contains(&obj.kind()) {
                continue;
            }
            found = true;
            if let Value::Object(map) = &mut obj.value {
                let spec = map
                    .entry("spec")
                    .or_insert_with(|| Value::Object(Default::default()));
                if !spec.is_object() {
                    *spec = Value::Object(Default::default());
                }
                spec["replicas"] = Value::from(r.count);
            }
        }
        if !found {
            return Err(k.error(
                &r.name,
                format!(
                    "replicas: no Deployment, ReplicationController, ReplicaSet or StatefulSet named `{}`",
                    r.name
                ),
            ));
        }
    }
    Ok(())
}
