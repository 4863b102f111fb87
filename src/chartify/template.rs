//! From a template tree (the object with markers where values and names go) to template text:
//! the tree is printed as YAML, literal text that looks like Jinja is escaped, and each marker
//! line becomes its expression.

use super::extract::{find_marker, Marker};
use crate::yaml::{to_yaml, Style};
use serde_json::Value;

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

/// Template text for `tpl`.
pub fn render(tpl: &Value, markers: &[Marker]) -> String {
    let yaml = escape_jinja(&to_yaml(tpl, Style::Helm));
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
            Marker::Inline(text) => {
                out.push_str(head);
                out.push_str(text);
                out.push_str(tail);
                out.push('\n');
            }
            Marker::Block { expr, cond } => {
                let ind = key_column(line) + 2;
                if let Some(c) = cond {
                    out.push_str(&format!("{{% if {c} %}}\n"));
                }
                out.push_str(head.trim_end());
                out.push('\n');
                out.push_str(&format!(
                    "{}{{{{ {expr} | toyaml | indent({ind}) }}}}\n",
                    " ".repeat(ind)
                ));
                if cond.is_some() {
                    out.push_str("{% endif %}\n");
                }
            }
            Marker::Labels { helper, rest } => {
                let ind = key_column(line) + 2;
                let pad = " ".repeat(ind);
                out.push_str(head.trim_end());
                out.push('\n');
                out.push_str(&format!("{pad}{{{{ h.{helper}() | indent({ind}) }}}}\n"));
                if !rest.is_empty() {
                    let own = escape_jinja(&to_yaml(&Value::Object(rest.clone()), Style::Helm));
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
        assert_eq!(escape_jinja("a {{ b }} {% c %} {# d #} {x}"),
            "a {{ \"{{\" }} b }} {{ \"{%\" }} c %} {{ \"{#\" }} d #} {x}");
    }

    #[test]
    fn key_columns() {
        assert_eq!(key_column("    ports: x"), 4);
        assert_eq!(key_column("  - ports: x"), 4);
        assert_eq!(key_column("- - a: x"), 4);
    }
}
