//! `kiln diff A B`: a semantic diff of two renders or YAML streams. Each side is a chart, an
//! overlay, a YAML file or `-` (stdin). Objects are matched by apiVersion, kind, namespace and
//! name; each changed object is shown as a unified diff of its fields (keys sorted, so only real
//! changes show). Secret `data`/`stringData` values are redacted: a changed value shows as
//! changed, never its text. Exit code: 0 same, 1 different, 2 trouble (like diff(1)).

use super::{Output, ReleaseOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::resource::{self, Resource};
use crate::yaml::{to_yaml, Style};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;

/// Everything `kiln diff` needs.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    pub a: String,
    pub b: String,
    /// How charts among A and B render.
    pub release: ReleaseOptions,
    /// `--format json`.
    pub json: bool,
    /// Lines of context in each hunk.
    pub context: usize,
    /// Show Secret values (off: redacted).
    pub show_secrets: bool,
}

/// An object's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    api_version: String,
    kind: String,
    namespace: String,
    name: String,
}

impl Key {
    fn of(r: &Resource) -> Key {
        Key {
            api_version: r.api_version().to_string(),
            kind: r.kind().to_string(),
            namespace: r.namespace().to_string(),
            name: r.name().to_string(),
        }
    }

    fn label(&self) -> String {
        let ns = if self.namespace.is_empty() {
            String::new()
        } else {
            format!("{}/", self.namespace)
        };
        format!("{} {} {ns}{}", self.api_version, self.kind, self.name)
    }
}

/// Runs `kiln diff`.
pub fn run(opts: &DiffOptions) -> Result<Output> {
    if opts.a == "-" && opts.b == "-" {
        return Err(Error::new(
            ErrorKind::Usage,
            "`-` (stdin) can be only one side",
        ));
    }
    let a = load(opts, &opts.a)?;
    let b = load(opts, &opts.b)?;
    let mut changes: Vec<(Key, &'static str, String)> = Vec::new();
    // Index both sides by key: linear in the number of objects.
    let index = |side: &[Resource]| -> HashMap<Key, usize> {
        let mut m = HashMap::with_capacity(side.len());
        for (i, r) in side.iter().enumerate() {
            m.entry(Key::of(r)).or_insert(i);
        }
        m
    };
    let (in_a, in_b) = (index(&a), index(&b));
    for ra in &a {
        let key = Key::of(ra);
        match in_b.get(&key).map(|&i| &b[i]) {
            None => changes.push((
                key.clone(),
                "removed",
                diff_text(opts, &key, Some(ra), None),
            )),
            Some(rb) if ra.value != rb.value => changes.push((
                key.clone(),
                "changed",
                diff_text(opts, &key, Some(ra), Some(rb)),
            )),
            Some(_) => {}
        }
    }
    for rb in &b {
        let key = Key::of(rb);
        if !in_a.contains_key(&key) {
            changes.push((key.clone(), "added", diff_text(opts, &key, None, Some(rb))));
        }
    }
    let code = i32::from(!changes.is_empty());
    let stdout = if opts.json {
        let count = |s: &str| changes.iter().filter(|c| c.1 == s).count();
        let report = json!({
            "a": opts.a,
            "b": opts.b,
            "different": !changes.is_empty(),
            "summary": {"changed": count("changed"), "added": count("added"), "removed": count("removed")},
            "objects": changes.iter().map(|(k, change, diff)| json!({
                "apiVersion": k.api_version,
                "kind": k.kind,
                "namespace": k.namespace,
                "name": k.name,
                "change": change,
                "diff": diff,
            })).collect::<Vec<_>>(),
        });
        let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
        s.push('\n');
        s
    } else {
        changes.iter().map(|c| c.2.as_str()).collect()
    };
    Ok(Output { stdout, code })
}

/// One side's objects.
fn load(opts: &DiffOptions, typed: &str) -> Result<Vec<Resource>> {
    if typed == "-" {
        let text = crate::fs::read_stdin("<stdin>")?;
        return resource::parse_stream(&text, "<stdin>", None);
    }
    super::require_path(typed)?;
    let path = Path::new(typed);
    // A file is a YAML stream, unless it is a packaged chart (`web-0.1.0.tgz`).
    if path.is_file() && !typed.ends_with(".tgz") {
        let text = crate::fs::read_user_text(path, typed)?;
        return resource::parse_stream(&text, typed, None);
    }
    match super::target(typed)? {
        super::Target::Overlay => Ok(crate::overlay::build(path)?.resources),
        super::Target::Chart => {
            let cfg = opts
                .release
                .chart_config(path.to_path_buf(), crate::pipeline::DEFAULT_KUBE_VERSION);
            Ok(crate::pipeline::render_chart(&cfg)
                .map_err(|e| super::name_chart_dir(e, typed))?
                .resources)
        }
    }
}

/// The unified diff of one object's YAML (empty side for added/removed objects).
fn diff_text(opts: &DiffOptions, key: &Key, a: Option<&Resource>, b: Option<&Resource>) -> String {
    let (va, vb) = match (opts.show_secrets, key.kind == "Secret") {
        (true, _) => (a.map(|r| r.value.clone()), b.map(|r| r.value.clone())),
        (false, true) => redact(a.map(|r| &r.value), b.map(|r| &r.value)),
        (false, false) => (a.map(|r| r.value.clone()), b.map(|r| r.value.clone())),
    };
    // Fields named like a password, token or key hold secrets in any kind of object.
    let (va, vb) = if opts.show_secrets {
        (va, vb)
    } else {
        redact_secret_fields(va, vb)
    };
    let text = |v: &Option<Value>| {
        v.as_ref()
            .map(|v| to_yaml(v, Style::Kustomize))
            .unwrap_or_default()
    };
    let (ta, tb) = (text(&va), text(&vb));
    // Object names are input: control characters print escaped (a terminal reads the diff).
    let label = crate::error::escape_control(&key.label()).into_owned();
    let diff = similar::TextDiff::from_lines(&ta, &tb);
    let mut out = diff
        .unified_diff()
        .context_radius(opts.context)
        .header(
            &format!("{}: {label}", if a.is_some() { "a" } else { "/dev/null" }),
            &format!("{}: {label}", if b.is_some() { "b" } else { "/dev/null" }),
        )
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Whether a field holds a secret in any object: named like a password, token or key
/// ([`crate::error::is_secret_key`]), except names of and references to secrets (`secretName`,
/// `secretKeyRef`), which are not secret themselves.
fn holds_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    crate::error::is_secret_key(key) && !lower.ends_with("name") && !lower.ends_with("ref")
}

/// Strings under fields that hold secrets ([`holds_secret`]), and the `value` of an
/// `{name: DB_PASSWORD, value: …}` pair (environment variables), replaced like Secret data:
/// `<redacted>` when both sides agree, `<redacted: old>` / `<redacted: new>` when they differ.
fn redact_secret_fields(a: Option<Value>, b: Option<Value>) -> (Option<Value>, Option<Value>) {
    fn walk(v: &mut Value, other: Option<&Value>, secret: bool, changed: &str) {
        match v {
            Value::String(s) if secret => {
                let same = other.and_then(Value::as_str) == Some(s.as_str());
                *s = if same {
                    "<redacted>".into()
                } else {
                    changed.into()
                };
            }
            Value::Number(_) if secret => {
                let same = other == Some(&*v);
                *v = Value::String(if same {
                    "<redacted>".into()
                } else {
                    changed.into()
                });
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    walk(item, other.and_then(|o| o.get(i)), secret, changed);
                }
            }
            Value::Object(map) => {
                let env_secret = map
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(crate::error::is_secret_key);
                for (k, item) in map.iter_mut() {
                    let inner = secret || holds_secret(k) || (env_secret && k == "value");
                    walk(item, other.and_then(|o| o.get(k)), inner, changed);
                }
            }
            _ => {}
        }
    }
    let (mut a, mut b) = (a, b);
    let (a0, b0) = (a.clone(), b.clone());
    if let Some(v) = a.as_mut() {
        walk(v, b0.as_ref(), false, "<redacted: old>");
    }
    if let Some(v) = b.as_mut() {
        walk(v, a0.as_ref(), false, "<redacted: new>");
    }
    (a, b)
}

/// Secret values replaced: equal values by `<redacted>`, differing ones by `<redacted: old>` and
/// `<redacted: new>`, so a change shows without its text.
fn redact(a: Option<&Value>, b: Option<&Value>) -> (Option<Value>, Option<Value>) {
    let mut a = a.cloned();
    let mut b = b.cloned();
    for field in ["data", "stringData"] {
        let other_a = a.as_ref().and_then(|v| v.get(field)).cloned();
        let other_b = b.as_ref().and_then(|v| v.get(field)).cloned();
        if let Some(map) = a
            .as_mut()
            .and_then(|v| v.get_mut(field))
            .and_then(|m| m.as_object_mut())
        {
            for (k, v) in map.iter_mut() {
                let same = other_b.as_ref().and_then(|o| o.get(k)) == Some(v);
                *v = Value::String(
                    if same {
                        "<redacted>"
                    } else {
                        "<redacted: old>"
                    }
                    .into(),
                );
            }
        }
        if let Some(map) = b
            .as_mut()
            .and_then(|v| v.get_mut(field))
            .and_then(|m| m.as_object_mut())
        {
            for (k, v) in map.iter_mut() {
                let same = other_a.as_ref().and_then(|o| o.get(k)) == Some(v);
                *v = Value::String(
                    if same {
                        "<redacted>"
                    } else {
                        "<redacted: new>"
                    }
                    .into(),
                );
            }
        }
    }
    (a, b)
}
