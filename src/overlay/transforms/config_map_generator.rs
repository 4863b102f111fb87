//! `configMapGenerator`: ConfigMaps from literals, files and env files, with a content-hash
//! name suffix (added at the end of the build) unless disabled.

use super::generator;
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;
use serde_json::{Map, Value};

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for g in &k.k.config_map_generator {
        let opts = generator::options(k, g);
        let (data, binary) = generator::split_data(generator::pairs(k, g)?);
        let mut obj = Map::new();
        obj.insert("apiVersion".into(), Value::String("v1".into()));
        obj.insert("kind".into(), Value::String("ConfigMap".into()));
        obj.insert("metadata".into(), generator::metadata(g, &opts));
        if !data.is_empty() {
            obj.insert("data".into(), Value::Object(data));
        }
        if !binary.is_empty() {
            obj.insert("binaryData".into(), Value::Object(binary));
        }
        if let Some(im) = opts.immutable {
            obj.insert("immutable".into(), Value::Bool(im));
        }
        let hash = !opts.disable_name_suffix_hash.unwrap_or(false);
        generator::add(k, g, Value::Object(obj), hash, objs)?;
    }
    Ok(())
}
