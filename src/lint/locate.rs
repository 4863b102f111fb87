//! Maps a YAML path (`spec.template.spec.containers[0].image`) to the line of a document's text
//! that holds it, so findings point at `file:line`.
//!
//! This is a line-based walk over block YAML, not a parser: it knows `key: value`, `key:` with a
//! nested block, `- ` sequence items (indented or at their key's indent), quoted keys, comments and
//! block scalars. A path segment it cannot follow (a key added by a patch, flow style `{…}`) stops
//! the walk and the deepest line found so far is returned.

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Splits `a.b[0]["x.y/z"].c` into segments.
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    let mut key = String::new();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !key.is_empty() {
                    out.push(Segment::Key(std::mem::take(&mut key)));
                }
            }
            '[' => {
                if !key.is_empty() {
                    out.push(Segment::Key(std::mem::take(&mut key)));
                }
                if chars.peek() == Some(&'"') {
                    chars.next();
                    let mut quoted = String::new();
                    for c in chars.by_ref() {
                        if c == '"' {
                            break;
                        }
                        quoted.push(c);
                    }
                    if chars.peek() == Some(&']') {
                        chars.next();
                    }
                    out.push(Segment::Key(quoted));
                } else {
                    let mut digits = String::new();
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                        digits.push(c);
                    }
                    out.push(Segment::Index(digits.parse().unwrap_or(0)));
                }
            }
            c => key.push(c),
        }
    }
    if !key.is_empty() {
        out.push(Segment::Key(key));
    }
    out
}

/// Formats a map key as a path segment: `.key`, or `["key"]` when it holds `.`, `/` or `[`.
pub fn key_segment(key: &str) -> String {
    if key.contains(['.', '/', '[', ']', '"']) {
        format!("[\"{key}\"]")
    } else {
        format!(".{key}")
    }
}

/// Appends a key to a path.
pub fn join(path: &str, key: &str) -> String {
    let seg = key_segment(key);
    if path.is_empty() {
        seg.trim_start_matches('.').to_string()
    } else {
        format!("{path}{seg}")
    }
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Column of the first non-space character.
    indent: usize,
    /// Whether the line starts with a `- ` sequence indicator.
    dashed: bool,
    /// Column of the content after any `- ` indicators.
    col: usize,
    /// The content after any `- ` indicators.
    content: &'a str,
}

fn lines(text: &str) -> Vec<Option<Line<'_>>> {
    text.lines()
        .map(|l| {
            let trimmed = l.trim_start_matches(' ');
            // Comments, and the tag lines of chart templates (`{% if … %}`, `{# … #}`).
            if trimmed.is_empty()
                || trimmed.starts_with('#')
                || trimmed.starts_with("{%")
                || trimmed.starts_with("{#")
            {
                return None;
            }
            let indent = l.len() - trimmed.len();
            let mut col = indent;
            let mut content = trimmed;
            let mut dashed = false;
            while content == "-" || content.starts_with("- ") {
                dashed = true;
                let rest = content[1..].trim_start_matches(' ');
                col += content.len() - rest.len();
                content = rest;
            }
            Some(Line {
                indent,
                dashed,
                col,
                content,
            })
        })
        .collect()
}

/// The key of a `key: value` / `key:` line, unquoted.
fn line_key(content: &str) -> Option<&str> {
    if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = content[1..].find(q)? + 1;
        let rest = &content[end + 1..];
        return rest.starts_with(':').then(|| &content[1..end]);
    }
    let bytes = content.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            return Some(&content[..i]);
        }
    }
    None
}

/// The 0-based line of `path` in `text`, or of its deepest ancestor that is found.
pub fn locate(text: &str, path: &str) -> usize {
    locate_full(text, path).0
}

/// Like [`locate`], and whether the whole path was found.
pub fn locate_full(text: &str, path: &str) -> (usize, bool) {
    let ls = lines(text);
    let segs = parse_path(path);
    let Some(first) = ls.iter().position(Option::is_some) else {
        return (0, false);
    };
    let mut best = first;
    // The block being searched: lines lo..hi whose entries sit at column `col`.
    let (mut lo, mut hi, mut col) = (first, ls.len(), ls[first].map_or(0, |l| l.col));
    // The line whose content starts the block at `col` even though its indent is smaller (an
    // item's first key after `- `).
    let mut head: Option<usize> = None;
    for seg in &segs {
        match seg {
            Segment::Key(k) => {
                let mut found = None;
                for (i, l) in ls.iter().enumerate().take(hi).skip(lo) {
                    let Some(l) = l else { continue };
                    let at_col = if Some(i) == head {
                        l.col == col
                    } else {
                        l.indent == col && !l.dashed
                    };
                    if at_col && line_key(l.content) == Some(k.as_str()) {
                        found = Some(i);
                        break;
                    }
                }
                let Some(i) = found else { return (best, false) };
                best = i;
                // The value: the rest of this line, or the lines below indented deeper (a
                // sequence may sit at the key's own indent).
                let end = (i + 1..hi)
                    .find(|&j| {
                        ls[j].is_some_and(|l| l.indent < col || (l.indent == col && !l.dashed))
                    })
                    .unwrap_or(hi);
                let Some(next) = (i + 1..end).find(|&j| ls[j].is_some()) else {
                    return (best, false);
                };
                lo = next;
                hi = end;
                col = ls[next].map_or(0, |l| l.indent);
                head = None;
            }
            Segment::Index(n) => {
                let items: Vec<usize> = (lo..hi)
                    .filter(|&j| ls[j].is_some_and(|l| l.dashed && l.indent == col))
                    .collect();
                let Some(&i) = items.get(*n) else {
                    return (best, false);
                };
                best = i;
                let end = items.get(n + 1).copied().unwrap_or(hi);
                let l = ls[i].unwrap();
                if l.content.is_empty() {
                    let Some(next) = (i + 1..end).find(|&j| ls[j].is_some()) else {
                        return (best, false);
                    };
                    lo = next;
                    col = ls[next].map_or(0, |l| l.indent);
                    head = None;
                } else {
                    lo = i;
                    col = l.col;
                    head = Some(i);
                }
                hi = end;
            }
        }
    }
    (best, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    prometheus.io/port: \"8080\"
spec:
  template:
    spec:
      containers:
      - name: a
        image: nginx
      # a comment
      -   name: b
          image: redis
          ports:
            - containerPort: 80
            - containerPort: 81
      tolerations:
        - key: x
";

    #[test]
    fn finds_nested_keys_and_items() {
        assert_eq!(locate(DOC, "kind"), 1);
        assert_eq!(locate(DOC, "metadata.name"), 3);
        assert_eq!(
            locate(DOC, "metadata.annotations[\"prometheus.io/port\"]"),
            5
        );
        assert_eq!(locate(DOC, "spec.template.spec.containers[0]"), 10);
        assert_eq!(locate(DOC, "spec.template.spec.containers[0].name"), 10);
        assert_eq!(locate(DOC, "spec.template.spec.containers[0].image"), 11);
        assert_eq!(locate(DOC, "spec.template.spec.containers[1].image"), 14);
        assert_eq!(
            locate(
                DOC,
                "spec.template.spec.containers[1].ports[1].containerPort"
            ),
            17
        );
        assert_eq!(locate(DOC, "spec.template.spec.tolerations[0].key"), 19);
    }

    #[test]
    fn missing_parts_give_the_deepest_ancestor() {
        assert_eq!(locate(DOC, "spec.template.spec.restartPolicy"), 8);
        assert_eq!(locate(DOC, "spec.template.spec.containers[5].image"), 9);
        assert_eq!(
            locate(
                DOC,
                "spec.template.spec.containers[0].securityContext.privileged"
            ),
            10
        );
    }

    #[test]
    fn paths_round_trip() {
        assert_eq!(
            parse_path("a.b[2][\"x.y/z\"].c"),
            vec![
                Segment::Key("a".into()),
                Segment::Key("b".into()),
                Segment::Index(2),
                Segment::Key("x.y/z".into()),
                Segment::Key("c".into()),
            ]
        );
        assert_eq!(
            join("metadata.annotations", "a.b/c"),
            "metadata.annotations[\"a.b/c\"]"
        );
        assert_eq!(join("", "spec"), "spec");
    }
}
