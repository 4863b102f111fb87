//! `schema`: every object validates against the Kubernetes schema of its apiVersion and kind;
//! custom resources against their CRD (from `--crd` or the set) or are reported as skipped.
//!
//! The validator itself is `kiln::k8s::validate` (written separately). Until it is on main this
//! module codes against its API through [`validate`], a stand-in with the same signatures that
//! accepts every built-in kind and skips custom resources without a CRD. To switch to the real
//! validator, replace the `use self::standin as validate;` line below with
//! `use crate::k8s::validate;` and delete the `standin` module.

use super::Sink;
use crate::error::{Error, ErrorKind, Result};
use crate::lint::finding::Severity;
use crate::lint::set::LintSet;
use crate::resource::Resource;
use serde_json::Value;

use self::standin as validate;

pub use validate::Verdict;

/// Validates every object of a set once (CRDs given with `--crd` and found in the set first).
pub fn verdicts(kube_version: &str, crds: &[Value], objects: &[Resource]) -> Result<Vec<Verdict>> {
    let mut validator = validate::Validator::new(kube_version).map_err(|e| {
        Error::new(
            ErrorKind::Usage,
            format!("--kube-version {kube_version}: {}", e.message()),
        )
    })?;
    for crd in crds {
        validator.add_crd(crd)?;
    }
    for r in objects {
        if r.kind() == "CustomResourceDefinition" {
            // A CRD that does not load is itself reported by its own verdict.
            let _ = validator.add_crd(&r.value);
        }
    }
    Ok(objects
        .iter()
        .map(|r| validator.validate(&r.value))
        .collect())
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, verdict) in set.schema.iter().enumerate() {
        match verdict {
            Verdict::Valid => {}
            Verdict::Skipped(why) => sink.object_with(
                Severity::Info,
                i,
                "",
                if why.contains("--crd") {
                    format!("not validated: {why}")
                } else {
                    format!("custom resource not validated: pass --crd FILE with its CustomResourceDefinition ({why})")
                },
            ),
            Verdict::Invalid(violations) => {
                for v in violations {
                    sink.object(i, dotted(&v.path), v.message.clone());
                }
            }
        }
    }
}

/// A JSON pointer (`/spec/containers/0/image`) as a YAML path
/// (`spec.containers[0].image`); other paths are kept.
pub fn dotted(path: &str) -> String {
    let Some(rest) = path.strip_prefix('/') else {
        return path.to_string();
    };
    let mut out = String::new();
    for seg in rest.split('/') {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.bytes().all(|b| b.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            out = crate::lint::locate::join(&out, &seg);
        }
    }
    out
}

/// Stand-in for `kiln::k8s::validate` with its API: built-in kinds are valid, custom resources
/// are skipped unless their CRD was added.
mod standin {
    use crate::error::{Error, ErrorKind, Result};
    use serde_json::Value;
    use std::collections::HashSet;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Violation {
        pub path: String,
        pub message: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Verdict {
        Valid,
        Invalid(Vec<Violation>),
        Skipped(String),
    }

    pub struct Validator {
        crds: HashSet<(String, String)>,
    }

    impl Validator {
        pub fn new(kube_version: &str) -> Result<Validator> {
            let ok = kube_version
                .trim_start_matches('v')
                .split('.')
                .take(2)
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(Error::new(
                    ErrorKind::Usage,
                    "not a Kubernetes version (X.Y)",
                ));
            }
            Ok(Validator {
                crds: HashSet::new(),
            })
        }

        pub fn add_crd(&mut self, crd: &Value) -> Result<()> {
            let group = crd
                .pointer("/spec/group")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kind = crd
                .pointer("/spec/names/kind")
                .and_then(Value::as_str)
                .unwrap_or("");
            self.crds.insert((group.to_string(), kind.to_string()));
            Ok(())
        }

        pub fn validate(&self, obj: &Value) -> Verdict {
            let av = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
            let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
            if crate::k8s::is_known_kind(av, kind) {
                return Verdict::Valid;
            }
            let group = av.rsplit_once('/').map_or("", |(g, _)| g);
            if self.crds.contains(&(group.to_string(), kind.to_string())) {
                return Verdict::Valid;
            }
            Verdict::Skipped(format!(
                "custom resource {av} {kind} has no schema: pass --crd"
            ))
        }
    }
}
