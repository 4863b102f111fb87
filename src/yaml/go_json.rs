//! Go's `encoding/json` `Marshal` text of a value: map keys sorted, HTML-safe string escaping
//! (`<`, `>`, `&`, U+2028, U+2029), Go's float formatting. Helm's `toJson` and kustomize's
//! content hash both hash or print exactly these bytes.

use crate::yaml::emit::format_go_float_exp;
use std::fmt::Write as _;

/// Go's `json.Marshal(v)` as a string.
pub fn marshal(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write(&mut out, v);
    out
}

/// Appends Go's `json.Marshal` text of `v`.
pub fn write(out: &mut String, v: &serde_json::Value) {
    write_layout(out, v, false, 0);
}

/// Go's `json.MarshalIndent(v, "", "  ")`: one element per line, two spaces per level, `": "`
/// after keys; empty lists and maps stay `[]` and `{}` (sprig's `toPrettyJson`).
pub fn marshal_indent(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_layout(&mut out, v, true, 0);
    out
}

/// The one writer behind `write` and `marshal_indent`: compact, or indented at `depth`.
fn write_layout(out: &mut String, v: &serde_json::Value, indent: bool, depth: usize) {
    use serde_json::Value as J;
    let newline = |out: &mut String, d: usize| {
        if indent {
            out.push('\n');
            for _ in 0..d {
                out.push_str("  ");
            }
        }
    };
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => {
            if n.is_f64() {
                out.push_str(&float(n.as_f64().unwrap_or(0.0)));
            } else {
                let _ = write!(out, "{n}");
            }
        }
        J::String(s) => write_string(out, s),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_layout(out, item, indent, depth + 1);
            }
            if !items.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        J::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_string(out, k);
                out.push_str(if indent { ": " } else { ":" });
                write_layout(out, item, indent, depth + 1);
            }
            if !entries.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
}

/// Go's `encoding/json` float text: `%f` between 1e-6 and 1e21, else `%e` with a one-digit negative exponent kept short.
pub fn float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_go_float_exp(f);
        let n = s.len();
        if n >= 4 && &s[n - 4..n - 1] == "e-0" {
            s.remove(n - 2);
        }
        s
    } else {
        format!("{f}")
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
