//! Target selection for patches and replacements: anchored regexes on group, version, kind,
//! name and namespace (against the current or the original id), plus Kubernetes label and
//! annotation selectors.

use super::kustomization::Selector;
use super::Obj;
use crate::error::{Error, ErrorKind, Result};
use regex::Regex;
use serde_json::Value;

/// A compiled [`Selector`].
#[derive(Debug)]
pub struct Matcher {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<Vec<Requirement>>,
    annotations: Option<Vec<Requirement>>,
}

fn anchored(field: &str, pattern: &Option<String>) -> Result<Option<Regex>> {
    match pattern {
        None => Ok(None),
        Some(p) => Regex::new(&format!("^(?:{p})$")).map(Some).map_err(|e| {
            Error::new(
                ErrorKind::Overlay,
                format!("target {field} `{p}` is not a valid regex: {e}"),
            )
        }),
    }
}

impl Matcher {
    pub fn new(s: &Selector) -> Result<Matcher> {
        Ok(Matcher {
            group: anchored("group", &s.group)?,
            version: anchored("version", &s.version)?,
            kind: anchored("kind", &s.kind)?,
            name: anchored("name", &s.name)?,
            namespace: anchored("namespace", &s.namespace)?,
            labels: s
                .label_selector
                .as_deref()
                .map(parse_selector)
                .transpose()?,
            annotations: s
                .annotation_selector
                .as_deref()
                .map(parse_selector)
                .transpose()?,
        })
    }

    /// Whether `obj` is selected: the id fields match its current id or its original one.
    pub fn matches(&self, obj: &Obj) -> bool {
        let re = |r: &Option<Regex>, v: &str| r.as_ref().is_none_or(|r| r.is_match(v));
        if !(re(&self.group, obj.group())
            && re(&self.version, obj.version())
            && re(&self.kind, obj.kind()))
        {
            return false;
        }
        let current = re(&self.name, obj.name()) && re(&self.namespace, obj.namespace());
        let original = re(&self.name, &obj.orig_name) && re(&self.namespace, &obj.orig_namespace);
        if !(current || original) {
            return false;
        }
        let meta = |k: &str| obj.value.get("metadata").and_then(|m| m.get(k));
        if let Some(reqs) = &self.labels {
            if !reqs.iter().all(|r| r.matches(meta("labels"))) {
                return false;
            }
        }
        if let Some(reqs) = &self.annotations {
            if !reqs.iter().all(|r| r.matches(meta("annotations"))) {
                return false;
            }
        }
        true
    }
}

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

impl Requirement {
    fn matches(&self, labels: Option<&Value>) -> bool {
        let get = |k: &str| {
            labels
                .and_then(|l| l.get(k))
                .and_then(super::fieldpath::scalar_text)
        };
        match self {
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
            Requirement::In(k, vals) => get(k).is_some_and(|v| vals.contains(&v)),
            Requirement::NotIn(k, vals) => get(k).is_none_or(|v| !vals.contains(&v)),
        }
    }
}

/// Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
fn parse_selector(text: &str) -> Result<Vec<Requirement>> {
    let bad = || {
        Error::new(
            ErrorKind::Overlay,
            format!("invalid label selector `{text}`"),
        )
    };
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    let mut reqs = Vec::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let set = |rest: &str| -> Option<Vec<String>> {
            let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
            Some(inner.split(',').map(|s| s.trim().to_string()).collect())
        };
        let req = if let Some(k) = p.strip_prefix('!') {
            Requirement::NotExists(k.trim().to_string())
        } else if let Some((k, v)) = p.split_once("!=") {
            Requirement::NotIn(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            Requirement::In(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, rest)) = p.split_once(" notin ") {
            Requirement::NotIn(k.trim().into(), set(rest).ok_or_else(bad)?)
        } else if let Some((k, rest)) = p.split_once(" in ") {
            Requirement::In(k.trim().into(), set(rest).ok_or_else(bad)?)
        } else if p.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
            Requirement::Exists(p.to_string())
        } else {
            return Err(bad());
        };
        reqs.push(req);
    }
    Ok(reqs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let r = parse_selector("app=web, tier in (front,back),!legacy,env!=dev").unwrap();
        let labels = json!({"app": "web", "tier": "front", "env": "prod"});
        assert!(r.iter().all(|q| q.matches(Some(&labels))));
        let labels = json!({"app": "web", "tier": "db"});
        assert!(!r.iter().all(|q| q.matches(Some(&labels))));
    }

    #[test]
    fn ids_are_anchored_regexes() {
        let m = Matcher::new(&Selector {
            kind: Some("Deploy".into()),
            ..Default::default()
        })
        .unwrap();
        let obj = Obj::new(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}}),
            "f",
        );
        assert!(!m.matches(&obj));
        let m = Matcher::new(&Selector {
            kind: Some("Deploy.*".into()),
            name: Some("a|b".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(m.matches(&obj));
    }
}
