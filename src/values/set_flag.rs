//! The `--set` family grammar, with Helm's `strvals` semantics.
//!
//! ```text
//! flag   := pair ( "," pair )*            (--set-literal: exactly one pair)
//! pair   := path "=" value
//! path   := name ( "." name | "[" index "]" )*
//! value  := "{" item ( "," item )* "}"   a list
//!         | text                          up to the next unescaped ","
//! ```
//!
//! `\` escapes the next character in names and values (`a\.b`, `x\,y`), except in
//! `--set-literal`, which reads everything after the first `=` verbatim. A list index past the
//! end pads the list with nulls; indexes above 65536 and paths deeper than 30 names are errors.
//! kiln's own budgets (see [`crate::budget`]) also bound a path to 64 levels, names and indexes
//! together (Helm lets `a[0][0][0]…` recurse without end), and all flags of one command to
//! 1,048,576 list items created, padding included.
//! A path through a key that already holds a scalar is an error, as in Helm (`--set a=1,a.b=2`).
//!
//! Values are typed as Helm types them: `true`/`false`/`null` in any case are a bool or null,
//! `0` and decimal integers without a leading zero that fit in 64 bits are integers, every other
//! text (`1.5`, `007`, `1e3`, `0x1F`, the empty string) is a string. `--set-string` keeps every
//! value a string, `--set-file` reads the named file, `--set-json` parses a JSON value.

use crate::budget;
use crate::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

/// The largest list index a flag may set.
pub const MAX_INDEX: i64 = budget::SET_MAX_INDEX;
/// The deepest path (counted in `.` separators) a flag may set.
pub const MAX_NESTING: usize = budget::SET_MAX_NESTING;

/// What the flags of one command have used of the `--set` budgets that span flags.
#[derive(Debug, Default, Clone)]
pub struct SetBudget {
    /// List items created so far (padding nulls included).
    pub list_items: usize,
}

/// Which flag a set line came from; decides how values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// `--set`: typed values.
    Set,
    /// `--set-string`: every value a string.
    SetString,
    /// `--set-file`: the value is a path, the file's text becomes the value.
    SetFile,
    /// `--set-json`: values are JSON.
    SetJson,
    /// `--set-literal`: one pair, the value verbatim.
    SetLiteral,
}

impl FlagKind {
    /// The flag as spelled on the command line.
    pub fn flag_name(self) -> &'static str {
        match self {
            FlagKind::Set => "--set",
            FlagKind::SetString => "--set-string",
            FlagKind::SetFile => "--set-file",
            FlagKind::SetJson => "--set-json",
            FlagKind::SetLiteral => "--set-literal",
        }
    }
}

/// Reads the file a `--set-file` value names; returns its text or an error message.
pub type FileReader<'a> = dyn FnMut(&str) -> std::result::Result<String, String> + 'a;

/// Parses one flag argument and sets its values into `dest` (later pairs win).
///
/// `read_file` is only called for [`FlagKind::SetFile`].
pub fn parse_into(
    kind: FlagKind,
    flag: &str,
    dest: &mut Map<String, Value>,
    read_file: &mut FileReader<'_>,
) -> Result<()> {
    parse_into_budgeted(kind, flag, dest, read_file, &mut SetBudget::default())
}

/// [`parse_into`] for one flag of many: `used` carries the budgets that span all flags of a
/// command ([`budget::SET_MAX_LIST_ITEMS`]).
pub fn parse_into_budgeted(
    kind: FlagKind,
    flag: &str,
    dest: &mut Map<String, Value>,
    read_file: &mut FileReader<'_>,
    used: &mut SetBudget,
) -> Result<()> {
    let mut parser = Parser {
        chars: flag.chars().collect(),
        pos: 0,
        kind,
        read_file,
        depth: 0,
        list_items: used.list_items,
    };
    loop {
        parser.depth = 0;
        let step = parser.key(dest, 0);
        used.list_items = parser.list_items;
        match step {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::NotList) => unreachable!("NotList never leaves val_list's caller"),
            Err(Stop::Msg(msg)) => {
                return Err(Error::new(
                    ErrorKind::SetFlag,
                    format!("{} {:?}: {msg}", kind.flag_name(), shown_flag(flag)),
                ))
            }
        }
    }
}

/// A flag as an error message quotes it: values of keys named like a password, token or key
/// redacted, and cut to [`crate::budget::SNIPPET_WIDTH`] characters.
fn shown_flag(flag: &str) -> String {
    let parts: Vec<String> = flag
        .split(',')
        .map(|part| match part.split_once('=') {
            Some((key, _)) => {
                let last = key.rsplit('.').next().unwrap_or(key);
                let name = last.split('[').next().unwrap_or(last);
                if crate::error::is_secret_key(name) {
                    format!("{key}={}", crate::error::REDACTED)
                } else {
                    part.to_string()
                }
            }
            None => part.to_string(),
        })
        .collect();
    let shown = parts.join(",");
    let width = crate::budget::SNIPPET_WIDTH;
    if shown.chars().count() > width {
        let cut: String = shown.chars().take(width).collect();
        format!("{cut}…")
    } else {
        shown
    }
}

/// Parses one flag argument into a fresh map (a convenience for tests and tools).
pub fn parse(kind: FlagKind, flag: &str) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    parse_into(kind, flag, &mut out, &mut |path: &str| {
        crate::fs::read_user_text(std::path::Path::new(path), path)
            .map_err(|e| e.message().to_string())
    })?;
    Ok(out)
}

/// Types a `--set` value as Helm does (see the module docs).
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
    // Helm parses base 10 with an optional sign, but only when the text does not start with 0.
    if !text.is_empty() && !text.starts_with('0') {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    Value::String(text.to_string())
}

/// Why parsing of the current pair stopped.
#[derive(Debug)]
enum Stop {
    /// The input ended (a normal end when nothing is pending).
    Eof,
    /// The value is not a `{...}` list (internal to `=` handling).
    NotList,
    /// A real error, shown to the user.
    Msg(String),
}

fn msg(text: impl Into<String>) -> Stop {
    Stop::Msg(text.into())
}

type Step<T> = std::result::Result<T, Stop>;

struct Parser<'a, 'r> {
    chars: Vec<char>,
    pos: usize,
    kind: FlagKind,
    read_file: &'a mut FileReader<'r>,
    /// Levels (names and indexes) of the current path.
    depth: usize,
    /// List items created by this command's flags so far.
    list_items: usize,
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

fn set(data: &mut Map<String, Value>, key: &str, value: Value) {
    // Helm silently ignores an empty key (`=1`, `.a=1`).
    if !key.is_empty() {
        data.insert(key.to_string(), value);
    }
}

fn set_index(
    mut list: Vec<Value>,
    index: i64,
    value: Value,
    created: &mut usize,
) -> Step<Vec<Value>> {
    if index < 0 {
        return Err(msg(format!("negative index {index} not allowed")));
    }
    if index > MAX_INDEX {
        return Err(msg(format!(
            "index {index} is greater than the maximum supported index of {MAX_INDEX}"
        )));
    }
    let index = index as usize;
    if list.len() <= index {
        *created += index + 1 - list.len();
        if *created > budget::SET_MAX_LIST_ITEMS {
            return Err(msg(format!(
                "the flags create more than {} list items in total (index {index} pads its list with nulls): exceeds kiln's --set list budget; put large lists in a values file (-f)",
                budget::thousands(budget::SET_MAX_LIST_ITEMS as u64)
            )));
        }
        list.resize(index + 1, Value::Null);
    }
    list[index] = value;
    Ok(list)
}

impl Parser<'_, '_> {
    fn literal(&self) -> bool {
        self.kind == FlagKind::SetLiteral
    }

    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos -= 1;
    }

    /// Reads up to (and consumes) the first character in `stop`; `None` as the stop means the
    /// input ended. `\` escapes the next character except in `--set-literal`.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        loop {
            match self.read() {
                None => return (out, None),
                Some(c) if stop.contains(&c) => return (out, Some(c)),
                Some('\\') if !self.literal() => match self.read() {
                    None => return (out, None),
                    Some(next) => out.push(next),
                },
                Some(c) => out.push(c),
            }
        }
    }

    /// The rest of the input, verbatim.
    fn rest(&mut self) -> String {
        let out: String = self.chars[self.pos..].iter().collect();
        self.pos = self.chars.len();
        out
    }

    fn key(&mut self, data: &mut Map<String, Value>, level: usize) -> Step<()> {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.until(stop);
        match last {
            None if key.is_empty() => Err(Stop::Eof),
            None => Err(msg(format!("key {key:?} has no value"))),
            Some('[') => {
                let index = self.key_index()?;
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(Value::Array(list)) => list.clone(),
                    Some(other) => {
                        return Err(msg(format!(
                            "key {key:?} is {}, not a list",
                            type_name(other)
                        )))
                    }
                };
                match self.list_item(list.clone(), index, level) {
                    Ok(list) => {
                        set(data, &key, Value::Array(list));
                        Ok(())
                    }
                    Err(Stop::Eof) => {
                        // `a[0]` with nothing after: Helm keeps (or creates) the list unchanged.
                        set(data, &key, Value::Array(list));
                        Err(Stop::Eof)
                    }
                    Err(e) => Err(e),
                }
            }
            Some('=') => {
                let value = self.value()?;
                match value {
                    Some(v) => {
                        set(data, &key, v);
                        Ok(())
                    }
                    None => {
                        // `a=` at the very end: the empty string.
                        set(data, &key, Value::String(String::new()));
                        Err(Stop::Eof)
                    }
                }
            }
            Some(',') => Err(msg(format!("key {key:?} has no value (cannot end with ,)"))),
            Some('.') => {
                self.descend()?;
                let level = level + 1;
                if level > MAX_NESTING {
                    return Err(msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTING}"
                    )));
                }
                let mut inner = match data.get(&key) {
                    None => Map::new(),
                    Some(Value::Object(map)) => map.clone(),
                    Some(other) => {
                        return Err(msg(format!(
                            "key {key:?} is {}, not a map",
                            type_name(other)
                        )))
                    }
                };
                let result = self.key(&mut inner, level);
                if result.is_ok() && inner.is_empty() {
                    return Err(msg(format!("key map {key:?} has no value")));
                }
                if !inner.is_empty() {
                    set(data, &key, Value::Object(inner));
                }
                result
            }
            Some(other) => unreachable!("stop character {other:?}"),
        }
    }

    /// Enters one more level of the path, within [`budget::SET_MAX_PATH_DEPTH`].
    fn descend(&mut self) -> Step<()> {
        self.depth += 1;
        if self.depth > budget::SET_MAX_PATH_DEPTH {
            return Err(msg(format!(
                "the path is more than {} levels deep (names and [N] indexes together): exceeds kiln's --set depth budget; put deep structures in a values file (-f)",
                budget::SET_MAX_PATH_DEPTH
            )));
        }
        Ok(())
    }

    /// Reads `N]` after a `[`.
    fn key_index(&mut self) -> Step<i64> {
        self.descend()?;
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err(msg(format!("list index {text:?} has no closing ]")));
        }
        text.parse::<i64>()
            .map_err(|_| msg(format!("list index {text:?} is not an integer")))
    }

    /// Reads what follows `[i]` and sets it into `list` at `i`.
    fn list_item(&mut self, list: Vec<Value>, index: i64, level: usize) -> Step<Vec<Value>> {
        if index < 0 {
            return Err(msg(format!("negative index {index} not allowed")));
        }
        let (rest, last) = self.until(&['[', '.', '=']);
        if !rest.is_empty() {
            return Err(msg(format!(
                "unexpected data at end of array index: {rest:?}"
            )));
        }
        match last {
            None => Err(Stop::Eof),
            Some('=') => match self.value()? {
                Some(v) => set_index(list, index, v, &mut self.list_items),
                None => set_index(
                    list,
                    index,
                    Value::String(String::new()),
                    &mut self.list_items,
                ),
            },
            Some('[') => {
                let next = self.key_index()?;
                let current = match list.get(index as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(inner)) => inner.clone(),
                    Some(other) => {
                        return Err(msg(format!(
                            "list item {index} is {}, not a list",
                            type_name(other)
                        )))
                    }
                };
                let inner = self.list_item(current, next, level)?;
                set_index(list, index, Value::Array(inner), &mut self.list_items)
            }
            Some('.') => {
                self.descend()?;
                // Helm replaces an item that is not a map (out-of-order indexes fill with null).
                let mut inner = match list.get(index as usize) {
                    Some(Value::Object(map)) => map.clone(),
                    _ => Map::new(),
                };
                self.key(&mut inner, level)?;
                set_index(list, index, Value::Object(inner), &mut self.list_items)
            }
            Some(other) => unreachable!("stop character {other:?}"),
        }
    }

    /// Reads the value after `=`. `Ok(None)`: the input ended right after the `=`.
    fn value(&mut self) -> Step<Option<Value>> {
        match self.kind {
            FlagKind::SetLiteral => Ok(Some(Value::String(self.rest()))),
            FlagKind::SetJson => self.json_value().map(Some),
            _ => match self.val_list() {
                Ok(list) => Ok(Some(Value::Array(list))),
                Err(Stop::Eof) => Ok(None),
                Err(Stop::NotList) => {
                    let (text, _) = self.until(&[',']);
                    self.convert(&text).map(Some)
                }
                Err(e) => Err(e),
            },
        }
    }

    /// Reads one JSON value; blanks then `,` or the end mean null.
    fn json_value(&mut self) -> Step<Value> {
        if self.empty_val() {
            return Ok(Value::Null);
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(msg(format!("invalid JSON value: {e}"))),
            None => return Ok(Value::Null),
        };
        let used = rest[..stream.byte_offset()].chars().count();
        self.pos += used;
        self.empty_val();
        Ok(value)
    }

    /// Skips blanks; true (and consumes the `,`) when a `,` or the end follows.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// Reads a `{a,b}` list, or reports that the value is not one.
    fn val_list(&mut self) -> Step<Vec<Value>> {
        match self.read() {
            None => return Err(Stop::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(Stop::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return Err(msg("list must terminate with '}'")),
                Some('}') => {
                    // A `,` right after the list is consumed; anything else starts the next pair.
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.unread();
                        }
                    }
                    list.push(self.convert(&text)?);
                    return Ok(list);
                }
                _ => list.push(self.convert(&text)?),
            }
        }
    }

    /// Turns value text into a value for this flag kind.
    fn convert(&mut self, text: &str) -> Step<Value> {
        match self.kind {
            FlagKind::Set => Ok(typed_value(text)),
            FlagKind::SetFile => (self.read_file)(text).map(Value::String).map_err(Stop::Msg),
            _ => Ok(Value::String(text.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(kind: FlagKind, s: &str) -> Value {
        Value::Object(parse(kind, s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    fn set(s: &str) -> Value {
        p(FlagKind::Set, s)
    }

    fn err(kind: FlagKind, s: &str) -> String {
        match parse(kind, s) {
            Ok(v) => panic!("{s} parsed to {v:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::SetFlag);
                e.message().to_string()
            }
        }
    }

    #[test]
    fn paths_and_pairs() {
        assert_eq!(set("a=1"), json!({"a": 1}));
        assert_eq!(
            set("a.b.c=x,d=y"),
            json!({"a": {"b": {"c": "x"}}, "d": "y"})
        );
        assert_eq!(set("a.b=1,a.c=2"), json!({"a": {"b": 1, "c": 2}}));
        assert_eq!(set("a=1,"), json!({"a": 1}));
        assert_eq!(set("a="), json!({"a": ""}));
        assert_eq!(set("a=,b=2"), json!({"a": "", "b": 2}));
        assert_eq!(set("a=x=y"), json!({"a": "x=y"}));
        assert_eq!(set("=1"), json!({}));
        assert_eq!(set(""), json!({}));
    }

    #[test]
    fn escapes() {
        assert_eq!(set(r"a\.b=1"), json!({"a.b": 1}));
        assert_eq!(set(r"a=x\,y"), json!({"a": "x,y"}));
        assert_eq!(set(r"a\=b=c"), json!({"a=b": "c"}));
        assert_eq!(set(r"a=\{x\}"), json!({"a": "{x}"}));
        assert_eq!(set(r"a={x\,y,z}"), json!({"a": ["x,y", "z"]}));
    }

    #[test]
    fn lists() {
        assert_eq!(set("a={x,1,true}"), json!({"a": ["x", 1, true]}));
        assert_eq!(set("a={x},b=2"), json!({"a": ["x"], "b": 2}));
        assert_eq!(set("a={}"), json!({"a": [""]}));
        assert_eq!(set("a[0]=x"), json!({"a": ["x"]}));
        assert_eq!(set("a[2]=x"), json!({"a": [null, null, "x"]}));
        assert_eq!(set("a[1]=x,a[0]=y"), json!({"a": ["y", "x"]}));
        assert_eq!(set("a[0].b=1,a[0].c=2"), json!({"a": [{"b": 1, "c": 2}]}));
        assert_eq!(set("a[1][1]=x"), json!({"a": [null, [null, "x"]]}));
        assert_eq!(set("a[0]={x,y}"), json!({"a": [["x", "y"]]}));
        assert_eq!(set("a[0]"), json!({"a": []}));
        assert_eq!(set("a[0]="), json!({"a": [""]}));
        assert_eq!(set("a.b[1]=2"), json!({"a": {"b": [null, 2]}}));
    }

    #[test]
    fn typing() {
        for (text, want) in [
            ("true", json!(true)),
            ("TRUE", json!(true)),
            ("False", json!(false)),
            ("null", json!(null)),
            ("Null", json!(null)),
            ("0", json!(0)),
            ("42", json!(42)),
            ("-5", json!(-5)),
            ("+5", json!(5)),
            ("-007", json!(-7)),
            ("9223372036854775807", json!(9223372036854775807i64)),
            ("12345678901234567890", json!("12345678901234567890")),
            ("007", json!("007")),
            ("00", json!("00")),
            ("1.5", json!("1.5")),
            ("1e3", json!("1e3")),
            ("0x1F", json!("0x1F")),
            ("1_000", json!("1_000")),
            (" 1", json!(" 1")),
            ("yes", json!("yes")),
            ("", json!("")),
        ] {
            assert_eq!(typed_value(text), want, "{text:?}");
        }
        assert_eq!(set("a=00,b=1.0"), json!({"a": "00", "b": "1.0"}));
    }

    #[test]
    fn string_flag_keeps_strings() {
        assert_eq!(
            p(FlagKind::SetString, "a=1,b=true,c=null,d={1,2}"),
            json!({"a": "1", "b": "true", "c": "null", "d": ["1", "2"]})
        );
    }

    #[test]
    fn literal_flag_takes_the_rest_verbatim() {
        assert_eq!(
            p(FlagKind::SetLiteral, r"a.b=x,y=z\,{1}"),
            json!({"a": {"b": r"x,y=z\,{1}"}})
        );
        assert_eq!(
            p(FlagKind::SetLiteral, "a[1]=1,2"),
            json!({"a": [null, "1,2"]})
        );
        // No escapes in literal keys: the backslash stays part of the name.
        assert_eq!(
            p(FlagKind::SetLiteral, r"a\.b=1"),
            json!({"a\\": {"b": "1"}})
        );
        assert_eq!(p(FlagKind::SetLiteral, "a="), json!({"a": ""}));
    }

    #[test]
    fn json_flag() {
        assert_eq!(
            p(FlagKind::SetJson, r#"a={"x":[1,"2",null]},b=true"#),
            json!({"a": {"x": [1, "2", null]}, "b": true})
        );
        assert_eq!(p(FlagKind::SetJson, "a= ,b=1"), json!({"a": null, "b": 1}));
        assert_eq!(p(FlagKind::SetJson, "a=1 , b=2"), json!({"a": 1, " b": 2}));
        assert_eq!(
            p(FlagKind::SetJson, r#"l[1]="s""#),
            json!({"l": [null, "s"]})
        );
        assert_eq!(
            p(FlagKind::SetJson, "a=12345678901234567890"),
            json!({"a": 12345678901234567890u64})
        );
        assert!(err(FlagKind::SetJson, "a={x}").contains("invalid JSON value"));
    }

    #[test]
    fn file_flag_reads_each_value() {
        let mut seen = Vec::new();
        let mut out = Map::new();
        parse_into(
            FlagKind::SetFile,
            "a=one,b={two,three}",
            &mut out,
            &mut |path: &str| {
                seen.push(path.to_string());
                Ok(format!("<{path}>"))
            },
        )
        .unwrap();
        assert_eq!(
            Value::Object(out),
            json!({"a": "<one>", "b": ["<two>", "<three>"]})
        );
        assert_eq!(seen, ["one", "two", "three"]);
        let mut out = Map::new();
        let e = parse_into(FlagKind::SetFile, "a=missing", &mut out, &mut |p: &str| {
            Err(format!("{p}: not found"))
        })
        .unwrap_err();
        assert_eq!(e.message(), r#"--set-file "a=missing": missing: not found"#);
    }

    #[test]
    fn into_existing_values() {
        let mut dest = json!({"a": {"keep": 1, "b": 0}, "l": ["x", "y", "z"]})
            .as_object()
            .cloned()
            .unwrap();
        let mut no_files = |_: &str| -> std::result::Result<String, String> { unreachable!() };
        parse_into(FlagKind::Set, "a.b=2,l[1]=Y", &mut dest, &mut no_files).unwrap();
        assert_eq!(
            Value::Object(dest),
            json!({"a": {"keep": 1, "b": 2}, "l": ["x", "Y", "z"]})
        );
    }

    #[test]
    fn errors() {
        let s = FlagKind::Set;
        assert_eq!(err(s, "a"), r#"--set "a": key "a" has no value"#);
        assert_eq!(
            err(s, "a,b=1"),
            r#"--set "a,b=1": key "a" has no value (cannot end with ,)"#
        );
        assert_eq!(err(s, "a.b"), r#"--set "a.b": key "b" has no value"#);
        assert_eq!(err(s, "a.=1"), r#"--set "a.=1": key map "a" has no value"#);
        assert_eq!(
            err(s, "a={x,y"),
            r#"--set "a={x,y": list must terminate with '}'"#
        );
        assert_eq!(
            err(s, "a[x]=1"),
            r#"--set "a[x]=1": list index "x" is not an integer"#
        );
        assert_eq!(
            err(s, "a[1=1"),
            r#"--set "a[1=1": list index "1=1" has no closing ]"#
        );
        assert_eq!(
            err(s, "a[-1]=1"),
            r#"--set "a[-1]=1": negative index -1 not allowed"#
        );
        assert_eq!(
            err(s, "a[65537]=1"),
            r#"--set "a[65537]=1": index 65537 is greater than the maximum supported index of 65536"#
        );
        assert_eq!(set("a[65536]=1")["a"].as_array().unwrap().len(), 65537);
        assert_eq!(
            err(s, "a[0]x=1"),
            r#"--set "a[0]x=1": unexpected data at end of array index: "x""#
        );
        assert_eq!(
            err(s, "a=1,a.b=2"),
            r#"--set "a=1,a.b=2": key "a" is a number, not a map"#
        );
        assert_eq!(
            err(s, "a=1,a[0]=2"),
            r#"--set "a=1,a[0]=2": key "a" is a number, not a list"#
        );
        assert_eq!(
            err(s, "a=null,a.b=2"),
            r#"--set "a=null,a.b=2": key "a" is null, not a map"#
        );
    }

    #[test]
    fn flags_in_errors_hide_secret_values_and_stay_short() {
        let e = parse(FlagKind::Set, "db.password=hunter2,b[-1]=1").unwrap_err();
        assert_eq!(
            e.message(),
            r#"--set "db.password=<redacted>,b[-1]=1": negative index -1 not allowed"#
        );
        let long = format!("a{}=1", "[0]".repeat(5000));
        let e = parse(FlagKind::Set, &long).unwrap_err();
        assert!(e.message().len() < 400, "{}", e.message());
    }

    #[test]
    fn nesting_limit() {
        let ok = format!("{}=1", vec!["k"; 31].join("."));
        assert!(parse(FlagKind::Set, &ok).is_ok());
        let deep = format!("{}=1", vec!["k"; 32].join("."));
        assert!(err(FlagKind::Set, &deep)
            .contains("nested level is greater than maximum supported nested level of 30"));
    }

    #[test]
    fn index_chains_are_bounded() {
        // Thousands of `[0]` used to recurse until the stack overflowed.
        let deep = format!("a{}=1", "[0]".repeat(8000));
        assert!(
            err(FlagKind::Set, &deep).contains("more than 64 levels deep"),
            "{}",
            err(FlagKind::Set, &deep)
        );
        let ok = format!("a{}=1", "[0]".repeat(64));
        assert!(parse(FlagKind::Set, &ok).is_ok());
        let mixed = format!("a{}=1", ".b[0]".repeat(33));
        assert!(err(FlagKind::Set, &mixed).contains("more than 64 levels deep"));
    }

    #[test]
    fn list_items_are_budgeted_across_flags() {
        let mut dest = Map::new();
        let mut used = SetBudget::default();
        let mut no_files = |_: &str| -> std::result::Result<String, String> { unreachable!() };
        let mut last = Ok(());
        for i in 0..200 {
            last = parse_into_budgeted(
                FlagKind::Set,
                &format!("a{i}[65536]=1"),
                &mut dest,
                &mut no_files,
                &mut used,
            );
            if last.is_err() {
                assert_eq!(i, 15, "65,537 items per flag: the 16th passes 1,048,576");
                break;
            }
        }
        let e = last.unwrap_err().to_string();
        assert!(e.contains("more than 1,048,576 list items"), "{e}");
        // Setting the same list again creates nothing new.
        let mut used = SetBudget::default();
        for _ in 0..200 {
            parse_into_budgeted(
                FlagKind::Set,
                "a[65536]=1",
                &mut dest,
                &mut no_files,
                &mut used,
            )
            .unwrap();
        }
    }
}
