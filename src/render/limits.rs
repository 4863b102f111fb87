//! Budget checks around minijinja: a scan of template text before it is parsed, and a writer that
//! stops a render once its output is too large. The numbers live in [`crate::budget`].
//!
//! minijinja bounds the nesting of brackets and blocks while parsing, but a long flat chain
//! (`1 + 1 + …` with 40,000 terms, 7,000 `elif`s) builds a tree as deep as the chain is long, and
//! compiling or dropping that tree overflows any stack. The scan counts operators per tag and
//! `elif`s per template and refuses text above the budgets, before minijinja sees it.

use crate::budget::{self, TEMPLATE_ELIF_BRANCHES, TEMPLATE_EXPRESSION_OPERATORS};
use crate::error::{ErrorKind, Location, Result};

/// Checks `src` (shown as `name`) against the expression and `elif` budgets.
pub fn check_source(name: &str, src: &str) -> Result<()> {
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut elifs = 0usize;
    while let Some(off) = find(bytes, i, b"{") {
        let start = off;
        let Some(&next) = bytes.get(start + 1) else {
            break;
        };
        match next {
            b'#' => {
                i = find(bytes, start + 2, b"#}").map_or(bytes.len(), |e| e + 2);
            }
            b'{' | b'%' => {
                let close: &[u8] = if next == b'{' { b"}}" } else { b"%}" };
                let (end, operators) = scan_tag(bytes, start + 2, close);
                let body = &src[start + 2..end.min(src.len())];
                let word = body
                    .trim_start_matches(['-', '+', '~'])
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if operators > TEMPLATE_EXPRESSION_OPERATORS {
                    return Err(budget::exceeded(
                        ErrorKind::Template,
                        &format!(
                            "expression too complex: {} operators in one tag",
                            budget::thousands(operators as u64)
                        ),
                        "expression",
                        &format!("{TEMPLATE_EXPRESSION_OPERATORS} operators per tag"),
                        "split the expression into steps with `{% set %}`, or build lists with a loop",
                    )
                    .with_location(Location::at_offset(name, src, start, 2)));
                }
                i = (end + 2).min(bytes.len());
                if next == b'%' {
                    if word == "elif" {
                        elifs += 1;
                        if elifs > TEMPLATE_ELIF_BRANCHES {
                            return Err(budget::exceeded(
                                ErrorKind::Template,
                                &format!("more than {TEMPLATE_ELIF_BRANCHES} `elif` branches"),
                                "elif",
                                &format!("{TEMPLATE_ELIF_BRANCHES} branches per template"),
                                "look the value up in a map instead of testing it branch by branch",
                            )
                            .with_location(Location::at_offset(name, src, start, 2)));
                        }
                    } else if word == "raw" {
                        i = skip_raw(src, i);
                    }
                }
            }
            _ => i = start + 1,
        }
    }
    Ok(())
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Scans one tag body from `from` to its closing delimiter outside string literals. Returns the
/// offset of the delimiter (or the end of the text) and the number of operators seen.
fn scan_tag(bytes: &[u8], from: usize, close: &[u8]) -> (usize, usize) {
    let mut i = from;
    let mut operators = 0usize;
    let mut word_start: Option<usize> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphanumeric() || c == b'_' {
            word_start.get_or_insert(i);
            i += 1;
            continue;
        }
        if let Some(ws) = word_start.take() {
            if matches!(
                &bytes[ws..i],
                b"and" | b"or" | b"not" | b"if" | b"else" | b"is" | b"in"
            ) {
                operators += 1;
            }
        }
        if bytes[i..].starts_with(close) {
            return (i, operators);
        }
        match c {
            b'"' | b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'~' | b'|' | b'.' | b'[' | b'(' | b'<' | b'>'
            | b'=' | b'!' => operators += 1,
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), operators)
}

/// Skips to the end of the `{% endraw %}` tag after `from`.
fn skip_raw(src: &str, from: usize) -> usize {
    let mut i = from;
    while let Some(off) = find(src.as_bytes(), i, b"{%") {
        let rest = src[off + 2..].trim_start_matches(['-', '+']).trim_start();
        if rest.starts_with("endraw") {
            return find(src.as_bytes(), off, b"%}").map_or(src.len(), |e| e + 2);
        }
        i = off + 2;
    }
    src.len()
}

/// The function the namespace checks call (see [`guard_namespace_sets`]).
pub const NEST_CHECK: &str = "__kiln_nest_check";

/// A namespace check inserted into a template: `len` bytes at offset `at` of the original text,
/// after the `set` tag that starts at `tag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insert {
    pub tag: usize,
    pub at: usize,
    pub len: usize,
}

/// Adds a depth check after every `{% set ns.attr = … %}`.
///
/// A namespace is the one place a Jinja template keeps a value from one loop iteration to the
/// next, so `{% set ns.x = [ns.x] %}` in a loop nests a list a million levels deep, and minijinja
/// frees (and compares, and hashes) such a value by recursion, which no stack survives.
/// minijinja offers no hook on the assignment, so each one is followed by
/// `{% if __kiln_nest_check(ns.x) %}{% endif %}`, which fails past
/// [`crate::budget::TEMPLATE_VALUE_DEPTH`]. The inserted tags print nothing and the `endif`
/// carries the `set` tag's closing whitespace marker, so the output is unchanged. Returns the new
/// text and where the checks went (for [`original_offset`]), or `None` when there is no such `set`.
pub fn guard_namespace_sets(src: &str) -> Option<(String, Vec<Insert>)> {
    let bytes = src.as_bytes();
    let mut inserts = Vec::new();
    let mut i = 0;
    while let Some(start) = find(bytes, i, b"{") {
        let Some(&next) = bytes.get(start + 1) else {
            break;
        };
        match next {
            b'#' => i = find(bytes, start + 2, b"#}").map_or(bytes.len(), |e| e + 2),
            b'{' => i = (scan_tag(bytes, start + 2, b"}}").0 + 2).min(bytes.len()),
            b'%' => {
                let (end, _) = scan_tag(bytes, start + 2, b"%}");
                let body = &src[start + 2..end.min(src.len())];
                let inner = body.trim_start_matches(['-', '+']).trim_start();
                i = (end + 2).min(bytes.len());
                if inner.starts_with("raw") && !inner[3..].starts_with(is_ident) {
                    i = skip_raw(src, i);
                } else if let Some(target) = namespace_target(inner) {
                    if end + 2 <= bytes.len() {
                        let marker = match bytes[end - 1] {
                            c @ (b'-' | b'+') if end - 1 > start + 2 => (c as char).to_string(),
                            _ => String::new(),
                        };
                        let text =
                            format!("{{% if {NEST_CHECK}({target}) %}}{{% endif {marker}%}}");
                        inserts.push((start, end + 2, text));
                    }
                }
            }
            _ => i = start + 1,
        }
    }
    if inserts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(src.len() + inserts.len() * 64);
    let mut done = 0;
    let mut list = Vec::with_capacity(inserts.len());
    for (tag, at, text) in inserts {
        out.push_str(&src[done..at]);
        out.push_str(&text);
        done = at;
        list.push(Insert {
            tag,
            at,
            len: text.len(),
        });
    }
    out.push_str(&src[done..]);
    Some((out, list))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The namespace attributes `inner` (a block tag's body) assigns, comma-separated, when it is
/// `set ns.attr = …` (also `set a, ns.b = …`, `set (ns.a) = …`, spaces around the dots).
fn namespace_target(inner: &str) -> Option<String> {
    let rest = inner.strip_prefix("set")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let eq = rest.find('=')?;
    if rest[eq + 1..].starts_with('=') {
        return None;
    }
    let mut targets = Vec::new();
    for piece in rest[..eq].split([',', '(', ')']) {
        let name: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
        let parts: Vec<&str> = name.split('.').collect();
        let dotted = parts.len() >= 2
            && parts.iter().all(|p| {
                p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && p.chars().all(is_ident)
            });
        if dotted {
            targets.push(name);
        }
    }
    (!targets.is_empty()).then(|| targets.join(", "))
}

thread_local! {
    /// The checks inserted into each template rendering on this thread, by template name.
    static INSERTS: std::cell::RefCell<std::collections::HashMap<String, Vec<Insert>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Records the checks inserted into template `name`, so errors map back to the original text.
pub fn register_inserts(name: &str, inserts: Vec<Insert>) {
    INSERTS.with(|m| m.borrow_mut().insert(name.to_string(), inserts));
}

/// Forgets every recorded insert of this thread.
pub fn clear_inserts() {
    INSERTS.with(|m| m.borrow_mut().clear());
}

/// Maps an offset in the text minijinja compiled for `name` back to the original text; an
/// offset inside an inserted check maps to its `set` tag.
pub fn original_offset(name: &str, offset: usize) -> usize {
    INSERTS.with(|m| {
        let m = m.borrow();
        let Some(list) = m.get(name) else {
            return offset;
        };
        let mut shift = 0;
        for ins in list {
            let at = ins.at + shift;
            if offset < at {
                break;
            }
            if offset < at + ins.len {
                return ins.tag;
            }
            shift += ins.len;
        }
        offset - shift
    })
}

/// A writer that keeps the output in memory and fails once it would pass `limit` bytes.
#[derive(Debug, Default)]
pub struct CappedWriter {
    pub buf: Vec<u8>,
    pub limit: usize,
    /// Set when a write was refused.
    pub exceeded: bool,
}

impl CappedWriter {
    pub fn new(limit: usize) -> CappedWriter {
        CappedWriter {
            buf: Vec::new(),
            limit,
            exceeded: false,
        }
    }
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len().saturating_add(data.len()) > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("output budget exceeded"));
        }
        if self.buf.try_reserve(data.len()).is_err() {
            self.exceeded = true;
            return Err(std::io::Error::other("out of memory"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_flat_expressions_are_refused_before_parsing() {
        let src = format!("a: {{{{ {} }}}}\n", vec!["1"; 40_000].join(" + "));
        let err = check_source("c/templates/a.yaml", &src).unwrap_err();
        assert!(err.message().starts_with("expression too complex: 39,999 operators in one tag: exceeds kiln's expression budget of 1000 operators per tag"), "{err}");
        assert_eq!(err.location().unwrap().line, 1);
        let ok = format!("a: {{{{ {} }}}}\n", vec!["1"; 500].join(" + "));
        assert!(check_source("x", &ok).is_ok());
    }

    #[test]
    fn operators_inside_strings_and_comments_do_not_count() {
        let s = "+".repeat(5000);
        let src = format!(
            "{{{{ '{s}' ~ \"{s}\" }}}} {{# {s} #}} {{% raw %}}{{{{ {} }}}}{{% endraw %}}",
            vec!["1"; 3000].join("+")
        );
        assert!(check_source("x", &src).is_ok());
    }

    #[test]
    fn elif_chains_are_bounded() {
        let chain = |n: usize| {
            format!(
                "{{% if false %}}a{}{{% endif %}}",
                "{% elif false %}x".repeat(n)
            )
        };
        assert!(check_source("x", &chain(1000)).is_ok());
        let err = check_source("x", &chain(7000)).unwrap_err();
        assert!(
            err.message().contains("more than 1000 `elif` branches"),
            "{err}"
        );
    }

    #[test]
    fn namespace_sets_get_a_check_that_keeps_their_whitespace_marker() {
        let src = "{% set ns = namespace(x=1) %}\n{%- set ns.x = [ns.x] -%}\n{% set y = 1 %}{{ '{% set ns.x = 1 %}' }}{% raw %}{% set ns.x = 2 %}{% endraw %}{% set a.b.c = 3 %}{% set q, ( ns . y ) = 1, 2 %}";
        let (out, inserts) = guard_namespace_sets(src).unwrap();
        assert_eq!(
            out,
            "{% set ns = namespace(x=1) %}\n{%- set ns.x = [ns.x] -%}{% if __kiln_nest_check(ns.x) %}{% endif -%}\n{% set y = 1 %}{{ '{% set ns.x = 1 %}' }}{% raw %}{% set ns.x = 2 %}{% endraw %}{% set a.b.c = 3 %}{% if __kiln_nest_check(a.b.c) %}{% endif %}{% set q, ( ns . y ) = 1, 2 %}{% if __kiln_nest_check(ns.y) %}{% endif %}"
        );
        assert_eq!(inserts.len(), 3);
        register_inserts("t", inserts.clone());
        let after = out.find("\n{% set y").unwrap();
        assert_eq!(original_offset("t", after), src.find("\n{% set y").unwrap());
        assert_eq!(original_offset("t", inserts[0].at + 5), inserts[0].tag);
        assert_eq!(original_offset("t", 3), 3);
        clear_inserts();
        assert!(guard_namespace_sets(
            "{% set x = 1 %}{% set y %}{{ a.b }}{% endset %}{% if a.b == 1 %}{% endif %}"
        )
        .is_none());
    }

    #[test]
    fn capped_writer_refuses_past_its_limit() {
        use std::io::Write;
        let mut w = CappedWriter::new(4);
        assert!(w.write_all(b"abc").is_ok());
        assert!(w.write_all(b"de").is_err());
        assert!(w.exceeded);
        assert_eq!(w.buf, b"abc");
    }
}
