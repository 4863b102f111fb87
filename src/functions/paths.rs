//! sprig's path and URL functions: `base`, `dir`, `ext`, `clean`, `isAbs` (Go's `path`), their
//! `os*` forms (Go's `path/filepath`, the same on Linux), `urlParse`, `urlJoin`; and
//! `getHostByName`, which kiln refuses: templates get no network access.

use std::fmt::Write as _;

use crate::functions::{call_err, map_arg, str_arg};
use crate::render::gotmpl::{Arity, FuncError, FuncMap, Map, Value};

/// Go's `path.Clean`: the shortest equivalent path, lexically.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`: the last element; `.` for an empty path, `/` for slashes only.
pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// Go's `path.Dir`: everything before the last element, cleaned.
pub fn dir(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..cut])
}

/// Go's `path.Ext`: the suffix from the last `.` of the last element.
pub fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => return String::new(),
            '.' => return p[i..].to_owned(),
            _ => {}
        }
    }
    String::new()
}

/// The parts of a URL as Go's `url.Parse` splits them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub opaque: String,
    pub userinfo: Option<String>,
    pub host: String,
    pub path: String,
    pub query: String,
    pub fragment: String,
}

fn unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()));
            let Some(hex) = hex else {
                let bad: String = s[i..].chars().take(3).collect();
                return Err(format!(
                    "invalid URL escape {}",
                    crate::functions::strings::go_quote(&bad)
                ));
            };
            out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `url.Parse` (the common forms: `scheme://user@host:port/path?query#fragment`, `scheme:opaque`,
/// relative references).
pub fn parse_url(raw: &str) -> Result<Url, String> {
    let fail = |msg: String| format!("parse {}: {msg}", crate::functions::strings::go_quote(raw));
    let mut u = Url::default();
    let (rest, fragment) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    if let Some(f) = fragment {
        u.fragment = unescape(f).map_err(fail)?;
    }
    if rest.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(fail("net/url: invalid control character in URL".into()));
    }
    let mut rest = rest;
    if let Some(colon) = rest.find(':') {
        let scheme = &rest[..colon];
        let valid = scheme.bytes().enumerate().all(|(i, c)| {
            c.is_ascii_alphabetic()
                || (i > 0 && (c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.')))
        });
        if colon == 0 {
            return Err(fail("missing protocol scheme".into()));
        }
        if valid {
            u.scheme = scheme.to_ascii_lowercase();
            rest = &rest[colon + 1..];
        }
    }
    if let Some((r, q)) = rest.split_once('?') {
        u.query = q.to_owned();
        rest = r;
    }
    if !rest.starts_with('/') && !u.scheme.is_empty() {
        u.opaque = rest.to_owned();
        return Ok(u);
    }
    if let Some(after) = rest
        .strip_prefix("//")
        .filter(|_| !u.scheme.is_empty() || rest.starts_with("//"))
    {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        rest = &after[end..];
        let host = match authority.rsplit_once('@') {
            Some((user, host)) => {
                u.userinfo = Some(user.to_owned());
                host
            }
            None => authority,
        };
        u.host = unescape(host).map_err(fail)?;
    }
    u.path = unescape(rest).map_err(fail)?;
    Ok(u)
}

impl Url {
    /// Go's `URL.Hostname`: the host without its port and IPv6 brackets.
    pub fn hostname(&self) -> String {
        let h = &self.host;
        if let Some(inner) = h.strip_prefix('[') {
            return inner.split(']').next().unwrap_or_default().to_owned();
        }
        h.split(':').next().unwrap_or_default().to_owned()
    }

    /// Go's `URL.String`.
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if !self.opaque.is_empty() {
            out.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.userinfo.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.userinfo.is_some() {
                    out.push_str("//");
                }
                if let Some(user) = &self.userinfo {
                    out.push_str(user);
                    out.push('@');
                }
                out.push_str(&self.host);
            }
            let path = escape(&self.path, "$&+,/:;=@");
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() {
                if let Some(i) = path.find(':') {
                    if !path[..i].contains('/') {
                        out.push_str("./");
                    }
                }
            }
            out.push_str(&path);
        }
        if !self.query.is_empty() {
            out.push('?');
            out.push_str(&self.query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            out.push_str(&escape(&self.fragment, "$&+,/:;=?@!()*"));
        }
        out
    }
}

/// Go's `url` escaping: unreserved bytes and `keep` as they are, others `%XX`.
fn escape(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || keep.as_bytes().contains(&b)
        {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn url_parse(a: &[Value]) -> Result<Value, FuncError> {
    let u =
        parse_url(str_arg(&a[0])?).map_err(|e| call_err(format!("unable to parse url: {e}")))?;
    let m = Map::new();
    m.insert("scheme", Value::str(&u.scheme));
    m.insert("host", Value::str(&u.host));
    m.insert("hostname", Value::from(u.hostname()));
    m.insert("path", Value::str(&u.path));
    m.insert("query", Value::str(&u.query));
    m.insert("opaque", Value::str(&u.opaque));
    m.insert("fragment", Value::str(&u.fragment));
    m.insert(
        "userinfo",
        Value::from(u.userinfo.clone().unwrap_or_default()),
    );
    Ok(Value::Map(m))
}

fn url_join(a: &[Value]) -> Result<Value, FuncError> {
    let d = map_arg(&a[0])?;
    let get = |key: &str| -> Result<String, FuncError> {
        match d.get(key) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(other) => Err(call_err(format!(
                "unable to parse {key} key, must be of type string, but {} found",
                other.kind_name()
            ))),
        }
    };
    let userinfo = get("userinfo")?;
    let u = Url {
        scheme: get("scheme")?,
        host: get("host")?,
        path: get("path")?,
        query: get("query")?,
        opaque: get("opaque")?,
        fragment: get("fragment")?,
        userinfo: (!userinfo.is_empty()).then_some(userinfo),
    };
    Ok(Value::from(u.to_go_string()))
}

pub(crate) fn register(map: &mut FuncMap) {
    use Arity::Exact;
    for (name, os) in [
        ("base", "osBase"),
        ("dir", "osDir"),
        ("clean", "osClean"),
        ("ext", "osExt"),
    ] {
        let f: crate::render::gotmpl::funcs::Func = match name {
            "base" => |_, a| Ok(Value::from(base(str_arg(&a[0])?))),
            "dir" => |_, a| Ok(Value::from(dir(str_arg(&a[0])?))),
            "clean" => |_, a| Ok(Value::from(clean(str_arg(&a[0])?))),
            _ => |_, a| Ok(Value::from(ext(str_arg(&a[0])?))),
        };
        map.add(name, Exact(1), f);
        map.add(os, Exact(1), f);
    }
    for name in ["isAbs", "osIsAbs"] {
        map.add(name, Exact(1), |_, a| {
            Ok(Value::Bool(str_arg(&a[0])?.starts_with('/')))
        });
    }
    map.add("urlParse", Exact(1), |_, a| url_parse(a));
    map.add("urlJoin", Exact(1), |_, a| url_join(a));
    map.add("getHostByName", Exact(1), |_, a| {
        let name = str_arg(&a[0])?;
        Err(call_err(format!(
            "kiln does not resolve host names in templates (no network access): {name}"
        )))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn paths_like_go() {
        assert_eq!(base("/a/b.txt"), "b.txt");
        assert_eq!(base("a/b/"), "b");
        assert_eq!(base(""), ".");
        assert_eq!(dir("/a/b/c"), "/a/b");
        assert_eq!(dir("file"), ".");
        assert_eq!(clean("a//b/../c/./d/"), "a/c/d");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean("../../x"), "../../x");
        assert_eq!(ext("a/b.tar.gz"), ".gz");
        assert_eq!(ext("a.d/b"), "");
    }

    #[test]
    fn urls_like_go() {
        let u = parse_url("https://user:pw@example.com:8443/a%20b/c?x=1&y=2#frag").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "example.com:8443");
        assert_eq!(u.hostname(), "example.com");
        assert_eq!(u.path, "/a b/c");
        assert_eq!(u.query, "x=1&y=2");
        assert_eq!(u.userinfo.as_deref(), Some("user:pw"));
        assert_eq!(
            u.to_go_string(),
            "https://user:pw@example.com:8443/a%20b/c?x=1&y=2#frag"
        );
        let m = parse_url("mailto:someone@example.com").unwrap();
        assert_eq!(m.opaque, "someone@example.com");
        let joined = Url {
            scheme: "http".into(),
            host: "h:80".into(),
            path: "p/q".into(),
            query: "a=b".into(),
            ..Url::default()
        };
        assert_eq!(joined.to_go_string(), "http://h:80/p/q?a=b");
    }
}
