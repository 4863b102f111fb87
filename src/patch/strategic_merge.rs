//! stub
use crate::k8s::PatchMeta;
use serde_json::Value;

pub fn apply(target: &mut Value, patch: &Value, _meta: Option<PatchMeta<'_>>) -> crate::Result<()> {
    merge(target, patch);
    Ok(())
}

fn merge(t: &mut Value, p: &Value) {
    match (t, p) {
        (Value::Object(tm), Value::Object(pm)) => {
            for (k, v) in pm {
                if v.is_null() {
                    tm.remove(k);
                } else if let Some(e) = tm.get_mut(k) {
                    merge(e, v);
                } else {
                    tm.insert(k.clone(), v.clone());
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

pub fn deletes_object(patch: &Value) -> bool {
    patch.get("$patch").and_then(Value::as_str) == Some("delete")
}
