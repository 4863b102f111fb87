//! Helm's function map (sprig v3 plus Helm's own), one file per family. Each family has plain Rust
//! cores with Go's and sprig's semantics, used by the Jinja filters with the same meaning too, and a
//! `register` that wraps them as Go-template functions on the engine's [`Value`]s.
//!
//! | family | functions |
//! |---|---|
//! | [`strings`] | `trunc` `substr` `abbrev` `wrap` `title` `indent` `quote` `cat` `replace` `split` `join` … |
//! | [`casing`] | `camelcase` `snakecase` `kebabcase` |
//! | [`types`] | `default` `empty` `coalesce` `ternary` `toString` `int` `float64` `typeOf` `kindIs` `deepEqual` … |
//! | [`lists`] | `list` `append` `first` `rest` `uniq` `has` `slice` `concat` `chunk` `until` `seq` … |
//! | [`dicts`] | `dict` `get` `set` `unset` `hasKey` `pluck` `dig` `keys` `merge` `mergeOverwrite` `deepCopy` … |
//! | [`math`] | `add` `sub` `mul` `div` `mod` `max` `min` `floor` `ceil` `round` `addf` … |
//! | [`encoding`] | `b64enc` `b64dec` `b32enc` `b32dec` |
//! | [`yaml_json`] | `toYaml` `toYamlPretty` `fromYaml` `fromYamlArray` `toJson` `toPrettyJson` `toRawJson` `fromJson` `toToml` … |
//! | [`regex`] | `regexMatch` `regexFind` `regexFindAll` `regexReplaceAll` `regexSplit` `regexQuoteMeta` |
//! | [`semver`] | `semver` `semverCompare` |
//! | [`dates`] | `now` `date` `dateInZone` `dateModify` `toDate` `duration` `durationRound` `ago` `unixEpoch` … |
//! | [`crypto`] | `sha256sum` `bcrypt` `htpasswd` `genPrivateKey` `genCA` `genSignedCert` `encryptAES` … |
//! | [`random`] | `randAlphaNum` `randBytes` `randInt` `uuidv4` `shuffle` |
//! | [`paths`] | `base` `dir` `ext` `clean` `isAbs` (and `os*`), `urlParse` `urlJoin`, `getHostByName` |
//!
//! The engine's builtins (`and`, `printf`, `eq`, `index`, …) and the functions bound to a render
//! (`include`, `tpl`, `required`, `fail`, `lookup`) live in the engine. Helm removes `env` and
//! `expandenv` from its map, and so does kiln: templates get no environment access.
//!
//! Deliberate differences from helm:
//! - reproducible output: `keys` and `values` come out in sorted key order (Go's map order is
//!   random), and random values (`rand*`, `uuidv4`, `shuffle`, keys, certificates, bcrypt salts,
//!   AES IVs) come from a generator seeded per render ([`random::with_rng`]); `now` is the real
//!   clock, so templates that print it differ from run to run, as with helm;
//! - no environment: Go's `Local` zone is UTC, and `dateInZone` prints every zone in UTC (Go's
//!   fallback for a zone it cannot load); `getHostByName` is an error (no network);
//! - Go strings are bytes, kiln's are UTF-8: a byte cut through a character (`trunc`, `substr`,
//!   `abbrev`) or a `b64dec` of binary data comes out with U+FFFD where Go keeps the raw bytes;
//! - a missing value passed for a dict parameter is an empty dict (Go accepts that only through a
//!   variable or parentheses, which is how charts write it);
//! - regex syntax errors are worded by the regex crate after Go's `regexp: Compile(…)` prefix.

pub mod casing;
pub mod crypto;
pub mod dates;
pub mod dicts;
pub mod encoding;
pub mod lists;
pub mod math;
pub mod paths;
pub mod random;
pub mod regex;
pub mod semver;
pub mod strings;
pub mod types;
pub mod yaml_json;

use crate::render::gotmpl::{CallCtx, FuncError, FuncMap, Value};

thread_local! {
    /// How many times a function on this thread drew randomness or read the clock.
    static UNREPEATABLE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records that a function's result depends on more than its arguments and the values it reads
/// (it drew randomness or read the clock): the Go engine does not reuse a template's output
/// that such a call went into (see [`unrepeatable_calls`]).
pub fn note_unrepeatable() {
    UNREPEATABLE.with(|c| c.set(c.get().wrapping_add(1)));
}

/// How many calls [`note_unrepeatable`] has recorded on this thread.
pub fn unrepeatable_calls() -> u64 {
    UNREPEATABLE.with(|c| c.get())
}

/// Registers every function of Helm 4's function map that is not bound to the engine.
pub fn register(map: &mut FuncMap) {
    strings::register(map);
    casing::register(map);
    types::register(map);
    lists::register(map);
    dicts::register(map);
    math::register(map);
    encoding::register(map);
    yaml_json::register(map);
    regex::register(map);
    semver::register(map);
    dates::register(map);
    crypto::register(map);
    random::register(map);
    paths::register(map);
    map.add("hello", crate::render::gotmpl::Arity::Exact(0), |_, _| {
        Ok(Value::str("Hello!"))
    });
}

/// The largest string or list a single function call may build (bytes or items).
pub(crate) const MAX_RESULT: usize = 64 << 20;

/// Go's error for an argument of the wrong type: `wrong type for value; expected string; got int`
/// (a missing value is Go's empty `interface {}`).
pub(crate) fn wrong_type(expected: &str, got: &Value) -> FuncError {
    let got = match got {
        Value::Nil => "interface {}".to_owned(),
        other => other.type_name(),
    };
    FuncError::Plain(format!(
        "wrong type for value; expected {expected}; got {got}"
    ))
}

/// A `string` parameter: only strings convert.
pub(crate) fn str_arg(v: &Value) -> Result<&str, FuncError> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(wrong_type("string", other)),
    }
}

/// An `int` parameter: only Go `int` values convert (an `int64` or a `float64` is Go's error).
pub(crate) fn int_arg(v: &Value) -> Result<i64, FuncError> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(wrong_type("int", other)),
    }
}

/// A `bool` parameter.
pub(crate) fn bool_arg(v: &Value) -> Result<bool, FuncError> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(wrong_type("bool", other)),
    }
}

/// A `map[string]interface {}` parameter (Helm's `.Values` type converts too). A missing value is
/// an empty map: Go passes a nil map when the value went through a variable or parentheses
/// (`$s := (lookup …).data`, `hasKey $s "k"`), which is how charts write it; kiln accepts the direct
/// `.Values.missing` too, where Go fails.
pub(crate) fn map_arg(v: &Value) -> Result<crate::render::gotmpl::Map, FuncError> {
    match v {
        Value::Map(m) if m.ty != crate::render::gotmpl::MapType::String => Ok(m.clone()),
        Value::Nil => Ok(crate::render::gotmpl::Map::new()),
        other => Err(wrong_type("map[string]interface {}", other)),
    }
}

/// A `[]interface {}` parameter.
pub(crate) fn list_arg(v: &Value) -> Result<&crate::render::gotmpl::List, FuncError> {
    match v {
        Value::List(l) if l.elem == crate::render::gotmpl::ElemType::Interface => Ok(l),
        other => Err(wrong_type("[]interface {}", other)),
    }
}

/// Go's `error calling NAME: MSG`.
pub(crate) fn call_err(msg: impl Into<String>) -> FuncError {
    FuncError::Call(msg.into())
}

/// A Go panic inside a function, as text/template reports it (`error calling NAME: MSG`).
pub(crate) fn nil_deref() -> FuncError {
    call_err("runtime error: invalid memory address or nil pointer dereference")
}

/// sprig's `strval`: strings and `[]byte` as they are, anything else as `%v` prints it.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_go_string(),
    }
}

/// Charges a result of `n` bytes or items against the render's budget, refusing absurd sizes.
pub(crate) fn charge(ctx: &mut CallCtx<'_>, n: usize) -> Result<(), FuncError> {
    if n > MAX_RESULT {
        return Err(call_err(format!(
            "the result would be {n} bytes or items, more than kiln allows ({MAX_RESULT})"
        )));
    }
    ctx.charge(n as u64)
}

/// The items of any Go slice value (`[]interface {}`, `[]string`, `[]int`, `[]byte`), or `None`.
pub(crate) fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.to_vec()),
        Value::Bytes(b) => Some(b.iter().map(|x| Value::Uint8(*x)).collect()),
        _ => None,
    }
}

/// Go's `reflect.Kind` name of a value (what sprig's list errors print).
pub(crate) fn kind_of(v: &Value) -> &'static str {
    v.kind_name()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Helm 4.1.4's function map (sprig v3.3.0 without `env` and `expandenv`, plus Helm's own),
    /// without the functions the engine binds itself (`include`, `tpl`, `required`, `fail`, `lookup`).
    const HELM_FUNCTIONS: &[&str] = &[
        "abbrev",
        "abbrevboth",
        "add",
        "add1",
        "add1f",
        "addf",
        "adler32sum",
        "ago",
        "all",
        "any",
        "append",
        "atoi",
        "b32dec",
        "b32enc",
        "b64dec",
        "b64enc",
        "base",
        "bcrypt",
        "biggest",
        "buildCustomCert",
        "camelcase",
        "cat",
        "ceil",
        "chunk",
        "clean",
        "coalesce",
        "compact",
        "concat",
        "contains",
        "date",
        "dateInZone",
        "dateModify",
        "date_in_zone",
        "date_modify",
        "decryptAES",
        "deepCopy",
        "deepEqual",
        "default",
        "derivePassword",
        "dict",
        "dig",
        "dir",
        "div",
        "divf",
        "duration",
        "durationRound",
        "empty",
        "encryptAES",
        "ext",
        "first",
        "float64",
        "floor",
        "fromJson",
        "fromJsonArray",
        "fromToml",
        "fromYaml",
        "fromYamlArray",
        "genCA",
        "genCAWithKey",
        "genPrivateKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "get",
        "getHostByName",
        "has",
        "hasKey",
        "hasPrefix",
        "hasSuffix",
        "hello",
        "htmlDate",
        "htmlDateInZone",
        "htpasswd",
        "indent",
        "initial",
        "initials",
        "int",
        "int64",
        "isAbs",
        "join",
        "kebabcase",
        "keys",
        "kindIs",
        "kindOf",
        "last",
        "list",
        "lower",
        "max",
        "maxf",
        "merge",
        "mergeOverwrite",
        "min",
        "minf",
        "mod",
        "mul",
        "mulf",
        "mustAppend",
        "mustChunk",
        "mustCompact",
        "mustDateModify",
        "mustDeepCopy",
        "mustFirst",
        "mustFromJson",
        "mustHas",
        "mustInitial",
        "mustLast",
        "mustMerge",
        "mustMergeOverwrite",
        "mustPrepend",
        "mustRegexFind",
        "mustRegexFindAll",
        "mustRegexMatch",
        "mustRegexReplaceAll",
        "mustRegexReplaceAllLiteral",
        "mustRegexSplit",
        "mustRest",
        "mustReverse",
        "mustSlice",
        "mustToDate",
        "mustToJson",
        "mustToPrettyJson",
        "mustToRawJson",
        "mustToYaml",
        "mustUniq",
        "mustWithout",
        "must_date_modify",
        "nindent",
        "nospace",
        "now",
        "omit",
        "osBase",
        "osClean",
        "osDir",
        "osExt",
        "osIsAbs",
        "pick",
        "pluck",
        "plural",
        "prepend",
        "quote",
        "randAlpha",
        "randAlphaNum",
        "randAscii",
        "randBytes",
        "randInt",
        "randNumeric",
        "regexFind",
        "regexFindAll",
        "regexMatch",
        "regexQuoteMeta",
        "regexReplaceAll",
        "regexReplaceAllLiteral",
        "regexSplit",
        "repeat",
        "replace",
        "rest",
        "reverse",
        "round",
        "semver",
        "semverCompare",
        "seq",
        "set",
        "sha1sum",
        "sha256sum",
        "sha512sum",
        "shuffle",
        "slice",
        "snakecase",
        "sortAlpha",
        "split",
        "splitList",
        "splitn",
        "squote",
        "sub",
        "subf",
        "substr",
        "swapcase",
        "ternary",
        "title",
        "toDate",
        "toDecimal",
        "toJson",
        "toPrettyJson",
        "toRawJson",
        "toString",
        "toStrings",
        "toToml",
        "toYaml",
        "toYamlPretty",
        "trim",
        "trimAll",
        "trimPrefix",
        "trimSuffix",
        "trimall",
        "trunc",
        "tuple",
        "typeIs",
        "typeIsLike",
        "typeOf",
        "uniq",
        "unixEpoch",
        "unset",
        "until",
        "untilStep",
        "untitle",
        "upper",
        "urlJoin",
        "urlParse",
        "uuidv4",
        "values",
        "without",
        "wrap",
        "wrapWith",
    ];

    #[test]
    fn registers_every_function_of_helms_map() {
        let mut map = FuncMap::new();
        register(&mut map);
        let missing: Vec<_> = HELM_FUNCTIONS.iter().filter(|n| !map.contains(n)).collect();
        assert!(missing.is_empty(), "not registered: {missing:?}");
        for removed in ["env", "expandenv"] {
            assert!(!map.contains(removed), "{removed} must not reach templates");
        }
    }
}
