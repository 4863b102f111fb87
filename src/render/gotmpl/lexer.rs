//! Lexer for Go's `text/template`: text, `{{ }}` actions with trim markers, comments, and the tokens
//! inside actions. Every token carries the byte offset where it starts, for error locations.

use std::rc::Rc;

/// A token kind. Names, numbers and strings are read from the source at the token's span (see
/// [`Token::name`]): tokens are plain copies, nothing to count or free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok {
    /// Text between actions, already trimmed by neighbouring trim markers: the token's span.
    Text,
    LeftDelim,
    RightDelim,
    /// A function name or keyword-less identifier.
    Ident,
    /// `.Name`.
    Field,
    /// `$` or `$name`.
    Variable,
    Dot,
    Bool(bool),
    Nil,
    /// A number literal.
    Number,
    /// A character constant (its value: [`Token::char_value`]).
    Char,
    /// A quoted or raw string (escapes checked; see [`Token::string`]).
    Str,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    Keyword(Kw),
    Eof,
}

/// Keywords of the template language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Range,
    Template,
    With,
}

impl Kw {
    pub fn name(self) -> &'static str {
        match self {
            Kw::Block => "block",
            Kw::Break => "break",
            Kw::Continue => "continue",
            Kw::Define => "define",
            Kw::Else => "else",
            Kw::End => "end",
            Kw::If => "if",
            Kw::Range => "range",
            Kw::Template => "template",
            Kw::With => "with",
        }
    }
}

/// A token and where it starts and ends (byte offsets into the source).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: usize,
    pub end: usize,
    /// Whether whitespace precedes the token inside an action (separates `.a .b` from `.a.b`).
    pub space_before: bool,
}

// A template's tokens are all lexed before it is parsed: a token is two offsets and a kind.
const _: () = assert!(std::mem::size_of::<Token>() <= 24);

impl Token {
    /// The name an identifier, field (without its dot), variable (with its `$`) or number
    /// token stands for, as written in `src`.
    pub fn name<'s>(&self, src: &'s str) -> &'s str {
        match self.tok {
            Tok::Field => &src[self.pos + 1..self.end],
            _ => &src[self.pos..self.end],
        }
    }

    /// The value of a character constant token in `src` (the lexer has checked it is one
    /// character).
    pub fn char_value(&self, src: &str) -> i64 {
        let inner = &src[self.pos + 1..self.end - 1];
        let c = match inner.starts_with('\\') {
            true => unquote(inner).ok().and_then(|s| s.chars().next()),
            false => inner.chars().next(),
        };
        c.map_or(0, |c| c as i64)
    }

    /// The value of a string token in `src`: its text between the quotes, unquoted when it has
    /// escapes (the lexer has checked them).
    pub fn string<'s>(&self, src: &'s str) -> std::borrow::Cow<'s, str> {
        let inner = &src[self.pos + 1..self.end - 1];
        if src.as_bytes()[self.pos] == b'"' && inner.contains('\\') {
            std::borrow::Cow::Owned(unquote(inner).unwrap_or_default())
        } else {
            std::borrow::Cow::Borrowed(inner)
        }
    }
}

/// A lexing error: a message and the byte offset it points at.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub message: String,
    pub pos: usize,
    pub len: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Where the next `{{` starts at or after `from` (template text has few `{`: each is found with
/// `memchr` and its neighbour looked at).
fn find_open(b: &[u8], mut from: usize) -> Option<usize> {
    while let Some(i) = memchr::memchr(b'{', &b[from..]) {
        let at = from + i;
        if b.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Length in bytes of the identifier characters (`_`, letters, digits) that `s` starts with:
/// ASCII byte by byte, the rest by Unicode's classes.
fn alnum_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b'_' {
            i += 1;
        } else if c.is_ascii() {
            return i;
        } else {
            return i + s[i..]
                .char_indices()
                .find(|(_, c)| !is_alnum(*c))
                .map_or(s.len() - i, |(j, _)| j);
        }
    }
    i
}

/// Splits a template into tokens.
#[cfg(test)]
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    lex_into(src, Vec::new())
}

/// The names and strings of the templates parsed so far, each kept once: a chart writes
/// `.Values`, `include` or the name of its own helper template thousands of times, and every use shares one
/// `Rc` instead of allocating its own.
#[derive(Default)]
pub struct Names(std::collections::HashSet<Rc<str>, foldhash::fast::RandomState>);

/// Names longer than this are not kept (a long string constant is rarely written twice).
const NAME_KEPT_UP_TO: usize = 64;

impl Names {
    /// Drops every name kept (the capacity stays).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn get(&mut self, s: &str) -> Rc<str> {
        if s.len() > NAME_KEPT_UP_TO {
            return Rc::from(s);
        }
        if let Some(rc) = self.0.get(s) {
            return rc.clone();
        }
        let rc: Rc<str> = Rc::from(s);
        self.0.insert(rc.clone());
        rc
    }
}

/// Splits a template into tokens appended to `out` (a buffer reused from file to file).
pub fn lex_into(src: &str, out: Vec<Token>) -> Result<Vec<Token>, LexError> {
    Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        out,
        trim_next_text: false,
    }
    .run()
}

struct Lexer<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    out: Vec<Token>,
    trim_next_text: bool,
}

impl Lexer<'_> {
    fn err<T>(&self, message: impl Into<String>, pos: usize, len: usize) -> Result<T, LexError> {
        Err(LexError {
            message: message.into(),
            pos,
            len,
        })
    }

    fn push(&mut self, tok: Tok, pos: usize, end: usize, space_before: bool) {
        self.out.push(Token {
            tok,
            pos,
            end,
            space_before,
        });
    }

    fn run(mut self) -> Result<Vec<Token>, LexError> {
        loop {
            // Text up to the next `{{`.
            let start = self.pos;
            let next = find_open(self.b, start);
            let text_end = next.unwrap_or(self.src.len());
            let mut text = &self.src[start..text_end];
            let mut text_start = start;
            if self.trim_next_text {
                let trimmed = text.trim_start_matches([' ', '\t', '\r', '\n']);
                text_start += text.len() - trimmed.len();
                text = trimmed;
                self.trim_next_text = false;
            }
            let Some(open) = next else {
                if !text.is_empty() {
                    self.push(Tok::Text, text_start, text_end, false);
                }
                break;
            };
            // Left trim marker: `{{- ` (the dash followed by a space).
            let trim_left = self.b.get(open + 2) == Some(&b'-')
                && self.b.get(open + 3).is_some_and(|c| is_space(*c));
            if trim_left {
                text = text.trim_end_matches([' ', '\t', '\r', '\n']);
            }
            if !text.is_empty() {
                self.push(Tok::Text, text_start, text_start + text.len(), false);
            }
            self.pos = open + 2;
            if trim_left {
                self.pos += 2;
            }
            // A comment?
            // `{{/*` or `{{- /*`: the comment must start right there.
            let mut p = self.pos;
            if self.src[p..].starts_with("/*") {
                let Some(close) = self.src[p + 2..].find("*/") else {
                    return self.err("unclosed comment", open, 2);
                };
                p = p + 2 + close + 2;
                // Then optional ` -` and `}}`.
                let rest = &self.src[p..];
                let trims =
                    rest.len() >= 4 && is_space(rest.as_bytes()[0]) && rest[1..].starts_with("-}}");
                let (trim_right, after) = if trims {
                    (true, &rest[4..])
                } else if let Some(r) = rest.strip_prefix("}}") {
                    (false, r)
                } else {
                    return self.err("comment ends before closing delimiter", p, 1);
                };
                self.pos = self.src.len() - after.len();
                self.trim_next_text = trim_right;
                continue;
            }
            self.push(Tok::LeftDelim, open, self.pos, false);
            self.lex_action(open)?;
        }
        let n = self.src.len();
        self.push(Tok::Eof, n, n, false);
        Ok(self.out)
    }

    /// Lexes inside an action until the closing delimiter.
    fn lex_action(&mut self, open: usize) -> Result<(), LexError> {
        let mut parens = 0i32;
        loop {
            let mut space = false;
            while self.pos < self.b.len() && is_space(self.b[self.pos]) {
                self.pos += 1;
                space = true;
            }
            let p = self.pos;
            let rest = &self.src[p..];
            if rest.is_empty() {
                return self.err("unclosed action", open, 2);
            }
            if space && rest.starts_with("-}}") {
                self.push(Tok::RightDelim, p, p + 3, space);
                self.pos = p + 3;
                self.trim_next_text = true;
                if parens > 0 {
                    return self.err("unclosed left paren", p, 3);
                }
                return Ok(());
            }
            if rest.starts_with("}}") {
                self.push(Tok::RightDelim, p, p + 2, space);
                self.pos = p + 2;
                if parens > 0 {
                    return self.err("unclosed left paren", p, 2);
                }
                return Ok(());
            }
            let c = rest.chars().next().unwrap_or('\0');
            match c {
                '|' => self.single(Tok::Pipe, space),
                '(' => {
                    parens += 1;
                    self.single(Tok::LParen, space)
                }
                ')' => {
                    parens -= 1;
                    if parens < 0 {
                        return self.err("unexpected right paren", p, 1);
                    }
                    self.single(Tok::RParen, space)
                }
                ',' => self.single(Tok::Comma, space),
                '=' => self.single(Tok::Assign, space),
                ':' => {
                    if rest.starts_with(":=") {
                        self.push(Tok::Declare, p, p + 2, space);
                        self.pos += 2;
                    } else {
                        return self.err("expected :=", p, 1);
                    }
                }
                '"' => self.quoted(space)?,
                '`' => {
                    let Some(close) = rest[1..].find('`') else {
                        return self.err("unterminated raw quoted string", p, 1);
                    };
                    self.push(Tok::Str, p, p + close + 2, space);
                    self.pos = p + close + 2;
                }
                '\'' => self.char_const(space)?,
                '$' => {
                    let len = 1 + alnum_len(&rest[1..]);
                    self.push(Tok::Variable, p, p + len, space);
                    self.pos = p + len;
                    self.check_terminator()?;
                }
                '.' => {
                    let next = rest[1..].chars().next();
                    if next.is_some_and(|c| c.is_ascii_digit()) {
                        self.number(space)?;
                    } else if next.is_some_and(is_alnum) {
                        let len = 1 + alnum_len(&rest[1..]);
                        self.push(Tok::Field, p, p + len, space);
                        self.pos = p + len;
                        self.check_terminator()?;
                    } else {
                        self.single(Tok::Dot, space);
                    }
                }
                '+' | '-' | '0'..='9' => self.number(space)?,
                c if is_alnum(c) => {
                    let len = alnum_len(rest);
                    let word = &rest[..len];
                    let tok = match word {
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "nil" => Tok::Nil,
                        "block" => Tok::Keyword(Kw::Block),
                        "break" => Tok::Keyword(Kw::Break),
                        "continue" => Tok::Keyword(Kw::Continue),
                        "define" => Tok::Keyword(Kw::Define),
                        "else" => Tok::Keyword(Kw::Else),
                        "end" => Tok::Keyword(Kw::End),
                        "if" => Tok::Keyword(Kw::If),
                        "range" => Tok::Keyword(Kw::Range),
                        "template" => Tok::Keyword(Kw::Template),
                        "with" => Tok::Keyword(Kw::With),
                        _ => Tok::Ident,
                    };
                    self.push(tok, p, p + len, space);
                    self.pos = p + len;
                    self.check_terminator()?;
                }
                other => {
                    return self.err(
                        format!("bad character {}", go_char(other)),
                        p,
                        other.len_utf8(),
                    )
                }
            }
        }
    }

    fn single(&mut self, tok: Tok, space: bool) {
        let p = self.pos;
        self.push(tok, p, p + 1, space);
        self.pos += 1;
    }

    /// Go requires identifiers, fields and variables to be followed by a space, `.`, `,`, `|`, `:`,
    /// `=`, a paren or the closing delimiter.
    fn check_terminator(&self) -> Result<(), LexError> {
        let rest = &self.src[self.pos..];
        let Some(c) = rest.chars().next() else {
            return Ok(());
        };
        if is_space(c as u8) && c.is_ascii()
            || matches!(c, '.' | ',' | '|' | ':' | ')' | '(' | '=')
            || rest.starts_with("}}")
        {
            return Ok(());
        }
        self.err(
            format!("bad character {}", go_char(c)),
            self.pos,
            c.len_utf8(),
        )
    }

    /// The text between the quote at `self.pos` and its closing `quote` (escapes resolved), and
    /// the index of the closing quote; `what` names the literal in errors.
    fn scan_quoted(&self, quote: u8, what: &str) -> Result<(String, usize), LexError> {
        let p = self.pos;
        let mut i = p + 1;
        loop {
            match self.b.get(i) {
                None | Some(b'\n') => return self.err(format!("unterminated {what}"), p, 1),
                Some(b'\\') => i += 2,
                Some(&c) if c == quote => break,
                Some(_) => i += 1,
            }
        }
        let s = unquote(&self.src[p + 1..i]).map_err(|m| LexError {
            message: m,
            pos: p,
            len: i + 1 - p,
        })?;
        Ok((s, i))
    }

    fn quoted(&mut self, space: bool) -> Result<(), LexError> {
        let p = self.pos;
        // Without escapes the string is its text: no unquoting, no copy.
        let plain = self.b[p + 1..]
            .iter()
            .position(|&c| matches!(c, b'"' | b'\\' | b'\n'));
        if let Some(n) = plain.filter(|&n| self.b[p + 1 + n] == b'"') {
            self.push(Tok::Str, p, p + n + 2, space);
            self.pos = p + n + 2;
            return Ok(());
        }
        // Escapes are checked here, resolved when the parser takes the string.
        let (_, i) = self.scan_quoted(b'"', "quoted string")?;
        self.push(Tok::Str, p, i + 1, space);
        self.pos = i + 1;
        Ok(())
    }

    fn char_const(&mut self, space: bool) -> Result<(), LexError> {
        let p = self.pos;
        let (s, i) = self.scan_quoted(b'\'', "character constant")?;
        let mut chars = s.chars();
        let (Some(_), None) = (chars.next(), chars.next()) else {
            return self.err(
                format!("malformed character constant: {}", &self.src[p..=i]),
                p,
                i + 1 - p,
            );
        };
        self.push(Tok::Char, p, i + 1, space);
        self.pos = i + 1;
        Ok(())
    }

    fn number(&mut self, space: bool) -> Result<(), LexError> {
        let p = self.pos;
        let b = self.b;
        let mut i = p;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let mut digits: &[u8] = b"0123456789_";
        let mut exp: &[u8] = b"eE";
        if b.get(i) == Some(&b'0') {
            match b.get(i + 1) {
                Some(b'x' | b'X') => {
                    i += 2;
                    digits = b"0123456789abcdefABCDEF_";
                    exp = b"pP";
                }
                Some(b'o' | b'O') => {
                    i += 2;
                    digits = b"01234567_";
                    exp = b"";
                }
                Some(b'b' | b'B') => {
                    i += 2;
                    digits = b"01_";
                    exp = b"";
                }
                _ => {}
            }
        }
        while b.get(i).is_some_and(|c| digits.contains(c)) {
            i += 1;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            while b.get(i).is_some_and(|c| digits.contains(c)) {
                i += 1;
            }
        }
        if b.get(i).is_some_and(|c| exp.contains(c)) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
                i += 1;
            }
        }
        if b.get(i) == Some(&b'i') {
            i += 1;
        }
        let text = &self.src[p..i];
        if i < b.len() && is_alnum(self.src[i..].chars().next().unwrap_or(' ')) {
            let end = self.src[i..]
                .char_indices()
                .find(|(_, c)| !is_alnum(*c))
                .map(|(j, _)| i + j)
                .unwrap_or(b.len());
            return self.err(
                format!("bad number syntax: \"{}\"", &self.src[p..end]),
                p,
                end - p,
            );
        }
        if text == "+" || text == "-" {
            return self.err(format!("bad number syntax: \"{text}\""), p, 1);
        }
        self.push(Tok::Number, p, i, space);
        self.pos = i;
        Ok(())
    }
}

/// Go's `%#U` of a character in lexer errors: `U+002D '-'`.
fn go_char(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

/// Go's `strconv.Unquote` of the inside of a double-quoted (or single-quoted) literal.
pub fn unquote(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err("invalid syntax".into());
        };
        match e {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|_| "invalid syntax".to_string())?;
                if hex.len() != n {
                    return Err("invalid syntax".into());
                }
                if e == 'x' {
                    // A byte; kept as the char of that value when it is ASCII.
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                } else {
                    out.push(char::from_u32(v).ok_or_else(|| "invalid syntax".to_string())?);
                }
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars
                        .next()
                        .and_then(|c| c.to_digit(8))
                        .ok_or_else(|| "invalid syntax".to_string())?;
                    v = v * 8 + d;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            _ => return Err(format!("invalid syntax: unknown escape \\{e}")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    /// The tokens with what each names or holds: `Field(a)`, `Str(q\n)`.
    fn words(src: &str) -> Vec<String> {
        lex(src)
            .unwrap()
            .into_iter()
            .map(|t| match t.tok {
                Tok::Ident | Tok::Field | Tok::Variable | Tok::Number => {
                    format!("{:?}({})", t.tok, t.name(src))
                }
                Tok::Str => format!("Str({})", t.string(src)),
                Tok::Char => format!("Char({})", t.char_value(src)),
                other => format!("{other:?}"),
            })
            .collect()
    }

    /// The texts between actions, as their spans show them.
    fn texts(src: &str) -> Vec<&str> {
        lex(src)
            .unwrap()
            .into_iter()
            .filter(|t| t.tok == Tok::Text)
            .map(|t| &src[t.pos..t.end])
            .collect()
    }

    #[test]
    fn trim_markers_remove_neighbouring_whitespace() {
        assert_eq!(
            words("a  \n{{- 1 -}}\n  b"),
            [
                "Text",
                "LeftDelim",
                "Number(1)",
                "RightDelim",
                "Text",
                "Eof"
            ]
        );
        assert_eq!(texts("a  \n{{- 1 -}}\n  b"), ["a", "b"]);
        assert_eq!(texts("a  \n{{ 1 }}\n  b"), ["a  \n", "\n  b"]);
        // `{{-3}}` is the number -3, not a trim marker.
        assert_eq!(words("{{-3}}")[1], "Number(-3)");
    }

    #[test]
    fn comments_vanish_and_may_trim() {
        assert_eq!(
            toks("a {{- /* c\n d */ -}} b"),
            vec![Tok::Text, Tok::Text, Tok::Eof]
        );
        assert_eq!(texts("a {{- /* c\n d */ -}} b"), ["a", "b"]);
        assert_eq!(
            lex("{{/* x */ 1}}").unwrap_err().message,
            "comment ends before closing delimiter"
        );
        assert_eq!(lex("{{/* x").unwrap_err().message, "unclosed comment");
    }

    #[test]
    fn literals_fields_variables() {
        let t = words("{{ $x.a .b.c \"q\\n\" `r\naw` 'a' 0x1F 1_000 1e6 .5 (nil) | f := = , }}");
        assert_eq!(
            &t[1..t.len() - 2],
            &[
                "Variable($x)",
                "Field(a)",
                "Field(b)",
                "Field(c)",
                "Str(q\n)",
                "Str(r\naw)",
                "Char(97)",
                "Number(0x1F)",
                "Number(1_000)",
                "Number(1e6)",
                "Number(.5)",
                "LParen",
                "Nil",
                "RParen",
                "Pipe",
                "Ident(f)",
                "Declare",
                "Assign",
                "Comma",
            ]
        );
    }

    #[test]
    fn unicode_names_plain_strings_and_lone_braces() {
        // Identifiers continue through non-ASCII letters and digits, and stop at anything else.
        let src = "{ a } {{ $ñandú.Größe ünïcode9 \"plain\" \"esc\\\"aped\" }}{";
        let all = lex(src).unwrap();
        assert_eq!((&all[0].tok, all[0].pos, all[0].end), (&Tok::Text, 0, 6));
        let t = words(src);
        assert_eq!(
            &t[2..t.len() - 3],
            &[
                "Variable($ñandú)",
                "Field(Größe)",
                "Ident(ünïcode9)",
                "Str(plain)",
                "Str(esc\"aped)",
            ]
        );
        assert_eq!(t[t.len() - 2], "Text");
        assert_eq!(
            lex("{{ .a€ }}").unwrap_err().message,
            "bad character U+20AC '€'"
        );
        assert_eq!(
            lex("{{ \"a\nb\" }}").unwrap_err().message,
            "unterminated quoted string"
        );
    }

    #[test]
    fn lexer_errors() {
        assert_eq!(
            lex("{{ .a-b }}").unwrap_err().message,
            "bad character U+002D '-'"
        );
        assert_eq!(
            lex("{{ \"abc }}").unwrap_err().message,
            "unterminated quoted string"
        );
        assert_eq!(lex("{{ 1 ").unwrap_err().message, "unclosed action");
        assert_eq!(
            lex("{{ 12ab }}").unwrap_err().message,
            "bad number syntax: \"12ab\""
        );
    }
}
