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
        obj.moved = true;
    }
    // `configurations:` fields that also take the prefix / suffix.
    let walk = crate::overlay::fieldpath::Walk {
        create: false,
        implicit_lists: true,
    };
    for (specs, pre, suf) in [
        (&k.cfg.name_prefix, prefix, ""),
        (&k.cfg.name_suffix, "", suffix),
    ] {
        if pre.is_empty() && suf.is_empty() {
            continue;
        }
        for spec in specs.iter().filter(|s| s.path != "metadata/name") {
            let segs = crate::overlay::fieldpath::parse_slash(&spec.path);
            for obj in objs
                .iter_mut()
                .filter(|o| crate::overlay::config::selects(spec, o))
            {
                let _ = crate::overlay::fieldpath::visit_mut::<()>(
                    &mut obj.value,
                    &segs,
                    walk,
                    &mut |v| {
                        if let Some(s) = v.as_str() {
                            *v = serde_json::Value::String(format!("{pre}{s}{suf}"));
                        }
                        Ok(())
                    },
                );
            }
        }
    }
    Ok(())
}
