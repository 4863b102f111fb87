//! The one error type of kiln: a kind, a message, and (where the failing stage
//! knows it) a source location rendered as a caret snippet.
//!
//! What an error prints is safe for a terminal and a CI log:
//! - control characters and ANSI escapes from input (names, values, paths) print escaped
//!   (`\u{1b}`), see [`escape_control`];
//! - a snippet shows at most [`crate::budget::SNIPPET_WIDTH`] characters around its caret;
//! - a snippet line never shows a value that may be secret: values under keys named like a
//!   password, token, key or secret ([`is_secret_key`]), and every value inside the `data` and
//!   `stringData` of a `kind: Secret` document, print as [`REDACTED`] (see [`shown_line`]).

use crate::budget::SNIPPET_WIDTH;
use std::borrow::Cow;
use std::fmt;

/// What a snippet, message or finding shows instead of a value that may be secret.
pub const REDACTED: &str = "<redacted>";

/// Secret values seen in this process (see [`register_secret`]), each once, longest first (so
/// that a secret containing another is replaced whole).
static SECRETS: std::sync::Mutex<std::collections::BTreeSet<(std::cmp::Reverse<usize>, String)>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Remembers a value known to be secret (a chart value under a secret-named key or marked secret
/// in `values.schema.json`), so that no error printed afterwards shows it, wherever it ended up
/// (a rendered ConfigMap line, a message). Values shorter than 4 characters are not registered:
/// replacing them would mangle unrelated text and hides little.
pub fn register_secret(value: &str) {
    if value.chars().count() < 4 {
        return;
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    secrets.insert((std::cmp::Reverse(value.len()), value.to_string()));
}

/// Whether `text` holds a registered secret value (see [`register_secret`]).
pub fn holds_secret(text: &str) -> bool {
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    secrets.iter().any(|(_, s)| text.contains(s.as_str()))
}

/// `text` with every registered secret value replaced by [`REDACTED`].
pub fn scrub(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|(_, s)| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for (_, s) in secrets.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), REDACTED);
        }
    }
    Cow::Owned(out)
}

/// Whether a key names something secret: a password, token, secret, credential or private key
/// (`password`, `dbPassword`, `api_token`, `client-secret`, `tls.key`, `privateKey`, …).
/// Compared without case and without `-`, `_`, `.`.
pub fn is_secret_key(key: &str) -> bool {
    // Most keys are short ASCII: folded on the stack (this runs for every key of every values
    // file); anything else is folded into a string.
    let mut buf = [0u8; 64];
    let mut len = 0;
    let folded: String;
    let k: &str = if key.len() <= buf.len() && key.is_ascii() {
        for b in key.bytes().filter(|b| !matches!(b, b'-' | b'_' | b'.')) {
            buf[len] = b.to_ascii_lowercase();
            len += 1;
        }
        // ASCII in, ASCII out.
        std::str::from_utf8(&buf[..len]).unwrap_or_default()
    } else {
        folded = key
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.'))
            .flat_map(char::to_lowercase)
            .collect();
        &folded
    };
    // One pass over the key for all the words (this runs for every key of every values file:
    // sixteen substring searches per key were half the time of resolving a large chart's values).
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::new([
            "password",
            "passwd",
            "passphrase",
            "secret",
            "token",
            "credential",
            "apikey",
            "privatekey",
            "accesskey",
            "secretkey",
            "signingkey",
            "encryptionkey",
            "sshkey",
            "authkey",
            "masterkey",
            "connectionstring",
        ])
        .expect("fixed words")
    });
    words.is_match(k) || key.ends_with(".key") || key.ends_with(".pem") || k == "pwd" || k == "pass"
}

/// `text` with every control character except newline, and every invisible formatting
/// character that can reorder or hide text (bidi overrides, zero-width spaces), written as a
/// `\u{..}` escape, so input cannot move the cursor, colour or rewrite a terminal or log.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Line `line` (1-based) of `source` as an error snippet may show it: with the value replaced
/// by [`REDACTED`] when it may be secret (see the module docs), unless the line is template
/// code (it holds `{{` or `{%`). `None` past the end.
pub fn shown_line(source: &str, line: usize) -> Option<String> {
    let idx = line.checked_sub(1)?;
    let text = source.lines().nth(idx)?;
    // Template code (`{{ Values.password }}`) is shown: it is not the value.
    let is_code = text.contains("{{") || text.contains("{%");
    if is_code {
        Some(text.to_string())
    } else if secret_context(source, idx, text) {
        Some(redact_value(text))
    } else {
        Some(flow_redacted(source, idx, text).unwrap_or_else(|| text.to_string()))
    }
}

/// Whether `line` says `kind: Secret`, in block or flow style, quoted or not
/// (`kind: Secret`, `{kind: Secret, …`, `"kind": "Secret"`).
fn mentions_kind_secret(line: &str) -> bool {
    line.match_indices("kind").any(|(i, _)| {
        let before = line[..i].trim_end_matches(['"', '\'']).trim_end();
        if !(before.is_empty() || before.ends_with(['{', ','])) {
            return false;
        }
        let rest = line[i + 4..].trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            return false;
        };
        let rest = rest.trim_start().trim_start_matches(['"', '\'']);
        rest.strip_prefix("Secret").is_some_and(|r| {
            let r = r.trim_start_matches(['"', '\'']);
            r.is_empty() || r.starts_with([',', '}', ' ', '\t', '#'])
        })
    })
}

/// Line `idx` of `source` with the values that may be secret cut off, for flow-style YAML
/// (`data: {password: x}`, a whole `{kind: Secret, …, data: {…}}` document on one line, a flow
/// map spread over lines): from the first key named like a secret, or the first `data` /
/// `stringData` key of a Secret document, the rest of the line prints as [`REDACTED`]; a line
/// inside a flow collection opened after such a key prints as [`REDACTED`] alone. `None` when
/// nothing needs hiding.
fn flow_redacted(source: &str, idx: usize, text: &str) -> Option<String> {
    if !text.contains(':') && !source.contains(['{', '[']) {
        return None;
    }
    // The document around the line: from after the last `---` before it to the next one.
    let lines: Vec<&str> = source.lines().collect();
    let start = lines[..idx]
        .iter()
        .rposition(|l| l.starts_with("---"))
        .map_or(0, |i| i + 1);
    let end = lines[idx + 1..]
        .iter()
        .position(|l| l.starts_with("---"))
        .map_or(lines.len(), |i| idx + 1 + i);
    let secret_doc = lines[start..end].iter().any(|l| mentions_kind_secret(l));
    let sensitive =
        |key: &str| is_secret_key(key) || (secret_doc && matches!(key, "data" | "stringData"));

    // Flow collections open at the start of each line (true: opened after a sensitive key).
    let mut open: Vec<bool> = Vec::new();
    // A sensitive key waits for its value (`stringData:` may open its flow map on a later line).
    let mut pending = false;
    for (n, line) in lines.iter().enumerate().take(idx + 1).skip(start) {
        if n == idx && open.iter().any(|s| *s) {
            let indent = &text[..text.len() - text.trim_start().len()];
            return Some(format!("{indent}{REDACTED}"));
        }
        let bytes = line.as_bytes();
        let mut token = 0; // where the current key or scalar starts
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'"' | b'\'' if line[token..i].trim().is_empty() => {
                    // A quoted scalar: skip to its end on this line.
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != c {
                        j += if c == b'"' && bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    i = j + 1;
                    continue;
                }
                b'#' if i == 0 || bytes[i - 1] == b' ' => break,
                b'{' | b'[' => {
                    open.push(pending || open.last().copied().unwrap_or(false));
                    pending = false;
                    token = i + 1;
                }
                b'}' | b']' => {
                    open.pop();
                    token = i + 1;
                }
                b',' if !open.is_empty() => token = i + 1,
                b':' if bytes
                    .get(i + 1)
                    .is_none_or(|n| matches!(n, b' ' | b'\t' | b'{' | b'[' | b'"' | b'\''))
                    || line[token..i].trim_end().ends_with(['"', '\'']) =>
                {
                    let key = line[token..i]
                        .trim()
                        .trim_start_matches("- ")
                        .trim_matches(|c| c == '"' || c == '\'');
                    if sensitive(key) {
                        if n == idx {
                            return Some(format!("{} {REDACTED}", &line[..=i]));
                        }
                        pending = true;
                    } else {
                        pending = false;
                    }
                    token = i + 1;
                }
                b' ' | b'\t' | b'-' => {}
                _ => {
                    if bytes[token..i].iter().all(u8::is_ascii_whitespace) {
                        pending = false;
                    }
                }
            }
            i += 1;
        }
    }
    None
}

/// The indentation and the mapping key of a YAML line (`  - name: x` gives (4, "name")).
fn yaml_key(line: &str) -> (usize, Option<&str>) {
    let body = line.trim_start_matches(' ');
    let mut indent = line.len() - body.len();
    let mut body = body;
    while let Some(rest) = body.strip_prefix("- ") {
        let rest2 = rest.trim_start_matches(' ');
        indent += body.len() - rest2.len();
        body = rest2;
    }
    let key_end = body
        .find(": ")
        .or_else(|| body.strip_suffix(':').map(|b| b.len()));
    let key = key_end
        .map(|e| body[..e].trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|k| !k.is_empty() && !k.starts_with('#'));
    (indent, key)
}

/// Whether line `idx` of `source` (whose text is `text`) holds a value that may be secret: its
/// own key or a parent key is secret-like, or it lies in `data`/`stringData` of a Secret.
fn secret_context(source: &str, idx: usize, text: &str) -> bool {
    let (mut indent, key) = yaml_key(text);
    if key.is_some_and(is_secret_key) {
        return true;
    }
    if text.trim().is_empty() {
        return false;
    }
    // Walk back to the parents (lines with less indentation) up to the document start.
    let before: Vec<&str> = source.lines().take(idx).collect();
    let mut doc_start = 0;
    let mut top_key: Option<&str> = if indent == 0 { key } else { None };
    for (i, l) in before.iter().enumerate().rev() {
        if l.starts_with("---") {
            doc_start = i + 1;
            break;
        }
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let (ind, k) = yaml_key(l);
        if ind < indent {
            if k.is_some_and(is_secret_key) {
                return true;
            }
            indent = ind;
            if ind == 0 {
                top_key = k;
                // Keep going to find the document start.
                indent = 0;
            }
        }
    }
    if !matches!(top_key, Some("data" | "stringData")) || yaml_key(text).0 == 0 {
        return false;
    }
    source
        .lines()
        .skip(doc_start)
        .take_while(|l| !l.starts_with("---") || doc_start > idx)
        .any(mentions_kind_secret)
}

/// `  key: value` as `  key: <redacted>`; a line without a key (a list item, a block scalar
/// line) as its indentation and `<redacted>`.
fn redact_value(text: &str) -> String {
    let body = text.trim_start();
    let indent = &text[..text.len() - body.len()];
    match body.find(": ") {
        Some(i) => format!("{indent}{}: {REDACTED}", &body[..i]),
        None if body.ends_with(':') || body.ends_with(": |") => text.to_string(),
        None => match body.strip_prefix("- ") {
            Some(_) => format!("{indent}- {REDACTED}"),
            None => format!("{indent}{REDACTED}"),
        },
    }
}

/// What went wrong, by pipeline stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The command line is wrong (exit code 2).
    Usage,
    /// A file could not be read or written.
    Io,
    /// `Chart.yaml` or the chart layout is invalid.
    Chart,
    /// A values file is invalid.
    Values,
    /// A `--set`-family flag does not parse.
    SetFlag,
    /// Merged values violate `values.schema.json`.
    Schema,
    /// A template failed to compile or render (syntax, undefined value, `required`, `fail`).
    Template,
    /// YAML that does not parse (a values file, or a template's output).
    Yaml,
    /// A kustomization is invalid or cannot be built.
    Overlay,
    /// A patch cannot be applied.
    Patch,
    /// Lint found errors.
    Lint,
}

impl ErrorKind {
    /// A short lowercase name shown in the error header.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::Io => "io",
            ErrorKind::Chart => "chart",
            ErrorKind::Values => "values",
            ErrorKind::SetFlag => "set",
            ErrorKind::Schema => "schema",
            ErrorKind::Template => "template",
            ErrorKind::Yaml => "yaml",
            ErrorKind::Overlay => "overlay",
            ErrorKind::Patch => "patch",
            ErrorKind::Lint => "lint",
        }
    }
}

/// Where in a source file an error points. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as shown to the user (chart-relative like `web/templates/api.yaml`, or a path).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// How many characters the caret underline covers (at least 1).
    pub len: usize,
    /// The text of the line, for the snippet.
    pub source_line: Option<String>,
}

impl Location {
    /// A location without a snippet.
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Location {
        Location {
            file: file.into(),
            line,
            column,
            len: 1,
            source_line: None,
        }
    }

    /// A location whose snippet line is taken from `source` (the whole file text).
    pub fn in_source(
        file: impl Into<String>,
        source: &str,
        line: usize,
        column: usize,
        len: usize,
    ) -> Location {
        let source_line = shown_line(source, line);
        Location {
            file: file.into(),
            line,
            column: column.max(1),
            len: len.max(1),
            source_line,
        }
    }

    /// A location for a byte offset into `source`.
    pub fn at_offset(file: impl Into<String>, source: &str, offset: usize, len: usize) -> Location {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = source[line_start..offset].chars().count() + 1;
        let mut end = (offset + len).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let span = &source[offset..end];
        let span_len = span.split('\n').next().unwrap_or("").chars().count();
        Location::in_source(file, source, line, column, span_len)
    }
}

/// The error of every kiln stage (boxed: results stay one pointer wide).
#[derive(Debug, Clone)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Debug, Clone)]
struct Repr {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
    notes: Vec<String>,
}

/// kiln's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            repr: Box::new(Repr {
                kind,
                message: message.into(),
                location: None,
                notes: Vec::new(),
            }),
        }
    }

    /// An I/O error about `path`.
    pub fn io(path: impl fmt::Display, err: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, format!("{path}: {err}"))
    }

    pub fn with_location(mut self, location: Location) -> Error {
        self.repr.location = Some(location);
        self
    }

    /// Sets the location only if none is set yet.
    pub fn or_location(mut self, location: impl FnOnce() -> Location) -> Error {
        if self.repr.location.is_none() {
            self.repr.location = Some(location());
        }
        self
    }

    /// Adds a `= note:` line under the snippet.
    pub fn with_note(mut self, note: impl Into<String>) -> Error {
        self.repr.notes.push(note.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    pub fn message(&self) -> &str {
        &self.repr.message
    }

    pub fn location(&self) -> Option<&Location> {
        self.repr.location.as_ref()
    }

    pub fn notes(&self) -> &[String] {
        &self.repr.notes
    }

    /// The process exit code for this error: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.repr.kind == ErrorKind::Usage {
            2
        } else {
            1
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.repr;
        write!(
            f,
            "error[{}]: {}",
            r.kind.name(),
            escape_control(&scrub(&r.message))
        )?;
        if let Some(loc) = &r.location {
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            write!(
                f,
                "\n{pad}--> {}:{}:{}",
                escape_control(&loc.file).replace('\n', "\\n"),
                loc.line,
                loc.column
            )?;
            if let Some(src) = &loc.source_line {
                let src = scrub(src);
                let (shown, caret_at, caret_len) = snippet(&src, loc.column, loc.len);
                write!(
                    f,
                    "\n{pad} |\n{num} | {shown}\n{pad} | {}{}",
                    " ".repeat(caret_at),
                    "^".repeat(caret_len)
                )?;
            }
        }
        for note in &r.notes {
            write!(f, "\n  = note: {}", escape_control(&scrub(note)))?;
        }
        Ok(())
    }
}

/// A snippet line as printed: tabs as spaces, control characters escaped, at most
/// [`SNIPPET_WIDTH`] characters around the caret (`…` where cut), and where the caret starts
/// and how long it is, in printed characters. A caret past a [`REDACTED`] marker points at it.
fn snippet(src: &str, column: usize, len: usize) -> (String, usize, usize) {
    let src = src.trim_end();
    // Printed pieces per source character, so the caret follows escapes.
    let mut cells: Vec<String> = Vec::new();
    for c in src.chars() {
        cells.push(match c {
            '\t' => " ".to_string(),
            c if needs_escape(c) || c == '\n' => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        });
    }
    let mut start = column.saturating_sub(1).min(cells.len());
    let mut len = len.max(1);
    if let Some(byte) = src.find(REDACTED) {
        let marker = src[..byte].chars().count();
        if start >= marker {
            start = marker;
            len = REDACTED.len();
        }
    }
    let end = (start + len).min(cells.len().max(start + 1));
    // Printed offsets of each cell.
    let mut offsets = Vec::with_capacity(cells.len() + 1);
    let mut at = 0;
    for c in &cells {
        offsets.push(at);
        at += c.chars().count();
    }
    offsets.push(at);
    let total = at;
    let caret_at = offsets[start.min(cells.len())];
    let caret_end = if end <= cells.len() {
        offsets[end]
    } else {
        total + 1
    };
    let caret_len = caret_end.saturating_sub(caret_at).max(1);
    if total <= SNIPPET_WIDTH {
        return (
            cells.concat(),
            caret_at,
            caret_len.min(total.saturating_sub(caret_at)).max(1),
        );
    }
    // Cut a window of SNIPPET_WIDTH printed characters around the caret.
    let half = SNIPPET_WIDTH / 2;
    let win_start = caret_at.saturating_sub(half).min(total - SNIPPET_WIDTH);
    let win_end = win_start + SNIPPET_WIDTH;
    let printed: String = cells.concat();
    let mut shown: String = printed
        .chars()
        .skip(win_start)
        .take(SNIPPET_WIDTH)
        .collect();
    let mut caret = caret_at - win_start;
    if win_start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if win_end < total {
        shown.push('…');
    }
    let caret_len = caret_len.min(win_end.saturating_sub(caret_at)).max(1);
    (shown, caret, caret_len)
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, line: usize, column: usize) -> String {
        Error::new(ErrorKind::Yaml, "invalid YAML")
            .with_location(Location::in_source("f.yaml", source, line, column, 1))
            .to_string()
    }

    #[test]
    fn flow_style_secrets_are_redacted() {
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n";
        let cases = [
            (format!("{secret}data: {{password: aHVudGVy: x}}\n"), 5, "data: <redacted>"),
            (format!("{secret}stringData: {{a: hunter2 b: c: d}}\n"), 5, "stringData: <redacted>"),
            (
                "{kind: Secret, apiVersion: v1, metadata: {name: s}, stringData: {a: hunter2: x}}\n".to_string(),
                1,
                "{kind: Secret, apiVersion: v1, metadata: {name: s}, stringData: <redacted>",
            ),
            (
                "{\"kind\": \"Secret\", \"data\": {\"a\": \"hunter2\" \"b\"}}\n".to_string(),
                1,
                "{\"kind\": \"Secret\", \"data\": <redacted>",
            ),
            (format!("{secret}stringData: {{\na: hunter2 b: c: d,\n}}\n"), 6, "<redacted>"),
            (format!("{secret}stringData:\n[\nhunter2 x]\n"), 7, "<redacted>"),
            (
                "kind: ConfigMap\ndata: {user: bob, password: hunter2: x}\n".to_string(),
                2,
                "data: {user: bob, password: <redacted>",
            ),
            (
                "kind: Secret # the db\ndata: {a: aHVudGVy: x}\n".to_string(),
                2,
                "data: <redacted>",
            ),
        ];
        for (source, line, want) in &cases {
            assert_eq!(
                shown_line(source, *line).as_deref(),
                Some(*want),
                "{source}"
            );
        }
        // Not a Secret, no secret-named key: shown as it is.
        let cm = "kind: ConfigMap\ndata: {user: bob, host: db: x}\n";
        assert_eq!(
            shown_line(cm, 2).as_deref(),
            Some("data: {user: bob, host: db: x}")
        );
        let other = "kind: Secret\n---\nkind: ConfigMap\ndata: {a: b: c}\n";
        assert_eq!(shown_line(other, 4).as_deref(), Some("data: {a: b: c}"));
    }

    #[test]
    fn secret_keys_are_recognized() {
        for k in [
            "password",
            "dbPassword",
            "api_token",
            "client-secret",
            "tls.key",
            "privateKey",
            "AWS_SECRET_ACCESS_KEY",
            "accessKey",
            "pwd",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["key", "topologyKey", "name", "image", "keyboard", "monkey"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn snippet_of_a_secret_line_shows_the_key_only() {
        let src = "apiVersion: v1\nkind: ConfigMap\ndata:\n  password: hunter2SECRET: oops\n";
        let out = render(src, 4, 26);
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("  password: <redacted>"), "{out}");
        assert!(out.ends_with("  |             ^^^^^^^^^^"), "{out}");
    }

    #[test]
    fn secret_data_values_are_redacted_whatever_their_key() {
        let src = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  db: hunter2: oops\n  cert: |\n    BEGIN hunter3\n";
        let out = render(src, 6, 14);
        assert!(
            !out.contains("hunter2") && out.contains("  db: <redacted>"),
            "{out}"
        );
        let out = render(src, 8, 5);
        assert!(
            !out.contains("hunter3") && out.contains("    <redacted>"),
            "{out}"
        );
        // metadata is not secret
        assert!(render(src, 4, 3).contains("name: s"));
        // The same keys in a ConfigMap are shown.
        let cm = src.replace("kind: Secret", "kind: ConfigMap");
        assert!(render(&cm, 6, 14).contains("db: hunter2: oops"));
        // A Secret in another document does not make this one secret.
        let two = format!("{cm}---\nkind: Secret\n");
        assert!(render(&two, 6, 14).contains("db: hunter2: oops"));
    }

    #[test]
    fn registered_secrets_never_print() {
        register_secret("s3cr3t-dsn-value");
        register_secret("abc"); // too short to register
        let src = "data:\n  dsn: postgres://s3cr3t-dsn-value: x\n  abc: 1\n";
        let out = Error::new(ErrorKind::Yaml, "bad value `s3cr3t-dsn-value`")
            .with_location(Location::in_source("f.yaml", src, 2, 30, 1))
            .with_note("from s3cr3t-dsn-value")
            .to_string();
        assert!(!out.contains("s3cr3t"), "{out}");
        assert!(out.contains("postgres://<redacted>: x"), "{out}");
        assert!(render(src, 3, 3).contains("abc: 1"));
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}BAD{}", "a".repeat(100_000), "b".repeat(100_000));
        let out = render(&line, 1, 100_001);
        assert!(out.len() < 600, "{} bytes", out.len());
        let shown = out.lines().nth(3).unwrap();
        assert!(
            shown.starts_with("1 | …") && shown.ends_with('…'),
            "{shown}"
        );
        let caret = out.lines().nth(4).unwrap();
        let at = caret.find('^').unwrap();
        let under: String = shown.chars().skip(at).take(3).collect();
        assert_eq!(under, "BAD", "{shown}\n{caret}");
    }

    #[test]
    fn control_characters_print_escaped() {
        let e = Error::new(ErrorKind::Lint, "object \"a\x1b[31mred\" is bad")
            .with_location(Location::in_source(
                "x\x1b]0;t\x07.yaml",
                "name: \x1b[2Jx\u{202e}y\n",
                1,
                7,
                1,
            ))
            .with_note("see \x1b[0m");
        let out = e.to_string();
        assert!(
            !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\u{202e}'),
            "{out:?}"
        );
        assert!(out.contains("a\\u{1b}[31mred"), "{out}");
        assert!(out.contains("name: \\u{1b}[2Jx\\u{202e}y"), "{out}");
        // The caret still points at the escaped character.
        let caret = out.lines().nth(4).unwrap();
        assert_eq!(caret.find('^').unwrap(), "  | name: ".len(), "{out}");
    }
}
