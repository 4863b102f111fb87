//! What becomes a value: per kind, the fields a user tunes between environments. Each
//! extracted field is swapped in a copy of the object (the template tree) for a marker that
//! [`super::template`] turns into a Jinja expression, and recorded as a [`ValueInfo`] saying
//! where its default came from.

use crate::k8s::pods::pod_template_at;
use serde_json::{Map, Value};

/// One extracted value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueInfo {
    /// Its path in values.yaml (`["web", "replicas"]`).
    pub path: Vec<String>,
    /// The default written to values.yaml.
    pub default: Value,
    /// Index of the object it came from.
    pub object: usize,
    /// The field of that object it sets, as a JSON pointer (`/spec/replicas`).
    pub field: String,
    /// No usable default (Secret keys): the template fails with a message naming the key.
    pub required: bool,
    /// The closed set of values the field accepts, for the schema.
    pub allowed: Option<&'static [&'static str]>,
    /// Where it came from, for the comment above it in values.yaml.
    pub comment: String,
    /// The template base64-encodes it (Secret `data` whose input was base64 of UTF-8 text).
    pub base64: bool,
    /// Printed as text whatever its type: `--set` may give a number (`tag=8`, `PORT=9090`).
    pub text: bool,
}

/// How a marker in the template tree becomes template text.
#[derive(Debug, Clone, PartialEq)]
pub enum Marker {
    /// The marker is replaced by this text, in place.
    Inline(String),
    /// `key:` then the value printed with `toyaml` on the following lines; with a condition,
    /// the whole field is left out when the condition is false.
    Block { expr: String, cond: Option<String> },
    /// A labels map: a helper's labels, then the object's own.
    Labels {
        helper: &'static str,
        rest: Map<String, Value>,
    },
}

/// The prefix of every marker; markers are plain YAML scalars (`__kiln_7__`).
const MARKER: &str = "__kiln_";

pub fn marker_text(i: usize) -> String {
    format!("{MARKER}{i}__")
}

/// Whether `v` is (or, for maps and lists, contains) a marker.
pub fn has_marker(v: &Value) -> bool {
    match v {
        Value::String(s) => s.starts_with(MARKER),
        Value::Array(a) => a.iter().any(has_marker),
        Value::Object(m) => m.values().any(has_marker),
        _ => false,
    }
}

/// Finds the markers in a line of emitted YAML: (byte offset, length, index).
pub fn find_marker(line: &str) -> Option<(usize, usize, usize)> {
    let start = line.find(MARKER)?;
    let rest = &line[start + MARKER.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || !rest[digits.len()..].starts_with("__") {
        return None;
    }
    Some((start, MARKER.len() + digits.len() + 2, digits.parse().ok()?))
}

/// `Values.web.env["LOG.LEVEL"]`: attribute access where the key allows it.
pub fn values_expr(path: &[String]) -> String {
    let mut s = String::from("Values");
    for k in path {
        let ident = k
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident {
            s.push('.');
            s.push_str(k);
        } else {
            s.push('[');
            s.push_str(&serde_json::to_string(k).unwrap());
            s.push(']');
        }
    }
    s
}

/// `web-api` → `webApi`, `system:auth-delegator` → `systemAuthDelegator`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for (i, part) in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let mut chars = part.chars();
        let first = chars.next().unwrap();
        if i == 0 {
            out.push(first.to_ascii_lowercase());
        } else {
            out.push(first.to_ascii_uppercase());
        }
        out.push_str(chars.as_str());
    }
    out
}

const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
const JOB_RESTART: &[&str] = &["Never", "OnFailure"];
const CONCURRENCY: &[&str] = &["Allow", "Forbid", "Replace"];
const SERVICE_TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/// Kinds whose values are extracted field by field; every other kind gets its `spec` as one value.
pub const HANDLED: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "HorizontalPodAutoscaler",
    "ScaledObject",
];

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

pub fn parse_image(s: &str) -> Image {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (s, None),
    };
    let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rest[slash..].rfind(':') {
        Some(c) => Image {
            repository: rest[..slash + c].to_string(),
            tag: Some(rest[slash + c + 1..].to_string()),
            digest,
        },
        None => Image {
            repository: rest.to_string(),
            tag: None,
            digest,
        },
    }
}

/// Collects values and markers for every object.
pub struct Extractor {
    pub markers: Vec<Marker>,
    pub values: Vec<ValueInfo>,
    /// The image tag every tagged image shares (it becomes `appVersion` and the tags' default).
    pub app_version: Option<String>,
    pub shared_tag: bool,
}

/// The object being worked on.
pub struct Target<'a> {
    pub index: usize,
    /// Its values key.
    pub key: &'a str,
    /// `Deployment web`, for comments.
    pub label: String,
    pub kind: &'a str,
}

impl Extractor {
    pub fn marker(&mut self, m: Marker) -> Value {
        self.markers.push(m);
        Value::String(marker_text(self.markers.len() - 1))
    }

    fn record(&mut self, t: &Target, rel: &[String], default: Value, field: &str, comment: String) {
        let mut path = vec![t.key.to_string()];
        path.extend(rel.iter().cloned());
        self.push_value(path, default, t, field, comment);
    }

    fn full_path(t: &Target, rel: &[String]) -> Vec<String> {
        let mut path = vec![t.key.to_string()];
        path.extend(rel.iter().cloned());
        path
    }

    /// A scalar field (string, number, bool) becomes the value at `rel` (below the object's
    /// key), printed in place. Returns the recorded value, for callers to adjust its comment.
    fn scalar(
        &mut self,
        tpl: &mut Value,
        t: &Target,
        field: &str,
        rel: &[&str],
        allowed: Option<&'static [&'static str]>,
    ) -> Option<&mut ValueInfo> {
        let v = tpl.pointer(field)?;
        if v.is_null() || v.is_object() || v.is_array() || has_marker(v) {
            return None;
        }
        let rel: Vec<String> = rel.iter().map(|s| s.to_string()).collect();
        let expr = values_expr(&Self::full_path(t, &rel));
        let text = if v.is_string() {
            format!("{{{{ {expr} | quote }}}}")
        } else {
            format!("{{{{ {expr} }}}}")
        };
        let default = v.clone();
        self.record(
            t,
            &rel,
            default,
            field,
            format!("{}: {}", t.label, dotted(field)),
        );
        // A closed set only when the input's own value is in it (else its defaults would fail).
        self.values.last_mut().unwrap().allowed =
            allowed.filter(|a| v.as_str().is_some_and(|s| a.contains(&s)));
        let m = self.marker(Marker::Inline(text));
        *tpl.pointer_mut(field).unwrap() = m;
        self.values.last_mut()
    }

    /// A map or list field becomes one value printed with `toyaml`. `optional`: a non-empty
    /// default is wrapped in a condition so that an empty value leaves the field out.
    fn block(&mut self, tpl: &mut Value, t: &Target, field: &str, rel: &[String], optional: bool) {
        let Some(v) = tpl.pointer(field) else { return };
        if !(v.is_object() || v.is_array()) || has_marker(v) {
            return;
        }
        let expr = values_expr(&Self::full_path(t, rel));
        let empty =
            v.as_object().is_some_and(Map::is_empty) || v.as_array().is_some_and(Vec::is_empty);
        let cond = (optional && !empty).then(|| expr.clone());
        let default = v.clone();
        self.record(
            t,
            rel,
            default,
            field,
            format!("{}: {}", t.label, dotted(field)),
        );
        let m = self.marker(Marker::Block { expr, cond });
        *tpl.pointer_mut(field).unwrap() = m;
    }

    fn block_at(&mut self, tpl: &mut Value, t: &Target, field: &str, rel: &str, optional: bool) {
        self.block(tpl, t, field, &[rel.to_string()], optional);
    }

    /// Extracts the values of one object into `tpl` (its template tree, references already marked).
    pub fn object(&mut self, tpl: &mut Value, t: &Target) {
        match t.kind {
            "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" => {
                self.scalar(tpl, t, "/spec/replicas", &["replicas"], None);
                self.pod(tpl, t);
            }
            "DaemonSet" => {
                self.block_at(tpl, t, "/spec/updateStrategy", "updateStrategy", false);
                self.pod(tpl, t);
            }
            "Pod" => self.pod(tpl, t),
            "Job" => {
                self.job(tpl, t, "/spec");
                self.pod(tpl, t);
            }
            "CronJob" => {
                for f in [
                    "schedule",
                    "timeZone",
                    "suspend",
                    "successfulJobsHistoryLimit",
                    "failedJobsHistoryLimit",
                ] {
                    self.scalar(tpl, t, &format!("/spec/{f}"), &[f], None);
                }
                self.scalar(
                    tpl,
                    t,
                    "/spec/concurrencyPolicy",
                    &["concurrencyPolicy"],
                    Some(CONCURRENCY),
                );
                self.job(tpl, t, "/spec/jobTemplate/spec");
                self.pod(tpl, t);
            }
            "Service" => {
                self.scalar(tpl, t, "/spec/type", &["type"], Some(SERVICE_TYPES));
                self.block_at(tpl, t, "/spec/ports", "ports", false);
            }
            "ConfigMap" => self.block_at(tpl, t, "/data", "data", false),
            "Secret" => {
                self.secret(tpl, t, "data", true);
                self.secret(tpl, t, "stringData", false);
            }
            "ServiceAccount" => {
                let had = tpl.pointer("/metadata/annotations").is_some();
                if let Some(Value::Object(meta)) = tpl.get_mut("metadata") {
                    meta.entry("annotations")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
                let before = self.markers.len();
                self.block_at(tpl, t, "/metadata/annotations", "annotations", true);
                if !had && self.markers.len() > before {
                    // None in the input: printed only once a user sets some.
                    if let Some(Marker::Block { expr, cond }) = self.markers.last_mut() {
                        *cond = Some(expr.clone());
                    }
                }
            }
            "Role" | "ClusterRole" => self.block_at(tpl, t, "/rules", "rules", false),
            "RoleBinding" | "ClusterRoleBinding" => {}
            "HorizontalPodAutoscaler" => {
                self.scalar(tpl, t, "/spec/minReplicas", &["minReplicas"], None);
                self.scalar(tpl, t, "/spec/maxReplicas", &["maxReplicas"], None);
                self.block_at(tpl, t, "/spec/metrics", "metrics", false);
            }
            "ScaledObject" => {
                self.scalar(tpl, t, "/spec/minReplicaCount", &["minReplicaCount"], None);
                self.scalar(tpl, t, "/spec/maxReplicaCount", &["maxReplicaCount"], None);
                self.block_at(tpl, t, "/spec/triggers", "triggers", false);
            }
            _ => self.block_at(tpl, t, "/spec", "spec", false),
        }
    }

    fn job(&mut self, tpl: &mut Value, t: &Target, spec: &str) {
        for f in ["backoffLimit", "ttlSecondsAfterFinished"] {
            self.scalar(tpl, t, &format!("{spec}/{f}"), &[f], None);
        }
        if t.kind == "Job" {
            self.scalar(tpl, t, &format!("{spec}/suspend"), &["suspend"], None);
        }
    }

    fn pod(&mut self, tpl: &mut Value, t: &Target) {
        let Some(spec) = pod_template_at(t.kind).map(|at| at.spec_pointer) else {
            return;
        };
        if matches!(t.kind, "Job" | "CronJob") {
            self.scalar(
                tpl,
                t,
                &format!("{spec}/restartPolicy"),
                &["restartPolicy"],
                Some(JOB_RESTART),
            );
        }
        for f in ["serviceAccountName", "priorityClassName"] {
            self.scalar(tpl, t, &format!("{spec}/{f}"), &[f], None);
        }
        for f in [
            "nodeSelector",
            "tolerations",
            "affinity",
            "topologySpreadConstraints",
        ] {
            self.block_at(tpl, t, &format!("{spec}/{f}"), f, true);
        }
        self.block_at(
            tpl,
            t,
            &format!("{spec}/securityContext"),
            "podSecurityContext",
            true,
        );

        let names = |list: &str| -> Vec<String> {
            tpl.pointer(&format!("{spec}/{list}"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|c| {
                            c.get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string()
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let containers = names("containers");
        let inits = names("initContainers");
        let flat = containers.len() == 1 && inits.is_empty();
        for (list, names) in [("containers", containers), ("initContainers", inits)] {
            let mut used: Vec<String> = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let rel = if flat {
                    Vec::new()
                } else {
                    let mut key = camel(name);
                    if key.is_empty() || used.contains(&key) {
                        key = format!("{list}{i}");
                    }
                    used.push(key.clone());
                    vec![list.to_string(), key]
                };
                self.container(tpl, t, &format!("{spec}/{list}/{i}"), &rel, name);
            }
        }
    }

    fn container(&mut self, tpl: &mut Value, t: &Target, at: &str, rel: &[String], name: &str) {
        let sub = |k: &str| -> Vec<String> {
            let mut r = rel.to_vec();
            r.push(k.to_string());
            r
        };
        let label = format!("{} container {name}", t.label);
        if let Some(image) = tpl
            .pointer(&format!("{at}/image"))
            .and_then(Value::as_str)
            .filter(|s| !s.starts_with(MARKER))
            .map(str::to_string)
        {
            let img = parse_image(&image);
            let field = format!("{at}/image");
            let base = Self::full_path(t, &sub("image"));
            let part = |p: &str| {
                let mut v = base.clone();
                v.push(p.to_string());
                v
            };
            let mut text = format!("\"{{{{ {} }}}}", values_expr(&part("repository")));
            self.push_value(
                part("repository"),
                Value::String(img.repository.clone()),
                t,
                &field,
                format!("{label}: image repository"),
            );
            if let Some(tag) = &img.tag {
                let shared = self.shared_tag && self.app_version.as_deref() == Some(tag.as_str());
                text.push_str(&format!(
                    ":{{{{ {} or Chart.AppVersion }}}}",
                    values_expr(&part("tag"))
                ));
                let (default, comment) = if shared {
                    (
                        String::new(),
                        format!("{label}: image tag; empty: the chart's appVersion ({tag})"),
                    )
                } else {
                    (tag.clone(), format!("{label}: image tag"))
                };
                self.push_value(part("tag"), Value::String(default), t, &field, comment);
                self.values.last_mut().unwrap().text = true;
            }
            if let Some(d) = &img.digest {
                text.push_str(&format!("@{{{{ {} }}}}", values_expr(&part("digest"))));
                self.push_value(
                    part("digest"),
                    Value::String(d.clone()),
                    t,
                    &field,
                    format!("{label}: image digest"),
                );
            }
            text.push('"');
            let m = self.marker(Marker::Inline(text));
            *tpl.pointer_mut(&field).unwrap() = m;
        }
        let rel_of = |k: &[&str]| -> Vec<String> {
            rel.iter()
                .map(String::as_str)
                .chain(k.iter().copied())
                .map(str::to_string)
                .collect()
        };
        let pull_rel = rel_of(&["imagePullPolicy"]);
        let pull_rel: Vec<&str> = pull_rel.iter().map(String::as_str).collect();
        let pull = format!("{at}/imagePullPolicy");
        if let Some(info) = self.scalar(tpl, t, &pull, &pull_rel, Some(PULL_POLICIES)) {
            info.comment = format!("{label}: imagePullPolicy");
        }
        // Plain env values, by variable name.
        let env_len = tpl
            .pointer(&format!("{at}/env"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let mut seen: Vec<String> = Vec::new();
        for j in 0..env_len {
            let entry = tpl
                .pointer(&format!("{at}/env/{j}"))
                .cloned()
                .unwrap_or_default();
            let (Some(var), Some(Value::String(_))) = (
                entry.get("name").and_then(Value::as_str),
                entry.get("value"),
            ) else {
                continue;
            };
            if seen.iter().any(|s| s == var) {
                continue;
            }
            seen.push(var.to_string());
            let env_rel = rel_of(&["env", var]);
            let env_rel: Vec<&str> = env_rel.iter().map(String::as_str).collect();
            let field = format!("{at}/env/{j}/value");
            if let Some(info) = self.scalar(tpl, t, &field, &env_rel, None) {
                info.comment = format!("{label}: env {var}");
                info.text = true;
            }
        }
        for f in ["resources", "ports", "securityContext"] {
            let before = self.values.len();
            self.block(tpl, t, &format!("{at}/{f}"), &sub(f), false);
            if self.values.len() > before {
                self.values.last_mut().unwrap().comment = format!("{label}: {f}");
            }
        }
    }

    fn push_value(
        &mut self,
        path: Vec<String>,
        default: Value,
        t: &Target,
        field: &str,
        comment: String,
    ) {
        self.values.push(ValueInfo {
            path,
            default,
            object: t.index,
            field: field.to_string(),
            required: false,
            allowed: None,
            comment,
            base64: false,
            text: false,
        });
    }

    /// Secret keys: required values with empty defaults; the secret text is never copied.
    fn secret(&mut self, tpl: &mut Value, t: &Target, field: &str, encoded: bool) {
        let Some(Value::Object(map)) = tpl.get(field) else {
            return;
        };
        let entries: Vec<(String, Value)> =
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in entries {
            // `data` is base64: the value is the text it encodes when that is canonical UTF-8
            // text, else the base64 itself.
            let text = encoded && v.as_str().and_then(decode_text).is_some();
            let path = Self::full_path(t, &[field.to_string(), k.clone()]);
            let expr = values_expr(&path);
            let msg = format!(
                "{} is required: Secret {} key {k}",
                super::files::set_key(&path),
                t.label.trim_start_matches("Secret ")
            );
            let msg = serde_json::to_string(&msg).unwrap();
            let text_expr = if text {
                format!("{{{{ {expr} | required({msg}) | b64enc | quote }}}}")
            } else {
                format!("{{{{ {expr} | required({msg}) | quote }}}}")
            };
            let pointer = format!("/{field}/{}", k.replace('~', "~0").replace('/', "~1"));
            let how = match (encoded, text) {
                (true, true) => "plain text, the template base64-encodes it",
                (true, false) => "base64",
                _ => "plain text",
            };
            self.values.push(ValueInfo {
                path,
                default: Value::String(String::new()),
                object: t.index,
                field: pointer.clone(),
                required: true,
                allowed: None,
                comment: format!(
                    "{}: {} (required; {how})",
                    t.label,
                    if k.contains('.') {
                        format!("{field}[{k:?}]")
                    } else {
                        format!("{field}.{k}")
                    }
                ),
                base64: text,
                text: true,
            });
            let m = self.marker(Marker::Inline(text_expr));
            *tpl.pointer_mut(&pointer).unwrap() = m;
        }
    }
}

/// The UTF-8 text a canonical standard base64 string encodes.
fn decode_text(s: &str) -> Option<String> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(s).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    (engine.encode(text.as_bytes()) == s).then_some(text)
}

/// `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_parse() {
        let i = parse_image("registry:5000/team/app:1.2@sha256:abc");
        assert_eq!(i.repository, "registry:5000/team/app");
        assert_eq!(i.tag.as_deref(), Some("1.2"));
        assert_eq!(i.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(parse_image("registry:5000/app").tag, None);
        assert_eq!(parse_image("nginx").repository, "nginx");
    }

    #[test]
    fn names_become_camel_case() {
        assert_eq!(camel("web-api"), "webApi");
        assert_eq!(camel("system:auth-delegator"), "systemAuthDelegator");
        assert_eq!(camel("Backup.v1"), "backupV1");
        assert_eq!(
            values_expr(&["a".into(), "b.c".into()]),
            "Values.a[\"b.c\"]"
        );
    }
}
