//! `image-tag`: images pinned to a tag other than `latest`, or a digest.

use super::Sink;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;

/// The tag of an image reference (`None` when untagged); digests count as pinned.
fn problem(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some("has no tag, so it means :latest"),
        Some((_, "latest")) => Some("uses the :latest tag"),
        Some(_) => None,
    }
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        for c in pod.containers() {
            let image = str_of(c.value, "image");
            if image.is_empty() {
                continue;
            }
            if let Some(p) = problem(image) {
                sink.object(
                    i,
                    format!("{}.image", c.path),
                    format!("image `{image}` of container `{}` {p}, which changes under you: pin a version tag or an @sha256 digest", c.name),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn tags() {
        assert!(problem("nginx").is_some());
        assert!(problem("nginx:latest").is_some());
        assert!(problem("registry:5000/team/app").is_some());
        assert!(problem("registry:5000/team/app:1.2").is_none());
        assert!(problem("nginx@sha256:abc").is_none());
        assert!(problem("nginx:1.27").is_none());
    }
}
