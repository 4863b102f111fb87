//! stub
use serde_json::Value;

pub fn apply(target: &mut Value, ops: &Value) -> crate::Result<()> {
    let p: json_patch::Patch = serde_json::from_value(ops.clone())
        .map_err(|e| crate::Error::new(crate::ErrorKind::Patch, e.to_string()))?;
    json_patch::patch(target, &p)
        .map_err(|e| crate::Error::new(crate::ErrorKind::Patch, e.to_string()))
}
