//! `patchesStrategicMerge` (deprecated): each entry a file path or an inline patch, matched to
//! its target by kind and name.

use super::patching;
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for entry in &k.k.patches_strategic_merge {
        let is_file = !entry.contains('\n') && k.dir.join(entry).is_file();
        let src = if is_file {
            patching::source(k, Some(entry), None, "patchesStrategicMerge")?
        } else if entry.contains('\n') || entry.contains(':') {
            patching::source(k, None, Some(entry), "patchesStrategicMerge")?
        } else {
            return Err(k.error(
                entry,
                format!("patchesStrategicMerge entry `{entry}`: file not found"),
            ));
        };
        patching::apply(k, objs, &src, None, None, false)?;
    }
    Ok(())
}
