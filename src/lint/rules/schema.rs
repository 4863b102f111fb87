//! `schema`: every object validates against the Kubernetes schema of its apiVersion and kind;
//! custom resources against their CRD (from `--crd` or the set) or are reported as skipped.
//! The validator is [`crate::k8s::validate`]: strict JSON-schema validation for Kubernetes
//! 1.33–1.37, compiled once per kind.

use super::Sink;
use crate::error::{Error, ErrorKind, Result};
use crate::lint::finding::Severity;
use crate::lint::set::LintSet;
use crate::resource::Resource;
use serde_json::Value;

use crate::k8s::validate;

pub use validate::Verdict;

/// The schema verdict of one object, plus the CEL rules of its CRD that could not be evaluated.
#[derive(Debug, Clone)]
pub struct Checked {
    pub verdict: Verdict,
    pub unevaluated: Vec<validate::Violation>,
}

/// The validator of a run: the Kubernetes version's schemas and the CRDs given with `--crd`
/// (each set clones it and adds its own CRDs; compiled schemas are shared).
pub fn validator(kube_version: &str, crds: &[Value]) -> Result<validate::Validator> {
    let mut validator = validate::Validator::new(kube_version).map_err(|e| {
        Error::new(
            ErrorKind::Usage,
            format!("--kube-version {kube_version}: {}", e.message()),
        )
    })?;
    for crd in crds {
        validator.add_crd(crd)?;
    }
    Ok(validator)
}

/// Validates every object of a set once (CRDs found in the set first).
pub fn verdicts(base: &validate::Validator, objects: &[Resource]) -> Result<Vec<Checked>> {
    let mut validator = base.clone();
    let kube_version = validator.kube_version();
    for r in objects {
        if r.kind() == "CustomResourceDefinition" {
            // A CRD that does not load is itself reported by its own verdict.
            let _ = validator.add_crd(&r.value);
        }
    }
    let minor = crate::lint::removed::minor_of(kube_version).unwrap_or(u32::MAX);
    Ok(objects
        .iter()
        .map(|r| {
            let verdict = match crate::lint::removed::lookup(r.api_version(), r.kind(), minor) {
                Some(removed) => Verdict::Invalid(vec![validate::Violation {
                    path: "/apiVersion".into(),
                    message: removed.message(validator.kube_version()),
                }]),
                None => validator.validate(&r.value),
            };
            // CEL rules run on objects their schema admits, as on the API server.
            let schema = validator
                .crd_schema(r.api_version(), r.kind())
                .filter(|s| crate::k8s::cel::has_rules(s));
            match (verdict, schema) {
                (Verdict::Valid, Some(schema)) => {
                    let outcome = crate::k8s::cel::evaluate(schema, &r.value);
                    Checked {
                        verdict: if outcome.failures.is_empty() {
                            Verdict::Valid
                        } else {
                            Verdict::Invalid(outcome.failures)
                        },
                        unevaluated: outcome.unevaluated,
                    }
                }
                (verdict, _) => Checked {
                    verdict,
                    unevaluated: Vec::new(),
                },
            }
        })
        .collect())
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, checked) in set.schema.iter().enumerate() {
        for u in &checked.unevaluated {
            sink.object_with(
                Severity::Info,
                i,
                dotted(&u.path),
                format!("CEL validation {} (not checked)", u.message),
            );
        }
        match &checked.verdict {
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
                let r = &set.objects[i];
                for v in violations {
                    if let Some(protocol) = null_network_policy_port(r, &v.path, &v.message) {
                        sink.object_with(
                            Severity::Warning,
                            i,
                            dotted(&v.path),
                            format!("`port: null` is accepted by the API server, which drops the field: this entry then allows every {protocol} port; remove `port:` if that is meant, else set the port"),
                        );
                        continue;
                    }
                    let mut message = v.message.clone();
                    if v.path == "/spec"
                        && message == "missing required field \"selector\""
                        && matches!(r.kind(), "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
                    {
                        message.push_str(": add matchLabels that are a subset of spec.template.metadata.labels");
                    }
                    sink.object(i, dotted(&v.path), message);
                }
            }
        }
    }
}

/// The protocol of a NetworkPolicy port entry whose `port` is null (`/spec/egress/0/ports/1/port`).
fn null_network_policy_port(r: &Resource, path: &str, message: &str) -> Option<String> {
    if r.kind() != "NetworkPolicy" || !message.starts_with("got null") {
        return None;
    }
    let entry = path.strip_suffix("/port")?;
    let mut parts = entry.trim_start_matches('/').split('/');
    let ok = matches!(
        (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next()
        ),
        (
            Some("spec"),
            Some("ingress" | "egress"),
            Some(_),
            Some("ports"),
            Some(_),
            None
        )
    );
    if !ok {
        return None;
    }
    let protocol = r
        .value
        .pointer(&format!("{entry}/protocol"))
        .and_then(Value::as_str)
        .unwrap_or("TCP");
    Some(protocol.to_string())
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
