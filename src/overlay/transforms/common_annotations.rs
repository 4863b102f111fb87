//! `commonAnnotations`: on every object's metadata and on workload pod templates (both of
//! CronJob's template levels).

use super::labels::{set_in_maps, set_on_metadata, Row, METADATA_PATHS};
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    let Some(pairs) = k.k.common_annotations.as_ref().filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let extra: Vec<Row> = k
        .cfg
        .common_annotations
        .iter()
        .map(Row::from_spec)
        .collect();
    for obj in objs.iter_mut() {
        set_on_metadata(obj, METADATA_PATHS, "annotations", pairs);
        set_in_maps(obj, &extra, pairs);
    }
    Ok(())
}
