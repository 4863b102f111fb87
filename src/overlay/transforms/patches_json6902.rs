//! `patchesJson6902` (deprecated): JSON 6902 operations from a file or inline, on a target.

use super::patching;
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for p in &k.k.patches_json6902 {
        let src = patching::source(k, p.path.as_deref(), p.patch.as_deref(), "patchesJson6902")?;
        if p.target.is_none() {
            return Err(k.error(&src.anchor, "a patchesJson6902 entry needs a `target`"));
        }
        patching::apply(k, objs, &src, p.target.as_ref(), p.options.as_ref(), true)?;
    }
    Ok(())
}
