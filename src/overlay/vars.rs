//! The deprecated `vars:` (still part of kustomize v5.7): each kustomization tags the one object its
//! var's `objref` names (by current or original id, after its own transforms); at the very end of
//! the build, after hash suffixes and name references, every `$(NAME)` in the `varReference`
//! fields (kustomize's built-in list plus `configurations:`) expands to the field `fieldref`
//! points at in that object. `$$` is an escaped `$`; unknown names stay as written.

use super::config::{builtin_var_reference, selects};
use super::fieldpath::{collect, parse_dotted, parse_slash, visit_mut, Walk};
use super::kustomization::{FieldSpec, Loaded, Var};
use super::Obj;
use crate::error::{Error, ErrorKind, Result};
use serde_json::Value;
use std::collections::HashMap;

/// (group, version) of a var's `objref`, as kustomize reads it.
fn target_gv(v: &Var) -> (String, String) {
    let t = &v.objref;
    match t.api_version.as_deref().filter(|a| !a.is_empty()) {
        Some(av) => match av.split_once('/') {
            Some((g, ver)) => (g.to_string(), ver.to_string()),
            None => (String::new(), av.to_string()),
        },
        None => (
            t.group.clone().unwrap_or_default(),
            t.version.clone().unwrap_or_default(),
        ),
    }
}

fn describe(v: &Var) -> String {
    let (g, ver) = target_gv(v);
    format!(
        "{} (objref {}.{}.{}/{}, fieldref {})",
        v.name,
        v.objref.kind,
        ver,
        g,
        v.objref.name,
        field_path(v)
    )
}

fn field_path(v: &Var) -> &str {
    v.fieldref
        .field_path
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("metadata.name")
}

/// Tags the objects named by this kustomization's vars and adds the vars to the build's set.
pub fn merge(k: &Loaded, objs: &mut [Obj], set: &mut Vec<Var>) -> Result<()> {
    let Some(vars) = k.k.vars.as_ref() else {
        return Ok(());
    };
    for v in vars {
        let (group, version) = target_gv(v);
        let ns = v.objref.namespace.as_deref().unwrap_or("");
        let cluster = !crate::k8s::is_namespaced(
            &if group.is_empty() {
                version.clone()
            } else {
                format!("{group}/{version}")
            },
            &v.objref.kind,
        );
        let hits: Vec<usize> = objs
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o.kind() == v.objref.kind && o.group() == group && o.version() == version
            })
            .filter(|(_, o)| {
                let by = |name: &str, obj_ns: &str| {
                    name == v.objref.name
                        && (ns.is_empty() && !cluster || super::build::ns_eq(obj_ns, ns))
                };
                by(o.name(), o.namespace()) || by(&o.orig_name, &o.orig_namespace)
            })
            .map(|(i, _)| i)
            .collect();
        if hits.len() > 1 {
            return Err(k.error(
                "vars",
                format!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    hits.len(),
                    describe(v)
                ),
            ));
        }
        if let Some(&i) = hits.first() {
            objs[i].vars.push(v.name.clone());
        }
    }
    for v in vars {
        if set.iter().any(|s| s.name == v.name) {
            return Err(k.error("vars", format!("var '{}' already encountered", v.name)));
        }
        set.push(v.clone());
    }
    Ok(())
}

/// Expands `$(VAR)` in the varReference fields of every object.
pub fn resolve(objs: &mut [Obj], vars: &[Var], custom: &[FieldSpec]) -> Result<()> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: HashMap<String, Value> = HashMap::new();
    for v in vars {
        let Some(obj) = objs.iter().find(|o| o.vars.contains(&v.name)) else {
            return Err(Error::new(
                ErrorKind::Overlay,
                format!(
                    "var '{}' cannot be mapped to a field in the set of known resources",
                    describe(v)
                ),
            ));
        };
        let mut found = Vec::new();
        collect(&obj.value, &parse_dotted(field_path(v)), &mut found);
        let Some(value) = found.first() else {
            return Err(Error::new(
                ErrorKind::Overlay,
                format!(
                    "field specified in var '{}' not found in corresponding resource {}",
                    describe(v),
                    obj.id()
                ),
            )
            .with_location(crate::error::Location::new(
                obj.source.clone(),
                obj.line,
                1,
            )));
        };
        values.insert(v.name.clone(), (*value).clone());
    }
    let mut specs = builtin_var_reference();
    for s in custom {
        if !specs.iter().any(|b| b.path == s.path && b.kind == s.kind) {
            specs.push(s.clone());
        }
    }
    let walk = Walk {
        create: false,
        implicit_lists: true,
    };
    for obj in objs.iter_mut() {
        let chosen: Vec<&FieldSpec> = specs.iter().filter(|s| selects(s, obj)).collect();
        for spec in chosen {
            let (source, line) = (obj.source.clone(), obj.line);
            visit_mut(&mut obj.value, &parse_slash(&spec.path), walk, &mut |v| {
                expand_node(v, &values).map_err(|m| {
                    Error::new(ErrorKind::Overlay, m).with_location(crate::error::Location::new(
                        source.clone(),
                        line,
                        1,
                    ))
                })
            })?;
        }
    }
    Ok(())
}

fn expand_node(v: &mut Value, values: &HashMap<String, Value>) -> std::result::Result<(), String> {
    match v {
        Value::String(s) => *v = expand(s, values),
        Value::Object(map) => {
            for val in map.values_mut() {
                if let Value::String(s) = val {
                    *val = expand(s, values);
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                match item {
                    Value::String(s) => *item = expand(s, values),
                    _ => return Err("invalid value type expect a string".into()),
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A var's value as kustomize writes it: scalars only; maps and lists leave `$(NAME)`.
fn lookup(name: &str, values: &HashMap<String, Value>) -> Value {
    match values.get(name) {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => v.clone(),
        _ => Value::String(format!("$({name})")),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// kustomize's `$(VAR)` expansion: `$$` → `$`, `$(NAME)` → value (typed when it is the whole
/// string), an unclosed `$(` and any other `$x` stay as written.
pub fn expand(input: &str, values: &HashMap<String, Value>) -> Value {
    let bytes = input.as_bytes();
    let mut out = String::new();
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            out.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let advance = match bytes[cursor + 1] {
                b'$' => {
                    out.push('$');
                    1
                }
                b'(' => match rest.find(')') {
                    Some(close) => {
                        let name = &rest[1..close];
                        let mapped = lookup(name, values);
                        if input.len() == name.len() + 3 {
                            return mapped;
                        }
                        out.push_str(&text(&mapped));
                        close + 1
                    }
                    None => {
                        out.push_str("$(");
                        1
                    }
                },
                _ => {
                    let c = rest.chars().next().unwrap();
                    out.push('$');
                    out.push(c);
                    c.len_utf8()
                }
            };
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if checkpoint < input.len() {
        out.push_str(&input[checkpoint..]);
    }
    Value::String(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_kustomize() {
        let mut m = HashMap::new();
        m.insert("A".to_string(), Value::String("x".into()));
        m.insert("N".to_string(), Value::from(3));
        assert_eq!(expand("$(A)", &m), Value::String("x".into()));
        assert_eq!(expand("$(N)", &m), Value::from(3));
        assert_eq!(expand("p-$(N)-$(A)", &m), Value::String("p-3-x".into()));
        assert_eq!(expand("$$(A)", &m), Value::String("$(A)".into()));
        assert_eq!(expand("$(B) $", &m), Value::String("$(B) $".into()));
        assert_eq!(expand("a$(b", &m), Value::String("a$(b".into()));
        assert_eq!(expand("$x$é", &m), Value::String("$x$é".into()));
    }
}
