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

/// Splits as kustomize does: a registry host (before the first `/`) may hold a `:port`.
fn parse(image: &str) -> ImageRef<'_> {
    let start = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[start..];
    let at = search.find('@').map(|i| i + start);
    let colon = search.find(':').map(|i| i + start);
    match (colon, at) {
        (None, None) => ImageRef {
            name: image,
            tag: None,
            digest: None,
        },
        (c, Some(d)) if c.is_none_or(|c| d < c) => ImageRef {
            name: &image[..d],
            tag: None,
            digest: Some(&image[d + 1..]),
        },
        (Some(c), Some(d)) => ImageRef {
            name: &image[..c],
            tag: Some(&image[c + 1..d]),
            digest: Some(&image[d + 1..]),
        },
        (Some(c), None) => ImageRef {
            name: &image[..c],
            tag: Some(&image[c + 1..]),
            digest: None,
        },
        (None, Some(_)) => unreachable!("handled above"),
    }
}

/// kustomize matches `images[].name` as an anchored regular expression, optionally followed by a
/// tag and a digest; a name that is not a valid expression matches nothing.
fn matcher(name: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!(
        "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$"
    ))
    .ok()
}

fn rewrite(image: &str, rule: &Image, re: &regex::Regex) -> Option<String> {
    if !re.is_match(image) {
        return None;
    }
    let r = parse(image);
    let name = rule
        .new_name
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or(r.name);
    let new_tag = rule
        .new_tag
        .as_ref()
        .and_then(scalar_text)
        .filter(|t| !t.is_empty());
    let digest_rule = rule.digest.as_deref().filter(|d| !d.is_empty());
    let suffix = rule.tag_suffix.as_deref().filter(|s| !s.is_empty());
    let (tag, digest): (Option<String>, Option<&str>) = match (&new_tag, digest_rule, suffix) {
        (Some(t), Some(d), _) => (Some(t.clone()), Some(d)),
        (Some(t), None, _) => (Some(t.clone()), None),
        (None, Some(d), _) => (None, Some(d)),
        (None, None, Some(sfx)) => (Some(format!("{}{sfx}", r.tag.unwrap_or(""))), None),
        (None, None, None) => (r.tag.map(str::to_string), r.digest),
    };
    let mut out = name.to_string();
    if let Some(t) = tag.filter(|t| !t.is_empty()) {
        out.push(':');
        out.push_str(&t);
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(d);
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
    let rules: Vec<(&Image, regex::Regex)> =
        k.k.images
            .iter()
            .chain(k.k.image_tags.iter())
            .filter_map(|r| matcher(&r.name).map(|re| (r, re)))
            .collect();
    for obj in objs
        .iter_mut()
        .filter(|o| o.kind() != "CustomResourceDefinition")
    {
        each_container(&mut obj.value, &mut |c| {
            let Some(image) = c.get("image").and_then(Value::as_str).map(str::to_string) else {
                return;
            };
            // kustomize 5.7 runs the image update twice over containers (visible with tagSuffix,
            // which it appends twice); every other change is idempotent.
            let once = rules.iter().find_map(|(r, re)| rewrite(&image, r, re));
            if let Some(new) = once {
                let twice = rules
                    .iter()
                    .find_map(|(r, re)| rewrite(&new, r, re))
                    .unwrap_or(new);
                c["image"] = Value::String(twice);
            }
        });
    }
    // `configurations:` image fields outside the container lists.
    let walk = crate::overlay::fieldpath::Walk {
        create: false,
        implicit_lists: true,
    };
    for spec in &k.cfg.images {
        let p = spec.path.replace("[]", "");
        if p.ends_with("containers/image") || p.ends_with("Containers/image") {
            continue;
        }
        let segs = crate::overlay::fieldpath::parse_slash(&spec.path);
        for obj in objs
            .iter_mut()
            .filter(|o| crate::overlay::config::selects(spec, o))
        {
            let _ =
                crate::overlay::fieldpath::visit_mut::<()>(&mut obj.value, &segs, walk, &mut |v| {
                    if let Some(image) = v.as_str().map(str::to_string) {
                        if let Some(new) = rules.iter().find_map(|(r, re)| rewrite(&image, r, re)) {
                            *v = Value::String(new);
                        }
                    }
                    Ok(())
                });
        }
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
        let apply = |image: &str, rule: &Image| rewrite(image, rule, &matcher(&rule.name).unwrap());
        let rule = Image {
            name: "app".into(),
            new_name: Some("reg/app".into()),
            new_tag: Some(Value::from("2")),
            ..Default::default()
        };
        assert_eq!(apply("app:1", &rule).as_deref(), Some("reg/app:2"));
        let rule = Image {
            name: "app".into(),
            digest: Some("sha256:x".into()),
            ..Default::default()
        };
        assert_eq!(apply("app:1", &rule).as_deref(), Some("app@sha256:x"));
        assert_eq!(apply("other:1", &rule), None);
        let rule = Image {
            name: "busybox@sha256:aaaa".into(),
            new_tag: Some(Value::from("1.0")),
            ..Default::default()
        };
        assert_eq!(
            apply("busybox@sha256:aaaa", &rule).as_deref(),
            Some("busybox:1.0")
        );
    }
}
