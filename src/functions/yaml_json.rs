//! Helm's and sprig's serialisation functions: `toYaml`, `mustToYaml`, `toYamlPretty`, `fromYaml`,
//! `fromYamlArray`, `toJson`, `mustToJson`, `toPrettyJson`, `toRawJson` (and `must*`), `fromJson`,
//! `fromJsonArray`, `mustFromJson`, `toToml`, `fromToml`.
//!
//! `toYaml` and `toJson` print exactly what helm prints (kiln's YAML emitter and Go-JSON writer are
//! byte-identical to sigs.k8s.io/yaml and `encoding/json`). The `from*` functions do not fail: as in
//! Helm, a parse error comes back as `{"Error": "…"}` (or `["…"]` for the array forms).

use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::functions::{call_err, charge, str_arg};
use crate::render::gotmpl::{Arity, FuncError, FuncMap, Map, MapType, NumberMode, Value};

/// Helm's `toYaml` of a JSON document: Helm's emitter style, the trailing newline trimmed.
pub fn to_yaml(doc: &Json) -> String {
    let mut text = crate::yaml::to_yaml(doc, crate::yaml::Style::Helm);
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Helm's `toJson` (Go's `json.Marshal`): compact, keys sorted, HTML-safe escapes.
pub fn to_json(doc: &Json) -> String {
    crate::yaml::go_json::marshal(doc)
}

/// Go's `json.MarshalIndent(v, "", "  ")` (sprig's `toPrettyJson`), or with `html == false` the
/// escaping turned off (`toRawJson` is compact).
pub fn to_pretty_json(doc: &Json) -> String {
    crate::yaml::go_json::marshal_indent(doc)
}

/// Go's `json.Encoder` with `SetEscapeHTML(false)` (sprig's `toRawJson`): `<`, `>`, `&` kept.
pub fn to_raw_json(doc: &Json) -> String {
    to_json(doc)
        .replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
}

/// The JSON kind name Go's decoder uses in its errors.
fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// A YAML text read as Helm's `fromYaml` reads it (YAML 1.1 scalars through JSON): the first
/// document (go-yaml ignores the rest, so a template ending in `---` reads fine), or Helm's error
/// text.
pub fn read_yaml(text: &str) -> Result<Json, String> {
    let docs = crate::yaml::split_documents(text);
    let first = match docs.as_slice() {
        [lead, next, ..] if crate::yaml::is_blank_document(lead.text) => next,
        [first, ..] => first,
        [] => return Ok(Json::Null),
    };
    crate::yaml::parse_document_as(
        first.text,
        "fromYaml",
        first.line_offset,
        crate::yaml::Flavor::Helm,
    )
    .map_err(|e| {
        let first = e.message().lines().next().unwrap_or_default().to_owned();
        format!("error converting YAML to JSON: yaml: {first}")
    })
}

fn unmarshal_error(got: &Json, into: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {into}",
        json_kind(got)
    )
}

/// Go's `encoding/json` error text for a syntax error (the common cases).
fn json_syntax_error(text: &str, e: &serde_json::Error) -> String {
    if text.trim().is_empty() || e.is_eof() {
        "unexpected end of JSON input".to_owned()
    } else {
        let offset: usize = text
            .lines()
            .take(e.line().saturating_sub(1))
            .map(|l| l.len() + 1)
            .sum::<usize>()
            + e.column().saturating_sub(1);
        let c = text[offset.min(text.len())..].chars().next().unwrap_or(' ');
        format!(
            "invalid character {} looking for beginning of value",
            go_char(c)
        )
    }
}

fn go_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_owned(),
        '"' => "'\"'".to_owned(),
        c if (c as u32) < 0x20 => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

fn error_map(message: String) -> Value {
    let m = Map::new();
    m.insert("Error", Value::from(message));
    Value::Map(m)
}

/// Helm's `fromYaml`: a map (`{}` for an empty text) or `{"Error": …}`.
pub fn from_yaml(text: &str) -> Value {
    match read_yaml(text) {
        Ok(Json::Object(map)) => values_map(&Json::Object(map)),
        Ok(Json::Null) => Value::Map(Map::new()),
        Ok(other) => error_map(unmarshal_error(&other, "map[string]interface {}")),
        Err(e) => error_map(e),
    }
}

/// Helm's `fromYamlArray`: a list or `[error text]`.
pub fn from_yaml_array(text: &str) -> Value {
    match read_yaml(text) {
        Ok(Json::Array(items)) => Value::from_json(&Json::Array(items), NumberMode::Float64),
        Ok(Json::Null) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::from(unmarshal_error(&other, "[]interface {}"))]),
        Err(e) => Value::list(vec![Value::from(e)]),
    }
}

fn values_map(doc: &Json) -> Value {
    let v = Value::from_json(doc, NumberMode::Float64);
    match v {
        Value::Map(m) => Value::Map(Map::with_type(MapType::Interface, m.borrow().clone())),
        other => other,
    }
}

/// Helm's `fromJson`: a map or `{"Error": …}`.
pub fn from_json(text: &str) -> Value {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(map)) => values_map(&Json::Object(map)),
        Ok(Json::Null) => Value::Map(Map::new()),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
        Err(e) => error_map(json_syntax_error(text, &e)),
    }
}

/// Helm's `fromJsonArray`: a list or `[error text]`.
pub fn from_json_array(text: &str) -> Value {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Array(items)) => Value::from_json(&Json::Array(items), NumberMode::Float64),
        Ok(Json::Null) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::from(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::list(vec![Value::from(json_syntax_error(text, &e))]),
    }
}

// ----------------------------------------------------------------------------------------- TOML

/// BurntSushi/toml's encoder as Helm's `toToml` runs it: plain keys first, then tables and arrays of
/// tables, keys sorted, nested tables indented by two spaces, nil values left out.
pub fn to_toml(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    match v {
        Value::Map(m) => toml_table(&mut out, m, &mut Vec::new())?,
        other => toml_inline(&mut out, other)?,
    }
    Ok(out)
}

fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(_))
}

fn is_table_array(v: &Value) -> bool {
    match v {
        Value::List(l) => !l.is_empty() && l.items().iter().all(is_table),
        _ => false,
    }
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_owned()
    } else {
        toml_string(k)
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_inline(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint8(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Uint64(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Float(f) => {
            if f.is_nan() {
                out.push_str("nan");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { "inf" } else { "-inf" });
            } else {
                let text = crate::render::gotmpl::fmt::format_float_v(*f);
                out.push_str(&text);
                if !text.contains(['.', 'e']) {
                    out.push_str(".0");
                }
            }
        }
        Value::String(s) => out.push_str(&toml_string(s)),
        Value::Bytes(b) => out.push_str(&toml_string(&String::from_utf8_lossy(b))),
        Value::List(l) => {
            out.push('[');
            let mut first = true;
            for item in l.items().iter().filter(|i| !i.is_nil()) {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                toml_inline(out, item)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            let mut first = true;
            for (k, item) in m.borrow().iter().filter(|(_, i)| !i.is_nil()) {
                out.push_str(if first { "" } else { ", " });
                first = false;
                out.push_str(&toml_key(k));
                out.push_str(" = ");
                toml_inline(out, item)?;
            }
            out.push('}');
        }
        Value::Nil => return Err("toml: cannot encode a nil value".into()),
        Value::Object(o) => out.push_str(&toml_string(&o.fmt_v())),
    }
    Ok(())
}

fn toml_table(out: &mut String, m: &Map, path: &mut Vec<String>) -> Result<(), String> {
    if path.len() > 100 {
        return Err("toml: tables nest too deeply".into());
    }
    let indent = "  ".repeat(path.len());
    let entries: Vec<(String, Value)> = m
        .borrow()
        .iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in entries
        .iter()
        .filter(|(_, v)| !is_table(v) && !is_table_array(v))
    {
        let _ = write!(out, "{indent}{} = ", toml_key(k));
        toml_inline(out, v)?;
        out.push('\n');
    }
    for (k, v) in entries
        .iter()
        .filter(|(_, v)| is_table(v) || is_table_array(v))
    {
        path.push(toml_key(k));
        let name = path.join(".");
        let inner = "  ".repeat(path.len() - 1);
        match v {
            Value::Map(sub) => {
                // A blank line before top-level tables only (once something was written).
                if path.len() == 1 && !out.is_empty() {
                    out.push('\n');
                }
                let _ = writeln!(out, "{inner}[{name}]");
                toml_table(out, sub, path)?;
            }
            Value::List(items) => {
                for item in items.items() {
                    if let Value::Map(sub) = item {
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        let _ = writeln!(out, "{inner}[[{name}]]");
                        toml_table(out, sub, path)?;
                    }
                }
            }
            _ => {}
        }
        path.pop();
    }
    Ok(())
}

/// Helm's `fromToml`: a map or `{"Error": …}`.
pub fn from_toml(text: &str) -> Value {
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => toml_value(&toml::Value::Table(table)),
        Err(e) => error_map(format!("toml: {}", e.message())),
    }
}

fn toml_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::str(s),
        toml::Value::Integer(i) => Value::Int64(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => Value::list(items.iter().map(toml_value).collect()),
        toml::Value::Table(t) => {
            let m = Map::new();
            for (k, item) in t {
                m.insert(k.clone(), toml_value(item));
            }
            Value::Map(m)
        }
    }
}

// ------------------------------------------------------------------------------ registration

/// The value as JSON with every Go float64 kept a float (go-yaml v3 marshals values directly, where
/// `encoding/json` writes integral floats as integers).
fn json_keeping_floats(v: &Value, depth: usize) -> Result<Json, String> {
    if depth > 10_000 {
        return Err("toYamlPretty: the value nests too deeply".into());
    }
    Ok(match v {
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .ok_or_else(|| format!("cannot marshal {f}"))?,
        Value::List(l) => Json::Array(
            l.items()
                .iter()
                .map(|i| json_keeping_floats(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let mut out = serde_json::Map::new();
            for (k, item) in m.borrow().iter() {
                out.insert(k.clone(), json_keeping_floats(item, depth + 1)?);
            }
            Json::Object(out)
        }
        other => other.to_json()?,
    })
}

fn json_of(v: &Value) -> Result<Json, FuncError> {
    v.to_json().map_err(call_err)
}

pub(crate) fn register(map: &mut FuncMap) {
    use Arity::Exact;
    map.add("toYaml", Exact(1), |ctx, a| {
        let text = a[0].to_json().map(|j| to_yaml(&j)).unwrap_or_default();
        charge(ctx, text.len())?;
        Ok(Value::from(text))
    });
    map.add("mustToYaml", Exact(1), |ctx, a| {
        let text = to_yaml(&json_of(&a[0])?);
        charge(ctx, text.len())?;
        Ok(Value::from(text))
    });
    map.add("toYamlPretty", Exact(1), |ctx, a| {
        let mut text = json_keeping_floats(&a[0], 0)
            .map(|j| crate::yaml::emit::to_yaml_pretty(&j))
            .unwrap_or_default();
        if text.ends_with('\n') {
            text.pop();
        }
        charge(ctx, text.len())?;
        Ok(Value::from(text))
    });
    map.add("fromYaml", Exact(1), |_, a| Ok(from_yaml(str_arg(&a[0])?)));
    map.add("fromYamlArray", Exact(1), |_, a| {
        Ok(from_yaml_array(str_arg(&a[0])?))
    });
    map.add("toJson", Exact(1), |_, a| {
        Ok(Value::from(
            a[0].to_json().map(|j| to_json(&j)).unwrap_or_default(),
        ))
    });
    map.add("mustToJson", Exact(1), |_, a| {
        Ok(Value::from(to_json(&json_of(&a[0])?)))
    });
    map.add("toPrettyJson", Exact(1), |_, a| {
        Ok(Value::from(
            a[0].to_json()
                .map(|j| to_pretty_json(&j))
                .unwrap_or_default(),
        ))
    });
    map.add("mustToPrettyJson", Exact(1), |_, a| {
        Ok(Value::from(to_pretty_json(&json_of(&a[0])?)))
    });
    for name in ["toRawJson", "mustToRawJson"] {
        map.add(name, Exact(1), |_, a| {
            Ok(Value::from(to_raw_json(&json_of(&a[0])?)))
        });
    }
    map.add("fromJson", Exact(1), |_, a| Ok(from_json(str_arg(&a[0])?)));
    map.add("fromJsonArray", Exact(1), |_, a| {
        Ok(from_json_array(str_arg(&a[0])?))
    });
    map.add("mustFromJson", Exact(1), |_, a| {
        let text = str_arg(&a[0])?;
        match serde_json::from_str::<Json>(text) {
            Ok(doc) => Ok(Value::from_json(&doc, NumberMode::Float64)),
            Err(e) => Err(call_err(json_syntax_error(text, &e))),
        }
    });
    map.add("toToml", Exact(1), |_, a| {
        Ok(Value::from(to_toml(&a[0]).unwrap_or_else(|e| e)))
    });
    map.add("fromToml", Exact(1), |_, a| Ok(from_toml(str_arg(&a[0])?)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn js(v: &Value) -> String {
        to_json(&v.to_json().unwrap())
    }

    // Expected values printed by helm 4.1.4.
    #[test]
    fn from_functions_report_errors_as_helm() {
        assert_eq!(
            js(&from_yaml("- a")),
            r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"}"#
        );
        assert_eq!(js(&from_yaml("")), "{}");
        assert_eq!(js(&from_yaml("a: 1\n---\nb: 2\n---\n")), r#"{"a":1}"#);
        assert_eq!(js(&from_yaml("# c\n---\nb: 2")), r#"{"b":2}"#);
        assert_eq!(
            js(&from_yaml("a: 1\nb: 1.5\nc: yes")),
            r#"{"a":1,"b":1.5,"c":true}"#
        );
        assert_eq!(
            from_yaml("a: 1")
                .as_map()
                .unwrap()
                .get("a")
                .unwrap()
                .type_name(),
            "float64"
        );
        assert_eq!(js(&from_yaml_array("- 1\n- b")), r#"[1,"b"]"#);
        assert_eq!(
            js(&from_json("[1]")),
            r#"{"Error":"json: cannot unmarshal array into Go value of type map[string]interface {}"}"#
        );
        assert_eq!(
            js(&from_json("{")),
            r#"{"Error":"unexpected end of JSON input"}"#
        );
        assert_eq!(
            js(&from_json("")),
            r#"{"Error":"unexpected end of JSON input"}"#
        );
        assert_eq!(
            js(&from_json_array("{}")),
            r#"["json: cannot unmarshal object into Go value of type []interface {}"]"#
        );
    }

    #[test]
    fn json_layouts() {
        let doc = json!({"a": [1, "<x>"], "b": {}});
        assert_eq!(
            to_pretty_json(&doc),
            "{\n  \"a\": [\n    1,\n    \"\\u003cx\\u003e\"\n  ],\n  \"b\": {}\n}"
        );
        assert_eq!(to_raw_json(&json!({"a": "<x>&"})), r#"{"a":"<x>&"}"#);
    }

    #[test]
    fn toml_like_burntsushi() {
        let v = Value::from_json(
            &json!({"a": 1, "b": "x", "f": 1.5, "t": {"c": [1, 2], "d": {"e": true}},
                    "arr": [{"x": 1}, {"x": 2}]}),
            NumberMode::Int64,
        );
        assert_eq!(
            to_toml(&v).unwrap(),
            "a = 1\nb = \"x\"\nf = 1.5\n\n[[arr]]\n  x = 1\n\n[[arr]]\n  x = 2\n\n[t]\n  c = [1, 2]\n  [t.d]\n    e = true\n"
        );
        let floats = Value::from_json(
            &json!({"f": 1e6, "i": 2.0, "k y": "q\"\n"}),
            NumberMode::Float64,
        );
        assert_eq!(
            to_toml(&floats).unwrap(),
            "f = 1e+06\ni = 2.0\n\"k y\" = \"q\\\"\\n\"\n"
        );
        assert_eq!(
            js(&from_toml("a = 1\n[t]\nb = \"x\"")),
            r#"{"a":1,"t":{"b":"x"}}"#
        );
    }
}
