//! The recursive build of one kustomization directory.

use super::kustomization::{self, Loaded};
use super::transforms::{GENERATORS, TRANSFORMS};
use super::{hash, refs, Generated, Obj};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::resource::Resource;
use crate::yaml::{self, Style};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a build produces: objects in output order, and kustomize-style warnings for stderr.
#[derive(Debug, Clone)]
pub struct Built {
    pub resources: Vec<Resource>,
    pub warnings: Vec<String>,
}

/// Builds the kustomization in `dir`.
pub fn build(dir: &Path) -> Result<Built> {
    let mut ctx = Ctx::default();
    let display = dir.display().to_string();
    let top = kustomization::load(dir, &display)?;
    if top.k.kind.as_deref() == Some("Component") {
        return Err(top.error("kind", "a Component cannot be built on its own: list it under `components:` of a Kustomization"));
    }
    let mut objs = run(&mut ctx, &top, Vec::new())?;
    for obj in objs.iter_mut() {
        if obj.generated.as_ref().is_some_and(|g| g.hash) {
            let name = format!("{}-{}", obj.name(), hash::suffix(&obj.value));
            obj.set_name(&name);
        }
    }
    refs::fix_references(&mut objs)?;
    super::transforms::sort::apply(&top, &mut objs)?;
    let resources = objs
        .into_iter()
        .map(drop_empty_annotations)
        .map(|o| Resource {
            text: yaml::to_yaml(&o.value, Style::Kustomize)
                .trim_end()
                .to_string(),
            value: o.value,
            source: o.source,
            line: o.line,
        })
        .collect();
    Ok(Built {
        resources,
        warnings: ctx.warnings,
    })
}

/// Annotations kustomize uses internally and never prints.
fn is_internal_annotation(key: &str) -> bool {
    key == "config.kubernetes.io/origin" || key.starts_with("internal.config.kubernetes.io/")
}

/// kustomize prints neither its internal annotations nor an empty `metadata.annotations`.
fn drop_empty_annotations(mut o: Obj) -> Obj {
    if let Some(Value::Object(meta)) = o.value.get_mut("metadata") {
        if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
            ann.retain(|k, _| !is_internal_annotation(k));
        }
        if meta
            .get("annotations")
            .is_some_and(|a| a.as_object().is_some_and(|m| m.is_empty()))
        {
            meta.remove("annotations");
        }
    }
    o
}

/// State shared across the whole build.
#[derive(Debug, Default)]
pub struct Ctx {
    /// Canonical directories being built, for cycle detection.
    stack: Vec<(PathBuf, String)>,
    pub warnings: Vec<String>,
}

/// Runs one kustomization over `objs` (empty for a Kustomization, the parent's for a Component).
fn run(ctx: &mut Ctx, k: &Loaded, mut objs: Vec<Obj>) -> Result<Vec<Obj>> {
    for w in k.k.deprecation_warnings() {
        ctx.warnings.push(w.to_string());
    }
    let resources: Vec<&String> = k.k.resources.iter().chain(k.k.bases.iter()).collect();
    let mut ids: HashSet<ObjKey> = objs.iter().map(key).collect();
    for entry in resources {
        let loaded = load_resource(ctx, k, entry)?;
        for obj in loaded {
            add_unique(&mut objs, &mut ids, obj, k, entry)?;
        }
    }
    for chart in &k.k.charts {
        for obj in super::transforms::charts::render(k, chart)? {
            add_unique(&mut objs, &mut ids, obj, k, "charts")?;
        }
    }
    for (_, generate) in GENERATORS {
        generate(k, &mut objs)?;
    }
    for entry in &k.k.components {
        let dir = resolve_dir(k, entry, "components")?;
        let display = display_join(&k.file, entry);
        enter(ctx, &dir, &display, k, entry)?;
        let comp = kustomization::load(&dir, &display)?;
        if comp.k.kind.as_deref() != Some("Component") {
            return Err(k.error(
                entry,
                format!("`{entry}` is listed under components but is not a kind: Component"),
            ));
        }
        objs = run(ctx, &comp, objs)?;
        ctx.stack.pop();
    }
    for (_, transform) in TRANSFORMS {
        transform(k, &mut objs)?;
    }
    Ok(objs)
}

/// What makes an object unique in a build: kind, group, name and namespace (`""` = `default`).
type ObjKey = (String, String, String, String);

fn key(o: &Obj) -> ObjKey {
    let ns = if o.namespace().is_empty() {
        "default"
    } else {
        o.namespace()
    };
    (
        o.kind().to_string(),
        o.group().to_string(),
        o.name().to_string(),
        ns.to_string(),
    )
}

fn add_unique(
    objs: &mut Vec<Obj>,
    ids: &mut HashSet<ObjKey>,
    obj: Obj,
    k: &Loaded,
    entry: &str,
) -> Result<()> {
    if !ids.insert(key(&obj)) {
        let existing = objs
            .iter()
            .find(|o| key(o) == key(&obj))
            .map(|o| o.source.clone())
            .unwrap_or_default();
        return Err(k.error(
            entry,
            format!(
                "may not add resource with an already registered id: {} (from {}; already loaded from {existing})",
                obj.id(),
                obj.source
            ),
        ));
    }
    objs.push(obj);
    Ok(())
}

/// kustomize treats an empty namespace and `default` as the same.
pub fn ns_eq(a: &str, b: &str) -> bool {
    let n = |s: &str| if s.is_empty() { "default" } else { s }.to_string();
    n(a) == n(b)
}

fn display_join(kfile: &str, entry: &str) -> String {
    let base = Path::new(kfile)
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let joined = base.join(entry);
    normalize(&joined)
}

/// `dir` joined with `entry`, `.` and `..` resolved lexically as kustomize does (Go's
/// `filepath.Join` cleans), so a chain of `../x` overlays never grows past PATH_MAX.
fn join_clean(dir: &Path, entry: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in dir.join(entry).components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                let last_is_normal = matches!(
                    out.components().next_back(),
                    Some(std::path::Component::Normal(_))
                );
                if last_is_normal {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let absolute = p.has_root();
    for c in p.components() {
        match c {
            // The root prints as the leading `/` below (pushing it would print `//`).
            std::path::Component::RootDir | std::path::Component::Prefix(_) => {}
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if parts.last().is_some_and(|l| l != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if absolute {
        format!("/{}", parts.join("/"))
    } else if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
}

fn resolve_dir(k: &Loaded, entry: &str, field: &str) -> Result<PathBuf> {
    if is_remote(entry) {
        return Err(remote_error(k, entry));
    }
    let p = join_clean(&k.dir, entry);
    if !p.is_dir() {
        return Err(k.error(entry, format!("{field} entry `{entry}`: no such directory")));
    }
    Ok(p)
}

fn remote_error(k: &Loaded, entry: &str) -> Error {
    k.error(
        entry,
        format!("remote resource `{entry}` refused: kiln never uses the network; vendor it into the repository and reference the local path"),
    )
}

fn enter(ctx: &mut Ctx, dir: &Path, display: &str, k: &Loaded, entry: &str) -> Result<()> {
    let canon = dir.canonicalize().map_err(|e| Error::io(display, e))?;
    if let Some(pos) = ctx.stack.iter().position(|(d, _)| *d == canon) {
        let mut chain: Vec<String> = ctx.stack[pos..].iter().map(|(_, s)| s.clone()).collect();
        chain.push(display.to_string());
        return Err(k.error(
            entry,
            format!("cycle in kustomization resources: {}", chain.join(" → ")),
        ));
    }
    ctx.stack.push((canon, display.to_string()));
    Ok(())
}

/// A `resources` entry: a file of objects, or a directory with its own kustomization.
fn load_resource(ctx: &mut Ctx, k: &Loaded, entry: &str) -> Result<Vec<Obj>> {
    if is_remote(entry) {
        return Err(remote_error(k, entry));
    }
    let path = join_clean(&k.dir, entry);
    let display = display_join(&k.file, entry);
    if path.is_dir() {
        if ctx.stack.is_empty() {
            let canon = k.dir.canonicalize().map_err(|e| Error::io(&k.file, e))?;
            let top_display = Path::new(&k.file)
                .parent()
                .map(normalize)
                .unwrap_or_else(|| ".".into());
            ctx.stack.push((canon, top_display));
        }
        if kustomization::find_file(&path).is_none() {
            return Err(k.error(
                entry,
                format!("resource directory `{entry}` has no kustomization.yaml"),
            ));
        }
        enter(ctx, &path, &display, k, entry)?;
        let sub = kustomization::load(&path, &display)?;
        if sub.k.kind.as_deref() == Some("Component") {
            return Err(k.error(
                entry,
                format!("`{entry}` is a Component: list it under `components:`, not `resources:`"),
            ));
        }
        let objs = run(ctx, &sub, Vec::new())?;
        ctx.stack.pop();
        return Ok(objs);
    }
    if !path.is_file() {
        return Err(k.error(
            entry,
            format!(
                "resource `{entry}` not found: no such file or directory (looked in {})",
                k.dir.display()
            ),
        ));
    }
    check_inside(k, entry, &path)?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&display, e))?;
    parse_objects(&text, &display)
}

/// Files a kustomization reads must be inside its directory (kustomize's root-only rule).
pub fn check_inside(k: &Loaded, entry: &str, path: &Path) -> Result<()> {
    let root = k.dir.canonicalize().map_err(|e| Error::io(&k.file, e))?;
    let canon = path.canonicalize().map_err(|e| Error::io(entry, e))?;
    if !canon.starts_with(&root) {
        return Err(k.error(
            entry,
            format!("file `{entry}` is outside the kustomization directory (kustomize's load restriction); reference a kustomization directory instead"),
        ));
    }
    Ok(())
}

/// Reads a file relative to the kustomization, inside its directory.
pub fn read_file(k: &Loaded, entry: &str) -> Result<(String, String)> {
    let path = k.dir.join(entry);
    let display = display_join(&k.file, entry);
    if !path.is_file() {
        return Err(k.error(entry, format!("file `{entry}` not found")));
    }
    check_inside(k, entry, &path)?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&display, e))?;
    Ok((text, display))
}

/// Objects of a multi-document YAML file; `kind: List` documents are expanded.
pub fn parse_objects(text: &str, display: &str) -> Result<Vec<Obj>> {
    let mut out = Vec::new();
    for doc in yaml::split_documents(text) {
        if yaml::is_blank_document(doc.text) {
            continue;
        }
        let value =
            yaml::parse_document_as(doc.text, display, doc.line_offset, yaml::Flavor::Kustomize)?;
        let at = || Location::in_source(display, text, doc.line_offset + 1, 1, 1);
        let items = match value {
            Value::Null => continue,
            Value::Object(ref m)
                if m.get("kind")
                    .and_then(Value::as_str)
                    .is_some_and(|k| k.ends_with("List"))
                    && m.get("items").is_some() =>
            {
                match &m["items"] {
                    Value::Array(items) => items.clone(),
                    Value::Null => Vec::new(),
                    _ => {
                        return Err(Error::new(
                            ErrorKind::Overlay,
                            "`items` of a List must be a list of objects",
                        )
                        .with_location(at()))
                    }
                }
            }
            v @ Value::Object(_) => vec![v],
            _ => {
                return Err(
                    Error::new(ErrorKind::Overlay, "a resource document must be a mapping")
                        .with_location(at()),
                )
            }
        };
        for item in items {
            let mut obj = Obj::new(item, display);
            obj.line = doc.line_offset + 1;
            if obj.kind().is_empty() || obj.api_version().is_empty() {
                return Err(
                    Error::new(ErrorKind::Overlay, "object has no `apiVersion` or `kind`")
                        .with_location(at()),
                );
            }
            if obj.name().is_empty() {
                return Err(
                    Error::new(ErrorKind::Overlay, "object has no `metadata.name`")
                        .with_location(at()),
                );
            }
            for field in ["labels", "annotations"] {
                match obj.value.get("metadata").and_then(|m| m.get(field)) {
                    None | Some(Value::Null) | Some(Value::Object(_)) => {}
                    Some(_) => {
                        return Err(Error::new(
                            ErrorKind::Overlay,
                            format!(
                                "{} {}: `metadata.{field}` must be a map of names to text",
                                obj.kind(),
                                obj.name()
                            ),
                        )
                        .with_location(at()))
                    }
                }
            }
            out.push(obj);
        }
    }
    Ok(out)
}

/// Marks an object as made by a generator.
pub fn generated(mut obj: Obj, hash: bool) -> Obj {
    obj.generated = Some(Generated { hash });
    obj
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn absolute_paths_print_as_given() {
        assert_eq!(
            normalize(Path::new("/abs/ov/../base/cm.yaml")),
            "/abs/base/cm.yaml"
        );
        assert_eq!(
            display_join("/abs/ov/kustomization.yaml", "cm.yaml"),
            "/abs/ov/cm.yaml"
        );
        assert_eq!(display_join("ov/kustomization.yaml", "../base"), "base");
    }

    #[test]
    fn joined_directories_are_cleaned() {
        assert_eq!(
            join_clean(Path::new("a/b/../c"), "../d"),
            PathBuf::from("a/d")
        );
        assert_eq!(
            join_clean(Path::new("/x/y"), "../../.."),
            PathBuf::from("/")
        );
        assert_eq!(join_clean(Path::new("a"), "../../b"), PathBuf::from("../b"));
    }
}
