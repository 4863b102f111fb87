//! A fast path for the YAML that Kubernetes manifests and values files are written in.
//!
//! [`parse`] reads block mappings and sequences, single-line plain and quoted scalars,
//! single-line flow collections and literal block scalars, and returns exactly the
//! `serde_json::Value` serde-saphyr produces with kiln's options. Whenever it meets
//! anything outside that subset (anchors, tags, multi-line flow or quoted scalars, folded
//! scalars, complex keys, tabs in indentation, …) or anything that would be an error, it
//! returns `None` and the caller falls back to serde-saphyr, which also gives the real
//! error messages. Plain scalars that are not obviously strings, booleans, nulls or plain
//! decimal numbers are resolved by serde-saphyr itself, so number rules cannot drift.

use super::parse::{options, Flavor};
use serde_json::{Map, Number, Value};

/// Containers deeper than this are left to serde-saphyr (its budget allows 64).
const MAX_DEPTH: usize = 48;
/// Nodes beyond this are left to serde-saphyr (its budget allows 250,000).
const MAX_NODES: usize = 200_000;
/// serde-saphyr buffers at most 32 comments while looking ahead past an empty value.
const MAX_LOOKAHEAD_COMMENTS: usize = 24;
/// serde-saphyr looks at most 1024 characters ahead for a simple key's `:`.
const MAX_KEY_LEN: usize = 512;

/// Parses one YAML document, or returns `None` when the text is outside the supported
/// subset (or invalid); see the module docs.
pub fn parse(text: &str, flavor: Flavor) -> Option<Value> {
    if text.len() > (16 << 20) || !plain_text(text.as_bytes()) {
        return None;
    }
    let mut p = Parser {
        src: text,
        b: text.as_bytes(),
        pos: 0,
        flavor,
        depth: 0,
        nodes: 0,
        multiline: false,
        entries: Vec::new(),
        items: Vec::new(),
    };
    p.document()
}

/// False when the text holds characters whose handling differs between YAML versions
/// or that YAML rejects: control characters (including `\r`), DEL, C1 controls (NEL),
/// byte-order marks, U+2028/U+2029 and the non-characters U+FFFE/U+FFFF.
fn plain_text(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        // Printable ASCII and line feeds, sixteen bytes at a time.
        if let Some(chunk) = b.get(i..i + 16) {
            let ok = chunk.iter().fold(true, |ok, &c| {
                ok & ((c.wrapping_sub(0x20) < 0x5f) | (c == b'\n'))
            });
            if ok {
                i += 16;
                continue;
            }
        }
        let c = b[i];
        if c < 0x20 {
            if c != b'\n' && c != b'\t' {
                return false;
            }
        } else if c >= 0x7f {
            match c {
                0x7f => return false,
                0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => return false,
                0xe2 if b.get(i + 1) == Some(&0x80)
                    && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) =>
                {
                    return false
                }
                0xef if (b.get(i + 1) == Some(&0xbb) && b.get(i + 2) == Some(&0xbf))
                    || (b.get(i + 1) == Some(&0xbf)
                        && matches!(b.get(i + 2), Some(0xbe | 0xbf))) =>
                {
                    return false
                }
                _ => {}
            }
        }
        i += 1;
    }
    true
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    /// Current byte offset.
    pos: usize,
    flavor: Flavor,
    depth: usize,
    nodes: usize,
    /// Inside a root flow collection, which may span lines.
    multiline: bool,
    /// Entries of the mappings being read (a stack shared by nested mappings).
    entries: Vec<(String, Value)>,
    /// Items of the sequences being read.
    items: Vec<Value>,
}

/// What lies between two content lines.
struct Gap {
    /// Indentation of the next content line (the parser stands at its start), `None` at EOF.
    indent: Option<usize>,
    /// Comment lines skipped.
    comments: usize,
}

impl<'a> Parser<'a> {
    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    /// Start of the line holding `i`.
    #[inline]
    fn line_start(&self, i: usize) -> usize {
        match self.b[..i].iter().rposition(|&c| c == b'\n') {
            Some(n) => n + 1,
            None => 0,
        }
    }

    /// End (the `\n` or EOF) of the line holding `i`.
    #[inline]
    fn line_end(&self, i: usize) -> usize {
        match self.b[i..].iter().position(|&c| c == b'\n') {
            Some(n) => i + n,
            None => self.b.len(),
        }
    }

    /// Moves past the end of the current line.
    #[inline]
    fn next_line(&mut self) {
        let e = self.line_end(self.pos);
        self.pos = (e + 1).min(self.b.len());
    }

    fn node(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    /// From a line start, skips blank and comment lines; `None` at a `---` or `...` line.
    fn gap(&mut self) -> Option<Gap> {
        self.skip_gap(false)
    }

    /// Like [`Self::gap`], but stops at a `---` line instead of giving up.
    fn gap_or_marker(&mut self) -> Option<Gap> {
        self.skip_gap(true)
    }

    fn skip_gap(&mut self, allow_marker: bool) -> Option<Gap> {
        let mut comments = 0;
        loop {
            if self.pos >= self.b.len() {
                return Some(Gap {
                    indent: None,
                    comments,
                });
            }
            let start = self.pos;
            let mut i = start;
            while self.at(i) == b' ' && i < self.b.len() {
                i += 1;
            }
            match self.at(i) {
                b'\n' => {
                    self.pos = (i + 1).min(self.b.len());
                }
                b'#' => {
                    comments += 1;
                    self.pos = i;
                    self.next_line();
                }
                b'\t' => return None,
                c => {
                    let indent = i - start;
                    if indent == 0 && !allow_marker && (c == b'-' || c == b'.') {
                        let marker = if c == b'-' { b"---" } else { b"..." };
                        if self.b[i..].starts_with(marker)
                            && matches!(self.at(i + 3), b' ' | b'\t' | b'\n')
                        {
                            return None;
                        }
                    }
                    return Some(Gap {
                        indent: Some(indent),
                        comments,
                    });
                }
            }
        }
    }

    fn document(&mut self) -> Option<Value> {
        // A leading `---` line (documents are normally split already).
        let mut g = self.gap_or_marker()?;
        if g.indent == Some(0)
            && self.b[self.pos..].starts_with(b"---")
            && matches!(self.at(self.pos + 3), b' ' | b'\n')
        {
            self.pos += 3;
            self.rest_of_line()?;
            g = self.gap()?;
        }
        let Some(indent) = g.indent else {
            return Some(Value::Null);
        };
        self.pos += indent;
        let v = if matches!(self.b[self.pos], b'[' | b'{') {
            self.multiline = true;
            let v = self.flow_node()?;
            self.multiline = false;
            self.rest_of_line()?;
            v
        } else {
            self.block_collection(indent)?
        };
        let g = self.gap()?;
        g.indent.is_none().then_some(v)
    }

    /// A block mapping or sequence whose first entry starts at `self.pos`, column `col`, or a
    /// one-line flow collection there (a value on the line below its key).
    fn block_collection(&mut self, col: usize) -> Option<Value> {
        if self.b[self.pos] == b'-' && matches!(self.at(self.pos + 1), b' ' | b'\n') {
            self.sequence(col)
        } else if matches!(self.b[self.pos], b'[' | b'{') {
            // `resources:\n  {}`, as Helm's `toYaml` of an empty map leaves it; a `:` after
            // it (a complex key) or more lines inside it are left to serde-saphyr.
            self.node()?;
            let v = self.flow_node()?;
            self.rest_of_line()?;
            Some(v)
        } else if let Some(first) = self.key_at(self.pos) {
            self.mapping(col, first)
        } else {
            None
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.node()?;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block mapping at column `col` whose first key (and the offset past its `:`) has
    /// been read.
    fn mapping(&mut self, col: usize, first: (String, usize)) -> Option<Value> {
        self.enter()?;
        let base = self.entries.len();
        let mut next = Some(first);
        loop {
            let (key, after) = match next.take() {
                Some(k) => k,
                None => self.key_at(self.pos)?,
            };
            self.node()?;
            self.pos = after;
            let value = self.map_value(col)?;
            self.entries.push((key, value));
            let g = self.gap()?;
            match g.indent {
                Some(i) if i == col => self.pos += i,
                Some(i) if i > col => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        self.finish_map(base)
    }

    /// Builds a map from the entries collected since `base`; `None` on a duplicate key.
    fn finish_map(&mut self, base: usize) -> Option<Value> {
        let mut map = Map::with_capacity(self.entries.len() - base);
        let last_wins = self.flavor == Flavor::Helm;
        for (k, v) in self.entries.drain(base..) {
            if map.insert(k, v).is_some() && !last_wins {
                return None;
            }
        }
        Some(Value::Object(map))
    }

    /// The value after `key:` of a mapping at column `col`; leaves the parser at a line start.
    fn map_value(&mut self, col: usize) -> Option<Value> {
        self.skip_spaces()?;
        match self.at(self.pos) {
            b'\n' | b'#' => {
                let inline_comment = usize::from(self.at(self.pos) == b'#');
                self.next_line();
                let g = self.gap()?;
                if g.comments + inline_comment > MAX_LOOKAHEAD_COMMENTS {
                    return None;
                }
                match g.indent {
                    Some(i) if i > col => {
                        self.pos += i;
                        self.block_collection(i)
                    }
                    Some(i)
                        if i == col
                            && self.at(self.pos + i) == b'-'
                            && matches!(self.at(self.pos + i + 1), b' ' | b'\n') =>
                    {
                        self.pos += i;
                        self.sequence(i)
                    }
                    _ => {
                        self.node()?;
                        Some(Value::Null)
                    }
                }
            }
            b'-' | b'?' | b':' if matches!(self.at(self.pos + 1), b' ' | b'\n' | b'\t') => None,
            _ => self.inline_value(col),
        }
    }

    fn sequence(&mut self, col: usize) -> Option<Value> {
        self.enter()?;
        let base = self.items.len();
        loop {
            // At `-`.
            self.pos += 1;
            let item = self.seq_item(col)?;
            self.items.push(item);
            let g = self.gap()?;
            match g.indent {
                Some(i) if i == col => {
                    if self.at(self.pos + i) == b'-'
                        && matches!(self.at(self.pos + i + 1), b' ' | b'\n')
                    {
                        self.pos += i;
                    } else {
                        break;
                    }
                }
                Some(i) if i > col => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        Some(Value::Array(self.items.drain(base..).collect()))
    }

    /// The item after a `-` of a sequence at column `col`; leaves the parser at a line start.
    fn seq_item(&mut self, col: usize) -> Option<Value> {
        self.skip_spaces()?;
        match self.at(self.pos) {
            b'\n' | b'#' => {
                let inline_comment = usize::from(self.at(self.pos) == b'#');
                self.next_line();
                let g = self.gap()?;
                if g.comments + inline_comment > MAX_LOOKAHEAD_COMMENTS {
                    return None;
                }
                match g.indent {
                    Some(i) if i > col => {
                        self.pos += i;
                        self.block_collection(i)
                    }
                    _ => {
                        self.node()?;
                        Some(Value::Null)
                    }
                }
            }
            b'-' if matches!(self.at(self.pos + 1), b' ' | b'\n') => {
                let c = self.pos - self.line_start(self.pos);
                self.sequence(c)
            }
            b'?' | b':' if matches!(self.at(self.pos + 1), b' ' | b'\n' | b'\t') => None,
            _ => {
                if let Some(first) = self.key_at(self.pos) {
                    let c = self.pos - self.line_start(self.pos);
                    self.mapping(c, first)
                } else {
                    self.inline_value(col)
                }
            }
        }
    }

    /// Skips spaces; `None` on a tab.
    #[inline]
    fn skip_spaces(&mut self) -> Option<()> {
        loop {
            match self.at(self.pos) {
                b' ' if self.pos < self.b.len() => self.pos += 1,
                b'\t' => return None,
                _ => return Some(()),
            }
        }
    }

    /// After a value: only spaces and a comment may follow on the line. Moves to the next line.
    fn rest_of_line(&mut self) -> Option<()> {
        let start = self.pos;
        self.skip_spaces()?;
        match self.at(self.pos) {
            b'\n' => {}
            b'#' if self.pos > start || self.b[self.pos - 1] == b' ' => {}
            _ => return None,
        }
        self.next_line();
        Some(())
    }

    /// A scalar, flow collection or block scalar starting at `self.pos` on a line whose
    /// parent block node sits at column `parent`.
    fn inline_value(&mut self, parent: usize) -> Option<Value> {
        self.node()?;
        match self.b[self.pos] {
            b'|' => self.block_scalar(parent),
            b'[' | b'{' => {
                let v = self.flow_node()?;
                self.rest_of_line()?;
                Some(v)
            }
            b'"' => {
                let s = self.double_quoted(Some(parent))?;
                self.rest_of_line()?;
                Some(Value::String(s))
            }
            b'\'' => {
                let s = self.single_quoted(Some(parent))?;
                self.rest_of_line()?;
                Some(Value::String(s))
            }
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'>' | b',' | b']' | b'}' | b'#' => None,
            _ => {
                let start = self.pos;
                let end = self.plain_end()?;
                let src = self.src;
                if self.line_ends_plain(end) {
                    if let Some(folded) = self.plain_continuation(&src[start..end], parent)? {
                        self.rest_of_line()?;
                        return Some(Value::String(folded));
                    }
                }
                let v = self.plain_value(&src[start..end])?;
                self.rest_of_line()?;
                Some(v)
            }
        }
    }

    /// Scans a block plain scalar from `self.pos` to the end of its line (or a comment);
    /// returns the end of its trimmed text and leaves the parser there.
    fn plain_end(&mut self) -> Option<usize> {
        let start = self.pos;
        let mut j = start;
        let stop = loop {
            let k = match self.b[j..]
                .iter()
                .position(|&c| matches!(c, b':' | b'#' | b'\t' | b'\n'))
            {
                Some(k) => j + k,
                None => break self.b.len(),
            };
            match self.b[k] {
                b'\n' => break k,
                b'\t' => return None,
                b':' => {
                    if matches!(self.at(k + 1), b' ' | b'\n' | b'\t') {
                        return None;
                    }
                    j = k + 1;
                }
                _ => {
                    // `#` starts a comment after a space.
                    if k > start && self.b[k - 1] == b' ' {
                        break k;
                    }
                    j = k + 1;
                }
            }
        };
        let mut end = stop;
        while end > start && self.b[end - 1] == b' ' {
            end -= 1;
        }
        self.pos = end;
        Some(end)
    }

    /// After the first line `first` of a block plain scalar (the parser at its line end):
    /// when lines indented more than `parent` continue it, folds them in (a line break
    /// becomes a space, `n` empty lines become `n` newlines) and leaves the parser at the end
    /// of the last one. `Some(None)` when the scalar is a single line.
    fn plain_continuation(&mut self, first: &str, parent: usize) -> Option<Option<String>> {
        let mut folded: Option<String> = None;
        loop {
            // The parser stands at the end of a scalar line with no comment on it.
            let mut i = self.pos;
            let mut blanks = 0;
            let (line, indent) = loop {
                if i >= self.b.len() {
                    return Some(folded);
                }
                i += 1; // past '\n'
                let s = i;
                while self.at(i) == b' ' && i < self.b.len() {
                    i += 1;
                }
                match self.at(i) {
                    b'\t' => return None,
                    b'\n' => {
                        if i >= self.b.len() {
                            return Some(folded);
                        }
                        blanks += 1;
                    }
                    _ => break (s, i - s),
                }
            };
            if indent <= parent || self.at(line + indent) == b'#' {
                return Some(folded);
            }
            if matches!(
                self.at(line + indent),
                b'-' | b'?'
                    | b':'
                    | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
            ) {
                return None;
            }
            // A continuation line.
            let text_start = line + indent;
            self.pos = text_start;
            let end = self.plain_end()?;
            let out = folded.get_or_insert_with(|| {
                let b = first.as_bytes()[0];
                let mut s = String::with_capacity(first.len() * 2);
                s.push_str(first);
                if matches!(b, b'0'..=b'9' | b'+' | b'-' | b'.')
                    || matches!(first, "~" | "null" | "Null" | "NULL")
                {
                    // Not obviously a string: let serde-saphyr decide.
                    s.clear();
                }
                s
            });
            if out.is_empty() {
                return None;
            }
            if blanks == 0 {
                out.push(' ');
            } else {
                for _ in 0..blanks {
                    out.push('\n');
                }
            }
            out.push_str(&self.src[text_start..end]);
            if !self.line_ends_plain(end) {
                // A comment ends the scalar.
                return Some(folded);
            }
        }
    }

    /// True when only spaces follow `end` on its line (no comment); then the parser moves
    /// to the line end.
    fn line_ends_plain(&mut self, end: usize) -> bool {
        let mut i = end;
        while self.at(i) == b' ' && i < self.b.len() {
            i += 1;
        }
        if self.at(i) == b'\n' {
            self.pos = i;
            true
        } else {
            false
        }
    }

    /// If a mapping key starts at `i`: the key and the offset just past its `:`.
    fn key_at(&self, i: usize) -> Option<(String, usize)> {
        match self.at(i) {
            q @ (b'"' | b'\'') => {
                let mut p = Parser {
                    src: self.src,
                    b: self.b,
                    pos: i,
                    flavor: self.flavor,
                    depth: 0,
                    nodes: 0,
                    multiline: false,
                    entries: Vec::new(),
                    items: Vec::new(),
                };
                let key = if q == b'"' {
                    p.double_quoted(None)?
                } else {
                    p.single_quoted(None)?
                };
                p.skip_spaces()?;
                if p.at(p.pos) != b':' || !matches!(p.at(p.pos + 1), b' ' | b'\n') {
                    return None;
                }
                if key == "<<" || p.pos - i > MAX_KEY_LEN {
                    return None;
                }
                Some((key, p.pos + 1))
            }
            b'-' if !matches!(self.at(i + 1), b' ' | b'\t' | b'\n') => self.plain_key(i),
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'%' | b'@' | b'`' | b' ' | b'\n' => None,
            _ => self.plain_key(i),
        }
    }

    /// A plain key at `i` (its first character checked by the caller).
    fn plain_key(&self, i: usize) -> Option<(String, usize)> {
        let mut j = i;
        loop {
            j += self.b[j..]
                .iter()
                .position(|&c| matches!(c, b':' | b'#' | b'\t' | b'\n'))?;
            match self.b[j] {
                b':' if matches!(self.at(j + 1), b' ' | b'\n') => break,
                b'#' if self.b[j - 1] == b' ' => return None,
                b'\t' | b'\n' => return None,
                _ => j += 1,
            }
            if j - i > MAX_KEY_LEN {
                return None;
            }
        }
        if j - i > MAX_KEY_LEN {
            return None;
        }
        let key = self.src[i..j].trim_end_matches(' ');
        if !self.plain_key_ok(key) {
            return None;
        }
        Some((self.plain_key_text(key)?, j + 1))
    }

    /// The text a plain key becomes: itself, or for Helm the text of what it resolves to
    /// (`true`/`false` for a boolean word, an integer's digits, a float printed as float32 with
    /// YAML's names for infinities and NaN).
    fn plain_key_text(&self, key: &str) -> Option<String> {
        match self.flavor {
            Flavor::Helm => {
                let unsigned = key.strip_prefix(['+', '-']).unwrap_or(key);
                if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
                    return Some(
                        if key.starts_with('-') {
                            "-.inf"
                        } else {
                            ".inf"
                        }
                        .into(),
                    );
                }
                if matches!(key, ".nan" | ".NaN" | ".NAN") {
                    return Some(".nan".into());
                }
                match self.plain_value(key)? {
                    Value::String(s) => Some(s),
                    Value::Bool(b) => Some(b.to_string()),
                    Value::Number(n) if n.is_f64() => Some(super::helm::float32_key(n.as_f64()?)),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            }
            Flavor::Kubectl | Flavor::Kustomize => Some(key.to_owned()),
        }
    }

    /// A plain key is handled when serde-saphyr reads it as this very string: not a null,
    /// not a number (integer keys are compared by value for duplicates), not a merge key.
    fn plain_key_ok(&self, s: &str) -> bool {
        if s.len() <= 4 && matches!(s, "" | "~" | "null" | "Null" | "NULL" | "<<") {
            return false;
        }
        if self.flavor == Flavor::Helm {
            // Helm's keys are texts (see `plain_key_text`); repeated ones keep the last value.
            return true;
        }
        let b = s.as_bytes();
        // Integer keys are compared by value for duplicates; everything else by its text.
        let u = match b[0] {
            b'+' | b'-' => &b[1..],
            _ => b,
        };
        match u.first() {
            Some(b'0'..=b'9') => u.iter().any(|&c| !is_number_byte(c)),
            Some(_) => true,
            None => false,
        }
    }

    /// Resolves a plain scalar the way serde-saphyr does for `serde_json::Value`.
    fn plain_value(&self, s: &str) -> Option<Value> {
        // The null and boolean words are at most five bytes long.
        if s.len() <= 5 {
            if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
                return Some(Value::Null);
            }
            if let Some(v) = self.bool_word(s) {
                return Some(Value::Bool(v));
            }
        }
        let b = s.as_bytes();
        if !matches!(b[0], b'0'..=b'9' | b'+' | b'-' | b'.') {
            return Some(Value::String(s.to_owned()));
        }
        let (neg, u) = match b[0] {
            b'-' => (true, &b[1..]),
            b'+' => (false, &b[1..]),
            _ => (false, b),
        };
        match u.first() {
            Some(c) if c.is_ascii_alphabetic() => return Some(Value::String(s.to_owned())),
            Some(b'0'..=b'9') => {}
            _ => return self.delegate(s),
        }
        if u.iter().all(u8::is_ascii_digit) {
            if u.len() > 1 && u[0] == b'0' {
                return self.delegate(s);
            }
            if neg {
                if let Ok(n) = s.parse::<i64>() {
                    return Some(Value::Number(n.into()));
                }
            } else if let Ok(n) = std::str::from_utf8(u).ok()?.parse::<u64>() {
                return Some(Value::Number(n.into()));
            }
            return self.delegate(s);
        }
        if u.iter()
            .all(|&c| matches!(c, b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'))
            && u.iter().any(|&c| matches!(c, b'.' | b'e' | b'E'))
        {
            // Neither integer parser accepts these; serde-saphyr uses `str::parse::<f64>`. A
            // literal too large for a float (`1e999`) is text to go-yaml (Go's `ParseFloat`
            // fails with a range error), so it is to helm, kubectl and kustomize.
            return match s.parse::<f64>() {
                Ok(f) if f.is_finite() => Number::from_f64(f).map(Value::Number),
                _ => Some(Value::String(s.to_owned())),
            };
        }
        if u.iter().any(|&c| !is_number_byte(c)) {
            return Some(Value::String(s.to_owned()));
        }
        self.delegate(s)
    }

    fn bool_word(&self, s: &str) -> Option<bool> {
        match self.flavor {
            Flavor::Kustomize => match s {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            // YAML 1.1 as go-yaml v2 resolves it (helm, kubectl): each word in lower case, with
            // a capital first letter, or all in capitals; `tRue` or `oN` stay strings.
            Flavor::Kubectl | Flavor::Helm => match s {
                "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On"
                | "ON" => Some(true),
                "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off"
                | "OFF" => Some(false),
                _ => None,
            },
        }
    }

    /// Lets serde-saphyr resolve a plain scalar, in the same block context.
    fn delegate(&self, s: &str) -> Option<Value> {
        let doc = format!("- {s}\n");
        let v = serde_saphyr::from_str_with_options::<Value>(&doc, options(self.flavor)).ok()?;
        let Value::Array(mut items) = v else {
            return None;
        };
        if items.len() != 1 {
            return None;
        }
        match items.pop()? {
            Value::String(t) if t != s => None,
            Value::Array(_) | Value::Object(_) => None,
            v => Some(v),
        }
    }

    /// `"…"` at `self.pos`; leaves the parser after the closing quote. Single-line unless
    /// `fold` gives the column of the block node holding it (continuation lines must be
    /// indented more).
    fn double_quoted(&mut self, fold: Option<usize>) -> Option<String> {
        let mut i = self.pos + 1;
        let mut out = String::new();
        let mut run = i;
        loop {
            match self.at(i) {
                b'"' => break,
                b'\n' => {
                    let parent = fold.filter(|_| i < self.b.len())?;
                    self.push_trimmed(&mut out, run, i)?;
                    i = self.fold_break(&mut out, i, parent, false)?;
                    run = i;
                }
                b'\\' => {
                    out.push_str(&self.src[run..i]);
                    if self.at(i + 1) == b'\n' && i + 1 < self.b.len() {
                        // An escaped line break joins the lines without a space.
                        let parent = fold?;
                        i = self.fold_break(&mut out, i + 1, parent, true)?;
                        run = i;
                        continue;
                    }
                    let (c, len) = match self.at(i + 1) {
                        b'0' => ('\0', 2),
                        b'a' => ('\x07', 2),
                        b'b' => ('\x08', 2),
                        b't' | b'\t' => ('\t', 2),
                        b'n' => ('\n', 2),
                        b'v' => ('\x0b', 2),
                        b'f' => ('\x0c', 2),
                        b'r' => ('\r', 2),
                        b'e' => ('\x1b', 2),
                        b' ' => (' ', 2),
                        b'"' => ('"', 2),
                        b'/' => ('/', 2),
                        b'\\' => ('\\', 2),
                        b'N' => ('\u{85}', 2),
                        b'_' => ('\u{a0}', 2),
                        b'L' => ('\u{2028}', 2),
                        b'P' => ('\u{2029}', 2),
                        b'x' => (self.hex(i + 2, 2)?, 4),
                        b'u' => (self.hex(i + 2, 4)?, 6),
                        b'U' => (self.hex(i + 2, 8)?, 10),
                        _ => return None,
                    };
                    out.push(c);
                    i += len;
                    run = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&self.src[run..i]);
        self.pos = i + 1;
        Some(out)
    }

    fn hex(&self, i: usize, n: usize) -> Option<char> {
        let digits = self.src.get(i..i + n)?;
        if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(digits, 16).ok()?)
    }

    /// Appends `src[run..end]` without its trailing spaces (they fold away at a line break).
    fn push_trimmed(&self, out: &mut String, run: usize, end: usize) -> Option<()> {
        let raw = &self.src[run..end];
        let kept = raw.trim_end_matches(' ');
        if kept.ends_with('\t') {
            return None;
        }
        out.push_str(kept);
        Some(())
    }

    /// Folds a line break inside a quoted scalar: `i` is at the `\n`. A single break becomes
    /// a space (nothing after an escaped break), each following empty line a newline.
    /// Returns the offset of the next line's text, which must be indented more than `parent`.
    fn fold_break(
        &self,
        out: &mut String,
        i: usize,
        parent: usize,
        escaped: bool,
    ) -> Option<usize> {
        let mut j = i;
        let mut blanks = 0;
        loop {
            if j >= self.b.len() {
                return None;
            }
            j += 1;
            let s = j;
            while self.at(j) == b' ' && j < self.b.len() {
                j += 1;
            }
            match self.at(j) {
                b'\t' => return None,
                b'\n' => blanks += 1,
                _ => {
                    if j - s <= parent {
                        return None;
                    }
                    break;
                }
            }
        }
        if escaped {
            if blanks > 0 {
                return None;
            }
        } else if blanks == 0 {
            out.push(' ');
        } else {
            for _ in 0..blanks {
                out.push('\n');
            }
        }
        Some(j)
    }

    /// `'…'` at `self.pos`; leaves the parser after the closing quote. Single-line unless
    /// `fold` gives the column of the block node holding it.
    fn single_quoted(&mut self, fold: Option<usize>) -> Option<String> {
        let mut i = self.pos + 1;
        let mut out = String::new();
        let mut run = i;
        loop {
            match self.at(i) {
                b'\'' if i < self.b.len() => {
                    if self.at(i + 1) == b'\'' && i + 1 < self.b.len() {
                        out.push_str(&self.src[run..=i]);
                        i += 2;
                        run = i;
                    } else {
                        break;
                    }
                }
                b'\n' => {
                    let parent = fold.filter(|_| i < self.b.len())?;
                    self.push_trimmed(&mut out, run, i)?;
                    i = self.fold_break(&mut out, i, parent, false)?;
                    run = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&self.src[run..i]);
        self.pos = i + 1;
        Some(out)
    }

    /// A literal block scalar (`|`, `|-`, `|+`, with an optional indentation indicator) at
    /// `self.pos`, inside a block node at column `parent`.
    fn block_scalar(&mut self, parent: usize) -> Option<Value> {
        let mut i = self.pos + 1;
        let mut chomp = b' ';
        let mut explicit = 0usize;
        for _ in 0..2 {
            match self.at(i) {
                c @ (b'-' | b'+') if chomp == b' ' => {
                    chomp = c;
                    i += 1;
                }
                c @ b'1'..=b'9' if explicit == 0 => {
                    explicit = usize::from(c - b'0');
                    i += 1;
                }
                _ => {}
            }
        }
        if !matches!(self.at(i), b' ' | b'\n') {
            return None;
        }
        self.pos = i;
        self.rest_of_line()?;

        // Content indentation: explicit, or that of the first non-blank line.
        let mut indent = parent + explicit;
        let mut max_blank = 0;
        if explicit == 0 {
            let mut j = self.pos;
            indent = loop {
                if j >= self.b.len() {
                    break 0;
                }
                let s = j;
                while self.at(j) == b' ' && j < self.b.len() {
                    j += 1;
                }
                if self.at(j) == b'\n' {
                    max_blank = max_blank.max(j - s);
                    j += 1;
                } else {
                    break j - s;
                }
            };
            if indent <= parent {
                // No content: only empty lines (or none) before the next node.
                if chomp == b'+' && self.b[self.pos..j.min(self.b.len())].contains(&b'\n') {
                    return None;
                }
                if max_blank > parent {
                    return None;
                }
                return Some(Value::String(String::new()));
            }
            if max_blank > indent {
                return None;
            }
        }

        let mut out = String::new();
        let mut pending = 0usize;
        let mut content = false;
        while self.pos < self.b.len() {
            let s = self.pos;
            let mut j = s;
            while self.at(j) == b' ' && j < self.b.len() {
                j += 1;
            }
            let e = self.line_end(j);
            if j == e {
                // A line of spaces only.
                if j - s > indent {
                    return None;
                }
                if e == self.b.len() {
                    if chomp == b'+' && j > s {
                        return None;
                    }
                    self.pos = e;
                    break;
                }
                pending += 1;
                self.pos = e + 1;
                continue;
            }
            if j - s < indent {
                // serde-saphyr rejects some less-indented lines (comments after an explicit
                // indentation indicator); only a line back at the parent's level is safe.
                if j - s > parent {
                    return None;
                }
                break;
            }
            if content {
                out.push('\n');
            }
            for _ in 0..pending {
                out.push('\n');
            }
            pending = 0;
            out.push_str(&self.src[s + indent..e]);
            content = true;
            self.pos = (e + 1).min(self.b.len());
        }
        match chomp {
            b'-' => {}
            b'+' => {
                if !content {
                    return None;
                }
                out.push('\n');
                for _ in 0..pending {
                    out.push('\n');
                }
            }
            _ => {
                if content {
                    out.push('\n');
                }
            }
        }
        Some(Value::String(out))
    }

    /// Whitespace inside a flow collection: spaces, and line breaks when the collection
    /// is the document's root node.
    fn flow_ws(&mut self) -> Option<()> {
        loop {
            self.skip_spaces()?;
            if !self.multiline || self.at(self.pos) != b'\n' || self.pos >= self.b.len() {
                return Some(());
            }
            self.pos += 1;
            let c = self.at(self.pos);
            if (c == b'-' || c == b'.')
                && self.b[self.pos..].starts_with(if c == b'-' { b"---" } else { b"..." })
                && matches!(self.at(self.pos + 3), b' ' | b'\t' | b'\n')
            {
                return None;
            }
        }
    }

    /// A flow collection (single-line unless it is the root node) or flow scalar.
    fn flow_node(&mut self) -> Option<Value> {
        match self.at(self.pos) {
            b'[' => {
                self.enter()?;
                self.pos += 1;
                let base = self.items.len();
                self.flow_ws()?;
                loop {
                    if self.at(self.pos) == b']' {
                        self.pos += 1;
                        break;
                    }
                    self.node()?;
                    let item = self.flow_node()?;
                    self.items.push(item);
                    self.flow_ws()?;
                    match self.at(self.pos) {
                        b',' => {
                            self.pos += 1;
                            self.flow_ws()?;
                            if self.at(self.pos) == b',' {
                                return None;
                            }
                        }
                        b']' => {}
                        _ => return None,
                    }
                }
                self.depth -= 1;
                Some(Value::Array(self.items.drain(base..).collect()))
            }
            b'{' => {
                self.enter()?;
                self.pos += 1;
                let base = self.entries.len();
                self.flow_ws()?;
                loop {
                    if self.at(self.pos) == b'}' {
                        self.pos += 1;
                        break;
                    }
                    self.node()?;
                    let quoted_key = matches!(self.at(self.pos), b'"' | b'\'');
                    let key = match self.at(self.pos) {
                        b'"' => self.double_quoted(None)?,
                        b'\'' => self.single_quoted(None)?,
                        _ => {
                            let s = self.flow_plain()?;
                            if !self.plain_key_ok(s) {
                                return None;
                            }
                            self.plain_key_text(s)?
                        }
                    };
                    if key == "<<" {
                        return None;
                    }
                    self.skip_spaces()?;
                    if self.at(self.pos) != b':' {
                        return None;
                    }
                    // `"key":value` is JSON-like and allowed after a quoted key only.
                    match self.at(self.pos + 1) {
                        b' ' => {}
                        b',' | b'}' | b']' | b'\n' | b'\t' => return None,
                        _ if quoted_key => {}
                        _ => return None,
                    }
                    self.pos += 1;
                    self.skip_spaces()?;
                    self.node()?;
                    let value = match self.at(self.pos) {
                        b',' | b'}' => Value::Null,
                        _ => self.flow_node()?,
                    };
                    self.entries.push((key, value));
                    self.flow_ws()?;
                    match self.at(self.pos) {
                        b',' => {
                            self.pos += 1;
                            self.flow_ws()?;
                            if self.at(self.pos) == b',' {
                                return None;
                            }
                        }
                        b'}' => {}
                        _ => return None,
                    }
                }
                self.depth -= 1;
                self.finish_map(base)
            }
            b'"' => self.double_quoted(None).map(Value::String),
            b'\'' => self.single_quoted(None).map(Value::String),
            _ => {
                let s = self.flow_plain()?;
                if self.at(self.pos) == b':' {
                    return None;
                }
                self.plain_value(s)
            }
        }
    }

    /// A plain scalar inside a flow collection; stops before `,`, brackets or `: `.
    fn flow_plain(&mut self) -> Option<&'a str> {
        let start = self.pos;
        match self.at(start) {
            b'-' => {
                if matches!(
                    self.at(start + 1),
                    b' ' | b'\t' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                ) {
                    return None;
                }
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'%' | b'@' | b'`' | b'"' | b'\'' | b' ' | b'\n' => return None,
            _ => {}
        }
        let mut i = start;
        let mut end = start;
        loop {
            match self.at(i) {
                b',' | b'[' | b']' | b'{' | b'}' | b'\n' => break,
                b':' => {
                    if self.at(i + 1) == b' ' {
                        break;
                    }
                    return None;
                }
                b' ' => {
                    if self.at(i + 1) == b'#' {
                        return None;
                    }
                }
                b'\t' => return None,
                _ => end = i + 1,
            }
            i += 1;
        }
        self.pos = end;
        Some(&self.src[start..end])
    }
}

/// Bytes that can occur in a YAML 1.1/1.2 integer or float spelling after a leading digit.
#[inline]
fn is_number_byte(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' | b'x' | b'X' | b'o' | b'O' | b'_' | b'.' | b'+' | b'-')
}

/// serde-saphyr alone with kiln's options (`None` on error), for differential tests.
#[doc(hidden)]
pub fn parse_saphyr(text: &str, flavor: Flavor) -> Option<Value> {
    super::parse::saphyr_value(text, flavor).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FLAVORS: [Flavor; 3] = [Flavor::Kubectl, Flavor::Kustomize, Flavor::Helm];

    /// Handled in kubectl's and kustomize's flavors, and equal to serde-saphyr's value in every
    /// flavor (Helm's may leave more to serde-saphyr: keys such as `.inf`); kustomize's value.
    #[track_caller]
    fn same(text: &str) -> Value {
        let mut out = Value::Null;
        for flavor in FLAVORS {
            let slow = parse_saphyr(text, flavor).expect("serde-saphyr rejects it");
            let fast = match parse(text, flavor) {
                Some(v) => v,
                None if flavor == Flavor::Helm => slow.clone(),
                None => panic!("not handled: {text:?}"),
            };
            assert_eq!(fast, slow, "{flavor:?}: {text:?}");
            if flavor == Flavor::Kustomize {
                out = fast;
            }
        }
        out
    }

    /// Left to serde-saphyr by kubectl's and kustomize's flavors (Helm's, which accepts
    /// repeated keys, may read it, but then as serde-saphyr does).
    #[track_caller]
    fn falls_back(text: &str) {
        for flavor in FLAVORS {
            if flavor == Flavor::Helm {
                if let Some(fast) = parse(text, flavor) {
                    assert_eq!(Some(fast), parse_saphyr(text, flavor), "{text:?}");
                }
                continue;
            }
            assert_eq!(parse(text, flavor), None, "{flavor:?}: {text:?}");
        }
    }

    #[test]
    fn nested_sequences_in_mappings() {
        let v = same("a:\n  b:\n    - 1\n    - - x\n      - y\n  c:\n  - p\n  - q\nd: e\n");
        assert_eq!(
            v,
            json!({"a": {"b": [1, ["x", "y"]], "c": ["p", "q"]}, "d": "e"})
        );
        same("- - - x\n    - y\n  - z\n- w\n");
        same("a:\n-\n- b\n-   \n");
    }

    #[test]
    fn compact_mapping_items() {
        let v = same("containers:\n- name: a\n  image: b\n  ports:\n  - containerPort: 80\n    protocol: TCP\n- name: c\n");
        assert_eq!(
            v,
            json!({"containers": [{"name": "a", "image": "b", "ports": [{"containerPort": 80, "protocol": "TCP"}]}, {"name": "c"}]})
        );
        same("-   a: 1\n    b: 2\n-  c:\n     d: 3\n");
        same("- a:\n  - b\n  c: d\n");
        falls_back("- a: 1\n   b: 2\n");
    }

    #[test]
    fn block_scalars() {
        assert_eq!(
            same("a: |\n  x\n  y\n\n\nb: 1\n"),
            json!({"a": "x\ny\n", "b": 1})
        );
        assert_eq!(same("a: |-\n  x\n\n"), json!({"a": "x"}));
        assert_eq!(same("a: |+\n  x\n\n"), json!({"a": "x\n\n"}));
        assert_eq!(same("a: |+\n  x\n\nb: 1"), json!({"a": "x\n\n", "b": 1}));
        assert_eq!(same("a: |2\n   x\n  y\n"), json!({"a": " x\ny\n"}));
        assert_eq!(same("a: |\n\n  x\n"), json!({"a": "\nx\n"}));
        assert_eq!(
            same("a: | # c\n  x\n  # kept\n# ends\nb: 1\n"),
            json!({"a": "x\n# kept\n", "b": 1})
        );
        assert_eq!(same("a: |\nb: 1\n"), json!({"a": "", "b": 1}));
        assert_eq!(
            same("a: |\n  x\n    y\n  \tz\n"),
            json!({"a": "x\n  y\n\tz\n"})
        );
        assert_eq!(same("- |1\n  x\n- |-\n  y\n"), json!([" x\n", "y"]));
        assert_eq!(same("a: |\n  x"), json!({"a": "x\n"}));
        same("- a: |1\n    x\n");
        falls_back("a: |3\n\n # comment\nb: 1\n");
        falls_back("a: |-3 #\n  # comment\n");
        // Folded scalars, over-indented blank lines and bad indentation are left alone.
        falls_back("a: >\n  x\n  y\n");
        falls_back("a: |\n    \n  x\n");
        falls_back("a: |\n    x\n  y\n");
    }

    #[test]
    fn quotes_and_comments() {
        let v = same("a: 'x # y'\nb: \"k: v\"\nc: x # comment\nd: x#y\ne: 'it''s'\nf: \"q\\\"\\n\\t\\u00e9\\x41\\/\" # c\n");
        assert_eq!(
            v,
            json!({"a": "x # y", "b": "k: v", "c": "x", "d": "x#y", "e": "it's", "f": "q\"\n\té\u{41}/"})
        );
        same("'quoted key': 1\n\"dq key\": 2\n\"\": 3\n");
        same("# head\n\na: 1 # one\n  # indented comment\n# col 0\nb: 2\n");
        falls_back("a: \"\\q\"\n");
        falls_back("a: \"\\ud800\"\n");
        falls_back("a: 'x'y\n");
        falls_back("a: \"multi\nline\"\n");
        falls_back("a: 'multi\nline'\n");
    }

    #[test]
    fn invalid_or_unsupported_structure_falls_back() {
        falls_back("a: b: c\n");
        falls_back("a: - b\n");
        falls_back("a: 1\na: 2\n");
        falls_back("a: 1\n'a': 2\n");
        falls_back("a: x\n  y: z\n");
        falls_back("a: x\n# c\n  y\n");
        falls_back("a:\n  x\n");
        falls_back("a: &x 1\nb: *x\n");
        falls_back("a: !!str 1\n");
        falls_back("<<: {a: 1}\n");
        falls_back("? a\n: b\n");
        falls_back("%YAML 1.2\n---\na: 1\n");
        falls_back("a: 1\n...\n");
        falls_back("a: 1\n---\nb: 2\n");
        falls_back("a:\n\t- b\n");
        falls_back("a:\tb\n");
        falls_back("a:\n    b: 1\n  c: 2\n");
        falls_back("a: 1\n b: 2\n");
        falls_back("plain scalar document\n");
        falls_back("null: 1\n");
        falls_back("1: a\n");
        falls_back(&format!("a:\n{}  b: 1\n", "# c\n".repeat(40)));
    }

    #[test]
    fn multi_line_plain_scalars() {
        assert_eq!(same("a: x\n  y\nb: 1\n"), json!({"a": "x y", "b": 1}));
        assert_eq!(
            same("a: one two\n   three\n\n   four # c\nb: 1\n"),
            json!({"a": "one two three\nfour", "b": 1})
        );
        assert_eq!(same("- a\n  b\n- c\n"), json!(["a b", "c"]));
        assert_eq!(same("- k: a\n    b\n"), json!([{"k": "a b"}]));
        falls_back("- k: a\n  b\n");
    }

    #[test]
    fn multi_line_quoted_scalars() {
        assert_eq!(
            same("a: 'one: two  \n  three'\nb: 1\n"),
            json!({"a": "one: two three", "b": 1})
        );
        assert_eq!(same("a: 'x\n\n   y'\n"), json!({"a": "x\ny"}));
        assert_eq!(same("- \"a\\\n   b\\\n   \\ c\"\n"), json!(["ab c"]));
        assert_eq!(same("a: \"x\\t \n  y\"\n"), json!({"a": "x\t y"}));
        same("k:\n  - \"long \\\"quoted\\\" text\n    continued\"\n");
        falls_back("- k: 'a\n  b'\n");
    }

    #[test]
    fn serde_saphyr_budgets_are_respected() {
        // 150,000 keys and values exceed serde-saphyr's 250,000 nodes.
        let big: String = (0..150_000).map(|i| format!("k{i}: 1\n")).collect();
        assert_eq!(parse_saphyr(&big, Flavor::Kubectl), None);
        falls_back(&big);
        // Nesting deeper than 64 levels.
        let deep: String = (0..70).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert_eq!(parse_saphyr(&deep, Flavor::Kubectl), None);
        falls_back(&deep);
    }

    #[test]
    fn flow_collections() {
        let v = same("a: [1, 'b c', \"d\", [e], {f: g}]\nb: {x: 1, y: [true, ~], z: }\nc: []\nd: { }\ne: [a, b,]\n");
        assert_eq!(
            v,
            json!({"a": [1, "b c", "d", ["e"], {"f": "g"}], "b": {"x": 1, "y": [true, null], "z": null}, "c": [], "d": {}, "e": ["a", "b"]})
        );
        assert_eq!(
            same("{\"a\":1,\n \"b\": [\n  2, \"x\"\n ]\n}\n"),
            json!({"a": 1, "b": [2, "x"]})
        );
        same("args: [--x, -1]\n");
        falls_back("a: [1,\n  2]\n");
        falls_back("a: [a: b]\n");
        falls_back("a: [,]\n");
        falls_back("a: {a: 1, a: 2}\n");
        falls_back("a: [a]b\n");
        // Alone on the line below the key, as `toYaml` of an empty value leaves it.
        assert_eq!(
            same("a:\n  {}\nb:\n    []\nc:\n- {x: 1}\n-\n  [y]\nd: 1\n"),
            json!({"a": {}, "b": [], "c": [{"x": 1}, ["y"]], "d": 1})
        );
        falls_back("a:\n  {}: x\n");
        falls_back("a:\n  {x: 1,\n   y: 2}\n");
        falls_back("a:\n  {}\n  b: 1\n");
        falls_back("a:\n  [] x\n");
    }

    #[test]
    fn empty_values_and_documents() {
        assert_eq!(
            same("a:\nb: ~\nc: null\nd: NULL\ne: ''\n"),
            json!({"a": null, "b": null, "c": null, "d": null, "e": ""})
        );
        assert_eq!(same("- \n-\n- ~\n"), json!([null, null, null]));
        assert_eq!(same(""), Value::Null);
        assert_eq!(same("# only a comment\n\n"), Value::Null);
        assert_eq!(same("---\na: 1\n"), json!({"a": 1}));
        assert_eq!(same("--- # c\na: 1\n"), json!({"a": 1}));
    }

    #[test]
    fn keys_and_unicode() {
        let v = same("app.kubernetes.io/name: x\n.dockerconfigjson: y\nwith space: z\né: ü\n日本: 語\n\"123\": n\n\"true\": t\n");
        assert_eq!(v["app.kubernetes.io/name"], "x");
        assert_eq!(v["日本"], "語");
        same("yes: 1\non: 2\ny: 3\n");
        same("-a: 2\n+x1: 3\n-.5: 4\n");
        for flavor in [Flavor::Kubectl, Flavor::Kustomize] {
            assert_eq!(parse(".inf: 1\n", flavor), Some(json!({".inf": 1})));
        }
        falls_back("+1: a\n");
        falls_back("\u{feff}a: 1\n");
        falls_back("a: b\r\nc: d\r\n");
    }

    #[test]
    fn helm_reads_plain_keys_as_yaml_1_1_and_keeps_the_last_repeat() {
        let helm = |text: &str| {
            let fast = parse(text, Flavor::Helm);
            let slow = parse_saphyr(text, Flavor::Helm).expect("serde-saphyr rejects it");
            if let Some(fast) = &fast {
                assert_eq!(fast, &slow, "{text:?}");
            }
            slow
        };
        assert_eq!(
            helm("y: 1\nN: 2\n'y': 3\n\"on\": 4\nOff: 5\nyes: 6\nplain: 7\n"),
            json!({"true": 6, "false": 5, "y": 3, "on": 4, "plain": 7})
        );
        assert!(parse("y: 1\nN: 2\n", Flavor::Helm).is_some());
        // Number keys (printed as float32, infinities and NaN by YAML's names), measured with
        // helm 4.1.4; read here without serde-saphyr.
        let numbers = "0x10: a\n1.5: b\n-.5: c\n010: d\n1e6: e\n.Inf: f\n-.INF: g\n.NaN: h\n\
                       123456789.0: i\n7: j\n1e400: k\n.iNf: l\n";
        let want = json!({"16": "a", "1.5": "b", "-0.5": "c", "8": "d", "1e+06": "e", ".inf": "f",
            "-.inf": "g", ".nan": "h", "1.2345679e+08": "i", "7": "j", "1e400": "k", ".iNf": "l"});
        assert_eq!(parse(numbers, Flavor::Helm), Some(want));
        assert_eq!(
            helm("m: {on: 1, 'off': 2}\n0x10: a\n1.5: b\n-.5: c\n010: d\n1e6: e\n"),
            json!({"m": {"true": 1, "off": 2}, "16": "a", "1.5": "b", "-0.5": "c", "8": "d", "1e+06": "e"})
        );
        assert_eq!(
            helm("a: 1\nb: 2\na: 3\nm:\n  x: 1\nm:\n  y: 2\n"),
            json!({"a": 3, "b": 2, "m": {"true": 2}})
        );
        assert!(parse_saphyr("~: 1\n", Flavor::Helm).is_none());
        // Values keep the same YAML 1.1 rules as kubectl's; the other flavors keep keys as written.
        assert_eq!(helm("a: on\nb: 'on'\n"), json!({"a": true, "b": "on"}));
        assert_eq!(parse("y: 1\n", Flavor::Kubectl).unwrap(), json!({"y": 1}));
    }

    #[test]
    fn scalar_resolution_follows_the_flavor() {
        // Measured with kubectl 1.35 and helm 4.1.4: mixed case such as `oN` or `tRue` is a string.
        let text = "a: yes\nb: Y\nc: oN\nd: NO\ne: tRue\nf: True\ng: FALSE\nh: nULL\ni: off\nj: On\nk: yEs\nl: No\n";
        for flavor in [Flavor::Kubectl, Flavor::Helm] {
            assert_eq!(
                parse(text, flavor).unwrap(),
                json!({"a": true, "b": true, "c": "oN", "d": false, "e": "tRue", "f": true, "g": false, "h": "nULL", "i": false, "j": true, "k": "yEs", "l": false})
            );
        }
        assert_eq!(
            parse(text, Flavor::Kustomize).unwrap(),
            json!({"a": "yes", "b": "Y", "c": "oN", "d": "NO", "e": "tRue", "f": true, "g": false, "h": "nULL", "i": "off", "j": "On", "k": "yEs", "l": "No"})
        );
        // serde-saphyr (the reader of documents this parser leaves to it) agrees except on
        // mixed case, which it reads as YAML 1.1 booleans in any case.
        same("a: yes\nb: Y\nd: NO\nf: True\ng: FALSE\nh: nULL\ni: off\nj: On\nl: No\n");
    }

    #[test]
    fn numbers_match_serde_saphyr() {
        for n in [
            "0",
            "-0",
            "+0",
            "00",
            "0644",
            "08",
            "09.5",
            "1",
            "+12",
            "-7",
            "8080",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-1.5",
            "1e3",
            "1E3",
            "1.5e-3",
            "5.",
            ".5",
            "1_000",
            "0x1F",
            "0X1F",
            "0o17",
            "0b101",
            "+.nan",
            "-inf",
            "1.2.3",
            "10.0.0.1",
            "100m",
            "128Mi",
            "2024-01-01",
            "1:30",
            "--",
            "---",
            "-a",
            "1-2",
            "1e",
        ] {
            same(&format!("v: {n}\n"));
            same(&format!("- {n}\n"));
        }
        falls_back("v: .inf\n");
        // Too large for a float: text to go-yaml (helm 4.1.4 prints `string 1e400` for `%T %v`).
        for flavor in FLAVORS {
            assert_eq!(parse("v: 1e400\n", flavor), Some(json!({"v": "1e400"})));
        }
    }
}
