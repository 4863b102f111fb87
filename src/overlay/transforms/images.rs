//! `images`: rewrites `image` in every `containers` / `initContainers` list of every object
//! (CRDs excepted): newName, newTag, digest, and tagSuffix as kustomize 5.7 applies it.

use crate::error::Result;
use crate::overlay::fieldpath::scalar_text;
use crate::overlay::kustomization::{Image, Loaded};
use crate::overlay::Obj;
use serde_json::Value;

/// An image reference split into name, tag and digest.
#[derive(Debug, PartialEq)]
struct ImageRef<'a> {
    name: &'a str,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
}

fn parse(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rest[last_slash..].rfind(':') {
        Some(i) => ImageRef {
            name: &rest[..last_slash + i],
            tag: Some(&rest[last_slash + i + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

fn rewrite(image: &str, rule: &Image) -> Option<String> {
    let r = parse(image);
    if r.name != rule.name {
        return None;
    }
    let name = rule.new_name.as_deref().unwrap_or(r.name);
    let new_tag = rule.new_tag.as_ref().and_then(scalar_text);
    let mut out = name.to_string();
    if let Some(d) = &rule.digest {
        out.push('@');
        out.push_str(d);
        return Some(out);
    }
    match (&new_tag, &rule.tag_suffix) {
        (Some(t), _) => {
            out.push(':');
            out.push_str(t);
        }
        (None, Some(suffix)) => {
            out.push(':');
            out.push_str(r.tag.unwrap_or(""));
            out.push_str(suffix);
            out.push_str(suffix);
        }
        (None, None) => {
            if let Some(t) = r.tag {
                out.push(':');
                out.push_str(t);
            }
            if let Some(d) = r.digest {
                out.push('@');
                out.push_str(d);
            }
        }
    }
    Some(out)
}

/// Visits every container list below `v`.
fn each_container(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if (k == "containers" || k == "initContainers") && child.is_array() {
                    for c in child.as_array_mut().unwrap() {
                        f(c);
                    }
                } else {
                    each_container(child, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| each_container(i, f)),
        _ => {}
    }
}

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    if k.k.images.is_empty() && k.k.image_tags.is_empty() {
        return Ok(());
    }
    let rules: Vec<&Image> = k.k.images.iter().chain(k.k.image_tags.iter()).collect();
    for obj in objs
        .iter_mut()
        .filter(|o| o.kind() != "CustomResourceDefinition")
    {
        each_container(&mut obj.value, &mut |c| {
            let Some(image) = c.get("image").and_then(Value::as_str).map(str::to_string) else {
                return;
            };
            if let Some(new) = rules.iter().find_map(|r| rewrite(&image, r)) {
                c["image"] = Value::String(new);
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registry_ports_and_digests() {
        assert_eq!(
            parse("reg:5000/app:1.0"),
            ImageRef {
                name: "reg:5000/app",
                tag: Some("1.0"),
                digest: None
            }
        );
        assert_eq!(
            parse("app@sha256:abc"),
            ImageRef {
                name: "app",
                tag: None,
                digest: Some("sha256:abc")
            }
        );
        assert_eq!(
            parse("reg:5000/app"),
            ImageRef {
                name: "reg:5000/app",
                tag: None,
                digest: None
            }
        );
    }

    #[test]
    fn rewrites_like_kustomize() {
        let rule = Image {
            name: "app".into(),
            new_name: Some("reg/app".into()),
            new_tag: Some(Value::from("2")),
            ..Default::default()
        };
        assert_eq!(rewrite("app:1", &rule).as_deref(), Some("reg/app:2"));
        let rule = Image {
            name: "app".into(),
            digest: Some("sha256:x".into()),
            ..Default::default()
        };
        assert_eq!(rewrite("app:1", &rule).as_deref(), Some("app@sha256:x"));
        assert_eq!(rewrite("other:1", &rule), None);
    }
}
