//! JSON patch (RFC 6902) through the `json-patch` crate, with errors that name the failing
//! operation: its index in the list, its `op` and its `path`.

use serde_json::Value;

use crate::{Error, ErrorKind, Result};

/// Applies the JSON patch `ops` (a list of `{op, path, value|from}` maps) to `target`.
///
/// The operations apply in order and all-or-nothing: on error `target` is left unchanged. Errors are
/// [`ErrorKind::Patch`]: `JSON patch operation 1 (replace /spec/nothere/x): no value at the path`.
/// As in kustomize, `replace` of a missing key in an existing map adds it.
///
/// ```
/// use serde_json::json;
/// let mut obj = json!({"spec": {"replicas": 1}});
/// let ops = json!([{"op": "replace", "path": "/spec/replicas", "value": 3}]);
/// kiln::patch::json6902::apply(&mut obj, &ops).unwrap();
/// assert_eq!(obj, json!({"spec": {"replicas": 3}}));
/// ```
pub fn apply(target: &mut Value, ops: &Value) -> Result<()> {
    let Some(list) = ops.as_array() else {
        return Err(Error::new(
            ErrorKind::Patch,
            "a JSON patch must be a list of operations",
        ));
    };
    // `replace` of a missing key is decided on the target as it is before the patch (the common
    // case); the operations then apply all-or-nothing in one go.
    let mut ops = Vec::with_capacity(list.len());
    let mut parsed = Vec::with_capacity(list.len());
    for (i, op) in list.iter().enumerate() {
        let op = replace_missing_key_as_add(target, op);
        let operation: json_patch::PatchOperation =
            serde_json::from_value(op.clone()).map_err(|e| {
                Error::new(
                    ErrorKind::Patch,
                    format!("JSON patch operation {i} ({}): {e}", describe(&op)),
                )
            })?;
        if let Some(why) = breaks_identity(&op) {
            return Err(Error::new(
                ErrorKind::Patch,
                format!("JSON patch operation {i} ({}): {why}", describe(&op)),
            ));
        }
        parsed.push(operation);
        ops.push(op);
    }
    // Applied to a copy that replaces the target only when every operation succeeded: the crate's
    // own rollback (`json_patch::patch`) panics on some failed `move`s (a copy then a move to a
    // missing parent), so it is not used.
    let mut patched = target.clone();
    json_patch::patch_unsafe(&mut patched, &parsed)
        .map_err(|e| op_error(e.operation, &ops[e.operation], e))?;
    *target = patched;
    Ok(())
}

/// kustomize's JSON patch library lets `replace` add a missing last key to an existing map (it
/// fails only when the parent is missing): such an operation is applied as `add`.
fn replace_missing_key_as_add(doc: &Value, op: &Value) -> Value {
    let (Some("replace"), Some(path)) = (
        op.get("op").and_then(Value::as_str),
        op.get("path").and_then(Value::as_str),
    ) else {
        return op.clone();
    };
    if doc.pointer(path).is_some() {
        return op.clone();
    }
    let Some((parent, _)) = path.rsplit_once('/') else {
        return op.clone();
    };
    if !doc.pointer(parent).is_some_and(Value::is_object) {
        return op.clone();
    }
    let mut op = op.clone();
    op["op"] = Value::String("add".into());
    op
}

fn op_error(i: usize, op: &Value, e: json_patch::PatchError) -> Error {
    let why = match e.kind {
        json_patch::PatchErrorKind::TestFailed => {
            format!(
                "the value at {} is not {}",
                e.path,
                op.get("value").unwrap_or(&Value::Null)
            )
        }
        json_patch::PatchErrorKind::InvalidFromPointer => "no value at the `from` path".to_string(),
        json_patch::PatchErrorKind::InvalidPointer => match op.get("op").and_then(Value::as_str) {
            Some("add") => {
                "the parent of the path does not exist (or the list index is out of range)"
                    .to_string()
            }
            _ => "no value at the path".to_string(),
        },
        json_patch::PatchErrorKind::CannotMoveInsideItself => {
            "cannot move a value inside itself".to_string()
        }
        other => other.to_string(),
    };
    Error::new(
        ErrorKind::Patch,
        format!("JSON patch operation {i} ({}): {why}", describe(op)),
    )
}

/// Why an operation would take away what makes a document a Kubernetes object (its whole self,
/// `apiVersion`, `kind`, `metadata`, `metadata.name`), if it would: such patches are errors, not
/// silently odd objects.
fn breaks_identity(op: &Value) -> Option<String> {
    const IDENTITY: [&str; 4] = ["/apiVersion", "/kind", "/metadata", "/metadata/name"];
    let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
    let path = op.get("path").and_then(Value::as_str).unwrap_or("-");
    let from = op.get("from").and_then(Value::as_str);
    if path.is_empty() && kind != "test" {
        return Some(
            "the path `\"\"` is the whole object: a patch changes fields of an object, it cannot replace or remove the object (use a path such as /spec)".into(),
        );
    }
    if kind == "remove" && IDENTITY.contains(&path) {
        return Some(format!(
            "removes `{}`, which every Kubernetes object needs",
            &path[1..]
        ));
    }
    if kind == "move" {
        if let Some(from) = from.filter(|f| f.is_empty() || IDENTITY.contains(f)) {
            return Some(format!(
                "moves `{}` away, which every Kubernetes object needs",
                if from.is_empty() {
                    "the whole object"
                } else {
                    &from[1..]
                }
            ));
        }
    }
    if matches!(kind, "replace" | "add") && IDENTITY.contains(&path) {
        let ok = match (path, op.get("value")) {
            ("/metadata", Some(Value::Object(m))) => m
                .get("name")
                .is_some_and(|n| n.as_str().is_some_and(|n| !n.is_empty())),
            (_, Some(Value::String(s))) => path != "/metadata" && !s.is_empty(),
            _ => false,
        };
        if !ok {
            return Some(format!(
                "sets `{}` to a value a Kubernetes object cannot have (it must be {})",
                &path[1..],
                if path == "/metadata" {
                    "a map with a name"
                } else {
                    "non-empty text"
                }
            ));
        }
    }
    None
}

/// `op path` of an operation as written, for messages.
fn describe(op: &Value) -> String {
    let field = |k: &str| match op.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => format!("<no {k}>"),
    };
    match op.get("from") {
        Some(_) => format!("{} {} from {}", field("op"), field("path"), field("from")),
        None => format!("{} {}", field("op"), field("path")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job() -> Value {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
               "spec": {"backoffLimit": 4, "template": {"spec": {"containers": [{"name": "c", "args": ["a"]}]}}}})
    }

    #[test]
    fn applies_all_ops() {
        let mut j = job();
        apply(
            &mut j,
            &json!([
                {"op": "replace", "path": "/spec/backoffLimit", "value": 1},
                {"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": "b"},
                {"op": "add", "path": "/metadata/labels", "value": {"x": "y"}},
                {"op": "copy", "from": "/metadata/labels", "path": "/spec/template/metadata"},
                {"op": "move", "from": "/spec/template/metadata", "path": "/spec/meta"},
                {"op": "test", "path": "/spec/backoffLimit", "value": 1},
                {"op": "remove", "path": "/spec/meta"},
            ]),
        )
        .unwrap();
        assert_eq!(j["spec"]["backoffLimit"], json!(1));
        assert_eq!(
            j["spec"]["template"]["spec"]["containers"][0]["args"],
            json!(["a", "b"])
        );
        assert_eq!(j["metadata"]["labels"], json!({"x": "y"}));
        assert!(j["spec"].get("meta").is_none());
    }

    #[test]
    fn error_names_index_op_and_path_and_leaves_target_alone() {
        let mut j = job();
        let err = apply(
            &mut j,
            &json!([
                {"op": "replace", "path": "/spec/backoffLimit", "value": 1},
                {"op": "replace", "path": "/spec/nothere/replicas", "value": 3},
            ]),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Patch);
        assert_eq!(
            err.message(),
            "JSON patch operation 1 (replace /spec/nothere/replicas): no value at the path"
        );
        assert_eq!(j, job(), "a failed patch changes nothing");
    }

    #[test]
    fn failed_move_after_copy_is_an_error_not_a_panic() {
        let mut j = job();
        let err = apply(
            &mut j,
            &json!([
                {"op": "copy", "from": "/spec/backoffLimit", "path": "/spec/b2"},
                {"op": "move", "from": "/spec/b2", "path": "/nothere/b3"},
            ]),
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "JSON patch operation 1 (move /nothere/b3 from /spec/b2): no value at the path"
        );
        assert_eq!(j, job(), "a failed patch changes nothing");
    }

    #[test]
    fn other_errors() {
        let mut j = job();
        let msg = |ops: Value| apply(&mut job(), &ops).unwrap_err().message().to_string();
        assert_eq!(
            msg(json!([{"op": "add", "path": "/spec/nope/x", "value": 1}])),
            "JSON patch operation 0 (add /spec/nope/x): the parent of the path does not exist (or the list index is out of range)"
        );
        assert_eq!(
            msg(json!([{"op": "test", "path": "/spec/backoffLimit", "value": 9}])),
            "JSON patch operation 0 (test /spec/backoffLimit): the value at /spec/backoffLimit is not 9"
        );
        assert_eq!(
            msg(json!([{"op": "move", "from": "/spec/x", "path": "/spec/y"}])),
            "JSON patch operation 0 (move /spec/y from /spec/x): no value at the `from` path"
        );
        let bad_op = msg(
            json!([{"op": "remove", "path": "/spec/backoffLimit"}, {"op": "replace2", "path": "/a"}]),
        );
        assert!(
            bad_op.starts_with("JSON patch operation 1 (replace2 /a): unknown variant `replace2`"),
            "{bad_op}"
        );
        let no_value = msg(json!([{"op": "add", "path": "/a"}]));
        assert!(
            no_value.starts_with("JSON patch operation 0 (add /a): missing field `value`"),
            "{no_value}"
        );
        assert_eq!(
            apply(&mut j, &json!({"op": "add"})).unwrap_err().message(),
            "a JSON patch must be a list of operations"
        );
    }

    #[test]
    fn ops_that_unmake_the_object_are_errors() {
        let cases = [
            (
                json!({"op": "replace", "path": "", "value": {"a": 1}}),
                "is the whole object",
            ),
            (
                json!({"op": "add", "path": "", "value": {}}),
                "is the whole object",
            ),
            (json!({"op": "remove", "path": ""}), "is the whole object"),
            (json!({"op": "remove", "path": "/kind"}), "removes `kind`"),
            (
                json!({"op": "remove", "path": "/metadata"}),
                "removes `metadata`",
            ),
            (
                json!({"op": "remove", "path": "/metadata/name"}),
                "removes `metadata/name`",
            ),
            (
                json!({"op": "move", "from": "/kind", "path": "/x"}),
                "moves `kind` away",
            ),
            (
                json!({"op": "replace", "path": "/kind", "value": 3}),
                "sets `kind`",
            ),
            (
                json!({"op": "replace", "path": "/metadata", "value": []}),
                "sets `metadata`",
            ),
        ];
        for (op, want) in cases {
            let mut j = job();
            let before = j.clone();
            let err = apply(&mut j, &json!([op])).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
            assert_eq!(j, before);
        }
        // Renaming is fine.
        let mut j = job();
        apply(
            &mut j,
            &json!([{"op": "replace", "path": "/metadata/name", "value": "k"}]),
        )
        .unwrap();
        assert_eq!(j["metadata"]["name"], json!("k"));
    }
}
