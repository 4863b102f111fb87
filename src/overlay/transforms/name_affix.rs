//! `namePrefix` / `nameSuffix`: on every object's name except CustomResourceDefinition,
//! APIService and Namespace. References are fixed at the end of the build.

use crate::error::Result;
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    let prefix = k.k.name_prefix.as_deref().unwrap_or("");
    let suffix = k.k.name_suffix.as_deref().unwrap_or("");
    if prefix.is_empty() && suffix.is_empty() {
        return Ok(());
    }
    for obj in objs.iter_mut() {
        if matches!(
            obj.kind(),
            "CustomResourceDefinition" | "APIService" | "Namespace"
        ) {
            continue;
        }
        let name = format!("{prefix}{}{suffix}", obj.name());
        obj.set_name(&name);
    }
    Ok(())
}
