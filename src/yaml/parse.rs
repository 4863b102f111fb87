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

/// Splits rendered template output as `helm template` does (its SplitManifests): the trimmed
/// text is cut at every `---` that starts the text or a line, together with the whitespace
/// around it, so `--- # note` leaves `# note` in the next document, `--- text` leaves `text`,
/// `----` leaves `-`, and of `---` lines in a row only every other one separates (the
/// separator swallows the newline the next one would need). Documents come back trimmed,
/// empty ones dropped.
pub fn split_documents_helm(text: &str) -> Vec<Document<'_>> {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let b = text.as_bytes();
    let mut docs = Vec::new();
    // Newlines before `counted`, counted once however many documents follow.
    let (mut counted, mut lines) = (0, 0);
    let mut push = |from: usize, to: usize| {
        let piece = &text[from..to];
        let trimmed = piece.trim_matches(|c: char| c.is_ascii() && ws(c as u8));
        if !trimmed.is_empty() {
            let start = from
                + (piece.len()
                    - piece
                        .trim_start_matches(|c: char| c.is_ascii() && ws(c as u8))
                        .len());
            lines += b[counted..start].iter().filter(|&&c| c == b'\n').count();
            counted = start;
            docs.push(Document {
                text: trimmed,
                line_offset: lines,
            });
        }
    };
    // The text is trimmed first: a leading `---` separates only at its very start.
    let mut start = b.iter().position(|&c| !ws(c)).unwrap_or(b.len());
    if b[start..].starts_with(b"---") {
        start += 3;
        while start < b.len() && ws(b[start]) {
            start += 1;
        }
    }
    let mut search = start;
    while let Some(found) = text[search..].find("\n---") {
        let nl = search + found;
        // The separator takes the whitespace before the newline and after the dashes.
        let mut from = nl;
        while from > start && ws(b[from - 1]) {
            from -= 1;
        }
        let mut end = nl + 4;
        while end < b.len() && ws(b[end]) {
            end += 1;
        }
        push(start, from);
        start = end;
        search = end;
    }
    push(start, b.len());
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
    /// Helm's values files and `fromYaml` (sigs.k8s.io/yaml over go-yaml v2, then JSON): the
    /// scalar rules of `Kubectl`, and plain keys are read as YAML 1.1 too before they become
    /// JSON object keys (`on:`/`y:` → `"true"`, `no:` → `"false"`, `0x10:` → `"16"`) while
    /// quoted keys stay as written; a repeated key is no error, the last one wins.
    Helm,
}

pub(crate) fn options(flavor: Flavor) -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.strict_booleans = flavor == Flavor::Kustomize;
    o.legacy_octal_numbers = true;
    o.duplicate_keys = if flavor == Flavor::Helm {
        serde_saphyr::DuplicateKeyPolicy::LastWins
    } else {
        serde_saphyr::DuplicateKeyPolicy::Error
    };
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
    saphyr_value(text, flavor)
        .map(|v| {
            if is_blank_document(text) {
                Value::Null
            } else {
                v
            }
        })
        .map_err(|e| yaml_error(&e, text, file, line_offset))
}

/// serde-saphyr's reading of a whole document with a flavor's rules (keys included).
pub(crate) fn saphyr_value(
    text: &str,
    flavor: Flavor,
) -> std::result::Result<Value, serde_saphyr::Error> {
    if flavor == Flavor::Helm {
        // Infinities and NaN reach Helm's reader, which keeps them as keys (`.inf:`) and
        // refuses them as values.
        let mut o = options(flavor);
        o.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
        serde_saphyr::from_str_with_options::<super::helm::HelmValue>(text, o).map(|v| v.0)
    } else {
        serde_saphyr::from_str_with_options::<Value>(text, options(flavor))
    }
}

/// Reads and parses a YAML file.
pub fn parse_file(path: &Path) -> Result<Value> {
    let shown = path.display().to_string();
    let text = crate::fs::read_user_text(path, &shown)?;
    parse_document(&text, &shown)
}

/// The text of a file read as bytes: UTF-8 (a leading byte-order mark is dropped). Anything else
/// is an error naming the file, the byte offset and the line of the first bad byte, and saying
/// when the file looks like UTF-16 (a UTF-16 byte-order mark, or NUL bytes between ASCII).
pub fn decode_text(bytes: Vec<u8>, file: &str) -> Result<String> {
    let utf16 = bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || (bytes.len() >= 4 && (bytes[1] == 0 && bytes[3] == 0 || bytes[0] == 0 && bytes[2] == 0));
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            if utf16 && text.contains('\0') {
                return Err(Error::new(
                    ErrorKind::Yaml,
                    format!("{file}: the file is UTF-16 text; kiln reads UTF-8 only (convert it, e.g. with `iconv -f UTF-16 -t UTF-8`)"),
                )
                .with_location(Location::new(file, 1, 1)));
            }
            Ok(text)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..offset]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..offset])
                .chars()
                .count()
                + 1;
            let message = if utf16 {
                format!("{file}: the file is UTF-16 text (byte-order mark or NUL bytes); kiln reads UTF-8 only (convert it, e.g. with `iconv -f UTF-16 -t UTF-8`)")
            } else {
                format!(
                    "{file}: not valid UTF-8: byte 0x{:02x} at byte offset {offset} (line {line})",
                    bytes[offset]
                )
            };
            Err(Error::new(ErrorKind::Yaml, message)
                .with_location(Location::new(file, line, column)))
        }
    }
}

/// serde-saphyr's error as a sentence about the user's file, where its own text speaks of its
/// API (`set DuplicateKeyPolicy in Options`, `use Option<String>`, `budget breached: Nodes {…}`).
fn user_message(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach as B;
    use serde_saphyr::Error as E;
    Some(match e.without_snippet() {
        E::DuplicateMappingKey { key: Some(k), .. } => {
            format!("duplicate key `{k}`: a key may appear only once in a mapping")
        }
        E::DuplicateMappingKey { key: None, .. } => {
            "duplicate key: a key may appear only once in a mapping".to_string()
        }
        E::MultipleDocuments { .. } => {
            "a `---` line starts a second YAML document, but this file must hold exactly one".into()
        }
        E::NullIntoString { .. } => {
            "a mapping key is null (`~`, `null` or empty); keys must be text: quote it".into()
        }
        E::RecursiveReferencesRequireWeakTypes { .. } => {
            "this alias refers to an anchor that contains it: the value would contain itself"
                .into()
        }
        E::InvalidScalar { ty, .. } => {
            let what = match *ty {
                t if t.starts_with('u') || t.starts_with('i') => "a whole number",
                t if t.starts_with('f') => "a number",
                "bool" => "a boolean (true or false)",
                "char" => "a single character",
                other => other,
            };
            format!("this value is not {what}, as its tag says")
        }
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "aliases (`*name`) expand to too much data: the file repeats anchors inside anchors (a YAML bomb?)".into()
        }
        E::InvalidUtf8Input => "the file is not valid UTF-8".into(),
        E::Budget { breach, .. } => {
            let limits = serde_saphyr::budget::Budget::default();
            let what = match breach {
                B::Nodes { .. } => format!(
                    "more than {} values, lists and maps in one document",
                    crate::budget::thousands(limits.max_nodes as u64)
                ),
                B::Events { .. } => format!(
                    "more than {} YAML parse events in one document",
                    crate::budget::thousands(limits.max_events as u64)
                ),
                B::Depth { .. } => format!("lists and maps nested more than {} levels deep", limits.max_depth),
                B::Aliases { .. } | B::AliasAnchorRatio { .. } => "too many aliases (`*name`)".to_string(),
                B::Anchors { .. } => "too many anchors (`&name`)".to_string(),
                B::Documents { .. } => "too many YAML documents".to_string(),
                B::ScalarBytes { .. } => format!(
                    "more than {} of text in values",
                    crate::budget::bytes(limits.max_total_scalar_bytes)
                ),
                B::MergeKeys { .. } => "too many merge keys (`<<`)".to_string(),
                B::InputBytes { .. } => "the file is too large".to_string(),
                _ => "the document is too large".to_string(),
            };
            format!("{what}: exceeds the limits of kiln's YAML reader; split the file")
        }
        E::Unexpected { expected, .. } if *expected == "string scalar" => {
            "a mapping key must be text, not a list or a map".into()
        }
        _ => return None,
    })
}

fn yaml_error(e: &serde_saphyr::Error, text: &str, file: &str, line_offset: usize) -> Error {
    let message = match user_message(e) {
        Some(m) => m,
        None => clean_message(&e.without_snippet().to_string()),
    };
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
    fn helm_split_counts_lines_across_many_documents() {
        // Each document's first line, however many come before it (the count is carried from
        // document to document, not redone from the start).
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&format!("\n\n# {i}\nkind: K{i}\n---"));
        }
        let docs = split_documents_helm(&text);
        assert_eq!(docs.len(), 3000);
        let lines: Vec<&str> = text.lines().collect();
        for (i, d) in docs.iter().enumerate() {
            assert_eq!(d.text, format!("# {i}\nkind: K{i}"));
            assert_eq!(lines[d.line_offset], format!("# {i}"), "document {i}");
        }
    }

    #[test]
    fn splits_rendered_output_as_helm() {
        let split = |t: &'static str| -> Vec<(&'static str, usize)> {
            split_documents_helm(t)
                .iter()
                .map(|d| (d.text, d.line_offset))
                .collect()
        };
        assert_eq!(
            split("--- # c\na: 1\n---\n---\n\n---\nb: 2\n----\nc\n --- x\n---\t\n"),
            vec![
                ("# c\na: 1", 0),
                ("---", 3),
                ("b: 2", 6),
                ("-\nc\n --- x", 7)
            ]
        );
        assert_eq!(split("  \n\n---\n"), vec![]);
        assert_eq!(split("a: 1\n---b: 2\n"), vec![("a: 1", 0), ("b: 2", 1)]);
        assert_eq!(split("x: |\n  ---\n  y\n"), vec![("x: |\n  ---\n  y", 0)]);
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

    #[test]
    fn yaml_library_messages_become_sentences_about_the_file() {
        let err = |text: &str| parse_document(text, "v.yaml").unwrap_err().to_string();
        let cases = [
            (
                "a: 1\na: 2\n",
                "duplicate key `a`: a key may appear only once in a mapping",
                2,
            ),
            (
                "a: 1\n---\nb: 2\n",
                "a `---` line starts a second YAML document",
                3,
            ),
            ("~: 1\n", "a mapping key is null", 1),
            (
                "a: &x\n  b: *x\n",
                "this alias refers to an anchor that contains it",
                2,
            ),
            (
                "a: !!int x\n",
                "this value is not a whole number, as its tag says",
                1,
            ),
            (
                "? [a]\n: 1\n",
                "a mapping key must be text, not a list or a map",
                1,
            ),
        ];
        for (text, want, line) in cases {
            let e = err(text);
            assert!(e.contains(want), "{e}");
            assert!(e.contains(&format!("v.yaml:{line}:")), "{e}");
            for leak in [
                "Options",
                "from_str",
                "Option<",
                "weak recursion",
                "u64",
                "{",
            ] {
                assert!(!e.lines().next().unwrap().contains(leak), "{e}");
            }
        }
        let big = format!("a:\n{}", "  - 1\n".repeat(300_000));
        let e = err(&big);
        assert!(
            e.contains("more than 250,000 values, lists and maps in one document: exceeds the limits of kiln's YAML reader; split the file"),
            "{e}"
        );
    }

    #[test]
    fn invalid_utf8_and_utf16_name_offset_and_line() {
        let e = decode_text(b"a: 1\nb: x\xff\n".to_vec(), "v.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("v.yaml: not valid UTF-8: byte 0xff at byte offset 9 (line 2)"),
            "{e}"
        );
        assert!(e.contains("--> v.yaml:2:5"), "{e}");
        let e = decode_text(b"\xff\xfea\x00:\x00 \x001\x00".to_vec(), "v.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("the file is UTF-16 text"), "{e}");
        let e = decode_text(b"a\x00:\x00 \x001\x00".to_vec(), "v.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("the file is UTF-16 text"), "{e}");
        assert_eq!(
            decode_text(b"\xef\xbb\xbfa: 1".to_vec(), "v").unwrap(),
            "a: 1"
        );
    }
}
