//! xstrings' word casing as sprig exposes it: `camelcase` (xstrings 1.5 `ToPascalCase`),
//! `snakecase`, `kebabcase`.

/// sprig's `kebabcase` (xstrings `ToKebabCase`): `HTTPServer` → `http-server`.
pub fn kebabcase(text: &str) -> String {
    to_lower_words(text, '-')
}

/// sprig's `snakecase` (xstrings `ToSnakeCase`): `FirstName` → `first_name`.
pub fn snakecase(text: &str) -> String {
    to_lower_words(text, '_')
}

/// sprig's `camelcase` (xstrings `ToCamelCase`): `http_server` → `HttpServer`.
/// Connectors (`_`, `-`, whitespace) are dropped and the next letter is
/// upper-cased; a run of capitals starting a word is lower-cased after its
/// first letter (`ID` → `Id`); runs of connectors keep all but the last.
pub fn camelcase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = Some(c);
            break;
        }
        out.push(c);
    }
    let Some(first) = r0 else {
        // Only connectors: xstrings writes the last one twice.
        if let Some(last) = text.chars().next_back() {
            out.push(last);
        }
        return out;
    };
    let mut first_upper = first.is_uppercase();
    let mut r0 = upper(first);
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = upper(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

fn is_alphabet(c: char) -> bool {
    // xstrings counts CJK ideographs as "other", not letters.
    c.is_alphabetic() && !matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0x20000..)
}

/// Go's `unicode.IsPunct` (categories P*): exact for ASCII, a table of the
/// common punctuation blocks beyond it.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(c as u32,
        0xa1 | 0xa7 | 0xab | 0xb6 | 0xb7 | 0xbb | 0xbf | 0x37e | 0x387
        | 0x55a..=0x55f | 0x589 | 0x58a | 0x5be | 0x5c0 | 0x5c3 | 0x5c6 | 0x5f3 | 0x5f4
        | 0x609..=0x60d | 0x61b | 0x61e | 0x61f | 0x66a..=0x66d | 0x6d4 | 0x964 | 0x965
        | 0x970 | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205e
        | 0x207d | 0x207e | 0x208d | 0x208e | 0x2308..=0x230b | 0x2329 | 0x232a
        | 0x2768..=0x2775 | 0x27c5 | 0x27c6 | 0x27e6..=0x27ef | 0x2983..=0x2998
        | 0x29d8..=0x29db | 0x29fc | 0x29fd | 0x2e00..=0x2e4f | 0x3001..=0x3003
        | 0x3008..=0x3011 | 0x3014..=0x301f | 0x3030 | 0x303d | 0x30a0 | 0x30fb
        | 0xfe10..=0xfe19 | 0xfe30..=0xfe52 | 0xfe54..=0xfe61 | 0xfe63 | 0xfe68
        | 0xfe6a | 0xfe6b | 0xff01..=0xff03 | 0xff05..=0xff0a | 0xff0c..=0xff0f
        | 0xff1a | 0xff1b | 0xff1f | 0xff20 | 0xff3b..=0xff3d | 0xff3f | 0xff5b
        | 0xff5d | 0xff5f..=0xff65)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type of the next word, the word, and the rest.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, first)) = it.next() else {
        return (Word::Other, "", "");
    };
    let end_while = |it: &mut std::iter::Peekable<std::str::CharIndices>,
                     pred: &dyn Fn(char) -> bool| {
        while let Some(&(_, c)) = it.peek() {
            if !pred(c) {
                break;
            }
            it.next();
        }
        it.peek().map_or(s.len(), |&(i, _)| i)
    };
    let (kind, end) = if is_connector(first) {
        (Word::Connector, end_while(&mut it, &is_connector))
    } else if is_punct(first) {
        (Word::Punct, end_while(&mut it, &is_punct))
    } else if first.is_uppercase() {
        match it.peek().copied() {
            None => (Word::Upper, s.len()),
            Some((_, c)) if c.is_uppercase() => {
                // A run of capitals; `HTTPStatus` splits as `HTTP` + `Status`.
                let mut last_start = 0;
                while let Some(&(i, c)) = it.peek() {
                    if !c.is_uppercase() {
                        break;
                    }
                    last_start = i;
                    it.next();
                }
                match it.peek() {
                    Some(&(_, c)) if is_alphabet(c) => (Word::Upper, last_start),
                    Some(&(i, _)) => (Word::Upper, i),
                    None => (Word::Upper, s.len()),
                }
            }
            Some((_, c)) if is_alphabet(c) => (
                Word::Upper,
                end_while(&mut it, &|c| is_alphabet(c) && !c.is_uppercase()),
            ),
            Some((i, _)) => (Word::Upper, i),
        }
    } else if is_alphabet(first) {
        (
            Word::Alphabet,
            end_while(&mut it, &|c| is_alphabet(c) && !c.is_uppercase()),
        )
    } else if first.is_numeric() {
        (Word::Number, end_while(&mut it, &char::is_numeric))
    } else {
        (
            Word::Other,
            end_while(&mut it, &|c| {
                !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
            }),
        )
    };
    (kind, &s[..end], &s[end..])
}

fn push_lower(out: &mut String, kind: Word, word: &str, connector: char) {
    if kind != Word::Upper && kind != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// xstrings' `camelCaseToLowerCase`, shared by snake and kebab case.
fn to_lower_words(text: &str, connector: char) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    if text.is_empty() {
        return out;
    }
    let (mut wt, mut word, mut remaining) = next_word(text);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Punct && wt != Word::Connector && !word.is_empty() {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let number = word;
                (wt, word, remaining) = next_word(remaining);
                // A number followed by anything but lower-case letters stays
                // with the previous word ("Bld4Floor" → "bld4_floor").
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, number, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                // Lower-case letters after a number: the number starts a
                // new word ("HTTP2xx" → "http_2xx").
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Connector && wt != Word::Punct && !word.is_empty() {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

pub(crate) fn register(map: &mut crate::render::gotmpl::FuncMap) {
    use crate::functions::str_arg;
    use crate::render::gotmpl::{Arity::Exact, Value};
    map.add("camelcase", Exact(1), |_, a| {
        Ok(Value::from(camelcase(str_arg(&a[0])?)))
    });
    map.add("snakecase", Exact(1), |_, a| {
        Ok(Value::from(snakecase(str_arg(&a[0])?)))
    });
    map.add("kebabcase", Exact(1), |_, a| {
        Ok(Value::from(kebabcase(str_arg(&a[0])?)))
    });
}
