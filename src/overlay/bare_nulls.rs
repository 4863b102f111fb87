//! Fields written with nothing after the colon (`key:`): the parsed value is `null`, like an
//! explicit `null` or `~`, but kustomize's strategic merge drops such empty fields from every
//! object it patches (`nodeAffinity: {}` where the file had two bare keys under it) while it keeps
//! explicit nulls. The parsed value cannot tell them apart, so this scans the document text (block
//! style) for bare keys and returns their paths; the patch step removes the ones still `null`.
//! Anything the scanner does not follow (flow collections over several lines, complex keys, nested
//! sequences on one line) makes it give up on the document: then nothing is dropped.

use super::fieldpath::Seg;
use serde_json::Value;

struct Line<'a> {
    indent: usize,
    content: &'a str,
}

fn significant_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let content = raw.trim_start_matches(' ');
        let t = content.trim_end();
        if t.is_empty() || t.starts_with('#') || t == "---" || t.starts_with("--- ") || t == "..." {
            continue;
        }
        out.push(Line {
            indent: raw.len() - content.len(),
            content: t,
        });
    }
    out
}

/// `key` and the text after `key:` of a mapping line, or `None` when the line is no `key:` line.
fn split_key(content: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(q @ ('"' | '\'')) = content.chars().next() {
        let close = content[1..].find(q)? + 1;
        let key = content[1..close].to_string();
        let rest = content[close + 1..].strip_prefix(':')?;
        (key, rest)
    } else {
        let pos = content
            .find(": ")
            .or_else(|| content.ends_with(':').then(|| content.len() - 1))?;
        let key = &content[..pos];
        if key.contains(" #") || key.starts_with(['{', '[', '?', '&', '*', '!', '|', '>']) {
            return None;
        }
        (key.to_string(), &content[pos + 1..])
    };
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((key, strip_comment(rest.trim())))
}

fn strip_comment(v: &str) -> &str {
    if v.starts_with('#') {
        return "";
    }
    match v.find(" #") {
        Some(i) if !v.starts_with(['"', '\'']) => v[..i].trim_end(),
        _ => v,
    }
}

/// Whether a line ending in `:` is followed by one no deeper (an allocation-free pre-check: most
/// documents have no bare field).
fn may_have_bare_keys(text: &str) -> bool {
    let mut prev: Option<(usize, &str)> = None;
    for raw in text.lines() {
        let content = raw.trim_start_matches(' ');
        let t = content.trim_end();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        if let Some((pi, pt)) = prev {
            if pt.ends_with(':')
                && (indent < pi || (indent == pi && !(t == "-" || t.starts_with("- "))))
            {
                return true;
            }
        }
        prev = Some((indent, t));
    }
    prev.is_some_and(|(_, t)| t.ends_with(':'))
}

/// Paths of the bare `key:` fields of one YAML document (`None`: the scanner gave up).
pub fn scan(text: &str) -> Option<Vec<Vec<Seg>>> {
    if !may_have_bare_keys(text) {
        return Some(Vec::new());
    }
    let lines = significant_lines(text);
    let mut found = Vec::new();
    // Open path segments, each with the column it was written at.
    let mut path: Vec<(usize, Seg)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Line { indent, content } = lines[i];
        let (col, body) = if content == "-" || content.starts_with("- ") {
            // A sequence item.
            let mut next_index = 0;
            while let Some((c, _)) = path.last() {
                if *c > indent {
                    path.pop();
                } else {
                    break;
                }
            }
            if let Some((c, Seg::Index(n))) = path.last() {
                if *c == indent {
                    next_index = n + 1;
                    path.pop();
                }
            }
            path.push((indent, Seg::Index(next_index)));
            let body = content[1..].trim_start();
            if body.starts_with("- ") || body == "-" {
                return None;
            }
            let col = indent + (content.len() - body.len());
            if body.is_empty() || split_key(body).is_none() {
                // A scalar item (or an item opening on the next line): skip its continuation.
                i += 1;
                while i < lines.len() && lines[i].indent > indent && !body.is_empty() {
                    i += 1;
                }
                continue;
            }
            (col, body)
        } else {
            while let Some((c, _)) = path.last() {
                if *c >= indent {
                    path.pop();
                } else {
                    break;
                }
            }
            (indent, content)
        };
        let (key, value) = split_key(body)?;
        let next = lines.get(i + 1);
        if value.is_empty() {
            let is_item = |c: &str| c == "-" || c.starts_with("- ");
            let nested = next.is_some_and(|n| {
                (n.indent > col && (is_item(n.content) || split_key(n.content).is_some()))
                    || (n.indent == col && is_item(n.content))
            });
            if next.is_some_and(|n| n.indent > col) && !nested {
                // A plain scalar starting on the next line.
                i += 1;
                while i < lines.len() && lines[i].indent > col {
                    i += 1;
                }
                continue;
            }
            if nested {
                path.push((col, Seg::Key(key)));
            } else {
                let mut p: Vec<Seg> = path.iter().map(|(_, s)| s.clone()).collect();
                p.push(Seg::Key(key));
                found.push(p);
            }
            i += 1;
            continue;
        }
        if (value.starts_with('[') && !value.ends_with(']'))
            || (value.starts_with('{') && !value.ends_with('}'))
            || value.starts_with('&')
            || value.starts_with('!')
        {
            return None;
        }
        // A scalar (plain, quoted, block): skip its continuation lines.
        i += 1;
        while i < lines.len() && lines[i].indent > col {
            i += 1;
        }
    }
    Some(found)
}

/// Removes the bare fields recorded in `paths` that are still `null` in `value`.
pub fn drop_bare_nulls(value: &mut Value, paths: &[Vec<Seg>]) {
    for p in paths {
        remove_null_at(value, p);
    }
}

fn remove_null_at(v: &mut Value, path: &[Seg]) {
    match (path, v) {
        ([Seg::Key(last)], Value::Object(m))
            if m.get(last.as_str()).is_some_and(Value::is_null) =>
        {
            m.remove(last.as_str());
        }
        ([Seg::Key(k), rest @ ..], Value::Object(m)) => {
            if let Some(next) = m.get_mut(k.as_str()) {
                remove_null_at(next, rest);
            }
        }
        ([Seg::Index(n), rest @ ..], Value::Array(a)) => {
            if let Some(next) = a.get_mut(*n) {
                remove_null_at(next, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(p: &[Seg]) -> String {
        p.iter()
            .map(|s| match s {
                Seg::Key(k) => k.clone(),
                Seg::Index(n) => n.to_string(),
                _ => "?".into(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn finds_bare_keys_in_maps_and_lists() {
        let text = "a:\n  b:\n  c: null\n  d: ~\n  e:\n    f:\nlist:\n- name: x\n  value:\n- name: y\n  s: |\n    x:\n  t:\n  u:\n    plain scalar\ncompact:\n- k:\nlast:\n";
        let got: Vec<String> = scan(text).unwrap().iter().map(|p| keys(p)).collect();
        assert_eq!(
            got,
            [
                "a.b",
                "a.e.f",
                "list.0.value",
                "list.1.t",
                "compact.0.k",
                "last"
            ]
        );
    }

    #[test]
    fn gives_up_on_multiline_flow() {
        assert!(scan("b:\na: [1,\n  2]\n").is_none());
        assert_eq!(scan("a:\n  b: 1\n"), Some(Vec::new()));
    }

    #[test]
    fn drops_only_nulls_still_there() {
        let mut v = serde_json::json!({"a": {"b": null, "c": 1}, "l": [{"v": null}]});
        let paths = scan("a:\n  b:\n  c:\nl:\n- v:\n").unwrap();
        drop_bare_nulls(&mut v, &paths);
        assert_eq!(v, serde_json::json!({"a": {"c": 1}, "l": [{}]}));
    }
}
