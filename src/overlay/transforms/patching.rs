//! What the three patch fields share: reading a patch (file or inline), telling strategic merge
//! from JSON 6902, picking targets, and applying it.

use crate::error::{Error, ErrorKind, Result};
use crate::k8s;
use crate::overlay::build::{ns_eq, read_file};
use crate::overlay::kustomization::{Loaded, PatchOptions, Selector};
use crate::overlay::select::Matcher;
use crate::overlay::Obj;
use crate::patch::{json6902, strategic_merge};
use crate::yaml;
use serde_json::Value;

/// A patch's text and where it came from.
pub struct PatchSource {
    pub text: String,
    pub display: String,
    /// The kustomization field or file to point errors at.
    pub anchor: String,
}

/// Reads `path` (relative to the kustomization) or takes the inline text.
pub fn source(
    k: &Loaded,
    path: Option<&str>,
    inline: Option<&str>,
    field: &str,
) -> Result<PatchSource> {
    match (path, inline) {
        (Some(p), _) => {
            let (text, display) = read_file(k, p)?;
            Ok(PatchSource {
                text,
                display,
                anchor: p.to_string(),
            })
        }
        (None, Some(t)) => Ok(PatchSource {
            text: t.to_string(),
            display: format!("{} ({field}, inline)", k.file),
            anchor: field.to_string(),
        }),
        (None, None) => Err(k.error(field, format!("a `{field}` entry needs `path` or `patch`"))),
    }
}

/// The parsed patch documents.
pub enum Parsed {
    StrategicMerge(Vec<Value>),
    Json6902(Value),
}

pub fn parse(src: &PatchSource) -> Result<Parsed> {
    let mut docs = Vec::new();
    for doc in yaml::split_documents(&src.text) {
        if yaml::is_blank_document(doc.text) {
            continue;
        }
        let v = yaml::parse_document_at(doc.text, &src.display, doc.line_offset)?;
        match v {
            Value::Array(_) if docs.is_empty() => return Ok(Parsed::Json6902(v)),
            Value::Object(_) => docs.push(v),
            Value::Null => {}
            _ => {
                return Err(Error::new(ErrorKind::Patch, format!("{}: a patch must be a map (strategic merge) or a list of operations (JSON 6902)", src.display)))
            }
        }
    }
    Ok(Parsed::StrategicMerge(docs))
}

/// The patch metadata for `obj`: the kustomization's `openapi` schema first, then Kubernetes 1.35.
fn meta_for<'a>(schema: Option<&'a k8s::Schema>, obj: &Obj) -> Option<k8s::PatchMeta<'a>> {
    schema
        .and_then(|s| s.patch_meta(obj.api_version(), obj.kind()))
        .or_else(|| k8s::patch_meta(obj.api_version(), obj.kind()))
}

/// Loads the kustomization's `openapi: {path: …}` schema, if any.
pub fn custom_schema(k: &Loaded) -> Result<Option<k8s::Schema>> {
    let Some(openapi) = &k.k.openapi else {
        return Ok(None);
    };
    let Some(path) = openapi.get("path").and_then(Value::as_str) else {
        return Ok(None);
    };
    let (text, display) = read_file(k, path)?;
    let doc = yaml::parse_document(&text, &display)?;
    k8s::Schema::from_openapi(&doc).map(Some)
}

/// Applies one patch entry to `objs`.
pub fn apply(
    k: &Loaded,
    objs: &mut Vec<Obj>,
    src: &PatchSource,
    target: Option<&Selector>,
    options: Option<&PatchOptions>,
    require_target_for_json: bool,
) -> Result<()> {
    let schema = custom_schema(k)?;
    let opts = options.cloned().unwrap_or_default();
    let ctx = |e: Error| {
        e.with_note(format!("in patch {}", src.display))
            .or_location(|| k.field_location(&src.anchor))
    };
    match parse(src)? {
        Parsed::Json6902(ops) => {
            let Some(target) = target else {
                let _ = require_target_for_json;
                return Err(k.error(
                    &src.anchor,
                    format!("JSON 6902 patch {} needs a `target`", src.display),
                ));
            };
            let m = Matcher::new(target)?;
            for obj in objs.iter_mut().filter(|o| m.matches(o)) {
                json6902::apply(&mut obj.value, &ops)
                    .map_err(|e| ctx(e).with_note(format!("target {}", obj.id())))?;
            }
        }
        Parsed::StrategicMerge(docs) => {
            for doc in docs {
                let indices: Vec<usize> = match target {
                    Some(t) => {
                        let m = Matcher::new(t)?;
                        (0..objs.len()).filter(|&i| m.matches(&objs[i])).collect()
                    }
                    None => vec![find_unique(k, objs, &doc, src)?],
                };
                let mut removed = Vec::new();
                for i in indices {
                    let obj = &mut objs[i];
                    if strategic_merge::deletes_object(&doc) {
                        removed.push(i);
                        continue;
                    }
                    let mut patch = doc.clone();
                    if let Value::Object(p) = &mut patch {
                        let keep_name = !opts.allow_name_change || target.is_none();
                        if let Some(Value::Object(meta)) = p.get_mut("metadata") {
                            if keep_name {
                                meta.remove("name");
                            }
                            meta.remove("namespace");
                        }
                        if !opts.allow_kind_change {
                            p.remove("kind");
                            p.remove("apiVersion");
                        }
                    }
                    let meta = meta_for(schema.as_ref(), obj);
                    strategic_merge::apply(&mut obj.value, &patch, meta)
                        .map_err(|e| ctx(e).with_note(format!("target {}", obj.id())))?;
                    // kustomize's merge drops the fields the file left empty (`key:`).
                    crate::overlay::bare_nulls::drop_bare_nulls(&mut obj.value, &obj.bare_nulls);
                    if obj.value.is_null() {
                        removed.push(i);
                    }
                }
                for i in removed.into_iter().rev() {
                    objs.remove(i);
                }
            }
        }
    }
    Ok(())
}

/// A strategic merge patch without a target applies to the one object with its kind and name.
fn find_unique(k: &Loaded, objs: &[Obj], doc: &Value, src: &PatchSource) -> Result<usize> {
    let s = |p: &str| {
        doc.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (av, kind, name, ns) = (
        s("/apiVersion"),
        s("/kind"),
        s("/metadata/name"),
        s("/metadata/namespace"),
    );
    if kind.is_empty() || name.is_empty() {
        return Err(k.error(
            &src.anchor,
            format!(
                "patch {} has no target and no kind/metadata.name to find one",
                src.display
            ),
        ));
    }
    let hits: Vec<usize> = (0..objs.len())
        .filter(|&i| {
            let o = &objs[i];
            o.kind() == kind
                && (o.name() == name || o.orig_name == name)
                && (av.is_empty()
                    || o.api_version() == av
                    || o.group() == av.rsplit_once('/').map(|(g, _)| g).unwrap_or(""))
                // kustomize matches the patch's id (no namespace = `default`) against the
                // object's current and earlier ids; cluster-scoped objects have no namespace.
                && (ns_eq(o.namespace(), &ns)
                    || ns_eq(&o.orig_namespace, &ns)
                    || !crate::k8s::is_namespaced(o.api_version(), o.kind()))
        })
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(k.error(
            &src.anchor,
            format!(
                "no resource matches strategic merge patch {}: no {kind} `{name}`{} in the resources{}",
                src.display,
                if ns.is_empty() {
                    String::new()
                } else {
                    format!(" in namespace {ns}")
                },
                match objs.iter().find(|o| o.kind() == kind && o.name() == name) {
                    Some(o) if ns.is_empty() => format!(
                        " (the patch has no metadata.namespace, so it matches only the default namespace; {} is in `{}`: add that namespace to the patch)",
                        o.id(),
                        o.namespace()
                    ),
                    _ => String::new(),
                }
            ),
        )),
        _ => Err(k.error(
            &src.anchor,
            format!(
                "patch {} matches {} objects named {kind} `{name}`; add a target",
                src.display,
                hits.len()
            ),
        )),
    }
}
