//! From a template tree (the object with markers where values and names go) to template text:
//! the tree is printed as YAML, literal text that looks like Jinja is escaped, and each marker
//! line becomes its expression.

use super::extract::{find_marker, Marker};
use super::gotmpl::{self, Language};
use crate::yaml::{to_yaml, Style};
use serde_json::{Map, Value};

/// Escapes `{{`, `{%` and `{#` in literal text so Jinja prints them as they are.
pub fn escape_jinja(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.chars().next() {
            Some(c @ ('{' | '%' | '#')) => {
                out.push_str(&format!("{{{{ \"{{{c}\" }}}}"));
                rest = &after[1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The column where the key of a `key: value` line (or `- key: value`) starts.
fn key_column(line: &str) -> usize {
    let mut col = line.len() - line.trim_start().len();
    while line[col..].starts_with("- ") {
        col += 2;
    }
    col
}

/// Metadata keys in the order people write them; the rest follow sorted.
const METADATA_ORDER: &[&str] = &["name", "namespace", "labels", "annotations"];

/// The object as YAML with `apiVersion`, `kind`, `metadata` (name, namespace, labels,
/// annotations first) at the top, then the other fields; below that, keys sorted as Helm's
/// `toYaml` sorts them.
fn ordered_yaml(tpl: &Value) -> String {
    let Value::Object(map) = tpl else {
        return to_yaml(tpl, Style::Helm);
    };
    let one = |k: &str, v: &Value| {
        let mut m = Map::new();
        m.insert(k.to_string(), v.clone());
        to_yaml(&Value::Object(m), Style::Helm)
    };
    let mut out = String::new();
    for k in ["apiVersion", "kind"] {
        if let Some(v) = map.get(k) {
            out.push_str(&one(k, v));
        }
    }
    match map.get("metadata") {
        Some(Value::Object(meta)) if !meta.is_empty() => {
            out.push_str("metadata:\n");
            let mut rest = meta.clone();
            for k in METADATA_ORDER {
                if let Some(v) = rest.remove(*k) {
                    for l in one(k, &v).lines() {
                        out.push_str("  ");
                        out.push_str(l);
                        out.push('\n');
                    }
                }
            }
            if !rest.is_empty() {
                for l in to_yaml(&Value::Object(rest), Style::Helm).lines() {
                    out.push_str("  ");
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        Some(v) => out.push_str(&one("metadata", v)),
        None => {}
    }
    let rest: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !rest.is_empty() {
        out.push_str(&to_yaml(&Value::Object(rest), Style::Helm));
    }
    out
}

/// Template text for `tpl`, in `lang` (`chart` names the Go helpers).
pub fn render(tpl: &Value, markers: &[Marker], lang: Language, chart: &str) -> String {
    let go = lang == Language::Go;
    let escape = |t: &str| {
        if go {
            gotmpl::escape(t)
        } else {
            escape_jinja(t)
        }
    };
    let yaml = escape(&ordered_yaml(tpl));
    let mut out = String::with_capacity(yaml.len() * 2);
    for line in yaml.lines() {
        let Some((at, len, i)) = find_marker(line) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let head = &line[..at];
        let tail = &line[at + len..];
        match &markers[i] {
            Marker::Inline(text) if go => {
                out.push_str(head);
                out.push_str(&gotmpl::inline(text, chart));
                out.push_str(tail);
                out.push('\n');
            }
            Marker::Block { expr, cond } if go => {
                out.push_str(&gotmpl::block(
                    head,
                    expr,
                    cond.as_deref(),
                    key_column(line) + 2,
                ));
            }
            Marker::Inline(text) => {
                out.push_str(head);
                out.push_str(text);
                out.push_str(tail);
                out.push('\n');
            }
            Marker::Block { expr, cond } => {
                let ind = key_column(line) + 2;
                if let Some(c) = cond {
                    out.push_str(&format!("{{%- if {c} %}}\n"));
                }
                out.push_str(head.trim_end());
                out.push('\n');
                out.push_str(&format!(
                    "{}{{{{ {expr} | toyaml | indent({ind}) }}}}\n",
                    " ".repeat(ind)
                ));
                if cond.is_some() {
                    out.push_str("{%- endif %}\n");
                }
            }
            Marker::Labels { helper, rest } => {
                let ind = key_column(line) + 2;
                let pad = " ".repeat(ind);
                out.push_str(head.trim_end());
                out.push('\n');
                if go {
                    out.push_str(&gotmpl::labels(chart, helper, ind));
                } else {
                    out.push_str(&format!("{pad}{{{{ h.{helper}() | indent({ind}) }}}}\n"));
                }
                if !rest.is_empty() {
                    let own = escape(&to_yaml(&Value::Object(rest.clone()), Style::Helm));
                    for l in own.lines() {
                        out.push_str(&pad);
                        out.push_str(l);
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jinja_in_literal_text_is_escaped() {
        assert_eq!(
            escape_jinja("a {{ b }} {% c %} {# d #} {x}"),
            "a {{ \"{{\" }} b }} {{ \"{%\" }} c %} {{ \"{#\" }} d #} {x}"
        );
    }

    #[test]
    fn key_columns() {
        assert_eq!(key_column("    ports: x"), 4);
        assert_eq!(key_column("  - ports: x"), 4);
        assert_eq!(key_column("- - a: x"), 4);
    }
}
