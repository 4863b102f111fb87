//! The recursive build of one kustomization directory.

use super::config::TransformerConfig;
use super::kustomization::Var;
use super::kustomization::{self, Loaded};
use super::transforms::helm_charts::HelmDefaults;
use super::transforms::{builtin_plugins, GENERATORS, TRANSFORMS};
use super::{hash, refs, vars, Generated, LoadRestrictor, Obj};
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

/// Builds the kustomization in `dir` (files restricted to each kustomization's directory).
pub fn build(dir: &Path) -> Result<Built> {
    build_with(dir, &BuildFlags::default())
}

/// The flags of `kustomize build` that change what a build makes.
#[derive(Debug, Clone, Default)]
pub struct BuildFlags {
    /// `--load-restrictor`.
    pub restrictor: LoadRestrictor,
    /// `--helm-kube-version` and `--helm-api-versions`.
    pub helm: HelmDefaults,
}

/// Builds the kustomization in `dir` with kustomize's flags.
pub fn build_with(dir: &Path, flags: &BuildFlags) -> Result<Built> {
    let mut ctx = Ctx {
        restrictor: flags.restrictor,
        helm: flags.helm.clone(),
        ..Ctx::default()
    };
    let display = dir.display().to_string();
    let top = ctx.load(dir, &display)?;
    let mut acc = Acc::default();
    let mut objs = run(&mut ctx, &top, Vec::new(), &mut acc)?;
    for obj in objs.iter_mut() {
        if obj.generated.as_ref().is_some_and(|g| g.hash) {
            let name = format!("{}-{}", obj.name(), hash::suffix(&obj.value));
            obj.set_name(&name);
            obj.moved = true;
        }
    }
    refs::fix_references(&mut objs, &acc.cfg.name_reference)?;
    vars::resolve(&mut objs, &acc.vars, &acc.cfg.var_reference)?;
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

/// kustomize prints neither its internal annotations nor an empty or null `metadata.annotations`.
fn drop_empty_annotations(mut o: Obj) -> Obj {
    if let Some(Value::Object(meta)) = o.value.get_mut("metadata") {
        if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
            ann.retain(|k, _| !is_internal_annotation(k));
        }
        if meta
            .get("annotations")
            .is_some_and(|a| a.is_null() || a.as_object().is_some_and(|m| m.is_empty()))
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
    restrictor: LoadRestrictor,
    helm: HelmDefaults,
}

impl Ctx {
    fn load(&self, dir: &Path, display: &str) -> Result<Loaded> {
        let mut k = kustomization::load(dir, display)?;
        k.load_restrictor = self.restrictor;
        k.helm_defaults = self.helm.clone();
        Ok(k)
    }
}

/// What a kustomization accumulates besides objects, merged into its parent (kustomize's
/// accumulator): the `configurations:` field specs and the `vars:`.
#[derive(Debug, Default)]
struct Acc {
    cfg: TransformerConfig,
    vars: Vec<Var>,
}

impl Acc {
    fn merge(&mut self, k: &Loaded, other: Acc) -> Result<()> {
        self.cfg.merge(&other.cfg);
        for v in other.vars {
            if self.vars.iter().any(|s| s.name == v.name) {
                return Err(k.error("vars", format!("var '{}' already encountered", v.name)));
            }
            self.vars.push(v);
        }
        Ok(())
    }
}

/// Runs one kustomization over `objs` (empty for a Kustomization, the parent's for a Component),
/// accumulating into `acc` (fresh for a Kustomization, the parent's for a Component).
fn run(ctx: &mut Ctx, k: &Loaded, mut objs: Vec<Obj>, acc: &mut Acc) -> Result<Vec<Obj>> {
    for w in k.k.deprecation_warnings() {
        ctx.warnings.push(w.to_string());
    }
    let resources: Vec<&String> = k.k.resources.iter().chain(k.k.bases.iter()).collect();
    let mut ids: HashSet<ObjKey> = objs.iter().map(key).collect();
    for entry in resources {
        let loaded = load_resource(ctx, k, entry, acc)?;
        for obj in loaded {
            add_unique(&mut objs, &mut ids, obj, k, entry)?;
        }
    }
    for chart in &k.k.charts {
        for obj in super::transforms::charts::render(k, chart)? {
            add_unique(&mut objs, &mut ids, obj, k, "charts")?;
        }
    }
    if !k.k.configurations.is_empty() {
        let own = TransformerConfig::load(k)?;
        acc.cfg.merge(&own);
    }
    for (_, generate) in GENERATORS {
        generate(k, &mut objs)?;
    }
    builtin_plugins::run(k, builtin_plugins::Field::Generators, &mut objs)?;
    for entry in &k.k.components {
        let dir = resolve_dir(k, entry, "components")?;
        let display = display_join(&k.file, entry);
        enter(ctx, &dir, &display, k, entry)?;
        let comp = ctx.load(&dir, &display)?;
        if comp.k.kind.as_deref() != Some("Component") {
            return Err(k.error(
                entry,
                format!("`{entry}` is listed under components but is not a kind: Component"),
            ));
        }
        objs = run(ctx, &comp, objs, acc)?;
        ctx.stack.pop();
    }
    let with_cfg;
    let k = if acc.cfg.is_empty() {
        k
    } else {
        with_cfg = Loaded {
            cfg: acc.cfg.clone(),
            ..k.clone()
        };
        &with_cfg
    };
    for (_, transform) in TRANSFORMS {
        transform(k, &mut objs)?;
    }
    builtin_plugins::run(k, builtin_plugins::Field::Transformers, &mut objs)?;
    vars::merge(k, &mut objs, &mut acc.vars)?;
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
fn load_resource(ctx: &mut Ctx, k: &Loaded, entry: &str, acc: &mut Acc) -> Result<Vec<Obj>> {
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
        let sub = ctx.load(&path, &display)?;
        if sub.k.kind.as_deref() == Some("Component") {
            return Err(k.error(
                entry,
                format!("`{entry}` is a Component: list it under `components:`, not `resources:`"),
            ));
        }
        let mut sub_acc = Acc::default();
        let objs = run(ctx, &sub, Vec::new(), &mut sub_acc)?;
        acc.merge(k, sub_acc)?;
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
    let text = root(k)?.read_to_string(Path::new(entry), &display)?;
    parse_objects(&text, &display)
}

/// The kustomization's directory as the root its files are read from (kustomize's load
/// restriction: `LoadRestrictionsRootOnly` unless the kustomization says otherwise).
pub fn root(k: &Loaded) -> Result<crate::fs::Root> {
    Ok(crate::fs::Root::new(&k.dir, "the kustomization directory")?
        .with_restrictor(k.load_restrictor))
}

/// Files a kustomization reads must be inside its directory (kustomize's root-only rule).
/// Returns the resolved path.
pub fn check_inside(k: &Loaded, entry: &str, _path: &Path) -> Result<PathBuf> {
    // The message names the entry as written (the resolved path would differ per machine).
    root(k)?.resolve(Path::new(entry), entry).map_err(|_| {
        k.error(
            entry,
            format!("file `{entry}` is outside the kustomization directory (kustomize's load restriction); reference a kustomization directory instead, or pass --load-restrictor LoadRestrictionsNone"),
        )
    })
}

/// Reads a file relative to the kustomization, inside its directory.
pub fn read_file(k: &Loaded, entry: &str) -> Result<(String, String)> {
    let path = k.dir.join(entry);
    let display = display_join(&k.file, entry);
    if !path.is_file() {
        return Err(k.error(entry, format!("file `{entry}` not found")));
    }
    check_inside(k, entry, &path)?;
    let text = root(k)?.read_to_string(Path::new(entry), &display)?;
    Ok((text, display))
}

/// Objects of a multi-document YAML file; `kind: List` documents are expanded.
pub fn parse_objects(text: &str, display: &str) -> Result<Vec<Obj>> {
    let mut out = Vec::new();
    for doc in yaml::split_documents(text) {
        if yaml::is_blank_document(doc.text) {
            continue;
        }
        let mut value =
            yaml::parse_document_as(doc.text, display, doc.line_offset, yaml::Flavor::Kustomize)?;
        clip_block_at_eof(doc.text, &mut value);
        let at = || Location::in_source(display, text, doc.line_offset + 1, 1, 1);
        let single = matches!(&value, Value::Object(m) if !(m.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List")) && m.get("items").is_some()));
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
            if single {
                obj.bare_nulls = super::bare_nulls::scan(doc.text).unwrap_or_default();
            }
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

/// A block scalar (`|`, `>`) that ends the text without a line break has no final newline (the
/// YAML rule go-yaml and kustomize follow; kiln's parser adds one): strip it from the one string
/// that ends with the text's last line.
fn clip_block_at_eof(text: &str, value: &mut Value) {
    if text.is_empty() || text.ends_with('\n') {
        return;
    }
    let Some(last) = text.lines().last().map(str::trim).filter(|l| !l.is_empty()) else {
        return;
    };
    let last_indent = text
        .lines()
        .last()
        .map_or(0, |l| l.len() - l.trim_start().len());
    // The line that opens the block: the nearest less-indented line, ending in a clip indicator.
    let opener = text
        .lines()
        .rev()
        .skip(1)
        .find(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() < last_indent);
    let is_clip_block = opener.is_some_and(|l| {
        let t = l.split(" #").next().unwrap_or("").trim_end();
        let ind = t.rsplit([' ', ':']).next().unwrap_or("");
        (ind.starts_with('|') || ind.starts_with('>'))
            && !ind.contains('-')
            && !ind.contains('+')
            && ind.len() <= 2
    });
    if !is_clip_block {
        return;
    }
    let want = format!("{last}\n");
    fn count(v: &Value, want: &str) -> usize {
        match v {
            Value::String(s) => usize::from(s.ends_with(want)),
            Value::Array(a) => a.iter().map(|i| count(i, want)).sum(),
            Value::Object(m) => m.values().map(|i| count(i, want)).sum(),
            _ => 0,
        }
    }
    fn strip(v: &mut Value, want: &str) -> bool {
        match v {
            Value::String(s) if s.ends_with(want) => {
                s.pop();
                true
            }
            Value::Array(a) => a.iter_mut().any(|i| strip(i, want)),
            Value::Object(m) => m.values_mut().any(|i| strip(i, want)),
            _ => false,
        }
    }
    if count(value, &want) == 1 {
        strip(value, &want);
    }
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
