//! Stage 4: split rendered text into documents and parse each into a [`Resource`] that keeps
//! where it came from.

use crate::error::{Error, ErrorKind, Location, Result};
use crate::yaml;
use serde_json::Value;

/// One Kubernetes object with its origin.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The parsed object.
    pub value: Value,
    /// The document text as the template produced it (trimmed).
    pub text: String,
    /// The file it came from: a template's display path (`web/templates/api.yaml`) or a path.
    pub source: String,
    /// 1-based line of the document's first line within the source's (rendered) text.
    pub line: usize,
}

impl Resource {
    fn str_at(&self, path: &[&str]) -> &str {
        let mut v = &self.value;
        for k in path {
            match v.get(k) {
                Some(next) => v = next,
                None => return "",
            }
        }
        v.as_str().unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"])
    }

    pub fn kind(&self) -> &str {
        self.str_at(&["kind"])
    }

    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"])
    }

    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"])
    }
}

/// Parses every document of `text` (the output of `source`). Blank and comment-only documents
/// are dropped. `template` is the template's own text, used to point a YAML error back at the
/// template line that produced it when that line is literal.
pub fn parse_stream(text: &str, source: &str, template: Option<&str>) -> Result<Vec<Resource>> {
    parse_stream_as(text, source, template, false)
}

/// [`parse_stream`]; with `heads_only`, each document is still parsed in full (to check it), but
/// only its head (`apiVersion`, `kind`, `metadata.name`, `metadata.namespace`) is kept in
/// [`Resource::value`]: enough to sort and print, at a fraction of the memory.
pub fn parse_stream_as(
    text: &str,
    source: &str,
    template: Option<&str>,
    heads_only: bool,
) -> Result<Vec<Resource>> {
    let docs: Vec<yaml::Document<'_>> = yaml::split_documents(text)
        .into_iter()
        .filter(|d| !yaml::is_blank_document(d.text))
        .collect();
    parse_all(&docs, text, source, template, heads_only, false).map(|(objects, _)| objects)
}

/// The output of a Go template as `helm template` reads it: split as Helm splits (see
/// [`yaml::split_documents_helm`]), YAML read as Helm reads it (a repeated key is no error), and
/// a document that holds no Kubernetes object (only comments, `null`, or a mapping without
/// `kind`) is no error either: it comes back in the second list, to be printed as it is
/// where Helm puts an object of kind "".
pub fn parse_stream_helm(
    text: &str,
    source: &str,
    template: Option<&str>,
    heads_only: bool,
) -> Result<(Vec<Resource>, Vec<Resource>)> {
    let docs = yaml::split_documents_helm(text);
    parse_all(&docs, text, source, template, heads_only, true)
}

/// Objects and (with `helm`) pass-through documents of `docs`, in order.
fn parse_all(
    docs: &[yaml::Document<'_>],
    text: &str,
    source: &str,
    template: Option<&str>,
    heads_only: bool,
    helm: bool,
) -> Result<(Vec<Resource>, Vec<Resource>)> {
    // Large streams (a template looping over many entries) are parsed on every core, in chunks
    // whose results are joined in order: the output is the same as a sequential parse.
    if docs.len() < 512 {
        return parse_docs(docs, text, source, template, heads_only, helm);
    }
    // (Asked only here: the answer costs reading the cgroup files.)
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 {
        return parse_docs(docs, text, source, template, heads_only, helm);
    }
    let chunk = docs.len().div_ceil(threads);
    let parts: Vec<Result<(Vec<Resource>, Vec<Resource>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = docs
            .chunks(chunk)
            .map(|c| scope.spawn(move || parse_docs(c, text, source, template, heads_only, helm)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a parsing thread panicked"))
            .collect()
    });
    let mut out = Vec::with_capacity(docs.len());
    let mut other = Vec::new();
    for part in parts {
        let (objects, rest) = part?;
        out.extend(objects);
        other.extend(rest);
    }
    Ok((out, other))
}

/// The comment-only documents of `text` (blank ones excluded): `helm template` prints them as they
/// are, so kiln's chart output does too, while no other stage sees them (they hold no object).
pub fn comment_documents(text: &str, source: &str) -> Vec<Resource> {
    yaml::split_documents(text)
        .into_iter()
        .filter(|d| !d.text.trim().is_empty() && yaml::is_blank_document(d.text))
        .map(|d| {
            let leading = d.text.len() - d.text.trim_start().len();
            Resource {
                value: Value::Null,
                text: d.text.trim().to_string(),
                source: source.to_string(),
                line: d.line_offset + 1 + d.text[..leading].matches('\n').count(),
            }
        })
        .collect()
}

fn parse_docs(
    docs: &[yaml::Document<'_>],
    text: &str,
    source: &str,
    template: Option<&str>,
    heads_only: bool,
    helm: bool,
) -> Result<(Vec<Resource>, Vec<Resource>)> {
    let mut out = Vec::with_capacity(docs.len());
    let mut other = Vec::new();
    let flavor = if helm {
        yaml::Flavor::Helm
    } else {
        yaml::Flavor::Kubectl
    };
    for doc in docs {
        let value = yaml::parse_document_as(doc.text, source, doc.line_offset, flavor)
            .map_err(|e| rendered_yaml_error(e, text, source, template))?;
        // `text` is trimmed: its first line is the document's first non-blank line.
        let leading_blank = doc.text.len() - doc.text.trim_start().len();
        let first_line = doc.line_offset + 1 + doc.text[..leading_blank].matches('\n').count();
        let no_kind = match &value {
            Value::Null => true,
            Value::Object(map) => !map.contains_key("kind"),
            _ => false,
        };
        if helm && no_kind {
            other.push(Resource {
                value: Value::Null,
                text: doc.text.trim().to_string(),
                source: source.to_string(),
                line: first_line,
            });
            continue;
        }
        match &value {
            Value::Object(map) => {
                // Helm prints an object without `apiVersion` (the API server refuses it later).
                let required: &[&str] = if helm {
                    &["kind"]
                } else {
                    &["apiVersion", "kind"]
                };
                for &key in required {
                    if !map.get(key).is_some_and(Value::is_string) {
                        return Err(Error::new(
                            ErrorKind::Yaml,
                            format!("object has no `{key}` (every document must be a Kubernetes object)"),
                        )
                        .with_location(Location::in_source(source, text, first_line, 1, 1)));
                    }
                }
            }
            Value::Null => continue,
            _ => {
                return Err(Error::new(
                    ErrorKind::Yaml,
                    "document is not a mapping (every document must be a Kubernetes object)",
                )
                .with_location(Location::in_source(source, text, first_line, 1, 1)))
            }
        }
        let value = if heads_only { head(&value) } else { value };
        out.push(Resource {
            value,
            text: doc.text.trim().to_string(),
            source: source.to_string(),
            line: first_line,
        });
    }
    Ok((out, other))
}

/// `apiVersion`, `kind`, `metadata.name`, `metadata.namespace` and the Helm hook annotations of
/// an object (what sorting and printing need).
fn head(obj: &Value) -> Value {
    let mut meta = serde_json::Map::new();
    for key in ["name", "namespace"] {
        if let Some(v) = obj.get("metadata").and_then(|m| m.get(key)) {
            meta.insert(key.to_string(), v.clone());
        }
    }
    if let Some(Value::Object(ann)) = obj.pointer("/metadata/annotations") {
        let hooks: serde_json::Map<String, Value> = ann
            .iter()
            .filter(|(k, _)| k.starts_with("helm.sh/hook"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !hooks.is_empty() {
            meta.insert("annotations".into(), Value::Object(hooks));
        }
    }
    serde_json::json!({"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": meta})
}

fn rendered_yaml_error(e: Error, rendered: &str, source: &str, template: Option<&str>) -> Error {
    let Some(template) = template else { return e };
    let mut e = e;
    if let Some(loc) = e.location().cloned() {
        let mut shown = loc.clone();
        shown.file = format!("{source} (rendered output)");
        shown.source_line = crate::error::shown_line(rendered, loc.line);
        e = e.with_location(shown);
        let bad = rendered.lines().nth(loc.line - 1).unwrap_or("").trim();
        let template_line = template_line_for(template, bad);
        e = match template_line {
            Some(n) => e.with_note(format!("this line comes from {source}:{n}")),
            None => e.with_note(format!(
                "the template {source} rendered YAML that does not parse"
            )),
        };
    }
    e
}

/// The template line that produced a rendered line: the same text, or failing that the one
/// line whose literal text around its `{{ … }}` expressions frames the rendered line.
fn template_line_for(template: &str, rendered: &str) -> Option<usize> {
    if rendered.is_empty() {
        return None;
    }
    if let Some(i) = template.lines().position(|l| l.trim() == rendered) {
        return Some(i + 1);
    }
    let framed: Vec<usize> = template
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            match (l.find("{{"), l.rfind("}}")) {
                (Some(a), Some(b)) if a < b => {
                    let (head, tail) = (&l[..a], &l[b + 2..]);
                    !head.is_empty()
                        && rendered.starts_with(head)
                        && rendered.ends_with(tail)
                        && rendered.len() >= head.len() + tail.len()
                }
                _ => false,
            }
        })
        .map(|(i, _)| i + 1)
        .collect();
    match framed.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documents_and_drops_blank_ones() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# only a comment\n---\n\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n";
        let res = parse_stream(text, "c/templates/x.yaml", None).unwrap();
        assert_eq!(res.len(), 2);
        assert_eq!(
            (res[1].kind(), res[1].name(), res[1].line),
            ("Secret", "b", 10)
        );
    }

    #[test]
    fn yaml_error_names_rendered_line_and_template_line() {
        let template = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ x }}\n   b: c\n";
        let rendered = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n   b: c\n";
        let err = parse_stream(rendered, "c/templates/x.yaml", Some(template)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("c/templates/x.yaml (rendered output):"),
            "{text}"
        );
        assert!(
            text.contains("this line comes from c/templates/x.yaml:5"),
            "{text}"
        );
    }

    #[test]
    fn object_without_kind_is_an_error() {
        let err = parse_stream("apiVersion: v1\nmetadata: {}\n", "f.yaml", None).unwrap_err();
        assert!(err.to_string().contains("no `kind`"));
    }
}
