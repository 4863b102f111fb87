//! Filters and functions with Helm's meaning and Jinja names, and the
//! YAML-friendly value formatter.
//!
//! | kiln (Jinja)                         | Helm / sprig            |
//! |--------------------------------------|-------------------------|
//! | `v \| toyaml`                        | `toYaml v`              |
//! | `s \| fromyaml`                      | `fromYaml s`            |
//! | `v \| tojson`                        | `toJson v`              |
//! | `s \| fromjson`                      | `fromJson s`            |
//! | `s \| nindent(n)`                    | `nindent n s`           |
//! | `v \| quote`, `v \| squote`          | `quote v`, `squote v`   |
//! | `s \| b64enc`, `s \| b64dec`         | `b64enc s`, `b64dec s`  |
//! | `s \| sha256sum`                     | `sha256sum s`           |
//! | `v \| required(msg)`                 | `required msg v`        |
//! | `s \| trunc(n)`                      | `trunc n s`             |
//! | `s \| trimsuffix(x)`, `trimprefix`   | `trimSuffix x s`, …     |
//! | `ver \| semver_compare(c)`           | `semverCompare c ver`   |
//! | `s \| regex_replace(re, repl)`       | `regexReplaceAll re s repl` |
//! | `s \| regex_match(re)`               | `regexMatch re s`       |
//! | `kebabcase`, `snakecase`, `camelcase`| same names              |
//! | `tpl(text)` / `tpl(text, ctx)`       | `tpl text .`            |
//! | `fail(msg)`                          | `fail msg`              |
//! | `lookup(api, kind, ns, name)`        | `lookup …` (empty map)  |
//!
//! Behaviour copied from Helm (checked with the helm 4 binary), including its
//! odd corners: `fromyaml`/`fromjson` return `{"Error": "…"}` instead of
//! failing, `b64dec` returns Go's error text for bad input, `quote` of a
//! missing value is the empty string, `tojson` escapes `<`, `>`, `&` as
//! `\u003c`… and sorts keys as Go's `json.Marshal` does. Deliberate
//! differences: `trunc` counts characters where Go counts bytes (so it never
//! splits a UTF-8 sequence); integers are never pushed through float64;
//! lists and maps turn into text as compact JSON wherever a string is needed
//! (`quote`, `nindent`, printing), where Go would print `[1 a]` / `map[a:1]`;
//! floats print as minijinja prints them (`1.0`), where Go prints `1`.
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

use base64::Engine as _;
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Output, State, Value};
use sha2::{Digest, Sha256};

use crate::budget;
use crate::render::limits::{self, CappedWriter};
use crate::yaml::{to_yaml, Style};

/// Registers every kiln filter and function on `env` (Jinja's own filters
/// such as `indent`, `default`, `lower`, `replace` stay available; `tojson`
/// is replaced by Helm's variant).
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("toyaml", toyaml);
    env.add_filter("fromyaml", fromyaml);
    env.add_filter("tojson", tojson);
    env.add_filter("fromjson", fromjson);
    env.add_filter("nindent", nindent);
    env.add_filter("quote", quote);
    env.add_filter("squote", squote);
    env.add_filter("b64enc", b64enc);
    env.add_filter("b64dec", b64dec);
    env.add_filter("sha256sum", sha256sum);
    env.add_filter("required", required);
    env.add_filter("trunc", trunc);
    env.add_filter("trimsuffix", trimsuffix);
    env.add_filter("trimprefix", trimprefix);
    env.add_filter("semver_compare", semver_compare);
    env.add_filter("regex_replace", regex_replace);
    env.add_filter("regex_match", regex_match);
    env.add_filter("kebabcase", kebabcase);
    env.add_filter("snakecase", snakecase);
    env.add_filter("camelcase", camelcase);
    env.add_filter("string", string);
    env.add_filter("pprint", pprint);
    env.add_function("tpl", tpl);
    env.add_function("fail", fail);
    env.add_function("lookup", lookup);
}

/// The formatter for `env.set_formatter`: prints values so the result is
/// YAML. Strings and numbers as they are, `true`/`false`, none as `null`,
/// lists and maps as compact JSON (a YAML flow collection). Undefined values
/// go to minijinja's [`minijinja::escape_formatter`], so the strictness
/// checks and the silent undefined of `if` expressions behave as usual.
pub fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::Undefined | ValueKind::String => minijinja::escape_formatter(out, state, value),
        _ => {
            let text = display(value)?;
            out.write_str(&text).map_err(|_| {
                Error::new(
                    ErrorKind::WriteFailure,
                    "could not write the rendered output",
                )
            })
        }
    }
}

/// The text of a value as the formatter prints it (used by every filter that
/// turns a value into a string).
fn display(value: &Value) -> Result<Cow<'_, str>, Error> {
    Ok(match value.kind() {
        ValueKind::Undefined => Cow::Borrowed(""),
        ValueKind::None => Cow::Borrowed("null"),
        ValueKind::Bool => Cow::Borrowed(if value.is_true() { "true" } else { "false" }),
        ValueKind::String => Cow::Borrowed(value.as_str().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => {
            Cow::Owned(serde_json::to_string(&to_json(value)?).map_err(bad_serialization)?)
        }
        _ => Cow::Owned(value.to_string()),
    })
}

fn bad_serialization(e: serde_json::Error) -> Error {
    Error::new(ErrorKind::BadSerialization, e.to_string())
}

/// Fails when `value` nests lists or maps deeper than [`budget::TEMPLATE_VALUE_DEPTH`]; walks
/// the value with its own stack, so the check itself cannot overflow.
fn check_depth(value: &Value) -> Result<(), Error> {
    let mut todo: Vec<(Value, usize)> = vec![(value.clone(), 0)];
    while let Some((v, depth)) = todo.pop() {
        if !matches!(v.kind(), ValueKind::Seq | ValueKind::Map) {
            continue;
        }
        if depth >= budget::TEMPLATE_VALUE_DEPTH {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "value nested more than {} levels deep: exceeds kiln's value depth budget",
                    budget::TEMPLATE_VALUE_DEPTH
                ),
            ));
        }
        let is_map = v.kind() == ValueKind::Map;
        for item in v.try_iter()? {
            let child = if is_map { v.get_item(&item)? } else { item };
            todo.push((child, depth + 1));
        }
    }
    Ok(())
}

/// Jinja's `string`, depth-checked first (minijinja prints nested values recursively).
fn string(value: Value) -> Result<Value, Error> {
    if value.kind() == ValueKind::String {
        return Ok(value);
    }
    check_depth(&value)?;
    Ok(Value::from(value.to_string()))
}

/// Jinja's `pprint`, depth-checked first.
fn pprint(value: Value) -> Result<String, Error> {
    check_depth(&value)?;
    Ok(format!("{value:#?}"))
}

/// Converts a template value into the document model (`serde_json::Value`).
/// Map keys that are not strings are printed; undefined becomes null. Values nested deeper than
/// [`budget::TEMPLATE_VALUE_DEPTH`] (a template can build them with `namespace` in a loop) are an
/// error, not a stack overflow.
pub fn to_json(value: &Value) -> Result<serde_json::Value, Error> {
    to_json_at(value, 0)
}

fn to_json_at(value: &Value, depth: usize) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    if depth > budget::TEMPLATE_VALUE_DEPTH {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "value nested more than {} levels deep: exceeds kiln's value depth budget",
                budget::TEMPLATE_VALUE_DEPTH
            ),
        ));
    }
    Ok(match value.kind() {
        ValueKind::Undefined | ValueKind::None => J::Null,
        ValueKind::Bool => J::Bool(value.is_true()),
        ValueKind::Number => {
            if value.is_integer() {
                if let Ok(i) = i64::try_from(value.clone()) {
                    J::from(i)
                } else if let Ok(u) = u64::try_from(value.clone()) {
                    J::from(u)
                } else {
                    // Integers beyond 64 bits: keep the digits.
                    serde_json::from_str(&value.to_string())
                        .unwrap_or_else(|_| J::String(value.to_string()))
                }
            } else {
                let f = f64::try_from(value.clone())?;
                serde_json::Number::from_f64(f).map_or(J::Null, J::Number)
            }
        }
        ValueKind::String => J::String(value.as_str().unwrap_or_default().to_owned()),
        ValueKind::Bytes => {
            J::String(String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into_owned())
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let mut items = Vec::with_capacity(value.len().unwrap_or(0));
            for item in value.try_iter()? {
                items.push(to_json_at(&item, depth + 1)?);
            }
            J::Array(items)
        }
        ValueKind::Map => {
            let mut map = serde_json::Map::new();
            for key in value.try_iter()? {
                let item = value.get_item(&key)?;
                let key = match key.as_str() {
                    Some(s) => s.to_owned(),
                    None => key.to_string(),
                };
                map.insert(key, to_json_at(&item, depth + 1)?);
            }
            J::Object(map)
        }
        _ => J::String(value.to_string()),
    })
}

// ---------------------------------------------------------------- YAML / JSON

/// Helm's `toYaml`: the emitter's Helm style, trailing newline trimmed.
fn toyaml(value: &Value) -> Result<String, Error> {
    let mut text = to_yaml(&to_json(value)?, Style::Helm);
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}

/// Helm's `fromYaml`: a map, `{}` for an empty document, and `{"Error": …}`
/// (not a failure) when the text is not a YAML mapping. Read with kiln's
/// YAML reader (YAML 1.1 scalars, as Helm).
fn fromyaml(text: &str) -> Value {
    match crate::yaml::parse_document(text, "fromyaml") {
        Ok(serde_json::Value::Object(map)) => Value::from(minijinja::value::Serde(map)),
        Ok(serde_json::Value::Null) => {
            Value::from(std::collections::BTreeMap::<String, Value>::new())
        }
        Ok(other) => error_map(format!(
            "cannot unmarshal {} into a map",
            json_kind_name(&other)
        )),
        Err(e) => error_map(e.message().to_owned()),
    }
}

/// Helm's `fromJson`: like [`fromyaml`], for JSON objects.
fn fromjson(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Value::from(minijinja::value::Serde(map)),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind_name(&other)
        )),
        Err(e) => error_map(e.to_string()),
    }
}

fn json_kind_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn error_map(message: String) -> Value {
    // Parser messages may carry a multi-line snippet; Helm's are one line.
    let first = message.lines().next().unwrap_or_default().to_owned();
    Value::from(std::collections::BTreeMap::from([(
        "Error".to_string(),
        Value::from(first),
    )]))
}

/// Helm's `toJson` (Go's `json.Marshal`): compact, map keys sorted, `<`, `>`,
/// `&`, U+2028 and U+2029 escaped, floats as Go prints them.
fn tojson(value: &Value) -> Result<String, Error> {
    let mut out = String::new();
    crate::yaml::go_json::write(&mut out, &to_json(value)?);
    Ok(out)
}

// -------------------------------------------------------------------- strings

/// sprig's `nindent`: a newline, then every line (empty ones too) indented.
/// The result may not pass [`crate::budget::TEMPLATE_OUTPUT_BYTES`]: it is refused before anything
/// is allocated.
fn nindent(value: &Value, n: i64) -> Result<String, Error> {
    let text = display(value)?;
    let width = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let size = width
        .saturating_mul(lines)
        .saturating_add(text.len())
        .saturating_add(1);
    if size > budget::TEMPLATE_OUTPUT_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "nindent({n}) of {lines} line(s) would make {} bytes of text: exceeds kiln's template output budget of {}",
                budget::thousands(size as u64),
                budget::bytes(budget::TEMPLATE_OUTPUT_BYTES)
            ),
        ));
    }
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(text.len() + pad.len() * 4 + 1);
    out.push('\n');
    out.push_str(&pad);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    Ok(out)
}

/// sprig's `quote`: Go's `%q` of the value's text; a missing or none value gives "".
fn quote(value: &Value) -> Result<String, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    let text = display(value)?;
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    Ok(out)
}

/// An approximation of Go's `unicode.IsPrint`: no control, format or
/// separator characters except the ASCII space.
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff | 0xd800..=0xdfff | 0xf0000..)
}

/// sprig's `squote`: the value's text in single quotes, nothing escaped.
fn squote(value: &Value) -> Result<String, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    Ok(format!("'{}'", display(value)?))
}

fn b64enc(value: &Value) -> Result<String, Error> {
    Ok(base64::engine::general_purpose::STANDARD.encode(display(value)?.as_bytes()))
}

/// sprig's `b64dec`: on bad input it returns Go's error text, not an error.
fn b64dec(text: &str) -> String {
    match go_base64_decode(text.as_bytes()) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(at) => format!("illegal base64 data at input byte {at}"),
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n`
/// skipped, non-zero trailing bits accepted. The error is the byte offset Go reports.
fn go_base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    fn sextet(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let skip_newlines = |si: &mut usize| {
        while *si < src.len() && (src[*si] == b'\n' || src[*si] == b'\r') {
            *si += 1;
        }
    };
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut buf = [0u8; 4];
        let mut j = 0;
        let mut dlen = 4;
        let mut done = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = sextet(c) {
                buf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    skip_newlines(&mut si);
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            skip_newlines(&mut si);
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            done = true;
            break;
        }
        let n = (u32::from(buf[0]) << 18)
            | (u32::from(buf[1]) << 12)
            | (u32::from(buf[2]) << 6)
            | u32::from(buf[3]);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if done {
            return Ok(out);
        }
    }
}

fn sha256sum(value: &Value) -> Result<String, Error> {
    let digest = Sha256::digest(display(value)?.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

/// Helm's `required`: fails with exactly `message` when the value is
/// missing, none or the empty string; passes it through otherwise.
fn required(value: Value, message: &str) -> Result<Value, Error> {
    if value.is_undefined() || value.is_none() || value.as_str() == Some("") {
        return Err(Error::new(ErrorKind::InvalidOperation, message.to_owned()));
    }
    Ok(value)
}

/// sprig's `trunc`: the first `n` characters, or with a negative `n` the last `-n`.
fn trunc(value: &Value, n: i64) -> Result<String, Error> {
    let text = display(value)?;
    let count = text.chars().count() as i64;
    let out = if n < 0 && count + n > 0 {
        text.chars().skip((count + n) as usize).collect()
    } else if n >= 0 && count > n {
        text.chars().take(n as usize).collect()
    } else {
        text.into_owned()
    };
    Ok(out)
}

fn trimsuffix(text: &str, suffix: &str) -> String {
    text.strip_suffix(suffix).unwrap_or(text).to_owned()
}

fn trimprefix(text: &str, prefix: &str) -> String {
    text.strip_prefix(prefix).unwrap_or(text).to_owned()
}

// -------------------------------------------------------------------- regexes

/// Compiled patterns, kept because templates call the same ones for every object.
fn compiled(pattern: &str) -> Result<regex::Regex, Error> {
    static CACHE: OnceLock<Mutex<HashMap<String, regex::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let re = regex::Regex::new(pattern).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("error parsing regexp: {e}"),
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

/// sprig's `regexReplaceAll`: `$1`, `${1}`, `$name` and `$$` in the
/// replacement, as Go's `ReplaceAllString` (the regex crate uses the same syntax).
fn regex_replace(text: &str, pattern: &str, replacement: &str) -> Result<String, Error> {
    Ok(compiled(pattern)?
        .replace_all(text, replacement)
        .into_owned())
}

/// sprig's `regexMatch`: whether the pattern matches anywhere in the text.
fn regex_match(text: &str, pattern: &str) -> Result<bool, Error> {
    Ok(compiled(pattern)?.is_match(text))
}

// --------------------------------------------------------------------- semver

/// sprig's `semverCompare`: `version | semver_compare(constraint)` checks the
/// version against a Masterminds/semver v3 constraint.
///
/// Constraint syntax: alternatives joined by `||`; within one, comparisons
/// separated by spaces or commas; operators `=`, `!=`, `>`, `<`, `>=`, `=>`,
/// `<=`, `=<`, `~`, `~>`, `^` (none means `=`); versions may be partial or
/// use `x`/`X`/`*` wildcards (`1.x`, `~1.2`); `1.2 - 1.4.5` is a range.
/// Masterminds rules kept: a version with a pre-release only satisfies an
/// AND group in which some comparison names a pre-release (`>= 1.30.0-0`
/// admits `v1.30.2-eks-1`, `>=1.30.0` does not), missing parts are wildcards (`>1.2` needs 1.3+), build
/// metadata is ignored. (The semver crate's `VersionReq` follows Cargo's
/// rules, which differ, so only its version parts are used here.)
fn semver_compare(version: &str, constraint: &str) -> Result<bool, Error> {
    let groups = parse_constraint(constraint)?;
    let v = parse_version(version)
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "invalid semantic version"))?;
    Ok(groups.iter().any(|all| {
        // One comparison naming a pre-release admits pre-releases for its whole group.
        let with_pre = all.iter().any(|c| !c.v.pre.is_empty());
        all.iter().all(|c| c.check(&v, with_pre))
    }))
}

/// Whether `version` satisfies a Masterminds-style constraint (`>=1.30.0-0`,
/// `^1.2`, `~1.2`, `1.x`, `>=1.2 <2`, alternatives with `||`): the check
/// behind `semver_compare`, and Helm's check of Chart.yaml `kubeVersion`.
pub fn semver_satisfies(version: &str, constraint: &str) -> Result<bool, String> {
    semver_compare(version, constraint).map_err(|e| e.detail().unwrap_or_default().to_owned())
}

#[derive(Debug, Clone)]
struct SemVer {
    major: u64,
    minor: u64,
    patch: u64,
    pre: semver::Prerelease,
}

impl SemVer {
    fn cmp(&self, other: &SemVer) -> std::cmp::Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| self.pre.cmp(&other.pre))
    }
}

/// Masterminds' loose `NewVersion`: optional `v`, one to three numeric
/// parts, optional `-prerelease` and `+build`.
fn parse_version(text: &str) -> Option<SemVer> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (text, build) = match text.split_once('+') {
        Some((t, b)) => (t, Some(b)),
        None => (text, None),
    };
    if let Some(b) = build {
        semver::BuildMetadata::new(b).ok()?;
    }
    let (core, pre) = match text.split_once('-') {
        Some((c, p)) => (c, semver::Prerelease::new(p).ok()?),
        None => (text, semver::Prerelease::EMPTY),
    };
    let mut parts = core.split('.');
    let mut num = |required: bool| -> Option<Option<u64>> {
        match parts.next() {
            None if !required => Some(None),
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                Some(Some(p.parse().ok()?))
            }
            _ => None,
        }
    };
    let major = num(true)??;
    let minor = num(false)?.unwrap_or(0);
    let patch = num(false)?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    Some(SemVer {
        major,
        minor,
        patch,
        pre,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Comparison {
    op: Op,
    v: SemVer,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn improper(constraint: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("improper constraint: {constraint}"),
    )
}

fn parse_constraint(constraint: &str) -> Result<Vec<Vec<Comparison>>, Error> {
    let mut groups = Vec::new();
    for alternative in constraint.split("||") {
        let tokens: Vec<&str> = alternative
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() {
            return Err(improper(constraint));
        }
        let mut all = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            // `A - B` hyphen range.
            if i + 2 < tokens.len() && tokens[i + 1] == "-" && !starts_with_op(tokens[i]) {
                all.push(parse_comparison(&format!(">={}", tokens[i]), constraint)?);
                all.push(parse_comparison(
                    &format!("<={}", tokens[i + 2]),
                    constraint,
                )?);
                i += 3;
                continue;
            }
            // An operator separated from its version by spaces (`>= 1.30.0-0`).
            if is_op(tokens[i]) && i + 1 < tokens.len() {
                all.push(parse_comparison(
                    &format!("{}{}", tokens[i], tokens[i + 1]),
                    constraint,
                )?);
                i += 2;
                continue;
            }
            all.push(parse_comparison(tokens[i], constraint)?);
            i += 1;
        }
        groups.push(all);
    }
    Ok(groups)
}

const OPS: [(&str, Op); 11] = [
    ("!=", Op::Ne),
    (">=", Op::Ge),
    ("=>", Op::Ge),
    ("<=", Op::Le),
    ("=<", Op::Le),
    ("~>", Op::Tilde),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

fn is_op(token: &str) -> bool {
    OPS.iter().any(|(s, _)| *s == token)
}

fn starts_with_op(token: &str) -> bool {
    OPS.iter().any(|(s, _)| token.starts_with(s))
}

fn parse_comparison(token: &str, constraint: &str) -> Result<Comparison, Error> {
    let (op, rest) = OPS
        .iter()
        .find_map(|(s, op)| token.strip_prefix(s).map(|rest| (*op, rest)))
        .unwrap_or((Op::Eq, token));
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    // Split off `-pre` / `+build` from the numeric part (wildcards allowed there).
    let split = rest.find(['-', '+']).unwrap_or(rest.len());
    let (core, tail) = rest.split_at(split);
    let parts: Vec<&str> = core.split('.').collect();
    let is_x = |p: &str| matches!(p, "x" | "X" | "*");
    let valid = |p: &str| is_x(p) || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if parts.len() > 3 || !parts.iter().all(|p| valid(p)) {
        return Err(improper(constraint));
    }
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let text = if is_x(parts[0]) {
        dirty = true;
        format!("0.0.0{tail}")
    } else if parts.len() < 2 || is_x(parts[1]) {
        dirty = true;
        minor_dirty = true;
        format!("{}.0.0{tail}", parts[0])
    } else if parts.len() < 3 || is_x(parts[2]) {
        dirty = true;
        patch_dirty = true;
        format!("{}.{}.0{tail}", parts[0], parts[1])
    } else {
        rest.to_owned()
    };
    let v = parse_version(&text).ok_or_else(|| improper(constraint))?;
    Ok(Comparison {
        op,
        v,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Comparison {
    fn check(&self, v: &SemVer, with_pre: bool) -> bool {
        use std::cmp::Ordering::*;
        let c = &self.v;
        // A pre-release version only satisfies a group that names one.
        if !with_pre && !v.pre.is_empty() {
            return false;
        }
        match self.op {
            Op::Eq if self.dirty => self.tilde(v),
            Op::Eq => v.cmp(c) == Equal,
            Op::Ne => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if self.minor_dirty {
                        return false;
                    }
                    if c.minor != v.minor {
                        return true;
                    }
                    if self.patch_dirty {
                        return false;
                    }
                }
                v.cmp(c) != Equal
            }
            Op::Gt => {
                if !self.dirty {
                    return v.cmp(c) == Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.cmp(c) == Greater
            }
            Op::Lt => v.cmp(c) == Less,
            Op::Ge => v.cmp(c) != Less,
            Op::Le => {
                if !self.dirty {
                    return v.cmp(c) != Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => {
                if v.cmp(c) == Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                v.patch == c.patch
            }
        }
    }

    fn tilde(&self, v: &SemVer) -> bool {
        let c = &self.v;
        if v.cmp(c) == std::cmp::Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        self.minor_dirty || v.minor == c.minor
    }
}

// ----------------------------------------------------------------- casing

/// sprig's `kebabcase` (xstrings `ToKebabCase`): `HTTPServer` → `http-server`.
fn kebabcase(text: &str) -> String {
    to_lower_words(text, '-')
}

/// sprig's `snakecase` (xstrings `ToSnakeCase`): `FirstName` → `first_name`.
fn snakecase(text: &str) -> String {
    to_lower_words(text, '_')
}

/// sprig's `camelcase` (xstrings `ToCamelCase`): `http_server` → `HttpServer`.
/// Connectors (`_`, `-`, whitespace) are dropped and the next letter is
/// upper-cased; a run of capitals starting a word is lower-cased after its
/// first letter (`ID` → `Id`); runs of connectors keep all but the last.
fn camelcase(text: &str) -> String {
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

// ------------------------------------------------------------------ functions

/// The context names `tpl` passes on when it is given no context.
const TPL_CONTEXT: [&str; 6] = [
    "Values",
    "Release",
    "Chart",
    "Capabilities",
    "Template",
    "Files",
];

/// Attached (as `source()`) to errors raised inside `tpl` text, so the caller
/// can show the tpl text in its snippet: the error's line and range point
/// into [`TplSource::text`], and its name is [`TplSource::name`].
#[derive(Debug, Clone)]
pub struct TplSource {
    /// The name the tpl text was rendered under: `<template>:tpl`.
    pub name: String,
    /// The tpl text itself.
    pub text: String,
}

impl std::fmt::Display for TplSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "in tpl text rendered by {}", self.name)
    }
}

impl std::error::Error for TplSource {}

thread_local! {
    /// How many `tpl` calls are running on this thread, one inside the other.
    static TPL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Decrements [`TPL_DEPTH`] when a `tpl` call ends, however it ends.
struct TplLevel;

impl TplLevel {
    fn enter() -> Result<TplLevel, Error> {
        let depth = TPL_DEPTH.get();
        if depth >= budget::TEMPLATE_TPL_DEPTH {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "tpl nested more than {} levels deep (text rendered by tpl calls tpl again): exceeds kiln's tpl depth budget; does the text render itself?",
                    budget::TEMPLATE_TPL_DEPTH
                ),
            ));
        }
        TPL_DEPTH.set(depth + 1);
        Ok(TplLevel)
    }
}

impl Drop for TplLevel {
    fn drop(&mut self) {
        TPL_DEPTH.set(TPL_DEPTH.get().saturating_sub(1));
    }
}

/// Helm's `tpl`: renders `text` as a template with the current context
/// objects (`Values`, `Release`, `Chart`, …), or with `ctx` when given.
///
/// Budgets: the text passes the same checks as a template file; it runs on the fuel that the
/// calling template has left (and what it spends is taken from the caller); `tpl` inside `tpl`
/// text nests at most [`budget::TEMPLATE_TPL_DEPTH`] levels; its output is capped at
/// [`budget::TEMPLATE_OUTPUT_BYTES`].
fn tpl(state: &State, text: &str, ctx: Option<Value>) -> Result<Value, Error> {
    let ctx = match ctx {
        Some(ctx) if !ctx.is_undefined() && !ctx.is_none() => ctx,
        _ => Value::from(
            TPL_CONTEXT
                .iter()
                .filter_map(|name| state.lookup(name).map(|v| (*name, v)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    };
    let name = format!("{}:tpl", state.name());
    // The inner error keeps its place in the tpl text (and the text, as its source); a wrapper
    // without a location takes the place of the `tpl(…)` call in the calling template, so the
    // message can name the value the text came from.
    let with_text = |e: Error| {
        use std::error::Error as _;
        let inner = if e.source().is_some() {
            e
        } else {
            e.with_source(TplSource {
                name: name.clone(),
                text: text.to_owned(),
            })
        };
        let detail = inner.detail().unwrap_or("error in tpl text").to_owned();
        Error::new(inner.kind(), detail).with_source(inner)
    };
    if let Err(e) = limits::check_source(&name, text) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            e.message().to_owned(),
        ));
    }
    let _level = TplLevel::enter()?;
    let mut env = state.env().clone();
    if let Some((_, remaining)) = state.fuel_levels() {
        env.set_fuel(Some(remaining));
    }
    let tmpl = env
        .template_from_named_str(&name, text)
        .map_err(with_text)?;
    let mut writer = CappedWriter::new(budget::TEMPLATE_OUTPUT_BYTES);
    let rendered = tmpl.render_captured_to(ctx, &mut writer);
    if writer.exceeded {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "tpl text prints more than {}: exceeds kiln's template output budget",
                budget::bytes(budget::TEMPLATE_OUTPUT_BYTES)
            ),
        ));
    }
    let captured = rendered.map_err(with_text)?;
    if let Some((consumed, _)) = captured.state().fuel_levels() {
        state.consume_fuel(consumed)?;
    }
    drop(captured);
    let out = String::from_utf8(writer.buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Value::from(out))
}

/// Helm's `fail`: an error whose detail is exactly `message`.
fn fail(message: &str) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message.to_owned()))
}

/// Helm's `lookup` as `helm template` runs it: no cluster, an empty map.
fn lookup(_api_version: &str, _kind: &str, _namespace: &str, _name: &str) -> Value {
    Value::from(std::collections::BTreeMap::<String, Value>::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{context, UndefinedBehavior};

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_formatter(format_value);
        register(&mut env);
        env
    }

    fn render(src: &str, ctx: Value) -> String {
        env().render_str(src, ctx).unwrap()
    }

    fn render_err(src: &str, ctx: Value) -> Error {
        env().render_str(src, ctx).unwrap_err()
    }

    fn values(json: serde_json::Value) -> Value {
        context! { Values => Value::from(minijinja::value::Serde(json)) }
    }

    #[test]
    fn formatter_prints_yaml_friendly_values() {
        let ctx = values(
            serde_json::json!({"t": true, "n": null, "l": [1, "a", {"b": false}], "m": {"z": 1, "a": [null]}, "s": "x", "i": 3, "f": 1.5}),
        );
        assert_eq!(
            render("{{ Values.t }} {{ Values.n }} {{ Values.l }} {{ Values.m }} {{ Values.s }} {{ Values.i }} {{ Values.f }}", ctx),
            r#"true null [1,"a",{"b":false}] {"z":1,"a":[null]} x 3 1.5"#
        );
    }

    #[test]
    fn formatter_still_rejects_missing_values() {
        let err = render_err("{{ Values.missing }}", values(serde_json::json!({})));
        assert_eq!(err.kind(), ErrorKind::UndefinedError);
        // …but a missing value in a truth test or with `default` is fine.
        let ctx = values(serde_json::json!({}));
        assert_eq!(
            render(
                "{% if Values.missing %}x{% endif %}{{ Values.missing | default('d') }}",
                ctx
            ),
            "d"
        );
    }

    #[test]
    fn toyaml_is_helms_text() {
        let ctx = values(
            serde_json::json!({"b": {"on": "yes", "list": ["a", "1.0"]}, "a": "multi\nline\n", "e": {}}),
        );
        assert_eq!(
            render("{{ Values | toyaml }}", ctx.clone()),
            "a: |\n  multi\n  line\nb:\n  list:\n  - a\n  - \"1.0\"\n  \"on\": \"yes\"\ne: {}"
        );
        assert_eq!(
            render("{{ Values.b.list | toyaml | nindent(4) }}", ctx),
            "\n    - a\n    - \"1.0\""
        );
        assert_eq!(
            render("{{ 'abc' | toyaml }}|{{ none | toyaml }}", Value::UNDEFINED),
            "abc|null"
        );
    }

    #[test]
    fn fromyaml_and_fromjson_return_maps_or_error_maps() {
        assert_eq!(
            render(
                "{{ ('a: 1\\nb: [x, on]' | fromyaml).b[1] }}",
                Value::UNDEFINED
            ),
            "true"
        );
        assert_eq!(render("{{ '' | fromyaml }}", Value::UNDEFINED), "{}");
        assert!(render("{{ ('a: [' | fromyaml).Error }}", Value::UNDEFINED).len() > 3);
        assert!(render("{{ ('- a' | fromyaml).Error }}", Value::UNDEFINED).contains("array"));
        assert_eq!(
            render(
                r#"{{ ('{"a": {"b": 2}}' | fromjson).a.b }}"#,
                Value::UNDEFINED
            ),
            "2"
        );
        assert_eq!(
            render("{{ ('[1]' | fromjson).Error }}", Value::UNDEFINED),
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
    }

    #[test]
    fn tojson_matches_go_json_marshal() {
        // Output of `helm template` for the same data.
        let ctx = values(
            serde_json::json!({"j": {"html": "<a href='x'>&amp;</a>", "u": "é\u{2028}", "n": null, "f": 1.5, "i": 3, "z": {"b": 1, "a": 2}}}),
        );
        assert_eq!(
            render("{{ Values.j | tojson }}", ctx),
            r#"{"f":1.5,"html":"\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e","i":3,"n":null,"u":"é\u2028","z":{"a":2,"b":1}}"#
        );
        // helm: toJson "a\bb\fc\x7fd\u2029e\x01'" and toJson [1e-7, 0.000001, 1.5e300, -0.0, 100.0, 0.1]
        assert_eq!(
            tojson(&Value::from("a\u{8}b\u{c}c\u{7f}d\u{2029}e\u{1}'")).unwrap(),
            "\"a\\bb\\fc\u{7f}d\\u2029e\\u0001'\""
        );
        assert_eq!(
            tojson(&Value::from(vec![
                1e-7, 0.000001, 1.5e300, -0.0, 100.0, 0.1
            ]))
            .unwrap(),
            "[1e-7,0.000001,1.5e+300,-0,100,0.1]"
        );
        assert_eq!(crate::yaml::go_json::float(1e21), "1e+21");
        assert_eq!(crate::yaml::go_json::float(1e-7), "1e-7");
        assert_eq!(crate::yaml::go_json::float(1000000.0), "1000000");
        assert_eq!(crate::yaml::go_json::float(0.000001), "0.000001");
        assert_eq!(
            render("{{ [1, 'a'] | tojson }}", Value::UNDEFINED),
            r#"[1,"a"]"#
        );
    }

    #[test]
    fn nindent_pads_every_line() {
        assert_eq!(
            render("{{ 'a\\n\\nb\\n' | nindent(2) }}", Value::UNDEFINED),
            "\n  a\n  \n  b\n  "
        );
        assert_eq!(
            render("x:{{ 'a: 1' | nindent(4) }}", Value::UNDEFINED),
            "x:\n    a: 1"
        );
    }

    #[test]
    fn quote_and_squote_like_sprig() {
        // `quote "a\"b\\c\td\né\u00a0\u200b😀\x01"` in helm:
        assert_eq!(
            quote(&Value::from("a\"b\\c\td\né\u{a0}\u{200b}😀\u{1}")).unwrap(),
            r#""a\"b\\c\td\né\u00a0\u200b😀\x01""#
        );
        assert_eq!(quote(&Value::UNDEFINED).unwrap(), "");
        assert_eq!(quote(&Value::from(())).unwrap(), "");
        assert_eq!(quote(&Value::from(true)).unwrap(), "\"true\"");
        assert_eq!(quote(&Value::from(1.5)).unwrap(), "\"1.5\"");
        assert_eq!(squote(&Value::from("it's")).unwrap(), "'it's'");
        assert_eq!(squote(&Value::UNDEFINED).unwrap(), "");
        assert_eq!(
            render(
                "{{ Values.x | quote }}",
                values(serde_json::json!({"x": 8080}))
            ),
            "\"8080\""
        );
    }

    #[test]
    fn base64_and_sha256() {
        assert_eq!(
            render("{{ 'hello' | b64enc }}", Value::UNDEFINED),
            "aGVsbG8="
        );
        assert_eq!(b64dec("aGVsbG8="), "hello");
        assert_eq!(b64dec("aGVs\nbG8="), "hello");
        // Go's error texts, as helm prints them.
        assert_eq!(b64dec("!!notb64"), "illegal base64 data at input byte 0");
        assert_eq!(b64dec("aGVsbG8"), "illegal base64 data at input byte 4");
        assert_eq!(b64dec("aGVsbG8=x"), "illegal base64 data at input byte 8");
        assert_eq!(b64dec(""), "");
        assert_eq!(
            render("{{ 'abc' | sha256sum }}", Value::UNDEFINED),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn required_fails_with_the_message_only() {
        let ctx = values(serde_json::json!({"empty": "", "zero": 0, "f": false, "n": null}));
        for expr in ["Values.missing", "Values.empty", "Values.n"] {
            let err = render_err(
                &format!("{{{{ {expr} | required('set it!') }}}}"),
                ctx.clone(),
            );
            assert_eq!(err.detail(), Some("set it!"), "{expr}");
            assert_eq!(err.line(), Some(1));
        }
        assert_eq!(
            render(
                "{{ Values.zero | required('x') }} {{ Values.f | required('x') }}",
                ctx
            ),
            "0 false"
        );
    }

    #[test]
    fn fail_and_lookup() {
        let err = render_err("line1\n{{ fail('stop: ' ~ 2) }}", Value::UNDEFINED);
        assert_eq!(err.detail(), Some("stop: 2"));
        assert_eq!(err.line(), Some(2));
        assert_eq!(render("{{ lookup('v1', 'Secret', 'ns', 'x') }}|{{ lookup('v1', 'Secret', 'ns', 'x') | length }}", Value::UNDEFINED), "{}|0");
    }

    #[test]
    fn trunc_and_trims() {
        // helm: trunc 3 → "abc", trunc -2 → "ef", trunc -10 "abc" → "abc", trunc 0 → "".
        let t = |n: i64, s: &str| trunc(&Value::from(s), n).unwrap();
        assert_eq!(t(3, "abcdef"), "abc");
        assert_eq!(t(-2, "abcdef"), "ef");
        assert_eq!(t(-10, "abc"), "abc");
        assert_eq!(t(10, "abc"), "abc");
        assert_eq!(t(0, "abc"), "");
        assert_eq!(t(2, "éàü"), "éà");
        assert_eq!(render("{{ 'name-' | trimsuffix('-') }} {{ 'v1.2' | trimprefix('v') }} {{ 'x' | trimprefix('y') }}", Value::UNDEFINED), "name 1.2 x");
    }

    #[test]
    fn semver_compare_matches_helm() {
        // (constraint, version, semverCompare's answer in helm 4)
        let cases = [
            (">=1.2.3 <2", "1.5.0", true),
            (">=1.2.3 <2", "2.0.0", false),
            (">=1.2.3, <2", "1.2.3", true),
            ("~1.2", "1.2.9", true),
            ("~1.2", "1.3.0", false),
            ("^1.2", "1.9.0", true),
            ("^1.2", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("1.x", "1.7.0", true),
            ("1.x", "2.0.0", false),
            (">= 1.30.0-0", "v1.30.2-eks-1234", true),
            (">=1.30.0", "v1.30.2-eks-1234", false),
            (">=1.19-0", "v1.35.0", true),
            ("<1.19-0", "v1.35.0", false),
            (">1.2", "1.2.5", false),
            (">1.2", "1.3.0", true),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            ("!=1.2.3", "1.2.3", false),
            ("!=1.2", "1.2.4", false),
            ("=1.2.3", "1.2.3+build", true),
            ("1.2.3", "1.2.3", true),
            ("1.2", "1.2.7", true),
            ("*", "1.0.0-alpha", false),
            ("*", "5.0.0", true),
            (">=1.0 || <0.5", "0.4.0", true),
            (">=1.0 || <0.5", "0.7.0", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("~1", "1.9.9", true),
            ("~1", "2.0.0", false),
            ("~>1.2.3", "1.2.9", true),
            ("=<1.5", "1.5.2", true),
            ("=>1.5", "1.5.0", true),
            (">1", "1.5.0", false),
            (">1", "2.0.0", true),
            ("<1.2.3-beta", "1.2.3-alpha", true),
            (">=1.2.3-alpha.10", "1.2.3-alpha.9", false),
            ("^1.2.3-alpha", "1.2.3", true),
            ("~0.0.0", "3.0.0", true),
            ("1.2.X", "1.2.3", true),
            ("v1.2.3", "1.2.3", true),
            (">=01.2", "1.2.0", true),
            ("!=1.2.3", "1.5.0-beta", false),
            ("!=2.x", "1.5.0-beta", false),
            ("<2.0.0", "1.5.0-beta", false),
            ("1.5.0-beta", "1.5.0-beta", true),
            (">=1.5.0-alpha <1.5.0", "1.5.0-beta", true),
            ("~1.5.0-alpha", "1.5.3", true),
            (">=1.0.0-0 <2.0.0", "1.5.0-beta", true),
            (">=1.0.0 <2.0.0-0", "1.5.0-beta", true),
            ("<2.0.0 || >=3.0.0-0", "1.5.0-beta", false),
            ("~1.5-0", "1.5.3-beta", true),
            ("1.x >=0-0", "1.5.0-beta", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(semver_compare(v, c).unwrap(), want, "{c} against {v}");
        }
        for (c, v, msg) in [
            ("", "1.0.0", "improper constraint: "),
            ("foo", "1.0.0", "improper constraint: foo"),
            (">>1", "1.0.0", "improper constraint: >>1"),
            (">=1.0", "notaversion", "invalid semantic version"),
            (">=1.0", "1.0.0.0", "invalid semantic version"),
        ] {
            assert_eq!(
                semver_compare(v, c).unwrap_err().detail(),
                Some(msg),
                "{c} against {v}"
            );
        }
        assert_eq!(
            semver_satisfies("1.35.0", ">= 1.25.0-0 < 1.36.0-0"),
            Ok(true)
        );
        assert_eq!(semver_satisfies("1.35.0", "~1.34.0"), Ok(false));
        assert_eq!(
            semver_satisfies("x", ">=1"),
            Err("invalid semantic version".into())
        );
        let ctx = context! { Capabilities => context! { KubeVersion => context! { Version => "v1.35.0" } } };
        assert_eq!(
            render(
                "{{ Capabilities.KubeVersion.Version | semver_compare('>=1.25-0') }}",
                ctx
            ),
            "true"
        );
    }

    #[test]
    fn regexes_like_go() {
        // helm: regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" → "-W-xxW-", "$1W" → "---".
        let r = |p: &str, s: &str, repl: &str| regex_replace(s, p, repl).unwrap();
        assert_eq!(r("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-");
        assert_eq!(r("a(x*)b", "-ab-axxb-", "$1W"), "---");
        assert_eq!(r("(?P<n>x+)", "axxb", "<$n>"), "a<xx>b");
        assert_eq!(r("x", "axb", "$$"), "a$b");
        assert!(regex_match("v1.2.3", r"^v\d+\.").unwrap());
        assert!(!regex_match("1.2.3", r"^v").unwrap());
        assert!(regex_match("x", "(").is_err());
        assert_eq!(
            render(
                "{{ 'a.b.c' | regex_replace('\\\\.', '-') }}",
                Value::UNDEFINED
            ),
            "a-b-c"
        );
    }

    #[test]
    fn casing_matches_sprig() {
        // (input, kebabcase, snakecase, camelcase) as helm 4 prints them.
        let cases = [
            ("FirstName", "first-name", "first_name", "FirstName"),
            ("HTTPServer", "http-server", "http_server", "Httpserver"),
            ("NoHTTPS", "no-https", "no_https", "NoHTTPS"),
            ("GO_PATH", "go-path", "go_path", "GoPath"),
            ("GO PATH", "go-path", "go_path", "GoPath"),
            ("GO-PATH", "go-path", "go_path", "GoPath"),
            ("http2xx", "http-2xx", "http_2xx", "Http2xx"),
            ("HTTP20xOK", "http-20x-ok", "http_20x_ok", "Http20xOK"),
            (
                "Duration2m3s",
                "duration-2m3s",
                "duration_2m3s",
                "Duration2m3s",
            ),
            (
                "Bld4Floor3rd",
                "bld4-floor-3rd",
                "bld4_floor_3rd",
                "Bld4Floor3rd",
            ),
            ("some_words", "some-words", "some_words", "SomeWords"),
            (
                "_complex__case_",
                "-complex--case-",
                "_complex__case_",
                "_Complex_Case_",
            ),
            ("some words", "some-words", "some_words", "SomeWords"),
            ("a__b", "a--b", "a__b", "A_B"),
            ("_a", "-a", "_a", "_A"),
            ("ab_", "ab-", "ab_", "Ab_"),
            ("camelCase", "camel-case", "camel_case", "CamelCase"),
            (
                "getHTTPResponse",
                "get-http-response",
                "get_http_response",
                "GetHTTPResponse",
            ),
            ("Foo  Bar", "foo--bar", "foo__bar", "Foo Bar"),
            ("x", "x", "x", "X"),
            ("", "", "", ""),
            ("A", "a", "a", "A"),
            ("ABC", "abc", "abc", "Abc"),
            ("aBC", "a-bc", "a_bc", "ABC"),
            ("élan Vital", "élan-vital", "élan_vital", "ÉlanVital"),
            (
                "my.dotted.name",
                "my.dotted.name",
                "my.dotted.name",
                "My.dotted.name",
            ),
            ("v1.2.3", "v1.2.3", "v1.2.3", "V1.2.3"),
            (
                "with123numbers",
                "with-123numbers",
                "with_123numbers",
                "With123numbers",
            ),
            ("123abc", "123abc", "123abc", "123abc"),
            ("--lead", "--lead", "__lead", "--Lead"),
            ("trail--", "trail--", "trail__", "Trail--"),
            (
                "MixedUP_and-down Case",
                "mixed-up-and-down-case",
                "mixed_up_and_down_case",
                "MixedUPAndDownCase",
            ),
            (
                "ÉcoleNormale",
                "école-normale",
                "école_normale",
                "ÉcoleNormale",
            ),
            ("a1B2c3", "a1-b-2c3", "a1_b_2c3", "A1B2c3"),
            ("ID", "id", "id", "Id"),
            ("userID", "user-id", "user_id", "UserID"),
            ("IDCard", "id-card", "id_card", "Idcard"),
            ("foo_Bar", "foo-bar", "foo_bar", "FooBar"),
            ("foo__bar", "foo--bar", "foo__bar", "Foo_Bar"),
            ("FOO_bar", "foo-bar", "foo_bar", "FooBar"),
            ("_", "-", "_", "__"),
            ("__", "--", "__", "___"),
            ("-", "-", "_", "--"),
            ("x_", "x-", "x_", "X_"),
            ("_x_", "-x-", "_x_", "_X_"),
            ("foo.Bar", "foo.bar", "foo.bar", "Foo.Bar"),
            ("foo:bar", "foo:bar", "foo:bar", "Foo:bar"),
            ("Foo123Bar", "foo123-bar", "foo123_bar", "Foo123Bar"),
            ("ABC123", "abc123", "abc123", "Abc123"),
            ("abc123DEF", "abc123-def", "abc123_def", "Abc123DEF"),
            ("A1", "a1", "a1", "A1"),
            ("1A", "1-a", "1_a", "1A"),
            ("x-1-y", "x-1-y", "x_1_y", "X1Y"),
            (
                "日本語テキスト",
                "日本語-テキスト",
                "日本語_テキスト",
                "日本語テキスト",
            ),
            ("foo😀bar", "foo-😀-bar", "foo_😀_bar", "Foo😀bar"),
            ("HTTP/2", "http/2", "http/2", "Http/2"),
            ("a1b2", "a-1b2", "a_1b2", "A1b2"),
            ("AbcDEF", "abc-def", "abc_def", "AbcDEF"),
            ("abcDEFGhi", "abc-def-ghi", "abc_def_ghi", "AbcDEFGhi"),
            ("ABCdef", "ab-cdef", "ab_cdef", "Abcdef"),
            ("a.B.c", "a.b.c", "a.b.c", "A.B.c"),
            ("über Größe", "über-größe", "über_größe", "ÜberGröße"),
            ("x  y", "x--y", "x__y", "X Y"),
            ("x\ty", "x-y", "x_y", "XY"),
            ("1_2", "1-2", "1_2", "12"),
            ("a-B", "a-b", "a_b", "AB"),
            ("DEFault", "de-fault", "de_fault", "Default"),
            ("ab12CD34ef", "ab12-cd-34ef", "ab12_cd_34ef", "Ab12CD34ef"),
            ("v2Beta1", "v2-beta1", "v2_beta1", "V2Beta1"),
            (
                "IPv6Address",
                "i-pv6-address",
                "i_pv6_address",
                "Ipv6Address",
            ),
            ("K8sVersion", "k-8s-version", "k_8s_version", "K8sVersion"),
            ("123", "123", "123", "123"),
            ("12ab34", "12ab34", "12ab34", "12ab34"),
            ("ab 12 cd", "ab-12-cd", "ab_12_cd", "Ab12Cd"),
            ("ab_12_cd", "ab-12-cd", "ab_12_cd", "Ab12Cd"),
            ("ABc", "a-bc", "a_bc", "Abc"),
            ("aB", "a-b", "a_b", "AB"),
        ];
        for (input, kebab, snake, camel) in cases {
            assert_eq!(kebabcase(input), kebab, "kebabcase {input:?}");
            assert_eq!(snakecase(input), snake, "snakecase {input:?}");
            assert_eq!(camelcase(input), camel, "camelcase {input:?}");
        }
    }

    #[test]
    fn tpl_renders_with_the_current_context() {
        let ctx = context! {
            Values => Value::from(minijinja::value::Serde(serde_json::json!({"name": "web", "tmpl": "{{ Values.name }}-svc"}))),
            Release => context! { Name => "prod" },
        };
        assert_eq!(
            render(
                "{{ tpl(Values.tmpl) }} {{ tpl('{{ Release.Name }}') }}",
                ctx.clone()
            ),
            "web-svc prod"
        );
        assert_eq!(render("{{ tpl('{{ x }}', {'x': 5}) }}", ctx.clone()), "5");
        // An error inside the tpl text points into that text.
        // The outer error points at the `tpl(…)` call; its source is the error in the text.
        let outer = render_err("a\n{{ tpl('ok\\n{{ Values.nope.deeper }}') }}", ctx);
        assert_eq!(outer.name(), Some("<string>"));
        assert_eq!(outer.line(), Some(2));
        let err = std::error::Error::source(&outer)
            .and_then(|s| s.downcast_ref::<Error>())
            .unwrap();
        assert_eq!(err.kind(), ErrorKind::UndefinedError);
        assert_eq!(err.name(), Some("<string>:tpl"));
        assert_eq!(err.line(), Some(2));
        let source = std::error::Error::source(err).and_then(|s| s.downcast_ref::<TplSource>());
        assert_eq!(
            source.map(|s| s.text.as_str()),
            Some("ok\n{{ Values.nope.deeper }}")
        );
    }

    #[test]
    fn jinja_builtins_remain() {
        assert_eq!(render("{{ 'A' | lower }}{{ ' b ' | trim }}{{ 'c' | upper }}{{ 'xy' | replace('x', 'z') }}{{ none | default('d') }}", Value::UNDEFINED), "abCzynull");
    }
}
