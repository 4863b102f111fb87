//! Kubernetes strategic merge patch, applied as the API server applies it
//! (`k8s.io/apimachinery/pkg/util/strategicpatch`), with kustomize's element order.
//!
//! # Rules
//!
//! - **Maps** merge recursively. A `null` value deletes the key (and is dropped when the key is
//!   absent). A field with `x-kubernetes-patch-strategy: replace` (PodDisruptionBudget
//!   `spec.selector`) is replaced as a whole.
//! - **Lists** are replaced, unless the field's strategy is `merge`:
//!   - lists of maps merge by the field's merge key (`name` for containers, `containerPort` for
//!     ports, `mountPath` for volumeMounts, ...): a patch element updates the original element with
//!     the same key (recursively), or is added. Every patch element must carry the merge key.
//!     Where the schema lists more `x-kubernetes-list-map-keys` (ports: port and protocol), an
//!     element the patch sets them on is matched by them too, so port 53/UDP does not update
//!     53/TCP (the API server matches by the merge key alone and would); an original element
//!     lacking such a key (`protocol` omitted) still matches. kustomize matches by all the keys and
//!     loses the patch's fields when only one side sets `protocol` or `whenUnsatisfiable`.
//!   - lists of primitives (`finalizers`) become the union of both, without duplicates.
//!   - Order (kustomize's, checked against `kubectl kustomize`): the patch's elements first, in the
//!     patch's order, each merged with its original; then the original elements the patch did not
//!     name, in their order. Containers `a, b` patched with `c, b` give `c, b, a`. For the lists
//!     kustomize keys by several list-map keys (ports with `protocol` set, topology spread
//!     constraints with `whenUnsatisfiable` set): the new elements first, then all originals in
//!     their places, merged (ports `a, b, c` patched with `c', d, a'` give `d, a', b, c'`).
//! - A value whose type differs from the original (a map where a string was) replaces it.
//! - Keys and elements the original lacks are added after applying the patch to nothing, so nulls
//!   and directives inside them never reach the output.
//!
//! # Directives
//!
//! - `$patch: delete` in a map deletes the map (the key holding it; at the top level the whole
//!   object, see [`apply`]); in an element of a merged list it deletes every original element with
//!   that merge key.
//! - `$patch: replace` in a map replaces the original map with the patch's; as an element
//!   (`- $patch: replace`) of a merged list it replaces the list with the patch's other elements.
//!   In a list that is replaced anyway the marker element is dropped (kustomize leaves it in the
//!   output).
//! - `$patch: merge` asks for the default merge and is removed. (The API server rejects it in maps;
//!   kustomize drops the map's other patch keys.)
//! - `$retainKeys: [k, ...]` in a map clears every original key not listed, then merges (a union
//!   type switched from `emptyDir` to `persistentVolumeClaim` keeps only the new member). Every
//!   non-null key of the patch map must be listed. kustomize ignores the directive and leaves it in
//!   the output.
//! - `$deleteFromPrimitiveList/<field>: [v, ...]` removes those values from the primitive list
//!   `<field>`. kustomize copies the directive into the output. Two API-server quirks kiln does not
//!   copy: for an absent list, and for a list without the merge strategy (`args`), the server sets
//!   the list to the values to delete; kiln leaves an absent list absent and removes the values
//!   from any list.
//! - `$setElementOrder/<field>: [...]` orders the list `<field>` after merging: the elements it names
//!   (by merge key, or by value for primitives) in its order, interleaved with the original elements
//!   it does not name as the API server does (an unnamed original element is placed before a named
//!   one that followed it in the original). The patch's own list must follow the same relative
//!   order. kustomize copies the directive into the output.
//!
//! Errors are [`ErrorKind::Patch`] and name the path in the patched object
//! (`spec.template.spec.containers[0]: element has no merge key `name``).

use serde_json::{Map, Value};

use crate::k8s::{FieldMeta, PatchMeta};
use crate::{Error, ErrorKind, Result};

const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";

/// Applies the strategic merge patch `patch` to `target` in place.
///
/// `meta` is the patch metadata of the target's kind ([`crate::k8s::patch_meta`], or a
/// [`crate::k8s::Schema`] built from a user's OpenAPI document or CRD); with `None` (a custom
/// resource without a schema) maps merge and every list is replaced.
///
/// A top-level `$patch: delete` deletes the whole object: `target` becomes [`Value::Null`] and the
/// caller removes it from its set. Both `target` and `patch` must be maps. On error `target` may be
/// partly patched: patch a copy if you need the original.
///
/// ```
/// use serde_json::json;
/// let mut obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
///     "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}}});
/// let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "b:2"}]}}}});
/// let meta = kiln::k8s::patch_meta("apps/v1", "Deployment");
/// kiln::patch::strategic_merge::apply(&mut obj, &patch, meta).unwrap();
/// assert_eq!(obj["spec"]["template"]["spec"]["containers"],
///            json!([{"name": "b", "image": "b:2"}, {"name": "a", "image": "a:1"}]));
/// ```
pub fn apply(target: &mut Value, patch: &Value, meta: Option<PatchMeta<'_>>) -> Result<()> {
    let Some(patch) = patch.as_object() else {
        return Err(error(&Path::Root, "a strategic merge patch must be a map"));
    };
    let Some(original) = target.as_object_mut() else {
        return Err(error(&Path::Root, "the patched object must be a map"));
    };
    if merge_map(original, patch, meta, &Path::Root)? == Outcome::Delete {
        *target = Value::Null;
    }
    Ok(())
}

/// Whether `patch` deletes the object it targets (a top-level `$patch: delete`).
pub fn deletes_object(patch: &Value) -> bool {
    patch.get(PATCH).and_then(Value::as_str) == Some("delete")
}

/// Where in the patched object we are, for error messages (built without allocating).
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => write!(f, "{key}"),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn error(path: &Path, msg: impl std::fmt::Display) -> Error {
    let at = match path {
        Path::Root => "top level".to_string(),
        p => p.to_string(),
    };
    Error::new(ErrorKind::Patch, format!("{at}: {msg}"))
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Keep,
    Delete,
}

fn is_directive(key: &str) -> bool {
    key == PATCH
        || key == RETAIN_KEYS
        || key.starts_with(DELETE_FROM_PRIMITIVE_LIST)
        || key.starts_with(SET_ELEMENT_ORDER)
}

fn lookup<'a>(meta: Option<PatchMeta<'a>>, key: &str) -> FieldMeta<'a> {
    meta.map(|m| m.lookup(key)).unwrap_or(FieldMeta::UNKNOWN)
}

/// Merges map `patch` into `original`; `Delete` when the patch says `$patch: delete`.
fn merge_map(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    meta: Option<PatchMeta<'_>>,
    path: &Path,
) -> Result<Outcome> {
    match patch.get(PATCH) {
        None => {}
        Some(Value::String(d)) if d == "merge" => {}
        Some(Value::String(d)) if d == "delete" => return Ok(Outcome::Delete),
        Some(Value::String(d)) if d == "replace" => {
            let mut fresh = Map::new();
            merge_map_body(&mut fresh, patch, meta, path)?;
            *original = fresh;
            return Ok(Outcome::Keep);
        }
        Some(other) => {
            return Err(error(
                path,
                format_args!("unknown `$patch: {}`", scalar_text(other)),
            ))
        }
    }
    merge_map_body(original, patch, meta, path)?;
    Ok(Outcome::Keep)
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Everything of [`merge_map`] after the `$patch` marker.
fn merge_map_body(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    meta: Option<PatchMeta<'_>>,
    path: &Path,
) -> Result<()> {
    if let Some(retain) = patch.get(RETAIN_KEYS) {
        apply_retain_keys(original, patch, retain, path)?;
    }

    // Directives on lists, read before the merge.
    let mut orders: Vec<(&str, &Vec<Value>, Vec<Value>)> = Vec::new();
    for (key, value) in patch {
        if let Some(field) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            let Some(remove) = value.as_array() else {
                return Err(error(
                    path,
                    format_args!("`{key}` must be a list of values"),
                ));
            };
            if let Some(Value::Array(list)) = original.get_mut(field) {
                list.retain(|v| !remove.contains(v));
            }
        } else if let Some(field) = key.strip_prefix(SET_ELEMENT_ORDER) {
            let Some(order) = value.as_array() else {
                return Err(error(path, format_args!("`{key}` must be a list")));
            };
            let merge_key = lookup(meta, field).merge_key;
            if let Some(Value::Array(patch_list)) = patch.get(field) {
                check_patch_order(patch_list, order, merge_key, field, path)?;
            }
            let before = match original.get(field) {
                Some(Value::Array(list)) => list.clone(),
                _ => Vec::new(),
            };
            orders.push((field, order, before));
        }
    }

    for (key, patch_value) in patch {
        if is_directive(key) {
            continue;
        }
        let field = lookup(meta, key);
        let here = Path::Key(path, key);
        if patch_value.is_null() {
            original.shift_remove(key.as_str());
            continue;
        }
        let Some(current) = original.get_mut(key.as_str()) else {
            if let Some(v) = fresh_value(patch_value, field, &here)? {
                original.insert(key.clone(), v);
            }
            continue;
        };
        let delete = match (current, patch_value) {
            (Value::Object(current), Value::Object(p)) if field.strategy.replace => {
                // `x-kubernetes-patch-strategy: replace`: the patch's map, not a merge.
                let mut fresh = Map::new();
                let outcome = merge_map(&mut fresh, p, field.meta, &here)?;
                *current = fresh;
                outcome == Outcome::Delete
            }
            (Value::Object(current), Value::Object(p)) => {
                merge_map(current, p, field.meta, &here)? == Outcome::Delete
            }
            (Value::Array(current), Value::Array(p)) => {
                if field.strategy.merge {
                    merge_list(current, p, field, &here)?;
                } else {
                    *current = replaced_list(p, &here)?;
                }
                false
            }
            (current, _) => match fresh_value(patch_value, field, &here)? {
                Some(v) => {
                    *current = v;
                    false
                }
                None => true,
            },
        };
        if delete {
            original.shift_remove(key.as_str());
        }
    }

    for (field, order, before) in orders {
        if let Some(Value::Array(list)) = original.get_mut(field) {
            let merge_key = lookup(meta, field).merge_key;
            let ordered = order_list(std::mem::take(list), order, &before, merge_key, field, path)?;
            *list = ordered;
        }
    }
    Ok(())
}

/// `$retainKeys`: every non-null patch key must be listed; original keys not listed are cleared.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    retain: &Value,
    path: &Path,
) -> Result<()> {
    let keys: Option<Vec<&str>> = retain
        .as_array()
        .and_then(|list| list.iter().map(Value::as_str).collect());
    let Some(keys) = keys else {
        return Err(error(path, "`$retainKeys` must be a list of field names"));
    };
    for (key, value) in patch {
        if value.is_null() || is_directive(key) {
            continue;
        }
        if !keys.contains(&key.as_str()) {
            return Err(error(
                path,
                format_args!("`{key}` is in the patch but not in `$retainKeys`"),
            ));
        }
    }
    original.retain(|k, _| keys.contains(&k.as_str()));
    Ok(())
}

/// A patch value applied to nothing: directives resolved, nulls dropped. `None` when nothing
/// remains (a map saying `$patch: delete`).
fn fresh_value(patch_value: &Value, field: FieldMeta<'_>, path: &Path) -> Result<Option<Value>> {
    Ok(match patch_value {
        Value::Object(p) => {
            let mut fresh = Map::new();
            match merge_map(&mut fresh, p, field.meta, path)? {
                Outcome::Keep => Some(Value::Object(fresh)),
                Outcome::Delete => None,
            }
        }
        Value::Array(p) if field.strategy.merge => {
            let mut fresh = Vec::new();
            merge_list(&mut fresh, p, field, path)?;
            Some(Value::Array(fresh))
        }
        Value::Array(p) => Some(Value::Array(replaced_list(p, path)?)),
        Value::Null => None,
        scalar => Some(scalar.clone()),
    })
}

/// The patch's list for a field that is replaced: taken as is, minus `$patch: replace` markers.
fn replaced_list(patch: &[Value], path: &Path) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(patch.len());
    for (i, element) in patch.iter().enumerate() {
        match element.get(PATCH) {
            None => out.push(element.clone()),
            Some(Value::String(d)) if d == "replace" || d == "merge" => {
                if element.as_object().is_some_and(|m| m.len() > 1) {
                    out.push(strip_marker(element));
                }
            }
            Some(Value::String(d)) if d == "delete" => {
                return Err(error(
                    &Path::Index(path, i),
                    "`$patch: delete` needs a list merged by a key; this list has no merge key \
                     (no patch strategy in the schema), so the patch replaces it as a whole",
                ));
            }
            Some(other) => {
                return Err(error(
                    &Path::Index(path, i),
                    format_args!("unknown `$patch: {}`", scalar_text(other)),
                ))
            }
        }
    }
    Ok(out)
}

fn strip_marker(element: &Value) -> Value {
    let mut m = element.as_object().cloned().unwrap_or_default();
    m.shift_remove(PATCH);
    Value::Object(m)
}

/// Merges a list with the merge strategy (see the module docs for the order).
fn merge_list(
    original: &mut Vec<Value>,
    patch: &[Value],
    field: FieldMeta<'_>,
    path: &Path,
) -> Result<()> {
    let maps = patch
        .iter()
        .chain(original.iter())
        .find(|v| !v.is_null())
        .is_some_and(Value::is_object);
    for (i, v) in patch.iter().enumerate() {
        if v.is_object() != maps || v.is_array() {
            return Err(error(
                &Path::Index(path, i),
                "list elements must be all maps or all scalars (lists of lists cannot be merged)",
            ));
        }
    }
    if !maps {
        let mut out: Vec<Value> = Vec::with_capacity(patch.len() + original.len());
        for v in patch.iter().chain(original.iter()) {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        *original = out;
        return Ok(());
    }
    let Some(key) = field.merge_key else {
        return Err(error(
            path,
            "a list of maps with the merge strategy needs a merge key",
        ));
    };
    let element_field = FieldMeta {
        meta: field.meta,
        ..FieldMeta::UNKNOWN
    };
    let secondary = field.list_map_keys;

    // Special elements first: deletions, and whether the list is replaced.
    let mut replace = false;
    let mut regular: Vec<(usize, &Map<String, Value>)> = Vec::with_capacity(patch.len());
    for (i, v) in patch.iter().enumerate() {
        let m = v.as_object().expect("checked above");
        match m.get(PATCH) {
            None => regular.push((i, m)),
            Some(Value::String(d)) if d == "delete" => {
                if !m.contains_key(key) {
                    return Err(no_merge_key(path, i, key));
                }
                original.retain(|e| !same_element(e, m, key, secondary, false));
            }
            Some(Value::String(d)) if d == "replace" => replace = true,
            Some(Value::String(d)) if d == "merge" => {
                if m.len() > 1 {
                    regular.push((i, m));
                }
            }
            Some(other) => {
                return Err(error(
                    &Path::Index(path, i),
                    format_args!("unknown `$patch: {}`", scalar_text(other)),
                ))
            }
        }
    }
    if replace {
        let mut out = Vec::with_capacity(regular.len());
        for (i, m) in regular {
            let mut fresh = Map::new();
            merge_map_body(&mut fresh, m, field.meta, &Path::Index(path, i))?;
            out.push(Value::Object(fresh));
        }
        *original = out;
        return Ok(());
    }

    // kustomize's order: with one merge key, the patch's elements (merged or new) first, then the
    // untouched originals; with several list-map keys in use, the new elements first, then the
    // originals in their places (merged).
    let in_place = secondary.iter().any(|k| {
        k.as_str() != key
            && patch
                .iter()
                .chain(original.iter())
                .any(|e| e.get(k.as_str()).is_some())
    });
    let mut front: Vec<Value> = Vec::with_capacity(regular.len() + original.len());
    let mut moved = vec![false; original.len()];
    for (i, m) in regular {
        let here = Path::Index(path, i);
        if !m.contains_key(key) {
            return Err(no_merge_key(path, i, key));
        }
        if let Some(Value::Object(prev)) = front
            .iter_mut()
            .find(|e| same_element(e, m, key, secondary, true))
        {
            // The patch names the same element twice: merge into the first.
            merge_map(prev, m, field.meta, &here)?;
            continue;
        }
        let find = |exact| {
            (0..original.len())
                .find(|&j| !moved[j] && same_element(&original[j], m, key, secondary, exact))
        };
        match find(true).or_else(|| find(false)) {
            Some(j) => {
                if let Value::Object(e) = &mut original[j] {
                    merge_map(e, m, field.meta, &here)?;
                }
                if !in_place {
                    moved[j] = true;
                    front.push(std::mem::take(&mut original[j]));
                }
            }
            None => {
                let element = Value::Object(m.clone());
                if let Some(v) = fresh_value(&element, element_field, &here)? {
                    front.push(v);
                }
            }
        }
    }
    for (j, element) in original.drain(..).enumerate() {
        if !moved[j] {
            front.push(element);
        }
    }
    *original = front;
    Ok(())
}

/// Whether list element `element` is the one the patch element `patch` names: the same merge key
/// value and, for lists with several `x-kubernetes-list-map-keys` (ports: port and protocol), the
/// same value of each other key the patch element sets. `exact` requires the element to set them
/// too; otherwise an element lacking one (a port without `protocol`, which defaults to TCP) matches.
fn same_element(
    element: &Value,
    patch: &Map<String, Value>,
    key: &str,
    secondary: &[String],
    exact: bool,
) -> bool {
    let Some(e) = element.as_object() else {
        return false;
    };
    if e.get(key).is_none() || e.get(key) != patch.get(key) {
        return false;
    }
    secondary.iter().filter(|k| k.as_str() != key).all(|k| {
        match (e.get(k.as_str()), patch.get(k.as_str())) {
            (Some(a), Some(b)) => a == b,
            (None, Some(_)) => !exact,
            (_, None) => true,
        }
    })
}

fn no_merge_key(path: &Path, i: usize, key: &str) -> Error {
    error(
        &Path::Index(path, i),
        format_args!("element has no merge key `{key}`"),
    )
}

/// What identifies an element for ordering: its merge key's value, or the element itself.
fn identity<'v>(element: &'v Value, merge_key: Option<&str>) -> Option<&'v Value> {
    match (element, merge_key) {
        (Value::Object(m), Some(key)) => m.get(key),
        (Value::Object(_), None) => None,
        (v, _) => Some(v),
    }
}

fn position(list: &[Value], id: &Value, merge_key: Option<&str>) -> Option<usize> {
    list.iter().position(|e| identity(e, merge_key) == Some(id))
}

/// The patch's list must name its elements in the same relative order as `$setElementOrder`.
fn check_patch_order(
    patch_list: &[Value],
    order: &[Value],
    merge_key: Option<&str>,
    field: &str,
    path: &Path,
) -> Result<()> {
    let mut at = 0;
    for element in patch_list {
        if element.get(PATCH).is_some() {
            continue; // deletions and markers are not ordered
        }
        let Some(id) = identity(element, merge_key) else {
            return Err(error(
                path,
                format_args!(
                    "`$setElementOrder/{field}` needs the list's merge key in every element"
                ),
            ));
        };
        match order[at..]
            .iter()
            .position(|o| identity(o, merge_key) == Some(id))
        {
            Some(p) => at += p + 1,
            None => {
                return Err(error(
                    path,
                    format_args!(
                    "the order of `{field}` in the patch does not match `$setElementOrder/{field}`"
                ),
                ))
            }
        }
    }
    Ok(())
}

/// Orders a merged list by `$setElementOrder` as the API server does: the elements the directive
/// names, in its order, interleaved with the others, which keep their original order; an
/// unnamed element goes before a named one when it stood before it in the original list.
fn order_list(
    merged: Vec<Value>,
    order: &[Value],
    before: &[Value],
    merge_key: Option<&str>,
    field: &str,
    path: &Path,
) -> Result<Vec<Value>> {
    if merged
        .iter()
        .any(|e| e.is_object() && identity(e, merge_key).is_none())
    {
        return Err(error(
            path,
            format_args!("`$setElementOrder/{field}` needs a list whose elements have a merge key"),
        ));
    }
    let key_of = |e: &Value| identity(e, merge_key).cloned().unwrap_or(Value::Null);
    let (mut named, mut unnamed): (Vec<Value>, Vec<Value>) = merged
        .into_iter()
        .partition(|e| position(order, &key_of(e), merge_key).is_some());
    named.sort_by_key(|e| position(order, &key_of(e), merge_key));
    unnamed.sort_by_key(|e| position(before, &key_of(e), merge_key).unwrap_or(usize::MAX));

    let mut out = Vec::with_capacity(named.len() + unnamed.len());
    let mut named = named.into_iter().peekable();
    let mut unnamed = unnamed.into_iter().peekable();
    loop {
        match (unnamed.peek(), named.peek()) {
            (Some(u), Some(n)) => {
                let ui = position(before, &key_of(u), merge_key);
                let ni = position(before, &key_of(n), merge_key);
                let take_unnamed = matches!((ui, ni), (Some(a), Some(b)) if a < b);
                let next = if take_unnamed {
                    unnamed.next()
                } else {
                    named.next()
                };
                out.extend(next);
            }
            (Some(_), None) => out.extend(unnamed.next()),
            (None, Some(_)) => out.extend(named.next()),
            (None, None) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::patch_meta;
    use serde_json::json;

    fn deployment(containers: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"template": {"spec": {"containers": containers}}}})
    }

    fn containers(obj: &Value) -> &Value {
        &obj["spec"]["template"]["spec"]["containers"]
    }

    fn smp(target: &mut Value, patch: Value) -> Result<()> {
        let meta = patch_meta("apps/v1", "Deployment");
        apply(target, &patch, meta)
    }

    #[test]
    fn patch_elements_come_first() {
        let mut d = deployment(json!([{"name": "a"}, {"name": "b", "image": "b:1"}]));
        smp(
            &mut d,
            deployment(json!([{"name": "c"}, {"name": "b", "image": "b:2"}])),
        )
        .unwrap();
        assert_eq!(
            containers(&d),
            &json!([{"name": "c"}, {"name": "b", "image": "b:2"}, {"name": "a"}])
        );
    }

    #[test]
    fn without_meta_lists_are_replaced() {
        let mut d = deployment(json!([{"name": "a"}, {"name": "b"}]));
        apply(&mut d, &deployment(json!([{"name": "c"}])), None).unwrap();
        assert_eq!(containers(&d), &json!([{"name": "c"}]));
    }

    #[test]
    fn top_level_delete_removes_the_object() {
        let mut d = deployment(json!([]));
        let patch = json!({"$patch": "delete", "metadata": {"name": "web"}});
        assert!(deletes_object(&patch));
        smp(&mut d, patch).unwrap();
        assert!(d.is_null());
    }

    #[test]
    fn top_level_replace() {
        let mut d = deployment(json!([{"name": "a"}]));
        smp(
            &mut d,
            json!({"$patch": "replace", "kind": "Deployment", "spec": {"replicas": 3, "x": null}}),
        )
        .unwrap();
        assert_eq!(d, json!({"kind": "Deployment", "spec": {"replicas": 3}}));
    }

    #[test]
    fn new_elements_are_cleaned() {
        let mut d = deployment(json!([{"name": "a"}]));
        smp(
            &mut d,
            deployment(json!([{"name": "n", "image": null, "env": [{"name": "X", "$patch": "delete"}, {"name": "Y"}]}])),
        )
        .unwrap();
        assert_eq!(
            containers(&d),
            &json!([{"name": "n", "env": [{"name": "Y"}]}, {"name": "a"}])
        );
    }

    #[test]
    fn errors_name_the_path() {
        let mut d = deployment(json!([{"name": "a"}]));
        let err = smp(&mut d, deployment(json!([{"name": "a"}, {"image": "x"}]))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Patch);
        assert_eq!(
            err.message(),
            "spec.template.spec.containers[1]: element has no merge key `name`"
        );
        let err = apply(&mut d, &json!([1]), None).unwrap_err();
        assert_eq!(
            err.message(),
            "top level: a strategic merge patch must be a map"
        );
        let err = smp(&mut d, deployment(json!([{"name": "a"}, "b"]))).unwrap_err();
        assert!(
            err.message().contains("all maps or all scalars"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn delete_in_replaced_list_is_an_error() {
        let mut d = deployment(json!([{"name": "a", "args": ["x"]}]));
        let err = smp(
            &mut d,
            deployment(json!([{"name": "a", "args": [{"$patch": "delete"}]}])),
        )
        .unwrap_err();
        assert!(err
            .message()
            .starts_with("spec.template.spec.containers[0].args[0]: `$patch: delete`"));
    }

    #[test]
    fn replace_marker_dropped_from_replaced_lists() {
        let mut d = deployment(json!([{"name": "a", "tolerations": []}]));
        let patch = json!({"spec": {"template": {"spec": {"tolerations": [{"key": "k"}, {"$patch": "replace"}]}}}});
        smp(&mut d, patch).unwrap();
        assert_eq!(
            d["spec"]["template"]["spec"]["tolerations"],
            json!([{"key": "k"}])
        );
    }

    #[test]
    fn delete_from_primitive_list_on_absent_list_is_a_no_op() {
        let mut d = json!({"metadata": {"name": "x"}});
        smp(
            &mut d,
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
        )
        .unwrap();
        assert_eq!(d, json!({"metadata": {"name": "x"}}));
    }

    #[test]
    fn set_element_order_interleaves_like_the_api_server() {
        // Live list a, b, c; the order names c and a; the patch adds nothing.
        let mut d = deployment(json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]));
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "c"}, {"name": "a"}]}}}});
        smp(&mut d, patch).unwrap();
        // b stood before c in the live list, so it goes before c.
        assert_eq!(
            containers(&d),
            &json!([{"name": "b"}, {"name": "c"}, {"name": "a"}])
        );
    }

    #[test]
    fn duplicate_patch_elements_merge_once() {
        let mut d = deployment(json!([{"name": "a", "image": "a:1"}]));
        smp(
            &mut d,
            deployment(json!([{"name": "a", "image": "a:2"}, {"name": "a", "tty": true}])),
        )
        .unwrap();
        assert_eq!(
            containers(&d),
            &json!([{"name": "a", "image": "a:2", "tty": true}])
        );
    }

    #[test]
    fn dollar_keys_that_are_not_directives_are_data() {
        let mut obj = json!({"spec": {"schema": {"a": 1}}});
        apply(
            &mut obj,
            &json!({"spec": {"schema": {"$ref": "#/x"}}}),
            None,
        )
        .unwrap();
        assert_eq!(obj, json!({"spec": {"schema": {"a": 1, "$ref": "#/x"}}}));
    }
}
