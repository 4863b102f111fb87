//! YAML parsing with the rules kubectl and Helm read YAML by (YAML 1.1 via go-yaml):
//! `yes`/`on`/`y` are booleans, `0644` is octal, duplicate keys are errors.

use crate::error::{Error, ErrorKind, Location, Result};
use serde_json::Value;
use std::path::Path;

/// One document of a multi-document stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document<'a> {
    pub text: &'a str,
    /// 0-based line of the document's first line within the whole text.
    pub line_offset: usize,
}

/// Splits a stream at `---` separator lines. Empty documents are kept (callers decide);
/// a separator line's trailing comment is ignored.
pub fn split_documents(text: &str) -> Vec<Document<'_>> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 0usize;
    let mut pos = 0usize;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        if is_separator(body) {
            docs.push(Document {
                text: &text[start..pos],
                line_offset: start_line,
            });
            start = pos + line.len();
            start_line = line_no + 1;
        }
        pos += line.len();
    }
    docs.push(Document {
        text: &text[start..],
        line_offset: start_line,
    });
    docs
}

fn is_separator(line: &str) -> bool {
    match line.strip_prefix("---") {
        Some(rest) => {
            let rest = rest.trim();
            rest.is_empty() || rest.starts_with('#')
        }
        None => false,
    }
}

/// True when a document holds nothing but blanks and comments.
pub fn is_blank_document(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// Which reader's scalar rules to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavor {
    /// kubectl and Helm (go-yaml v2, YAML 1.1): `yes`/`on`/`y` are booleans.
    #[default]
    Kubectl,
    /// kustomize (kyaml): only `true`/`false` are booleans; numbers still read as YAML 1.1.
    Kustomize,
}

pub(crate) fn options(flavor: Flavor) -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.strict_booleans = flavor == Flavor::Kustomize;
    o.legacy_octal_numbers = true;
    o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    o.with_snippet = false;
    o
}

/// Parses one YAML document; errors point into `file`.
pub fn parse_document(text: &str, file: &str) -> Result<Value> {
    parse_document_at(text, file, 0)
}

/// Parses one YAML document that starts `line_offset` lines into `file`.
pub fn parse_document_at(text: &str, file: &str, line_offset: usize) -> Result<Value> {
    parse_document_as(text, file, line_offset, Flavor::Kubectl)
}

/// Parses one YAML document with a given reader's scalar rules.
pub fn parse_document_as(
    text: &str,
    file: &str,
    line_offset: usize,
    flavor: Flavor,
) -> Result<Value> {
    if let Some(v) = super::fast::parse(text, flavor) {
        return Ok(v);
    }
    serde_saphyr::from_str_with_options::<Value>(text, options(flavor))
        .map(|v| {
            if is_blank_document(text) {
                Value::Null
            } else {
                v
            }
        })
        .map_err(|e| yaml_error(&e, text, file, line_offset))
}

/// Reads and parses a YAML file.
pub fn parse_file(path: &Path) -> Result<Value> {
    let shown = path.display().to_string();
    let text = crate::fs::read_user_text(path, &shown)?;
    parse_document(&text, &shown)
}

fn yaml_error(e: &serde_saphyr::Error, text: &str, file: &str, line_offset: usize) -> Error {
    let raw = e.without_snippet().to_string();
    let message = clean_message(&raw);
    let mut err = Error::new(ErrorKind::Yaml, format!("invalid YAML: {message}"));
    if let Some(loc) = e.location() {
        let line = loc.line() as usize;
        let col = loc.column() as usize;
        let mut l = Location::in_source(file, text, line.max(1), col.max(1), 1);
        l.line += line_offset;
        err = err.with_location(l);
    } else {
        err = err.with_location(Location::new(file, line_offset + 1, 1));
    }
    err
}

/// Drops the `error: line N column M:` prefix serde-saphyr puts before its message.
fn clean_message(raw: &str) -> String {
    let mut s = raw.trim();
    if let Some(rest) = s.strip_prefix("error: ") {
        s = rest;
    }
    if let Some(rest) = s.strip_prefix("line ") {
        if let Some(idx) = rest.find(": ") {
            if rest[..idx].contains("column") {
                s = &rest[idx + 2..];
            }
        }
    }
    let s = s.lines().next().unwrap_or(s);
    // serde-saphyr names its own option here; say what is wrong in the document instead.
    if let Some(rest) = s.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return format!("duplicate key `{key}`: it appears twice in the same mapping (each key may appear once)");
    }
    // A trailing " at line N column M" repeats the location.
    match s.rfind(" at line ") {
        Some(idx) => s[..idx].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separator_lines_only() {
        let docs = split_documents("a: 1\n---\nb: '---'\n--- # c\nc: 3\n");
        let texts: Vec<_> = docs.iter().map(|d| (d.text, d.line_offset)).collect();
        assert_eq!(texts, vec![("a: 1\n", 0), ("b: '---'\n", 2), ("c: 3\n", 4)]);
    }

    #[test]
    fn reads_yaml_1_1_like_kubectl() {
        let v = parse_document("a: yes\nb: 0644\nc: 'on'\nd: ~\n", "x").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": true, "b": 420, "c": "on", "d": null})
        );
    }

    #[test]
    fn error_points_at_line_with_offset() {
        let err = parse_document_at("a: 1\nb:\n  - x\n  y: 2\n", "t.yaml", 10).unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!((loc.line, loc.column), (14, 3));
        assert_eq!(loc.source_line.as_deref(), Some("  y: 2"));
    }

    #[test]
    fn kustomize_flavor_keeps_yes_as_string() {
        let v = parse_document_as("a: yes\nb: 0777\nc: true\n", "x", 0, Flavor::Kustomize).unwrap();
        assert_eq!(v, serde_json::json!({"a": "yes", "b": 511, "c": true}));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(parse_document("a: 1\na: 2\n", "x").is_err());
    }

    #[test]
    fn comment_only_document_is_null() {
        assert_eq!(parse_document("# nothing\n", "x").unwrap(), Value::Null);
    }
}
