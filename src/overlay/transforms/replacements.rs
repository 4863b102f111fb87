//! `replacements`: copy a field of one object (the source) into fields of others (targets),
//! optionally one `delimiter`-separated part at a time; entries may come from files (`path:`).

use crate::error::Result;
use crate::overlay::build::read_file;
use crate::overlay::fieldpath::{collect, parse_dotted, scalar_text, visit_mut, Walk};
use crate::overlay::kustomization::{Loaded, Selector};
use crate::overlay::select::Matcher;
use crate::overlay::Obj;
use crate::yaml;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct Replacement {
    path: Option<String>,
    source: Option<Source>,
    targets: Vec<Target>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct Source {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    field_path: Option<String>,
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct Target {
    select: Option<Selector>,
    reject: Vec<Selector>,
    field_paths: Vec<String>,
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct Options {
    delimiter: Option<String>,
    index: i64,
    create: bool,
}

fn entries(k: &Loaded) -> Result<Vec<Replacement>> {
    let mut out = Vec::new();
    for raw in &k.k.replacements {
        let r: Replacement = serde_json::from_value(raw.clone())
            .map_err(|e| k.error("replacements", format!("invalid replacement: {e}")))?;
        match &r.path {
            Some(p) => {
                let (text, display) = read_file(k, p)?;
                let doc = yaml::parse_document(&text, &display)?;
                let list = match doc {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for item in list {
                    let r: Replacement = serde_json::from_value(item).map_err(|e| {
                        k.error(p, format!("invalid replacement in {display}: {e}"))
                    })?;
                    out.push(r);
                }
            }
            None => out.push(r),
        }
    }
    Ok(out)
}

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    for r in entries(k)? {
        let Some(src) = &r.source else {
            return Err(k.error("replacements", "a replacement needs a `source`"));
        };
        let value = source_value(k, objs, src)?;
        for t in &r.targets {
            apply_target(k, objs, t, &value)?;
        }
    }
    Ok(())
}

fn source_value(k: &Loaded, objs: &[Obj], src: &Source) -> Result<Value> {
    let sel = Selector {
        group: src.group.clone(),
        version: src.version.clone(),
        kind: src.kind.clone(),
        name: src.name.clone(),
        namespace: src.namespace.clone(),
        ..Default::default()
    };
    let m = Matcher::new(&sel)?;
    let hits: Vec<&Obj> = objs.iter().filter(|o| m.matches(o)).collect();
    let describe = || {
        format!(
            "{}/{}",
            src.kind.as_deref().unwrap_or("*"),
            src.name.as_deref().unwrap_or("*")
        )
    };
    let obj = match hits.as_slice() {
        [one] => *one,
        [] => {
            return Err(k.error(
                "replacements",
                format!("replacement source {} matches no object", describe()),
            ))
        }
        _ => {
            return Err(k.error(
                "replacements",
                format!(
                    "replacement source {} matches {} objects; narrow it",
                    describe(),
                    hits.len()
                ),
            ))
        }
    };
    let path = src.field_path.as_deref().unwrap_or("metadata.name");
    let mut found = Vec::new();
    collect(&obj.value, &parse_dotted(path), &mut found);
    let Some(v) = found.first() else {
        return Err(k.error(
            "replacements",
            format!("replacement source {} has no field `{path}`", obj.id()),
        ));
    };
    let v = (*v).clone();
    match src
        .options
        .as_ref()
        .and_then(|o| o.delimiter.as_ref().map(|d| (d, o.index)))
    {
        Some((delim, index)) => {
            let text = scalar_text(&v).unwrap_or_default();
            let parts: Vec<&str> = text.split(delim.as_str()).collect();
            let part = usize::try_from(index)
                .ok()
                .and_then(|i| parts.get(i))
                .ok_or_else(|| {
                    k.error(
                        "replacements",
                        format!("source options.index {index} is out of range for `{text}`"),
                    )
                })?;
            Ok(Value::String(part.to_string()))
        }
        None => Ok(v),
    }
}

fn apply_target(k: &Loaded, objs: &mut [Obj], t: &Target, value: &Value) -> Result<()> {
    let select = t.select.as_ref().map(Matcher::new).transpose()?;
    let rejects = t
        .reject
        .iter()
        .map(Matcher::new)
        .collect::<Result<Vec<_>>>()?;
    let opts = t.options.clone().unwrap_or_default();
    for obj in objs.iter_mut() {
        if !select.as_ref().is_none_or(|m| m.matches(obj)) || rejects.iter().any(|m| m.matches(obj))
        {
            continue;
        }
        for path in &t.field_paths {
            let segs = parse_dotted(path);
            let mut hits = 0usize;
            let walk = Walk {
                create: opts.create,
                implicit_lists: false,
            };
            visit_mut::<crate::Error>(&mut obj.value, &segs, walk, &mut |slot| {
                hits += 1;
                *slot = match &opts.delimiter {
                    Some(d) => {
                        let current = scalar_text(slot).unwrap_or_default();
                        let mut parts: Vec<String> =
                            current.split(d.as_str()).map(str::to_string).collect();
                        let idx = opts.index;
                        let new = scalar_text(value).unwrap_or_default();
                        if idx < 0 {
                            parts.insert(0, new);
                        } else if (idx as usize) < parts.len() {
                            parts[idx as usize] = new;
                        } else {
                            parts.push(new);
                        }
                        Value::String(parts.join(d))
                    }
                    None => value.clone(),
                };
                Ok(())
            })?;
            if hits == 0 && !opts.create {
                return Err(k.error(
                    "replacements",
                    format!("unable to find field `{path}` in replacement target {} (set options.create: true to add it)", obj.id()),
                ));
            }
        }
    }
    Ok(())
}
