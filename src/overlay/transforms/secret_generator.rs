//! `secretGenerator`: Secrets (values base64-encoded, `type` default Opaque) from literals,
//! files and env files, with a content-hash name suffix unless disabled.

use super::generator;
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;
use serde_json::{Map, Value};

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for g in &k.k.secret_generator {
        let opts = generator::options(k, g);
        let mut pairs = generator::pairs(k, g)?;
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let data: Map<String, Value> = pairs
            .into_iter()
            .map(|(key, v)| (key, Value::String(generator::encode_base64(&v))))
            .collect();
        let mut obj = Map::new();
        obj.insert("apiVersion".into(), Value::String("v1".into()));
        obj.insert("kind".into(), Value::String("Secret".into()));
        obj.insert("metadata".into(), generator::metadata(g, &opts));
        // kustomize keeps `data: {}` on a secret with no keys.
        obj.insert("data".into(), Value::Object(data));
        obj.insert(
            "type".into(),
            Value::String(
                g.type_
                    .clone()
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "Opaque".into()),
            ),
        );
        if let Some(im) = opts.immutable {
            obj.insert("immutable".into(), Value::Bool(im));
        }
        let hash = !opts.disable_name_suffix_hash.unwrap_or(false);
        generator::add(k, g, Value::Object(obj), hash, objs)?;
    }
    Ok(())
}
