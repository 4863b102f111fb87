//! `generators:` and `transformers:` entries that configure kustomize's built-in plugins
//! (`apiVersion: builtin`, or any apiVersion with a built-in kind: PrefixSuffixTransformer,
//! LabelTransformer, ConfigMapGenerator, ...), in files or inline. Each configuration becomes the
//! kustomization field that drives the same built-in (a PatchTransformer is a `patches:` entry, a
//! ConfigMapGenerator a `configMapGenerator:` entry, ...) and runs through the transform of that
//! field, in the order listed, after the kustomization's own generators / transforms, as in
//! kustomize. Anything else (exec and Go plugins, KRM function containers) needs code execution and
//! is refused, naming the field and what to do instead.

use super::labels::{set_in_maps, Row};
use super::{GENERATORS, TRANSFORMS};
use crate::error::{Error, ErrorKind, Result};
use crate::overlay::build::read_file;
use crate::overlay::kustomization::{FieldSpec, Generator, Image, Loaded, Patch, Replica};
use crate::overlay::Obj;
use serde_json::{Map, Value};

/// Which list an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Generators,
    Transformers,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Generators => "generators",
            Field::Transformers => "transformers",
        }
    }
}

/// Runs the `generators:` (or `transformers:`) entries of `k` over `objs`.
pub fn run(k: &Loaded, field: Field, objs: &mut Vec<Obj>) -> Result<()> {
    let entries = match field {
        Field::Generators => &k.k.generators,
        Field::Transformers => &k.k.transformers,
    };
    for entry in entries {
        for (config, display) in configs(k, field, entry)? {
            let synthetic = match to_kustomization(k, field, &config, &display)? {
                Synthetic::Fields(s) => s,
                Synthetic::Pairs(pairs, specs) => {
                    let rows: Vec<Row> = specs.iter().map(Row::from_spec).collect();
                    for obj in objs.iter_mut() {
                        set_in_maps(obj, &rows, &pairs);
                    }
                    continue;
                }
            };
            let table = match field {
                Field::Generators => GENERATORS,
                Field::Transformers => TRANSFORMS,
            };
            // Generators may be configured under `transformers:` too (kustomize allows it).
            let is_generator = matches!(
                config.get("kind").and_then(Value::as_str),
                Some("ConfigMapGenerator" | "SecretGenerator")
            );
            let table = if is_generator { GENERATORS } else { table };
            for (_, f) in table {
                f(&synthetic, objs)?;
            }
        }
    }
    Ok(())
}

/// The configuration documents of one entry: inline YAML, or a file of one or more documents.
fn configs(k: &Loaded, field: Field, entry: &str) -> Result<Vec<(Value, String)>> {
    let (text, display) = if entry.contains('\n') || entry.trim_start().starts_with("apiVersion") {
        (
            entry.to_string(),
            format!("{} (inline {} entry)", k.file, field.name()),
        )
    } else {
        if k.dir.join(entry).is_dir() {
            return Err(k.error(
                entry,
                format!(
                    "`{}` entry `{entry}` is a directory: kiln reads built-in plugin configurations from files or inline YAML only; list the files",
                    field.name()
                ),
            ));
        }
        read_file(k, entry)?
    };
    let mut out = Vec::new();
    for doc in crate::yaml::split_documents(&text) {
        if crate::yaml::is_blank_document(doc.text) {
            continue;
        }
        let v = crate::yaml::parse_document_as(
            doc.text,
            &display,
            doc.line_offset,
            crate::yaml::Flavor::Kustomize,
        )?;
        if v.is_object() {
            out.push((v, display.clone()));
        }
    }
    Ok(out)
}

const BUILTIN_KINDS: &[&str] = &[
    "AnnotationsTransformer",
    "ConfigMapGenerator",
    "HashTransformer",
    "ImageTagTransformer",
    "LabelTransformer",
    "NamespaceTransformer",
    "PatchJson6902Transformer",
    "PatchStrategicMergeTransformer",
    "PatchTransformer",
    "PrefixSuffixTransformer",
    "PrefixTransformer",
    "SuffixTransformer",
    "ReplacementTransformer",
    "ReplicaCountTransformer",
    "SecretGenerator",
];

fn refuse(k: &Loaded, field: Field, display: &str, why: String) -> Error {
    Error::new(ErrorKind::Overlay, why)
        .with_location(k.field_location(field.name()))
        .with_note(format!("in {display}"))
}

fn get<T: serde::de::DeserializeOwned + Default>(
    k: &Loaded,
    field: Field,
    display: &str,
    config: &Value,
    key: &str,
) -> Result<T> {
    match config.get(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            refuse(
                k,
                field,
                display,
                format!("invalid `{key}` in a built-in plugin configuration: {e}"),
            )
        }),
    }
}

/// The kustomization whose fields drive the same built-in as `config`.
fn to_kustomization(k: &Loaded, field: Field, config: &Value, display: &str) -> Result<Synthetic> {
    let kind = config.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = config
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let is_krm_function = config
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .is_some_and(|a| {
            a.contains_key("config.kubernetes.io/function")
                || a.contains_key("config.k8s.io/function")
        });
    if is_krm_function {
        return Err(refuse(
            k,
            field,
            display,
            format!(
                "`{}` entry {kind} is a KRM function (container, exec or starlark): kiln runs no code; render it with kustomize, or express it with the kustomization's fields",
                field.name()
            ),
        ));
    }
    if !BUILTIN_KINDS.contains(&kind) || !(api_version == "builtin" || api_version.is_empty()) {
        return Err(refuse(
            k,
            field,
            display,
            format!(
                "`{}` entry {kind} ({api_version}) is a plugin, not one of kustomize's built-in transformers/generators: kiln runs no exec or Go plugins; use `apiVersion: builtin` with a built-in kind ({}) or the kustomization's own fields",
                field.name(),
                BUILTIN_KINDS.join(", ")
            ),
        ));
    }
    let g = |key: &str| config.get(key);
    let mut kz = crate::overlay::kustomization::Kustomization::default();
    match kind {
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            kz.name_prefix = get(k, field, display, config, "prefix")?;
            kz.name_suffix = get(k, field, display, config, "suffix")?;
        }
        "LabelTransformer" | "AnnotationsTransformer" => {
            // Exactly the configured field specs (none: nothing changes).
            let key = if kind == "LabelTransformer" {
                "labels"
            } else {
                "annotations"
            };
            let pairs: Map<String, Value> = get(k, field, display, config, key)?;
            let specs: Vec<FieldSpec> = get(k, field, display, config, "fieldSpecs")?;
            return Ok(Synthetic::Pairs(pairs, specs));
        }
        "NamespaceTransformer" => {
            kz.namespace = config
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        "PatchTransformer" => {
            kz.patches.push(Patch {
                path: get(k, field, display, config, "path")?,
                patch: get(k, field, display, config, "patch")?,
                target: get(k, field, display, config, "target")?,
                options: get(k, field, display, config, "options")?,
            });
        }
        "PatchStrategicMergeTransformer" => {
            kz.patches_strategic_merge = get(k, field, display, config, "paths")?;
            if let Some(Value::String(inline)) = g("patches") {
                kz.patches_strategic_merge.push(inline.clone());
            }
        }
        "PatchJson6902Transformer" => {
            kz.patches.push(Patch {
                path: get(k, field, display, config, "path")?,
                patch: get(k, field, display, config, "jsonOp")?,
                target: get(k, field, display, config, "target")?,
                options: None,
            });
        }
        "ImageTagTransformer" => {
            let image: Image = get(k, field, display, config, "imageTag")?;
            kz.images.push(image);
        }
        "ReplicaCountTransformer" => {
            let replica: Replica = get(k, field, display, config, "replica")?;
            kz.replicas.push(replica);
        }
        "ReplacementTransformer" => {
            kz.replacements = get(k, field, display, config, "replacements")?;
        }
        "HashTransformer" => {}
        "ConfigMapGenerator" | "SecretGenerator" => {
            let mut rest: Map<String, Value> = config.as_object().cloned().unwrap_or_default();
            for key in ["apiVersion", "kind", "metadata"] {
                rest.remove(key);
            }
            let mut gen: Generator = serde_json::from_value(Value::Object(rest)).map_err(|e| {
                refuse(
                    k,
                    field,
                    display,
                    format!("invalid {kind} configuration: {e}"),
                )
            })?;
            gen.name = config
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            gen.namespace = config
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_string);
            if kind == "ConfigMapGenerator" {
                kz.config_map_generator.push(gen);
            } else {
                kz.secret_generator.push(gen);
            }
        }
        _ => {}
    }
    Ok(Synthetic::Fields(Box::new(Loaded { k: kz, ..k.clone() })))
}

/// What a configuration turns into.
enum Synthetic {
    /// A kustomization whose fields drive the same built-in.
    Fields(Box<Loaded>),
    /// Label / annotation pairs set at exactly these field specs.
    Pairs(Map<String, Value>, Vec<FieldSpec>),
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_kind_is_listed_once() {
        let mut kinds = super::BUILTIN_KINDS.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), super::BUILTIN_KINDS.len());
    }
}
