//! `commonAnnotations`: on every object's metadata and on workload pod templates (both of
//! CronJob's template levels).

use super::labels::{set_on_metadata, METADATA_PATHS};
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    let Some(pairs) = k.k.common_annotations.as_ref().filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    for obj in objs.iter_mut() {
        set_on_metadata(obj, METADATA_PATHS, "annotations", pairs);
    }
    Ok(())
}
