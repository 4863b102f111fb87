//! `patches`: strategic merge or JSON 6902 patches from a file or inline, with optional targets.

use super::patching;
use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for p in &k.k.patches {
        let src = patching::source(k, p.path.as_deref(), p.patch.as_deref(), "patches")?;
        patching::apply(k, objs, &src, p.target.as_ref(), p.options.as_ref(), true)?;
    }
    Ok(())
}
