//! What `configMapGenerator` and `secretGenerator` share: reading literals, files and env files,
//! options, and the create/merge/replace behaviours.

use crate::error::Result;
use crate::overlay::build::{generated, ns_eq, read_file};
use crate::overlay::kustomization::{Generator, GeneratorOptions, Loaded};
use crate::overlay::Obj;
use serde_json::{Map, Value};
use std::path::Path;

/// The key/value pairs a generator entry produces, in order (later keys are errors if repeated).
pub fn pairs(k: &Loaded, g: &Generator) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let push = |key: String, val: Vec<u8>, out: &mut Vec<(String, Vec<u8>)>| -> Result<()> {
        if !is_data_key(&key) {
            return Err(k.error(
                &g.name,
                format!(
                    "generator `{}`: key `{key}` is not a valid data key: a key is 1 to 253 letters, digits, `-`, `_` or `.` (not `.` or `..`), as Kubernetes requires",
                    g.name
                ),
            ));
        }
        if out.iter().any(|(k2, _)| *k2 == key) {
            return Err(k.error(
                &g.name,
                format!(
                    "generator `{}`: key `{key}` is given more than once",
                    g.name
                ),
            ));
        }
        out.push((key, val));
        Ok(())
    };
    let envs: Vec<&String> = g.envs.iter().chain(g.env.iter()).collect();
    for env in envs {
        let (text, _) = read_file(k, env)?;
        for line in text.lines() {
            let line = line.trim_start_matches('\u{feff}');
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            // A bare `KEY` line: kustomize reads KEY from its environment ("" when unset).
            // kiln never reads the environment, so the value is always "".
            let (key, val) = line.split_once('=').unwrap_or((t, ""));
            push(key.trim().to_string(), val.as_bytes().to_vec(), &mut out)?;
        }
    }
    for lit in &g.literals {
        let Some((key, val)) = lit.split_once('=') else {
            return Err(k.error(lit, format!("literal `{lit}` is not KEY=VALUE")));
        };
        push(key.to_string(), unquote(val).as_bytes().to_vec(), &mut out)?;
    }
    for f in &g.files {
        let (key, path) = match f.split_once('=') {
            Some((key, path)) => (key.to_string(), path.to_string()),
            None => (f.rsplit('/').next().unwrap_or(f).to_string(), f.clone()),
        };
        let full = k.dir.join(&path);
        if !full.is_file() {
            return Err(k.error(
                f,
                format!("file `{path}` of generator `{}` not found", g.name),
            ));
        }
        crate::overlay::build::check_inside(k, &path, &full)?;
        let bytes = crate::overlay::build::root(k)?.read(Path::new(&path), &path)?;
        push(key, bytes, &mut out)?;
    }
    Ok(out)
}

/// A ConfigMap/Secret data key as Kubernetes accepts it (and kustomize checks): 1 to 253 of
/// `[-._a-zA-Z0-9]`, not `.` or `..`. So an empty key or a path (`a/b`) is an error, never a
/// silently odd object.
fn is_data_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// kustomize strips one pair of matching surrounding quotes from literal values.
fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Options of an entry over the kustomization's `generatorOptions`.
pub fn options(k: &Loaded, g: &Generator) -> GeneratorOptions {
    let global = k.k.generator_options.clone().unwrap_or_default();
    let own = g.options.clone().unwrap_or_default();
    let merge = |a: Option<Map<String, Value>>,
                 b: Option<Map<String, Value>>|
     -> Option<Map<String, Value>> {
        match (a, b) {
            (None, None) => None,
            (a, b) => {
                let mut m = a.unwrap_or_default();
                m.extend(b.unwrap_or_default());
                Some(m)
            }
        }
    };
    GeneratorOptions {
        labels: merge(global.labels, own.labels),
        annotations: merge(global.annotations, own.annotations),
        disable_name_suffix_hash: Some(
            global.disable_name_suffix_hash.unwrap_or(false)
                || own.disable_name_suffix_hash.unwrap_or(false),
        ),
        immutable: own.immutable.or(global.immutable),
    }
}

/// Builds the object's metadata.
pub fn metadata(g: &Generator, opts: &GeneratorOptions) -> Value {
    let mut meta = Map::new();
    if let Some(a) = opts.annotations.as_ref().filter(|a| !a.is_empty()) {
        meta.insert("annotations".into(), Value::Object(a.clone()));
    }
    if let Some(l) = opts.labels.as_ref().filter(|l| !l.is_empty()) {
        meta.insert("labels".into(), Value::Object(l.clone()));
    }
    meta.insert("name".into(), Value::String(g.name.clone()));
    if let Some(ns) = g.namespace.as_ref().filter(|n| !n.is_empty()) {
        meta.insert("namespace".into(), Value::String(ns.clone()));
    }
    Value::Object(meta)
}

/// Adds `obj` to `objs` following the entry's behavior.
pub fn add(k: &Loaded, g: &Generator, obj: Value, hash: bool, objs: &mut Vec<Obj>) -> Result<()> {
    // kustomize treats an unknown behavior as unspecified, i.e. create.
    let behavior = g
        .behavior
        .as_deref()
        .filter(|b| matches!(*b, "merge" | "replace"))
        .unwrap_or("create");
    let kind = obj["kind"].as_str().unwrap_or("").to_string();
    let ns = g.namespace.clone().unwrap_or_default();
    let existing = objs.iter().position(|o| {
        // kustomize matches the generator's id against the object's current and earlier ids.
        o.kind() == kind
            && (o.orig_name == g.name || o.name() == g.name)
            && (ns_eq(&o.orig_namespace, &ns) || ns_eq(o.namespace(), &ns))
    });
    match (behavior, existing) {
        ("create", None) => {
            objs.push(generated(Obj::new(obj, k.file.clone()), hash));
            Ok(())
        }
        ("create", Some(i)) => Err(k.error(
            &g.name,
            format!(
                "generator `{}` creates {} which already exists ({}); use behavior: merge or replace",
                g.name,
                objs[i].id(),
                objs[i].source
            ),
        )),
        ("merge", Some(i)) => {
            let target = &mut objs[i];
            for field in ["data", "binaryData"] {
                if let Some(Value::Object(new)) = obj.get(field) {
                    let slot = target.value.as_object_mut().unwrap().entry(field).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(m) = slot {
                        for (key, v) in new {
                            m.insert(key.clone(), v.clone());
                        }
                    }
                }
            }
            for field in ["labels", "annotations"] {
                if let Some(Value::Object(new)) = obj["metadata"].get(field) {
                    let meta = target.value.as_object_mut().unwrap().entry("metadata").or_insert_with(|| Value::Object(Map::new()));
                    let slot = meta.as_object_mut().unwrap().entry(field).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(m) = slot {
                        for (key, v) in new {
                            m.insert(key.clone(), v.clone());
                        }
                    }
                }
            }
            if let Some(im) = obj.get("immutable") {
                target.value["immutable"] = im.clone();
            }
            if target.generated.is_none() {
                target.generated = Some(crate::overlay::Generated { hash });
            } else if !hash {
                target.generated = Some(crate::overlay::Generated { hash: false });
            }
            Ok(())
        }
        (_, Some(i)) => {
            let mut o = generated(Obj::new(obj, k.file.clone()), hash);
            o.orig_name = objs[i].orig_name.clone();
            o.orig_namespace = objs[i].orig_namespace.clone();
            let ns_now = objs[i].namespace().to_string();
            if !ns_now.is_empty() {
                o.set_namespace(&ns_now);
            }
            // kustomize keeps the replaced object's labels and annotations under the new ones.
            for field in ["labels", "annotations"] {
                let Some(Value::Object(old)) = objs[i].value["metadata"].get(field).cloned() else {
                    continue;
                };
                let meta = o.value.as_object_mut().unwrap().entry("metadata").or_insert_with(|| Value::Object(Map::new()));
                let slot = meta.as_object_mut().unwrap().entry(field).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = slot {
                    let mut merged = old;
                    for (key, v) in std::mem::take(m) {
                        merged.insert(key, v);
                    }
                    *m = merged;
                }
            }
            objs[i] = o;
            Ok(())
        }
        (_, None) => Err(k.error(
            &g.name,
            format!("generator `{}` has behavior {behavior} but there is no {kind} `{}` to {behavior}", g.name, g.name),
        )),
    }
}

/// Sorted string data; non-UTF-8 values go to `binaryData` (base64).
pub fn split_data(pairs: Vec<(String, Vec<u8>)>) -> (Map<String, Value>, Map<String, Value>) {
    let mut data = Map::new();
    let mut binary = Map::new();
    let mut pairs = pairs;
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in pairs {
        match String::from_utf8(v) {
            Ok(s) => {
                data.insert(k, Value::String(s));
            }
            Err(e) => {
                binary.insert(k, Value::String(encode_base64(&e.into_bytes())));
            }
        }
    }
    (data, binary)
}

/// Base64 as kustomize writes generated values: one line when shorter than 70 characters,
/// else 70-character lines each ending in a newline.
pub fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    const LINE: usize = 70;
    let enc = base64::engine::general_purpose::STANDARD.encode(bytes);
    if enc.len() < LINE {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / LINE + 1);
    for chunk in enc.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_data_key;

    #[test]
    fn data_keys_follow_kubernetes() {
        for ok in ["a", "A-1_b.c", ".env", "x".repeat(253).as_str()] {
            assert!(is_data_key(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "x".repeat(254).as_str(), "ä"] {
            assert!(!is_data_key(bad), "{bad:?}");
        }
    }
}
