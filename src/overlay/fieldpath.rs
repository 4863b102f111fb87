//! Paths into objects, shared by every transform: kustomize field specs (`spec/template/
//! metadata/labels`, `containers[]/image`, `\/` escapes; lists are walked implicitly) and
//! replacement paths (`spec.containers.[name=web].image`, `*`, `[0]`).

use serde_json::{Map, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    /// The list element whose `key` equals `value`.
    Match(String, String),
    Index(usize),
    /// Every list element.
    All,
}

/// Parses a field-spec path (`/`-separated, `\/` escapes a slash, `[]` marks a list).
pub fn parse_slash(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '/' => push_slash_seg(&mut segs, std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    push_slash_seg(&mut segs, cur);
    segs
}

fn push_slash_seg(segs: &mut Vec<Seg>, s: String) {
    if s.is_empty() {
        return;
    }
    match s.strip_suffix("[]") {
        Some(key) => {
            segs.push(Seg::Key(key.to_string()));
            segs.push(Seg::All);
        }
        None => segs.push(Seg::Key(s)),
    }
}

/// Parses a replacement path (`.`-separated; `[k=v]`, `[N]` and `*` select list elements;
/// `[a.b]` keeps dots inside a key).
pub fn parse_dotted(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '.' if depth == 0 => push_dotted_seg(&mut segs, std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    push_dotted_seg(&mut segs, cur);
    segs
}

fn push_dotted_seg(segs: &mut Vec<Seg>, s: String) {
    if s.is_empty() {
        return;
    }
    if s == "*" || s == "[*]" || s == "[]" {
        segs.push(Seg::All);
        return;
    }
    // `key[k=v]` or `[k=v]` or `key[0]`.
    let (key, bracket) = match (s.find('['), s.ends_with(']')) {
        (Some(i), true) => (&s[..i], Some(&s[i + 1..s.len() - 1])),
        _ => (s.as_str(), None),
    };
    if !key.is_empty() {
        segs.push(Seg::Key(key.to_string()));
    }
    if let Some(b) = bracket {
        if let Some((k, v)) = b.split_once('=') {
            segs.push(Seg::Match(k.to_string(), v.to_string()));
        } else if let Ok(i) = b.parse::<usize>() {
            segs.push(Seg::Index(i));
        } else if b == "*" || b.is_empty() {
            segs.push(Seg::All);
        } else {
            segs.push(Seg::Key(b.to_string()));
        }
    }
}

/// How a walk treats missing fields and lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct Walk {
    /// Create missing maps along the path (and the last field as `null` for the visitor to fill).
    pub create: bool,
    /// A `Key` step that meets a list applies to every element (kustomize field specs).
    pub implicit_lists: bool,
}

/// Calls `f` on every value the path reaches.
pub fn visit_mut<E>(
    value: &mut Value,
    segs: &[Seg],
    walk: Walk,
    f: &mut dyn FnMut(&mut Value) -> Result<(), E>,
) -> Result<(), E> {
    let Some((seg, rest)) = segs.split_first() else {
        return f(value);
    };
    match (seg, value) {
        (Seg::Key(k), Value::Array(items)) if k.parse::<usize>().is_ok() => match items.get_mut(k.parse::<usize>().unwrap()) {
            Some(item) => visit_mut(item, rest, walk, f),
            None => Ok(()),
        },
        (Seg::Key(_), Value::Array(items)) if walk.implicit_lists => {
            for item in items {
                visit_mut(item, segs, walk, f)?;
            }
            Ok(())
        }
        (Seg::Key(k), Value::Object(map)) => match map.get_mut(k.as_str()) {
            Some(next) if !(next.is_null() && walk.create && !rest.is_empty()) => {
                visit_mut(next, rest, walk, f)
            }
            _ if walk.create && !matches!(rest.first(), Some(Seg::All | Seg::Index(_))) => {
                let fresh = if rest.is_empty() {
                    Value::Null
                } else {
                    Value::Object(Map::new())
                };
                map.insert(k.clone(), fresh);
                visit_mut(map.get_mut(k.as_str()).unwrap(), rest, walk, f)
            }
            _ => Ok(()),
        },
        (Seg::Key(k), v @ Value::Null) if walk.create => {
            let mut map = Map::new();
            map.insert(
                k.clone(),
                if rest.is_empty() {
                    Value::Null
                } else {
                    Value::Object(Map::new())
                },
            );
            *v = Value::Object(map);
            visit_mut(v.get_mut(k.as_str()).unwrap(), rest, walk, f)
        }
        (Seg::All, Value::Array(items)) => {
            for item in items {
                visit_mut(item, rest, walk, f)?;
            }
            Ok(())
        }
        (Seg::Index(i), Value::Array(items)) => match items.get_mut(*i) {
            Some(item) => visit_mut(item, rest, walk, f),
            None => Ok(()),
        },
        (Seg::Match(k, want), Value::Array(items)) => {
            let mut found = false;
            for item in items.iter_mut() {
                if item
                    .get(k.as_str())
                    .is_some_and(|v| scalar_text(v).as_deref() == Some(want.as_str()))
                {
                    found = true;
                    visit_mut(item, rest, walk, f)?;
                }
            }
            if !found && walk.create {
                let mut m = Map::new();
                m.insert(k.clone(), Value::String(want.clone()));
                items.push(Value::Object(m));
                let last = items.last_mut().unwrap();
                visit_mut(last, rest, walk, f)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Every value the path reaches (read-only).
pub fn collect<'a>(value: &'a Value, segs: &[Seg], out: &mut Vec<&'a Value>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(value);
        return;
    };
    match (seg, value) {
        (Seg::Key(k), Value::Object(map)) => {
            if let Some(next) = map.get(k.as_str()) {
                collect(next, rest, out);
            }
        }
        (Seg::Key(k), Value::Array(items)) => {
            if let Some(item) = k.parse::<usize>().ok().and_then(|i| items.get(i)) {
                collect(item, rest, out);
            }
        }
        (Seg::All, Value::Array(items)) => items.iter().for_each(|i| collect(i, rest, out)),
        (Seg::Index(i), Value::Array(items)) => {
            if let Some(item) = items.get(*i) {
                collect(item, rest, out);
            }
        }
        (Seg::Match(k, want), Value::Array(items)) => {
            for item in items {
                if item
                    .get(k.as_str())
                    .is_some_and(|v| scalar_text(v).as_deref() == Some(want.as_str()))
                {
                    collect(item, rest, out);
                }
            }
        }
        _ => {}
    }
}

/// A scalar as text (`true`, `3`, `x`); `None` for maps and lists.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Sets `key: value` pairs into the map at `v` (creating it from `null`).
pub fn merge_string_map(v: &mut Value, pairs: &Map<String, Value>) {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let map = v.as_object_mut().unwrap();
    for (k, val) in pairs {
        map.insert(k.clone(), val.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_both_path_styles() {
        assert_eq!(
            parse_slash(r"metadata/annotations/a.io\/b"),
            vec![
                Seg::Key("metadata".into()),
                Seg::Key("annotations".into()),
                Seg::Key("a.io/b".into())
            ]
        );
        assert_eq!(
            parse_slash("spec/containers[]/image"),
            vec![
                Seg::Key("spec".into()),
                Seg::Key("containers".into()),
                Seg::All,
                Seg::Key("image".into())
            ]
        );
        assert_eq!(
            parse_dotted("spec.containers.[name=web].image"),
            vec![
                Seg::Key("spec".into()),
                Seg::Key("containers".into()),
                Seg::Match("name".into(), "web".into()),
                Seg::Key("image".into())
            ]
        );
        assert_eq!(parse_dotted("a.*.b")[1], Seg::All);
        assert_eq!(
            parse_dotted("metadata.annotations.[a.b/c]")[2],
            Seg::Key("a.b/c".into())
        );
    }

    #[test]
    fn walks_lists_implicitly_and_creates() {
        let mut v = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let walk = Walk {
            create: true,
            implicit_lists: true,
        };
        visit_mut::<()>(
            &mut v,
            &parse_slash("spec/containers/image"),
            walk,
            &mut |x| {
                *x = json!("img");
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(v["spec"]["containers"][1]["image"], "img");
        let mut w = json!({});
        visit_mut::<()>(&mut w, &parse_slash("metadata/labels"), walk, &mut |x| {
            merge_string_map(x, json!({"a": "b"}).as_object().unwrap());
            Ok(())
        })
        .unwrap();
        assert_eq!(w, json!({"metadata": {"labels": {"a": "b"}}}));
    }
}
