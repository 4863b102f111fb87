//! The `--set` family grammar (Helm's `strvals`), written from its documented behaviour.
//!
//! A flag is `key=value` pairs separated by `,`. A key is a path of names separated by `.`,
//! each name optionally followed by list indexes `[N]` (`a.b[0][1].c`). A backslash escapes
//! the next character in keys and values (`dotted\.key`, `a\,b`); everything after the first
//! `=` is the value, up to the next unescaped `,`. `{x,y}` is a list. Setting `list[3]` on a
//! shorter list fills the gap with nulls; indexes are limited to 65536 and names to 30 levels
//! of nesting.
//!
//! Flags are applied into one map shared by all flags (the merged `-f` files first), so a later
//! flag overwrites what an earlier one set, and a path through an existing non-map value is an
//! error, as in Helm.
//!
//! How the value text is turned into a value depends on the flag:
//! - `--set`: `true`/`false`/`null` in any case become bool/null; `0` and decimal integers without
//!   a leading zero that fit in 64 bits become integers; everything else stays a string.
//! - `--set-string`: always a string.
//! - `--set-file`: the text of the file the value names.
//! - `--set-json`: a JSON value (an empty value is null); the whole flag may also be one JSON object.
//! - `--set-literal`: one pair only; the key has no escapes and the value is everything after the
//!   first `=`, commas and backslashes included.
//!
//! kiln is stricter than Helm where Helm silently drops the rest of a flag: a key ending in `.`
//! (`a.`), an unclosed index (`a[0`) and a trailing lone backslash are errors. Error texts are
//! kiln's own and name the key and the trouble (`key "a" has no value`).

use crate::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

/// Helm's limit on list indexes.
pub const MAX_INDEX: usize = 65536;
/// Helm's limit on how many `.`-separated names a key may have beyond the first.
pub const MAX_NESTING: usize = 30;

/// Which `--set` flag a text came from: decides how values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: values with type inference.
    Typed,
    /// `--set-string`: values kept as strings.
    String,
    /// `--set-file`: values are paths whose file text becomes the value.
    File,
    /// `--set-json`: values are JSON.
    Json,
    /// `--set-literal`: one key, the rest of the text verbatim as a string.
    Literal,
}

impl SetKind {
    /// The command-line flag, for messages.
    pub fn flag(self) -> &'static str {
        match self {
            SetKind::Typed => "--set",
            SetKind::String => "--set-string",
            SetKind::File => "--set-file",
            SetKind::Json => "--set-json",
            SetKind::Literal => "--set-literal",
        }
    }
}

/// Applies one flag's text to `dest`, reading `--set-file` paths with `read_file`.
pub fn apply(
    kind: SetKind,
    text: &str,
    dest: &mut Map<String, Value>,
    read_file: &mut dyn FnMut(&str) -> std::result::Result<String, String>,
) -> Result<()> {
    let fail = |msg: String| {
        Error::new(
            ErrorKind::SetFlag,
            format!("cannot parse {} {:?}: {msg}", kind.flag(), text),
        )
    };
    if kind == SetKind::Json {
        let trimmed = text.trim();
        if trimmed.starts_with('{') {
            // The whole flag is one JSON object, merged over what is there.
            let obj: Map<String, Value> = serde_json::from_str(trimmed)
                .map_err(|e| fail(format!("invalid JSON object: {e}")))?;
            super::merge::merge_maps(dest, obj);
            return Ok(());
        }
    }
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        kind,
        read_file,
    };
    loop {
        match parser.key(dest, 0) {
            Ok(Flow::Next) => continue,
            Ok(Flow::End) => return Ok(()),
            Err(msg) => return Err(fail(msg)),
        }
    }
}

/// Parses one flag into a fresh map (for tests and `--set` previews).
pub fn parse(kind: SetKind, text: &str) -> Result<Value> {
    let mut map = Map::new();
    apply(kind, text, &mut map, &mut |p| {
        std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))
    })?;
    Ok(Value::Object(map))
}

/// Helm's type inference for `--set` values.
pub fn typed_value(text: &str) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0i64);
    }
    // Decimal integers that fit in 64 bits and do not start with `0` (so `007` stays a string).
    if !text.is_empty()
        && !text.starts_with('0')
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'+' || b == b'-')
    {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    Value::String(text.to_string())
}

/// What the caller of [`Parser::key`] does next.
enum Flow {
    /// A pair was read; read the next one.
    Next,
    /// The text is used up.
    End,
}

/// What stopped a scan: one of the stop characters, or the end of the text.
type Stop = Option<char>;

struct Parser<'f> {
    chars: Vec<char>,
    pos: usize,
    kind: SetKind,
    read_file: &'f mut dyn FnMut(&str) -> std::result::Result<String, String>,
}

type PResult<T> = std::result::Result<T, String>;

impl Parser<'_> {
    fn escapes(&self) -> bool {
        self.kind != SetKind::Literal
    }

    /// Reads up to (and consumes) the first unescaped stop character.
    fn until(&mut self, stops: &[char]) -> PResult<(String, Stop)> {
        let mut out = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if stops.contains(&c) {
                return Ok((out, Some(c)));
            }
            if c == '\\' && self.escapes() {
                match self.chars.get(self.pos) {
                    Some(&next) => {
                        self.pos += 1;
                        out.push(next);
                    }
                    None => return Err("the text ends with a lone '\\'".to_string()),
                }
            } else {
                out.push(c);
            }
        }
        Ok((out, None))
    }

    fn key_stops(&self) -> &'static [char] {
        if self.kind == SetKind::Literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        }
    }

    fn key(&mut self, data: &mut Map<String, Value>, level: usize) -> PResult<Flow> {
        let (name, stop) = self.until(self.key_stops())?;
        match stop {
            None if name.is_empty() => Ok(Flow::End),
            None => Err(format!("key {name:?} has no value")),
            Some(',') => Err(format!("key {name:?} has no value (cannot end with ,)")),
            Some('[') => {
                let index = self.index()?;
                let mut list = match data.get_mut(&name) {
                    None => Vec::new(),
                    Some(Value::Array(list)) => std::mem::take(list),
                    Some(other) => {
                        return Err(format!("key {name:?} is {}, not a list", type_name(other)))
                    }
                };
                let result = self.list_item(&mut list, index, level);
                set(data, &name, Value::Array(list));
                result
            }
            Some('.') => {
                let level = level + 1;
                if level > MAX_NESTING {
                    return Err(format!(
                        "the key is nested more than the maximum of {MAX_NESTING} levels"
                    ));
                }
                let mut inner = match data.get_mut(&name) {
                    None => Map::new(),
                    Some(Value::Object(map)) => std::mem::take(map),
                    Some(other) => {
                        return Err(format!("key {name:?} is {}, not a map", type_name(other)))
                    }
                };
                let result = self.key(&mut inner, level);
                let empty = inner.is_empty();
                // An empty map is only put back where one was.
                if !empty || data.contains_key(&name) {
                    set(data, &name, Value::Object(inner));
                }
                // Stricter than Helm, which ignores a key ending in `.` (`a.`).
                match result {
                    Ok(_) if empty => Err(format!("key map {name:?} has no value")),
                    other => other,
                }
            }
            Some(_) => {
                // '='
                let value = self.value()?;
                set(data, &name, value);
                Ok(Flow::Next)
            }
        }
    }

    /// Reads `N]` after a `[`.
    fn index(&mut self) -> PResult<usize> {
        let (text, stop) = self.until(&[']'])?;
        if stop.is_none() {
            return Err(format!("list index [{text} is not closed with ']'"));
        }
        let n: i64 = text
            .parse()
            .map_err(|_| format!("list index [{text}] is not an integer"))?;
        if n < 0 {
            return Err(format!("negative list index [{n}] is not allowed"));
        }
        if n as u64 > MAX_INDEX as u64 {
            return Err(format!(
                "list index [{n}] is greater than the maximum of {MAX_INDEX}"
            ));
        }
        Ok(n as usize)
    }

    /// Whatever follows `[i]`: `=value`, `.key…` or another `[j]`.
    fn list_item(&mut self, list: &mut Vec<Value>, i: usize, level: usize) -> PResult<Flow> {
        let (rest, stop) = self.until(&['[', '.', '='])?;
        if !rest.is_empty() {
            return Err(format!("unexpected data at end of array index: {rest:?}"));
        }
        match stop {
            // `noval[0]`: Helm leaves the list as it is.
            None => Ok(Flow::End),
            Some('=') => {
                let value = self.value()?;
                set_index(list, i, value);
                Ok(Flow::Next)
            }
            Some('[') => {
                let j = self.index()?;
                let mut inner = match list.get_mut(i) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(l)) => std::mem::take(l),
                    Some(other) => {
                        return Err(format!(
                            "list item [{i}] is {}, not a list",
                            type_name(other)
                        ))
                    }
                };
                let result = self.list_item(&mut inner, j, level)?;
                set_index(list, i, Value::Array(inner));
                Ok(result)
            }
            Some(_) => {
                // '.': a map inside the list; a non-map item is replaced.
                let mut inner = match list.get_mut(i) {
                    Some(Value::Object(m)) => std::mem::take(m),
                    _ => Map::new(),
                };
                let result = self.key(&mut inner, level)?;
                set_index(list, i, Value::Object(inner));
                Ok(result)
            }
        }
    }

    /// Reads the value after `=` and consumes the `,` that ends it.
    fn value(&mut self) -> PResult<Value> {
        match self.kind {
            SetKind::Literal => {
                let rest: String = self.chars[self.pos..].iter().collect();
                self.pos = self.chars.len();
                Ok(Value::String(rest))
            }
            SetKind::Json => self.json_value(),
            _ => {
                if self.chars.get(self.pos) == Some(&'{') {
                    self.pos += 1;
                    return self.list_value();
                }
                let (text, _) = self.until(&[','])?;
                self.scalar(&text)
            }
        }
    }

    /// Turns one value text into a value, according to the flag.
    fn scalar(&mut self, text: &str) -> PResult<Value> {
        Ok(match self.kind {
            SetKind::Typed => typed_value(text),
            SetKind::File => Value::String((self.read_file)(text)?),
            _ => Value::String(text.to_string()),
        })
    }

    /// `{a,b,c}` after the `{`.
    fn list_value(&mut self) -> PResult<Value> {
        let mut items = Vec::new();
        loop {
            let (text, stop) = self.until(&[',', '}'])?;
            match stop {
                None => return Err("a list must end with '}'".to_string()),
                Some(',') => items.push(self.scalar(&text)?),
                Some(_) => {
                    items.push(self.scalar(&text)?);
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    return Ok(Value::Array(items));
                }
            }
        }
    }

    /// Skips blanks; true if the value ends here (`,` consumed, or the end of the text).
    fn empty_value(&mut self) -> bool {
        while let Some(&c) = self.chars.get(self.pos) {
            if c == ',' {
                self.pos += 1;
                return true;
            }
            if !c.is_whitespace() {
                return false;
            }
            self.pos += 1;
        }
        true
    }

    fn json_value(&mut self) -> PResult<Value> {
        if self.empty_value() {
            return Ok(Value::Null);
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(format!("invalid JSON value: {e}")),
            None => return Ok(Value::Null),
        };
        let used = rest[..stream.byte_offset()].chars().count();
        self.pos += used;
        self.empty_value();
        Ok(value)
    }
}

/// Sets a key; an empty key is ignored, as in Helm.
fn set(data: &mut Map<String, Value>, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), value);
    }
}

/// Sets a list item, filling a gap with nulls.
fn set_index(list: &mut Vec<Value>, i: usize, value: Value) {
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = value;
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(text: &str) -> Value {
        parse(SetKind::Typed, text).unwrap()
    }

    fn err(kind: SetKind, text: &str) -> String {
        parse(kind, text).unwrap_err().message().to_string()
    }

    #[test]
    fn type_inference() {
        assert_eq!(typed_value("TRUE"), json!(true));
        assert_eq!(typed_value("fAlse"), json!(false));
        assert_eq!(typed_value("Null"), json!(null));
        assert_eq!(typed_value("0"), json!(0));
        assert_eq!(typed_value("42"), json!(42));
        assert_eq!(typed_value("-42"), json!(-42));
        assert_eq!(typed_value("+7"), json!(7));
        assert_eq!(typed_value("9223372036854775807"), json!(i64::MAX));
        for s in [
            "007",
            "1.5",
            "1e3",
            "0x1F",
            "12345678901234567890",
            "",
            "00",
            "1_000",
            " 1",
            "yes",
            "~",
        ] {
            assert_eq!(typed_value(s), json!(s), "{s:?}");
        }
    }

    #[test]
    fn paths_and_pairs() {
        assert_eq!(set("a.b.c=1,d=x"), json!({"a": {"b": {"c": 1}}, "d": "x"}));
        assert_eq!(set("a.b=1,a.c=2"), json!({"a": {"b": 1, "c": 2}}));
        assert_eq!(set("a=1,a=2"), json!({"a": 2}));
        assert_eq!(set("a=,b=2"), json!({"a": "", "b": 2}));
        assert_eq!(set("a="), json!({"a": ""}));
        assert_eq!(set("a=1,"), json!({"a": 1}));
        assert_eq!(set("a=x=y"), json!({"a": "x=y"}));
    }

    #[test]
    fn escapes() {
        assert_eq!(set(r"a\.b=1"), json!({"a.b": 1}));
        assert_eq!(set(r"a=x\,y,b=2"), json!({"a": "x,y", "b": 2}));
        assert_eq!(set(r"a\=b=c"), json!({"a=b": "c"}));
        assert_eq!(set(r"a=c\\d"), json!({"a": r"c\d"}));
        assert_eq!(set(r"a={x\,y,z}"), json!({"a": ["x,y", "z"]}));
    }

    #[test]
    fn lists() {
        assert_eq!(set("a={x,1,true}"), json!({"a": ["x", 1, true]}));
        assert_eq!(set("a={x},b=2"), json!({"a": ["x"], "b": 2}));
        assert_eq!(set("a={}"), json!({"a": [""]}));
        assert_eq!(set("a[0]=x,a[1]=y"), json!({"a": ["x", "y"]}));
        assert_eq!(set("a[2]=x"), json!({"a": [null, null, "x"]}));
        assert_eq!(set("a[1].b=1,a[0].c=2"), json!({"a": [{"c": 2}, {"b": 1}]}));
        assert_eq!(set("a[0]=1,a[0].b=2"), json!({"a": [{"b": 2}]}));
        assert_eq!(set("a[1][1]=1"), json!({"a": [null, [null, 1]]}));
        assert_eq!(set("a[0][0]=1,a[0][1]=2"), json!({"a": [[1, 2]]}));
        assert_eq!(set("a.b[1]=x"), json!({"a": {"b": [null, "x"]}}));
        assert_eq!(set("noval[0]"), json!({"noval": []}));
        assert_eq!(
            set(&format!("a[{MAX_INDEX}]=1"))["a"]
                .as_array()
                .unwrap()
                .len(),
            MAX_INDEX + 1
        );
    }

    #[test]
    fn set_string_file_literal_json() {
        assert_eq!(
            parse(SetKind::String, "a=true,b=1,c=null").unwrap(),
            json!({"a": "true", "b": "1", "c": "null"})
        );
        assert_eq!(
            parse(SetKind::String, "a={1,x}").unwrap(),
            json!({"a": ["1", "x"]})
        );
        assert_eq!(
            parse(SetKind::Literal, r"a.b=x,y=z\n{1}").unwrap(),
            json!({"a": {"b": r"x,y=z\n{1}"}})
        );
        assert_eq!(
            parse(SetKind::Literal, r"a\b=1").unwrap(),
            json!({r"a\b": "1"})
        );
        assert_eq!(
            parse(SetKind::Literal, "l[1]=a,b").unwrap(),
            json!({"l": [null, "a,b"]})
        );
        assert_eq!(
            parse(SetKind::Json, r#"a={"x":[1,"y"]},b=2 ,c=null,d=,e="s""#).unwrap(),
            json!({"a": {"x": [1, "y"]}, "b": 2, "c": null, "d": null, "e": "s"})
        );
        assert_eq!(
            parse(SetKind::Json, r#"l[1]={"k":1}"#).unwrap(),
            json!({"l": [null, {"k": 1}]})
        );
        assert_eq!(
            parse(SetKind::Json, r#" {"a":{"b":1}}"#).unwrap(),
            json!({"a": {"b": 1}})
        );
        let mut map = Map::new();
        apply(SetKind::File, "a=one,b={two}", &mut map, &mut |p| {
            Ok(format!("text of {p}"))
        })
        .unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"a": "text of one", "b": ["text of two"]})
        );
    }

    #[test]
    fn into_existing_values() {
        let mut map = json!({"a": {"x": 1}, "l": [1, 2, 3]})
            .as_object()
            .unwrap()
            .clone();
        let mut no_files = |_: &str| -> std::result::Result<String, String> { unreachable!() };
        apply(SetKind::Typed, "a.y=2,l[1]=B", &mut map, &mut no_files).unwrap();
        assert_eq!(
            Value::Object(map.clone()),
            json!({"a": {"x": 1, "y": 2}, "l": [1, "B", 3]})
        );
        let e = apply(SetKind::Typed, "l.x=1", &mut map, &mut no_files).unwrap_err();
        assert!(
            e.message().contains(r#"key "l" is a list, not a map"#),
            "{e}"
        );
        let e = apply(SetKind::Typed, "a[0]=1", &mut map, &mut no_files).unwrap_err();
        assert!(
            e.message().contains(r#"key "a" is a map, not a list"#),
            "{e}"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            err(SetKind::Typed, "a"),
            r#"cannot parse --set "a": key "a" has no value"#
        );
        assert_eq!(
            err(SetKind::Typed, "a,b=1"),
            r#"cannot parse --set "a,b=1": key "a" has no value (cannot end with ,)"#
        );
        assert!(err(SetKind::Typed, "a=1,,b=2").contains(r#"key "" has no value"#));
        assert!(err(SetKind::Typed, "a.b").contains(r#"key "b" has no value"#));
        assert!(err(SetKind::Typed, "a.=1").contains(r#"key map "a" has no value"#));
        assert!(err(SetKind::Typed, "a={1,2").contains("a list must end with '}'"));
        assert!(err(SetKind::Typed, "a[-1]=x").contains("negative list index [-1]"));
        assert!(err(SetKind::Typed, "a[x]=x").contains("list index [x] is not an integer"));
        assert!(err(SetKind::Typed, "a[1=x").contains("not closed"));
        assert!(err(SetKind::Typed, "a[1]x=1")
            .contains(r#"unexpected data at end of array index: "x""#));
        assert!(err(SetKind::Typed, &format!("a[{}]=1", MAX_INDEX + 1))
            .contains("greater than the maximum of 65536"));
        assert!(err(SetKind::Typed, r"a=b\").contains("lone"));
        assert!(err(SetKind::Json, "a={x").contains("invalid JSON value"));
        assert!(err(SetKind::Json, "{x").contains("invalid JSON object"));
        assert!(err(SetKind::Literal, "abc").contains(r#"key "abc" has no value"#));
        let deep = |n: usize| format!("{}=1", vec!["k"; n].join("."));
        assert!(parse(SetKind::Typed, &deep(MAX_NESTING + 1)).is_ok());
        assert!(err(SetKind::Typed, &deep(MAX_NESTING + 2)).contains("maximum of 30 levels"));
        let mut failing =
            |p: &str| -> std::result::Result<String, String> { Err(format!("{p}: not found")) };
        let e = apply(SetKind::File, "a=nope.txt", &mut Map::new(), &mut failing).unwrap_err();
        assert_eq!(
            e.message(),
            r#"cannot parse --set-file "a=nope.txt": nope.txt: not found"#
        );
        assert_eq!(e.kind(), ErrorKind::SetFlag);
    }
}
