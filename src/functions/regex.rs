//! sprig's `regex*` functions with Go's RE2 syntax and Go's `regexp` results.
//!
//! Patterns are translated where the regex crate reads Go syntax differently: Go's `\d`, `\w`, `\s`
//! and `\b` are ASCII-only (the regex crate's are Unicode), and `\Q…\E` quotes a literal. Replacement
//! templates (`$1`, `${name}`, `$$`, and `$1x` naming the group `1x`) follow the same rules in both.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Compiles a Go pattern (cached: templates call the same ones for every object). The error is the
/// text Go's `regexp.Compile` gives, prefixed as `MustCompile` panics with it.
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, regex::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let re = regex::RegexBuilder::new(&translate(pattern))
        .size_limit(1 << 22)
        .build()
        .map_err(|e| {
            let detail = match &e {
                regex::Error::Syntax(text) => text
                    .lines()
                    .rev()
                    .find(|l| l.starts_with("error:"))
                    .map_or(text.clone(), |l| {
                        l.trim_start_matches("error:").trim().to_owned()
                    }),
                other => other.to_string(),
            };
            format!(
                "regexp: Compile({}): error parsing regexp: {detail}",
                backquote(pattern)
            )
        })?;
    if let Ok(mut c) = cache.lock() {
        if c.len() > 256 {
            c.clear();
        }
        c.insert(pattern.to_owned(), re.clone());
    }
    Ok(re)
}

/// Whether the function `name` takes a pattern as its first argument (the parser notes such
/// patterns written as string constants, so they can be compiled ahead, see [`warm`]).
pub fn takes_pattern_first(name: &str) -> bool {
    PATTERN_FIRST.contains(&name)
}

/// The functions whose first argument is a pattern.
const PATTERN_FIRST: [&str; 12] = [
    "regexMatch",
    "mustRegexMatch",
    "regexFind",
    "mustRegexFind",
    "regexFindAll",
    "mustRegexFindAll",
    "regexReplaceAll",
    "mustRegexReplaceAll",
    "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral",
    "regexSplit",
    "mustRegexSplit",
];

/// Compiles `pattern` into the cache ahead of its use, on a thread that has nothing else to do
/// (a bad pattern is left for the call to report).
pub fn warm(pattern: &str) {
    let _ = compile(pattern);
}

/// Go's `regexp` `quote`: backquoted when possible, else `strconv.Quote`.
fn backquote(s: &str) -> String {
    if s.chars()
        .all(|c| c != '`' && (c == '\t' || !c.is_control()))
    {
        format!("`{s}`")
    } else {
        crate::functions::strings::go_quote(s)
    }
}

/// Rewrites Go-only syntax into the regex crate's.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let class = match (e, in_class) {
                    ('d', false) => Some("[0-9]"),
                    ('D', _) => Some("[^0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('W', _) => Some("[^0-9A-Za-z_]"),
                    ('s', false) => Some("[\\t\\n\\f\\r ]"),
                    ('S', _) => Some("[^\\t\\n\\f\\r ]"),
                    ('d', true) => Some("0-9"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    ('s', true) => Some("\\t\\n\\f\\r "),
                    ('b', false) => Some("(?-u:\\b)"),
                    ('B', false) => Some("(?-u:\\B)"),
                    _ => None,
                };
                if let Some(class) = class {
                    out.push_str(class);
                } else if e == 'Q' {
                    let mut literal = String::new();
                    while let Some(c) = chars.next() {
                        if c == '\\' && chars.peek() == Some(&'E') {
                            chars.next();
                            break;
                        }
                        literal.push(c);
                    }
                    out.push_str(&regex::escape(&literal));
                } else {
                    out.push('\\');
                    out.push(e);
                }
                class_start = false;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A `]` first in a class is a literal in both syntaxes.
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
                continue;
            }
            '[' if in_class => {
                // Go reads `[` inside a class literally (POSIX `[:alpha:]` aside).
                if chars.peek() == Some(&':') {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(c);
            }
            '&' | '~' | '-' if in_class => {
                // The regex crate reads `&&`, `~~` and `--` in classes as set operations.
                if c != '-' && chars.peek() == Some(&c) {
                    out.push('\\');
                    out.push(c);
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
        class_start = false;
    }
    out
}

/// Byte ranges of Go's `FindAllStringIndex(s, n)`: at most `n` matches (all when `n < 0`), an empty
/// match right after a previous match skipped.
pub fn find_all_ranges(re: &regex::Regex, s: &str, n: i64) -> Result<Vec<(usize, usize)>, String> {
    // Each match becomes a string of its own (about 48 bytes with its header).
    const MAX_MATCHES: usize = crate::functions::MAX_RESULT / 48;
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while (n < 0 || (out.len() as i64) < n) && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else {
            break;
        };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            if out.len() == MAX_MATCHES {
                return Err(format!(
                    "more than {MAX_MATCHES} matches, more than kiln allows"
                ));
            }
            out.push((m.start(), m.end()));
        }
    }
    Ok(out)
}

/// sprig's `regexMatch`.
pub fn regex_match(pattern: &str, s: &str) -> Result<bool, String> {
    Ok(compile(pattern)?.is_match(s))
}

/// sprig's `regexFind`: the first match, or "".
pub fn regex_find(pattern: &str, s: &str) -> Result<String, String> {
    let re = compile(pattern)?;
    Ok(re
        .find(s)
        .map_or_else(String::new, |m| m.as_str().to_owned()))
}

/// sprig's `regexFindAll pattern s n`.
pub fn regex_find_all(pattern: &str, s: &str, n: i64) -> Result<Vec<String>, String> {
    let re = compile(pattern)?;
    Ok(find_all_ranges(&re, s, n)?
        .into_iter()
        .map(|(a, b)| s[a..b].to_owned())
        .collect())
}

/// sprig's `regexReplaceAll`: Go's `ReplaceAllString` with `$` expansion.
pub fn regex_replace_all(pattern: &str, s: &str, repl: &str) -> Result<String, String> {
    let re = compile(pattern)?;
    replace_ranges(&re, s, |caps, out| caps.expand(repl, out))
}

/// sprig's `regexReplaceAllLiteral`: the replacement taken as it is.
pub fn regex_replace_all_literal(pattern: &str, s: &str, repl: &str) -> Result<String, String> {
    let re = compile(pattern)?;
    replace_ranges(&re, s, |_, out| out.push_str(repl))
}

fn replace_ranges(
    re: &regex::Regex,
    s: &str,
    mut write: impl FnMut(&regex::Captures<'_>, &mut String),
) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (a, b) in find_all_ranges(re, s, -1)? {
        out.push_str(&s[last..a]);
        if let Some(caps) = re.captures_at(s, a) {
            write(&caps, &mut out);
        }
        last = b;
        if out.len() > crate::functions::MAX_RESULT {
            return Err(format!(
                "the result would be more than {} bytes, more than kiln allows",
                crate::functions::MAX_RESULT
            ));
        }
    }
    out.push_str(&s[last..]);
    Ok(out)
}

/// sprig's `regexSplit pattern s n`: Go's `Regexp.Split`.
pub fn regex_split(pattern: &str, s: &str, n: i64) -> Result<Vec<String>, String> {
    let re = compile(pattern)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(vec![String::new()]);
    }
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in find_all_ranges(&re, s, n)? {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            out.push(s[beg..end].to_owned());
        }
        beg = b;
    }
    if end != s.len() {
        out.push(s[beg..].to_owned());
    }
    Ok(out)
}

/// Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ------------------------------------------------------------------ Go template functions

pub(crate) fn register(map: &mut crate::render::gotmpl::FuncMap) {
    use crate::functions::{call_err, int_arg, str_arg};
    use crate::render::gotmpl::{Arity::Exact, FuncError, Value};
    /// The `must*` forms return `regexp.Compile`'s error, the others panic with `MustCompile`'s.
    fn must(e: String) -> FuncError {
        call_err(
            e.split_once("): ")
                .map_or(e.clone(), |(_, rest)| rest.to_owned()),
        )
    }
    map.add("regexMatch", Exact(2), |_, a| {
        Ok(Value::Bool(
            regex_match(str_arg(&a[0])?, str_arg(&a[1])?).unwrap_or(false),
        ))
    });
    map.add("mustRegexMatch", Exact(2), |_, a| {
        Ok(Value::Bool(
            regex_match(str_arg(&a[0])?, str_arg(&a[1])?).map_err(must)?,
        ))
    });
    map.add("regexFind", Exact(2), |_, a| {
        Ok(Value::from(
            regex_find(str_arg(&a[0])?, str_arg(&a[1])?).map_err(call_err)?,
        ))
    });
    map.add("mustRegexFind", Exact(2), |_, a| {
        Ok(Value::from(
            regex_find(str_arg(&a[0])?, str_arg(&a[1])?).map_err(must)?,
        ))
    });
    map.add("regexFindAll", Exact(3), |_, a| {
        let found = regex_find_all(str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
        Ok(Value::string_list(found.map_err(call_err)?))
    });
    map.add("mustRegexFindAll", Exact(3), |_, a| {
        let found = regex_find_all(str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
        Ok(Value::string_list(found.map_err(must)?))
    });
    map.add("regexReplaceAll", Exact(3), |_, a| {
        let out = regex_replace_all(str_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
        Ok(Value::from(out.map_err(call_err)?))
    });
    map.add("mustRegexReplaceAll", Exact(3), |_, a| {
        let out = regex_replace_all(str_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
        Ok(Value::from(out.map_err(must)?))
    });
    map.add("regexReplaceAllLiteral", Exact(3), |_, a| {
        let out = regex_replace_all_literal(str_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
        Ok(Value::from(out.map_err(call_err)?))
    });
    map.add("mustRegexReplaceAllLiteral", Exact(3), |_, a| {
        let out = regex_replace_all_literal(str_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
        Ok(Value::from(out.map_err(must)?))
    });
    map.add("regexSplit", Exact(3), |_, a| {
        let parts = regex_split(str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
        Ok(Value::string_list(parts.map_err(call_err)?))
    });
    map.add("mustRegexSplit", Exact(3), |_, a| {
        let parts = regex_split(str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
        Ok(Value::string_list(parts.map_err(must)?))
    });
    map.add("regexQuoteMeta", Exact(1), |_, a| {
        Ok(Value::from(quote_meta(str_arg(&a[0])?)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_first_functions_are_the_registered_regex_functions() {
        let mut map = crate::render::gotmpl::FuncMap::new();
        register(&mut map);
        let mut registered: Vec<&str> = map.names().filter(|n| *n != "regexQuoteMeta").collect();
        registered.sort_unstable();
        let mut listed = PATTERN_FIRST.to_vec();
        listed.sort_unstable();
        assert_eq!(registered, listed);
        assert!(takes_pattern_first("mustRegexSplit") && !takes_pattern_first("regexQuoteMeta"));
    }

    // Expected values printed by helm 4.1.4.
    #[test]
    fn go_results_for_find_split_replace() {
        assert_eq!(regex_find_all("a*", "baaab", -1).unwrap(), ["", "aaa", ""]);
        assert_eq!(regex_split("a*", "baaab", -1).unwrap(), ["b", "b"]);
        assert_eq!(regex_split(",", "", -1).unwrap(), [""]);
        assert_eq!(regex_split("", "abc", -1).unwrap(), ["a", "b", "c"]);
        assert_eq!(regex_split(",", "a,b,c", 2).unwrap(), ["a", "b,c"]);
        assert_eq!(regex_find_all("\\d", "1٣2", -1).unwrap(), ["1", "2"]);
        assert_eq!(
            regex_replace_all("(a)(?P<x>b)", "abab", "$1x-${x}-$2").unwrap(),
            "-b-b-b-b"
        );
        assert_eq!(
            regex_replace_all_literal("a", "banana", "$1").unwrap(),
            "b$1n$1n$1"
        );
        assert_eq!(quote_meta("a.b-c#d"), "a\\.b-c#d");
        assert_eq!(regex_find("[a-c]+", "xxabcx").unwrap(), "abc");
        assert!(regex_match("^\\w+$", "abc_1").unwrap());
        assert!(!regex_match("^\\w+$", "é").unwrap());
        assert!(regex_match("\\Qa.b\\E", "xa.b").unwrap());
        assert!(regex_match("[[:alpha:]]", "x").unwrap());
    }

    #[test]
    fn compile_errors_read_like_go() {
        let err = regex_find("(", "a").unwrap_err();
        assert!(
            err.starts_with("regexp: Compile(`(`): error parsing regexp: "),
            "{err}"
        );
    }
}
