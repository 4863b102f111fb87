//! YAML emitter: prints a `serde_json::Value` exactly as the reference tools do.
//!
//! Both reference tools end in the same printer. Helm's `toYaml` is
//! `sigs.k8s.io/yaml.Marshal`: the value goes through JSON, the JSON is read
//! back by go-yaml v2 and printed by go-yaml v2. `kubectl kustomize` also
//! prints each resource through that JSON-to-YAML path (checked against the
//! binary: every golden in `tests/yaml_emit/` is identical apart from the
//! indentation of the nesting), so [`Style::Helm`] and [`Style::Kustomize`]
//! print the same bytes today. The style is kept so the two can diverge.
//!
//! The rules reproduced here (go-yaml v2's `encode.go`, `resolve.go`,
//! `sorter.go` and its libyaml emitter):
//!
//! - Map keys are sorted with go-yaml v2's "natural" order, not bytewise:
//!   runs of digits compare as numbers (`a9` < `a10`), non-letters sort
//!   before letters (`a_b` < `aB`), letters compare by code point. That
//!   order is not transitive for some keys (`a01` < `a10` < `a1b` < `a01`,
//!   or digit runs beyond 64 bits) and Go visits maps in random order, so
//!   Helm prints such maps differently from run to run; kiln prints them in
//!   one stable order.
//! - A string that would read back as another YAML 1.1 type (`yes`, `on`,
//!   `~`, `1.5`, `0644`, `0x1F`, `2024-01-01`, `12:30`, …) is double-quoted.
//!   A string containing `\n` asks for a literal block (`|`, `|-`, `|+`, with
//!   an indentation digit when it starts with a space or a break).
//! - The emitter then downgrades: a plain scalar that starts with an
//!   indicator, has leading/trailing spaces, `: ` or ` #` becomes
//!   single-quoted; text with characters YAML cannot print raw (tab, CR,
//!   code points above U+FFFF, …) becomes double-quoted with escapes; a block
//!   scalar with trailing spaces on a line becomes double-quoted.
//! - Plain and quoted scalars are folded at the first single space after
//!   column 80; continuation lines are indented two more than the key.
//! - Floats print as Go prints them after a JSON round trip: integral
//!   values as integers (`1.0` → `1`), others in Go's `%g` shortest form
//!   (`1234567.5` → `1.2345675e+06`, `0.00001` → `1e-05`). Integers are
//!   printed exactly (Helm itself would push them through float64).
//! - Keys longer than 128 bytes, or spanning lines, use the `? key` form.
use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// Which reference tool's output the text must match byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Helm's `toYaml` (sigs.k8s.io/yaml over go-yaml v2).
    Helm,
    /// `kustomize build` / `kubectl kustomize` (kyaml, printed through the same JSON-to-YAML path).
    Kustomize,
}

/// Serializes `value` as a YAML block document, map keys sorted, with a trailing newline.
pub fn to_yaml(value: &Value, style: Style) -> String {
    let mut out = String::with_capacity(256);
    to_yaml_into(&mut out, value, style);
    out
}

/// Appends the document [`to_yaml`] would return to `out` (saves a copy when
/// many documents go into one stream).
pub fn to_yaml_into(out: &mut String, value: &Value, style: Style) {
    let _ = style; // Both tools print alike; see the module docs.
    let mut e = Emitter {
        out,
        column: 0,
        indent: -1,
        whitespace: true,
        indention: true,
        pretty: false,
    };
    e.node(value, false, false);
    // Document end: finish the last line.
    e.indent = -1;
    e.write_indent();
}

/// Helm's `toYamlPretty` layout (go-yaml v3 with a 2-space indent): like [`to_yaml`], but a list
/// that is a map value is indented under its key, and floating-point numbers print as Go's `%v`
/// (`1e+06`, `3`) where `to_yaml`'s JSON round trip would print integers.
pub fn to_yaml_pretty(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    let mut e = Emitter {
        out: &mut out,
        column: 0,
        indent: -1,
        whitespace: true,
        indention: true,
        pretty: true,
    };
    e.node(value, false, false);
    e.indent = -1;
    e.write_indent();
    out
}

/// The line width after which plain and quoted scalars are folded.
const BEST_WIDTH: usize = 80;
const BEST_INDENT: isize = 2;
/// Longest key (in bytes) printed as a simple `key: value`.
const MAX_SIMPLE_KEY: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarStyle {
    Plain,
    Single,
    Double,
    Literal,
}

/// The printer state of libyaml's emitter that matters for block output.
struct Emitter<'o> {
    out: &'o mut String,
    /// Column in characters.
    column: usize,
    indent: isize,
    /// The last character written was whitespace (or nothing yet on the line).
    whitespace: bool,
    /// Only indentation has been written on the current line.
    indention: bool,
    /// go-yaml v3 marshalling values directly (Helm's `toYamlPretty`): lists indented under their map
    /// key, floats printed as Go prints them (`1e+06`) where the JSON round trip makes integers.
    pretty: bool,
}

impl Emitter<'_> {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    /// Copies a line-break character of the value (`\n` or another break).
    fn write_break(&mut self, c: char) {
        self.out.push(c);
        self.column = 0;
        self.indention = true;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(ind);
        self.column += ind.len();
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn node(&mut self, value: &Value, mapping: bool, simple_key: bool) {
        match value {
            // Null, booleans, numbers and simple words need no analysis: they
            // are plain, have no spaces (so never fold) and no indicators.
            Value::Null => self.plain_word("null"),
            Value::Bool(true) => self.plain_word("true"),
            Value::Bool(false) => self.plain_word("false"),
            Value::Number(n) => self.number(n),
            Value::String(s) if is_simple_word(s) && !resolves_to_non_string(s) => {
                self.plain_word(s)
            }
            Value::String(s) => self.scalar(s, requested_style(s), simple_key),
            Value::Array(items) if items.is_empty() => {
                self.write_indicator("[", true, true, false);
                self.write_indicator("]", false, false, false);
            }
            Value::Object(map) if map.is_empty() => {
                self.write_indicator("{", true, true, false);
                self.write_indicator("}", false, false, false);
            }
            Value::Array(items) => {
                let saved = self.indent;
                self.increase_indent(false, mapping && !self.indention && !self.pretty);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false, false);
                }
                self.indent = saved;
            }
            Value::Object(map) => {
                let saved = self.indent;
                self.increase_indent(false, false);
                for_each_sorted(map, |key, value| {
                    self.write_indent();
                    if key.len() <= MAX_SIMPLE_KEY
                        && is_simple_word(key)
                        && !resolves_to_non_string(key)
                    {
                        self.plain_word(key);
                        self.write_indicator(":", false, false, false);
                        self.node(value, true, false);
                        return;
                    }
                    let simple = key.len() <= MAX_SIMPLE_KEY && !key.chars().any(is_break);
                    let key_style = requested_style(key);
                    if simple {
                        self.scalar(key, key_style, true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar(key, key_style, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(value, true, false);
                });
                self.indent = saved;
            }
        }
    }

    /// A plain scalar known to need no quoting and no folding.
    fn plain_word(&mut self, text: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(text);
        self.column += text.len();
        self.whitespace = false;
        self.indention = false;
    }

    fn number(&mut self, n: &Number) {
        if !self.whitespace {
            self.put(' ');
        }
        let start = self.out.len();
        if let Some(i) = n.as_i64() {
            let _ = write!(self.out, "{i}");
        } else if let Some(u) = n.as_u64() {
            let _ = write!(self.out, "{u}");
        } else {
            if self.pretty && n.is_f64() {
                self.out
                    .push_str(&format_go_float(n.as_f64().unwrap_or(0.0)));
            } else {
                self.out.push_str(&format_number(n));
            }
        }
        self.column += self.out.len() - start;
        self.whitespace = false;
        self.indention = false;
    }

    fn scalar(&mut self, text: &str, requested: ScalarStyle, simple_key: bool) {
        let a = analyze(text);
        let mut style = requested;
        if simple_key && a.multiline {
            style = ScalarStyle::Double;
        }
        if style == ScalarStyle::Plain
            && (!a.block_plain_allowed || (text.is_empty() && simple_key))
        {
            style = ScalarStyle::Single;
        }
        if style == ScalarStyle::Single && !a.single_quoted_allowed {
            style = ScalarStyle::Double;
        }
        if style == ScalarStyle::Literal && (!a.block_allowed || simple_key) {
            style = ScalarStyle::Double;
        }
        let saved = self.indent;
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            ScalarStyle::Plain => self.write_plain(text, allow_breaks),
            ScalarStyle::Single => self.write_single(text, allow_breaks),
            ScalarStyle::Double => self.write_double(text, allow_breaks),
            ScalarStyle::Literal => self.write_literal(text),
        }
        self.indent = saved;
    }

    fn write_plain(&mut self, text: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        if !allow_breaks || self.column + text.len() <= BEST_WIDTH || !text.contains(' ') {
            // Fast path: no fold can happen (breaks never reach plain scalars).
            self.out.push_str(text);
            self.column += char_count(text);
        } else {
            let mut spaces = false;
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if c == ' ' {
                    let next_is_space = chars.peek() == Some(&' ');
                    if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                        self.write_indent();
                    } else {
                        self.put(c);
                    }
                    spaces = true;
                } else {
                    self.put(c);
                    self.indention = false;
                    spaces = false;
                }
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let len = text.len();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == ' ' {
                let next_is_space = matches!(chars.peek(), Some((_, ' ')));
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < len - 1
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml's BOM test looks at the start of the value, not at the
        // current character: a value starting with U+FEFF has every
        // character escaped.
        let bom = text.starts_with('\u{feff}');
        let len = text.len();
        let mut spaces = false;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (v >> (k * 4)) & 0xf;
                            self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < len - 1 {
                    self.write_indent();
                    if matches!(chars.peek(), Some((_, ' '))) {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation digit when the text starts with
        // a space or a break, and the chomping indicator.
        let first = text.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        let mut rev = text.chars().rev();
        match (rev.next(), rev.next()) {
            (Some(last), _) if !is_break(last) => self.write_indicator("-", false, false, false),
            (Some(_), None) => self.write_indicator("+", false, false, false),
            (Some(_), Some(prev)) if is_break(prev) => {
                self.write_indicator("+", false, false, false)
            }
            (None, _) => self.write_indicator("-", false, false, false),
            _ => {}
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for line in text.split_inclusive(is_break) {
            let (body, brk) = match line.chars().next_back() {
                Some(c) if is_break(c) => (&line[..line.len() - c.len_utf8()], Some(c)),
                _ => (line, None),
            };
            if !body.is_empty() {
                if breaks {
                    self.write_indent();
                }
                self.out.push_str(body);
                self.column += char_count(body);
                self.indention = false;
                breaks = false;
            }
            if let Some(c) = brk {
                self.write_break(c);
                breaks = true;
            }
        }
    }
}

/// ASCII words (`web`, `nginx`, `app.kubernetes.io/name`, `v1`, `/data`)
/// that the emitter always prints plain unless they read as another type.
fn is_simple_word(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'/' => {}
        _ => return false,
    }
    b.iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-'))
}

fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Line breaks as YAML 1.1 knows them.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Characters libyaml prints raw (tab and CR are not among them; nothing above U+FFFF is).
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0a | 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfffd) && c != '\u{feff}'
}

/// What libyaml's scalar analysis allows for a text.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let mut preceded_by_ws = true;
    let (mut prev_space, mut prev_break) = (false, false);

    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_ws = matches!(next, None | Some(' ') | Some('\t'));
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_ws => block_indicators = true,
                '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        let last = next.is_none();
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        first = false;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style go-yaml v2's encoder asks for: a literal block for text with
/// `\n`, double quotes for text that would read back as another type.
fn requested_style(s: &str) -> ScalarStyle {
    if s.contains('\n') {
        ScalarStyle::Literal
    } else if resolves_to_non_string(s) || is_base60_float(s) {
        ScalarStyle::Double
    } else {
        ScalarStyle::Plain
    }
}

/// The words go-yaml v2 resolves through its table (YAML 1.1 booleans, nulls, special floats).
const RESOLVE_MAP: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", //
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", //
    "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", //
    "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// Whether go-yaml v2 would read the unquoted text as something other than a string.
fn resolves_to_non_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true; // the empty scalar is null
    };
    match first {
        b'+'
        | b'-'
        | b'0'..=b'9'
        | b'y'
        | b'Y'
        | b'n'
        | b'N'
        | b't'
        | b'T'
        | b'f'
        | b'F'
        | b'o'
        | b'O'
        | b'~'
        | b'.' => {}
        _ => return false,
    }
    if s.len() <= 5 && RESOLVE_MAP.contains(&s) {
        return true;
    }
    match first {
        b'.' => {
            // strconv.ParseFloat on the raw text: only `.digits[e±digits]` can parse.
            is_yaml_style_float(s) && finite_float(s)
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if first.is_ascii_digit() && is_go_timestamp(s) {
                return true;
            }
            let plain: std::borrow::Cow<str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            let plain = plain.as_ref();
            if go_parse_int(plain) || go_parse_uint(plain) {
                return true;
            }
            if is_yaml_style_float(plain) && finite_float(plain) {
                return true;
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                return go_parse_int_radix(rest, 2);
            }
            if let Some(rest) = plain.strip_prefix("-0b") {
                return go_parse_int_radix(rest, 2);
            }
            false
        }
        _ => false,
    }
}

fn finite_float(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseUint(s, 0, 64)` succeeds (no underscores in `s`).
fn go_parse_uint(s: &str) -> bool {
    parse_uint_base0(s).is_some()
}

/// Go's `strconv.ParseInt(s, 0, 64)` succeeds (no underscores in `s`).
fn go_parse_int(s: &str) -> bool {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    match parse_uint_base0(rest) {
        Some(v) if neg => v <= 1u64 << 63,
        Some(v) => v <= i64::MAX as u64,
        None => false,
    }
}

/// Go's `strconv.ParseInt(s, radix, 64)` succeeds.
fn go_parse_int_radix(s: &str, radix: u32) -> bool {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    match parse_digits(rest, radix) {
        Some(v) if neg => v <= 1u64 << 63,
        Some(v) => v <= i64::MAX as u64,
        None => false,
    }
}

fn parse_uint_base0(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b[0] == b'0' {
        if b.len() >= 3 {
            match b[1].to_ascii_lowercase() {
                b'b' => return parse_digits(&s[2..], 2),
                b'o' => return parse_digits(&s[2..], 8),
                b'x' => return parse_digits(&s[2..], 16),
                _ => {}
            }
        }
        let rest = &s[1..];
        return if rest.is_empty() {
            Some(0)
        } else {
            parse_digits(rest, 8)
        };
    }
    parse_digits(s, 10)
}

fn parse_digits(s: &str, radix: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(radix)?;
        v = v.checked_mul(radix as u64)?.checked_add(d as u64)?;
    }
    Some(v)
}

/// go-yaml v2 reads `YYYY-M-D`, `YYYY-M-DTh:m:s[.f](Z|±hh:mm)` (also with
/// `t`) and `YYYY-M-D h:m:s[.f]` as timestamps (Go's `time.Parse` rules).
fn is_go_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = getnum(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = getnum(b, &mut i) else {
        return false;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    let date_ok = day >= 1 && day <= days_in(month, year);
    if i == b.len() {
        return date_ok;
    }
    // The three formats with a time of day.
    let zoned = match b[i] {
        b'T' | b't' => {
            i += 1;
            true
        }
        b' ' => {
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            false
        }
        _ => return false,
    };
    let Some(hour) = getnum(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(min) = getnum(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(sec) = getnum(b, &mut i) else {
        return false;
    };
    if hour >= 24 || min >= 60 || sec >= 60 {
        return false;
    }
    if i + 1 < b.len() && matches!(b[i], b'.' | b',') && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if zoned {
        if b.get(i) == Some(&b'Z') {
            i += 1;
        } else {
            if b.len() < i + 6 || b[i + 3] != b':' || !matches!(b[i], b'+' | b'-') {
                return false;
            }
            let two = |j: usize| -> Option<u32> {
                if b[j].is_ascii_digit() && b[j + 1].is_ascii_digit() {
                    Some(((b[j] - b'0') * 10 + (b[j + 1] - b'0')) as u32)
                } else {
                    None
                }
            };
            match (two(i + 1), two(i + 4)) {
                (Some(h), Some(m)) if h <= 24 && m <= 60 => {}
                _ => return false,
            }
            i += 6;
        }
    }
    i == b.len() && date_ok
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    match b.get(*i) {
        Some(d1) if d1.is_ascii_digit() => {
            *i += 1;
            Some(((d0 - b'0') * 10 + (d1 - b'0')) as u32)
        }
        _ => Some((d0 - b'0') as u32),
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// YAML 1.1 sexagesimal numbers (`12:30`, `-1:30:00`), which go-yaml quotes.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&c) = b.first() else {
        return false;
    };
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = usize::from(c == b'+' || c == b'-');
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        match (b.get(i), b.get(i + 1)) {
            (Some(d0 @ b'0'..=b'5'), Some(d1)) if d1.is_ascii_digit() => {
                let _ = d0;
                i += 2;
            }
            (Some(d), _) if d.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// A number as it reads after Go's JSON round trip.
fn format_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 1e21 {
        // encoding/json prints it without a fraction; go-yaml reads an int back.
        if (-TWO_POW_63..TWO_POW_63).contains(&f) {
            return (f as i64).to_string();
        }
        if f > 0.0 && f < 2.0 * TWO_POW_63 {
            return (f as u64).to_string();
        }
    }
    format_go_float(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (also what Go's `%v` prints),
/// with YAML's names for the non-finite values.
pub(crate) fn format_go_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let (neg, digits, exp) = shortest_digits(f);
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        push_exponent_form(&mut out, &digits, exp);
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// Go's `strconv.FormatFloat(f, 'e', -1, 64)` for a finite `f` (`1.5e+21`, `1e-07`).
pub(crate) fn format_go_float_exp(f: f64) -> String {
    let (neg, digits, exp) = shortest_digits(f);
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    push_exponent_form(&mut out, &digits, exp);
    out
}

/// Sign, shortest round-trip decimal digits and decimal exponent (from Rust's `{:e}`).
fn shortest_digits(f: f64) -> (bool, String, i32) {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    (neg, mantissa.chars().filter(|c| *c != '.').collect(), exp)
}

fn push_exponent_form(out: &mut String, digits: &str, exp: i32) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
}

/// Calls `f` for the entries of `map` in go-yaml v2's key order.
fn for_each_sorted<'m>(map: &'m Map<String, Value>, mut f: impl FnMut(&'m str, &'m Value)) {
    let mut sorted = true;
    let mut prev: Option<&str> = None;
    for k in map.keys() {
        if let Some(p) = prev {
            if !key_less(p, k) {
                sorted = false;
                break;
            }
        }
        prev = Some(k);
    }
    if sorted {
        for (k, v) in map {
            f(k, v);
        }
        return;
    }
    // Small maps (most of them) are sorted in a stack buffer.
    static NULL: Value = Value::Null;
    let mut small = [("", &NULL); 16];
    let mut large = Vec::new();
    let entries: &mut [(&'m str, &'m Value)] = if map.len() <= small.len() {
        for (slot, (k, v)) in small.iter_mut().zip(map) {
            *slot = (k.as_str(), v);
        }
        &mut small[..map.len()]
    } else {
        large.extend(map.iter().map(|(k, v)| (k.as_str(), v)));
        &mut large
    };
    merge_sort(entries, &|a, b| key_less(a.0, b.0));
    for &mut (k, v) in entries {
        f(k, v);
    }
}

/// A stable merge sort that needs only a `less` function (go-yaml's order is
/// not guaranteed to be a total order for odd keys, and `slice::sort_by` may
/// panic on such orders).
fn merge_sort<T: Copy>(v: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    if v.len() <= 16 {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && less(&v[j], &v[j - 1]) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], less);
    merge_sort(&mut v[mid..], less);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if less(&v[j], &v[i]) {
            merged.push(v[j]);
            j += 1;
        } else {
            merged.push(v[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.copy_from_slice(&merged);
}

/// go-yaml v2's key order for two string keys (its `keyList.Less`).
pub(crate) fn key_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        natural_less(a.as_bytes(), b.as_bytes())
    } else {
        let ac: Vec<char> = a.chars().collect();
        let bc: Vec<char> = b.chars().collect();
        natural_less(&ac, &bc)
    }
}

fn natural_less<T: Copy + Into<char> + PartialEq>(ar: &[T], br: &[T]) -> bool {
    let is_digit = |c: char| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric());
    let value = |c: char| (c as i64).wrapping_sub('0' as i64);
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (a, b): (char, char) = (ar[i].into(), br[i].into());
        let (al, bl) = (a.is_alphabetic(), b.is_alphabetic());
        if al && bl {
            return a < b;
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if a == '0' || b == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1].into()) {
                j -= 1;
                if ar[j].into() != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai].into()) {
            an = an.wrapping_mul(10).wrapping_add(value(ar[ai].into()));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi].into()) {
            bn = bn.wrapping_mul(10).wrapping_add(value(br[bi].into()));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return a < b;
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn helm(v: Value) -> String {
        to_yaml(&v, Style::Helm)
    }

    #[test]
    fn scalars_that_read_as_other_types_are_double_quoted() {
        for s in [
            "yes",
            "on",
            "y",
            "1.5",
            "0644",
            "~",
            "null",
            "2024-01-01",
            "1e3",
            "12:30",
            "",
        ] {
            assert_eq!(helm(json!({ "k": s })), format!("k: \"{s}\"\n"), "{s}");
        }
        for s in ["yes please", "2026-11", "0xZZ", "inf", "_1", "<<"] {
            assert_eq!(helm(json!({ "k": s })), format!("k: {s}\n"), "{s}");
        }
    }

    #[test]
    fn indicators_are_single_quoted() {
        assert_eq!(helm(json!({"k": "*"})), "k: '*'\n");
        assert_eq!(helm(json!({"k": "# x"})), "k: '# x'\n");
        assert_eq!(helm(json!({"k": "a: b"})), "k: 'a: b'\n");
        assert_eq!(helm(json!({"k": "it's "})), "k: 'it''s '\n");
        assert_eq!(helm(json!({"k": "a#b"})), "k: a#b\n");
    }

    #[test]
    fn collections_and_blocks() {
        let v = json!({"b": [1, [2, 3], {"x": []}], "a": {}, "c": "l1\nl2\n", "d": null});
        assert_eq!(
            helm(v),
            "a: {}\nb:\n- 1\n- - 2\n  - 3\n- x: []\nc: |\n  l1\n  l2\nd: null\n"
        );
        assert_eq!(helm(json!("x")), "x\n");
        assert_eq!(helm(json!([])), "[]\n");
    }

    #[test]
    fn floats_print_like_go() {
        let cases = [
            (1.0, "1"),
            (1.5, "1.5"),
            (1234567.5, "1.2345675e+06"),
            (123456.5, "123456.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e21, "1e+21"),
            (-2.25, "-2.25"),
            (1e100, "1e+100"),
        ];
        for (f, want) in cases {
            assert_eq!(helm(json!(f)), format!("{want}\n"), "{f}");
        }
    }

    #[test]
    fn natural_key_order() {
        let v = json!({"a10": 1, "a9": 1, "aB": 1, "a_b": 1, "A": 1, "a01": 1, "a1": 1, "10": 1, "9": 1});
        let out = helm(v);
        let keys: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
        assert_eq!(
            keys,
            ["\"9\"", "\"10\"", "A", "a_b", "a1", "a01", "a9", "a10", "aB"]
        );
    }

    #[test]
    fn long_plain_strings_fold_after_column_80() {
        let s = "aaaa ".repeat(20);
        let s = s.trim_end();
        let out = helm(json!({ "k": s }));
        assert_eq!(out.lines().count(), 2);
        assert!(out.lines().nth(1).unwrap().starts_with("  aaaa"));
    }
}
